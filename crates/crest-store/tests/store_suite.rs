//! The store test suite: every case runs against SQLite and against PostgreSQL.
//!
//! PostgreSQL cases each get a database of their own from `crest-testkit` (see there for which
//! server, and for what happens when none answers).

#![allow(clippy::expect_used, reason = "test code")]

use std::future::Future;

use crest_domain::account::{AccountId, AccountKind};
use crest_domain::bootstrap::{BootstrapSettings, bootstrap};
use crest_domain::clock::ManualClock;
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::random::SequenceRandom;
use crest_domain::store::{BootstrapApplied, BootstrapPlan, Store};
use crest_domain::token::{ApiTokenSecret, TokenId};
use crest_store::{SqlStore, StoreLocation};
use crest_testkit::PgTestDb;

/// Runs `case` on a fresh SQLite store and a fresh PostgreSQL store. The case receives the
/// location, so that it can open the same store twice.
async fn on_both<F, Fut>(case: F)
where
    F: Fn(StoreLocation) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("a temp dir");
    case(StoreLocation::Sqlite {
        data_dir: dir.path().join("data"),
    })
    .await;
    if let Some(db) = PgTestDb::create().await {
        case(StoreLocation::Postgres {
            url: db.url.clone(),
        })
        .await;
        db.drop_db().await;
    }
}

fn plan(
    admin: &str,
    token: &ApiTokenSecret,
    only_if_empty: bool,
    rng: &SequenceRandom,
) -> BootstrapPlan {
    BootstrapPlan {
        admin: AccountId::parse(admin).expect("valid"),
        permissions: PermissionSet::all(),
        token_id: TokenId::generate(rng).expect("id"),
        token_digest: token.digest(),
        token_name: "bootstrap".into(),
        now: 1_700_000_000_000,
        only_if_empty,
    }
}

#[tokio::test]
async fn bootstrap_is_idempotent_and_replaces_its_token() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let rng = SequenceRandom::new(1);
        let first = ApiTokenSecret::generate(&rng).expect("token");
        let second = ApiTokenSecret::generate(&rng).expect("token");

        let p = plan("admin@example.com", &first, false, &rng);
        assert_eq!(
            store.apply_bootstrap(&p).await.expect("apply"),
            BootstrapApplied::Created
        );
        assert_eq!(
            store.apply_bootstrap(&p).await.expect("apply"),
            BootstrapApplied::Unchanged
        );

        let owner = store
            .token_owner(&first.digest())
            .await
            .expect("read")
            .expect("found");
        assert_eq!(owner.account.id.as_str(), "admin@example.com");
        assert_eq!(owner.account.kind, AccountKind::User);
        assert!(owner.account.super_admin && owner.account.active && !owner.revoked);
        assert_eq!(owner.account.permissions, PermissionSet::all());

        let p2 = plan("admin@example.com", &second, false, &rng);
        assert_eq!(
            store.apply_bootstrap(&p2).await.expect("apply"),
            BootstrapApplied::TokenReplaced
        );
        let old = store
            .token_owner(&first.digest())
            .await
            .expect("read")
            .expect("kept");
        assert!(old.revoked, "the previous bootstrap token is revoked");
        let new = store
            .token_owner(&second.digest())
            .await
            .expect("read")
            .expect("found");
        assert!(!new.revoked);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn first_start_bootstrap_only_on_an_empty_store() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let rng = SequenceRandom::new(2);
        let clock = ManualClock::new(1_700_000_000_000);
        let outcome = bootstrap(&store, &clock, &rng, None)
            .await
            .expect("bootstrap");
        assert_eq!(outcome.applied, BootstrapApplied::Created);
        let token = outcome
            .first_start_token
            .expect("credentials are handed out once");
        assert!(
            store
                .token_owner(&token.digest())
                .await
                .expect("read")
                .is_some()
        );

        let again = bootstrap(&store, &clock, &rng, None)
            .await
            .expect("bootstrap");
        assert_eq!(again.applied, BootstrapApplied::Skipped);
        assert!(again.first_start_token.is_none());
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn unknown_digests_find_nothing() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let stranger =
            ApiTokenSecret::parse("0a1b2c3d-0000-4000-8000-000000000000").expect("valid");
        assert!(
            store
                .token_owner(&stranger.digest())
                .await
                .expect("read")
                .is_none()
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn accounts_list_in_pages() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let rng = SequenceRandom::new(3);
        for name in ["c@example.com", "a@example.com", "b@example.com"] {
            let t = ApiTokenSecret::generate(&rng).expect("token");
            store
                .apply_bootstrap(&plan(name, &t, false, &rng))
                .await
                .expect("apply");
        }
        let page = store.list_accounts(0, 2).await.expect("list");
        assert_eq!(page.total, 3);
        let ids: Vec<_> = page
            .items
            .iter()
            .map(|a| a.id.as_str().to_owned())
            .collect();
        assert_eq!(ids, ["a@example.com", "b@example.com"]);
        assert!(
            page.items[0]
                .permissions
                .contains(Permission::UserManagement)
        );
        let rest = store.list_accounts(2, 2).await.expect("list");
        assert_eq!(rest.items.len(), 1);
        assert!(
            store
                .list_accounts(10, 2)
                .await
                .expect("list")
                .items
                .is_empty()
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn writes_survive_reopening() {
    on_both(|loc| async move {
        let settings =
            BootstrapSettings::new("root@example.com", "0a1b2c3d-0000-4000-8000-0000000000aa")
                .expect("valid");
        {
            let store = SqlStore::open(&loc).await.expect("open");
            let rng = SequenceRandom::new(4);
            bootstrap(&store, &ManualClock::new(1), &rng, Some(&settings))
                .await
                .expect("bootstrap");
            store.close().await;
        }
        let store = SqlStore::open(&loc).await.expect("reopen");
        let owner = store
            .token_owner(&settings.token.digest())
            .await
            .expect("read")
            .expect("kept");
        assert_eq!(owner.account.id.as_str(), "root@example.com");
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn two_handles_bootstrap_concurrently() {
    on_both(|loc| async move {
        let a = SqlStore::open(&loc).await.expect("open");
        let b = SqlStore::open(&loc)
            .await
            .expect("open twice, as a second process would");
        let settings =
            BootstrapSettings::new("root@example.com", "0a1b2c3d-0000-4000-8000-0000000000bb")
                .expect("valid");
        let (ra, rb) = (SequenceRandom::new(5), SequenceRandom::new(6));
        let clock = ManualClock::new(1);
        let (x, y) = tokio::join!(
            bootstrap(&a, &clock, &ra, Some(&settings)),
            bootstrap(&b, &clock, &rb, Some(&settings))
        );
        let mut outcomes = [x.expect("a").applied, y.expect("b").applied];
        outcomes.sort_by_key(|o| *o == BootstrapApplied::Unchanged);
        assert_eq!(
            outcomes,
            [BootstrapApplied::Created, BootstrapApplied::Unchanged]
        );
        a.close().await;
        b.close().await;
    })
    .await;
}
