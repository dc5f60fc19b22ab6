//! Reading user groups.

use crest_domain::account::AccountId;
use crest_domain::group::GroupRef;
use crest_domain::store::StoreError;

use crate::db::with_pool;
use crate::error::store_error;
use crate::sql_store::SqlStore;

impl SqlStore {
    pub(crate) async fn account_groups(&self, id: &AccountId) -> Result<Vec<GroupRef>, StoreError> {
        let rows: Vec<(String, String, String)> = with_pool!(&self.db, read, |pool, dialect| {
            sqlx::query_as(
                "SELECT g.id, g.name, g.description FROM user_groups g \
                 JOIN user_group_members m ON m.group_id = g.id WHERE m.account_id = $1 ORDER BY g.name",
            )
            .bind(id.as_str())
            .fetch_all(pool)
            .await
            .map_err(store_error)?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, description)| GroupRef {
                id,
                name,
                description,
            })
            .collect())
    }
}
