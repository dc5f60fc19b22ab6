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

fn service_account(id: &str) -> crest_domain::store::NewAccount {
    crest_domain::store::NewAccount {
        id: AccountId::parse(id).expect("valid"),
        kind: AccountKind::ServiceAccount,
        active: true,
        description: "a robot".into(),
        permissions: [Permission::AgentManagement].into_iter().collect(),
        now: 5,
    }
}

#[tokio::test]
async fn service_accounts_join_their_group_and_change() {
    use crest_domain::group::SERVICE_ACCOUNTS_GROUP_ID;
    use crest_domain::store::AccountChange;
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let new = service_account("sa::robot");
        assert!(store.create_account(&new).await.expect("create"));
        assert!(
            !store.create_account(&new).await.expect("create twice"),
            "ids are unique"
        );
        let created = store.account(&new.id).await.expect("read").expect("found");
        assert_eq!(created.groups, [SERVICE_ACCOUNTS_GROUP_ID]);

        let change = AccountChange {
            active: Some(false),
            description: None,
            permissions: Some(PermissionSet::EMPTY),
        };
        assert!(
            store
                .update_account(&new.id, &change, 6)
                .await
                .expect("update")
        );
        let got = store.account(&new.id).await.expect("read").expect("found");
        assert!(!got.active);
        assert_eq!(got.description, "a robot", "unchanged fields stay");
        assert_eq!(got.permissions, PermissionSet::EMPTY);

        assert!(
            store
                .set_permission(&new.id, Permission::HostTagManagement, true, 7)
                .await
                .expect("grant")
        );
        assert!(
            store
                .set_permission(&new.id, Permission::HostTagManagement, true, 7)
                .await
                .expect("again")
        );
        let got = store.account(&new.id).await.expect("read").expect("found");
        assert_eq!(
            got.permissions,
            [Permission::HostTagManagement].into_iter().collect()
        );
        assert!(
            store
                .set_permission(&new.id, Permission::HostTagManagement, false, 8)
                .await
                .expect("revoke")
        );
        let missing = AccountId::parse("sa::nobody").expect("valid");
        assert!(
            !store
                .set_permission(&missing, Permission::Ingestion, true, 8)
                .await
                .expect("no account")
        );
        assert_eq!(
            store
                .accounts_of_kind(AccountKind::ServiceAccount)
                .await
                .expect("list")
                .len(),
            1
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn tokens_are_limited_renamed_revoked_and_deleted_with_their_account() {
    use crest_domain::store::{NewToken, TokenCreated};
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let rng = SequenceRandom::new(8);
        let sa = service_account("sa::holder");
        store.create_account(&sa).await.expect("create");
        let mut secrets = Vec::new();
        for i in 0..3 {
            let secret = ApiTokenSecret::generate(&rng).expect("token");
            let token = NewToken {
                id: TokenId::generate(&rng).expect("id"),
                digest: secret.digest(),
                account: sa.id.clone(),
                name: format!("t{i}"),
                now: 10 + i,
                sealed: (i == 0).then(|| vec![7u8; 40]),
            };
            assert_eq!(
                store.create_token(&token, 3).await.expect("create"),
                TokenCreated::Created
            );
            secrets.push(secret);
        }
        let fourth = NewToken {
            id: TokenId::generate(&rng).expect("id"),
            digest: ApiTokenSecret::generate(&rng).expect("token").digest(),
            account: sa.id.clone(),
            name: "t3".into(),
            now: 20,
            sealed: None,
        };
        assert_eq!(
            store.create_token(&fourth, 3).await.expect("create"),
            TokenCreated::LimitReached
        );
        let sealed: Vec<_> = store
            .tokens_of(&sa.id)
            .await
            .expect("list")
            .into_iter()
            .map(|t| t.sealed)
            .collect();
        assert_eq!(
            sealed,
            vec![Some(vec![7u8; 40]), None, None],
            "sealed copies round-trip"
        );
        let listed = store.tokens_of(&sa.id).await.expect("list");
        assert_eq!(
            listed.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["t0", "t1", "t2"]
        );

        let renamed = store
            .rename_token(&sa.id, listed[0].id, "renamed")
            .await
            .expect("rename");
        assert_eq!(renamed.map(|t| t.name).as_deref(), Some("renamed"));
        assert!(
            store
                .revoke_token(&sa.id, listed[0].id, 30)
                .await
                .expect("revoke")
        );
        assert!(
            !store
                .revoke_token(&sa.id, listed[0].id, 31)
                .await
                .expect("revoke twice")
        );
        assert!(
            store
                .rename_token(&sa.id, listed[0].id, "x")
                .await
                .expect("rename")
                .is_none()
        );
        assert!(
            store
                .token_owner(&secrets[0].digest())
                .await
                .expect("read")
                .expect("kept")
                .revoked
        );
        assert_eq!(
            store.create_token(&fourth, 3).await.expect("create"),
            TokenCreated::Created,
            "a place freed up"
        );

        assert!(store.delete_account(&sa.id).await.expect("delete"));
        assert!(
            store
                .token_owner(&secrets[1].digest())
                .await
                .expect("read")
                .is_none(),
            "tokens go with the account"
        );
        assert!(!store.delete_account(&sa.id).await.expect("delete twice"));
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn permissions_unite_through_roles_and_groups() {
    use crest_domain::group::{NewGroup, SERVICE_ACCOUNTS_GROUP_ID};
    use crest_domain::role::{NewRole, RoleChange};
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let sa = service_account("sa::member");
        store.create_account(&sa).await.expect("create");
        let role = |id: &str, name: &str, p: Permission| NewRole {
            id: id.into(),
            name: name.into(),
            description: String::new(),
            permissions: [p].into_iter().collect(),
            now: 1,
            by: "test".into(),
        };
        assert!(
            store
                .create_role(&role("r1", "direct", Permission::AlertsManagement))
                .await
                .expect("role")
        );
        assert!(
            store
                .create_role(&role("r2", "via-group", Permission::EventsManagement))
                .await
                .expect("role")
        );
        assert!(
            !store
                .create_role(&role("r3", "direct", Permission::Ingestion))
                .await
                .expect("dup"),
            "names are unique"
        );
        let group = NewGroup {
            id: "g1".into(),
            name: "ops".into(),
            description: String::new(),
            roles: vec!["r2".into()],
            now: 1,
        };
        assert!(store.create_group(&group).await.expect("group"));

        store
            .set_role_assignees("r1", std::slice::from_ref(&sa.id), &[], true)
            .await
            .expect("assign");
        store
            .set_group_members("g1", std::slice::from_ref(&sa.id), true)
            .await
            .expect("join");
        let got = store.account(&sa.id).await.expect("read").expect("found");
        let expected: PermissionSet = [
            Permission::AgentManagement,
            Permission::AlertsManagement,
            Permission::EventsManagement,
        ]
        .into_iter()
        .collect();
        assert_eq!(got.united_permissions, expected);
        assert_eq!(got.roles, ["r1"]);
        assert_eq!(got.united_roles, ["r1", "r2"]);
        assert_eq!(got.groups, [SERVICE_ACCOUNTS_GROUP_ID, "g1"]);

        let role_now = store.role("r1").await.expect("read").expect("found");
        assert_eq!(role_now.accounts, ["sa::member"]);
        let change = RoleChange {
            permissions: Some([Permission::DashboardManagement].into_iter().collect()),
            ..RoleChange::default()
        };
        assert!(
            store
                .update_role("r1", &change, 2, "test")
                .await
                .expect("update")
        );
        let got = store.account(&sa.id).await.expect("read").expect("found");
        assert!(
            got.united_permissions
                .contains(Permission::DashboardManagement)
        );
        assert!(
            !got.united_permissions
                .contains(Permission::AlertsManagement)
        );

        store
            .set_group_members("g1", std::slice::from_ref(&sa.id), false)
            .await
            .expect("leave");
        assert!(store.delete_role("r1").await.expect("delete"));
        let got = store.account(&sa.id).await.expect("read").expect("found");
        assert_eq!(
            got.united_permissions,
            [Permission::AgentManagement].into_iter().collect()
        );
        assert!(got.roles.is_empty());
        assert!(store.delete_group("g1").await.expect("delete"));
        assert_eq!(
            store.groups().await.expect("groups").len(),
            2,
            "the system groups remain"
        );
        assert_eq!(store.roles().await.expect("roles").len(), 1);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn passwords_and_invitations_are_kept_as_digests_and_end_once_used() {
    use crest_domain::invite::InviteRecord;
    use crest_domain::secret::RandomSecret;
    use crest_domain::store::NewAccount;

    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let rng = SequenceRandom::new(9);
        let id = AccountId::parse("invited@example.com").expect("valid");
        assert!(
            store
                .create_account(&NewAccount {
                    id: id.clone(),
                    kind: AccountKind::User,
                    active: true,
                    description: String::new(),
                    permissions: PermissionSet::EMPTY,
                    now: 1,
                })
                .await
                .expect("create")
        );
        assert_eq!(store.password_hash(&id).await.expect("read"), None);
        assert!(
            store
                .set_password_hash(&id, Some("$argon2id$x"), 2)
                .await
                .expect("set")
        );
        assert_eq!(
            store.password_hash(&id).await.expect("read").as_deref(),
            Some("$argon2id$x")
        );
        let nobody = AccountId::parse("nobody@example.com").expect("valid");
        assert!(
            !store
                .set_password_hash(&nobody, Some("h"), 2)
                .await
                .expect("set")
        );

        let invite = |created_ms| InviteRecord {
            account: id.clone(),
            invited_by: "admin@example.com".into(),
            created_ms,
            expires_ms: created_ms + 100,
        };
        let first = RandomSecret::generate(&rng).expect("secret");
        let second = RandomSecret::generate(&rng).expect("secret");
        store
            .put_invite(&invite(10), &first.digest())
            .await
            .expect("put");
        store
            .put_invite(&invite(20), &second.digest())
            .await
            .expect("replace");
        let pending = store.invites().await.expect("list");
        assert_eq!(pending, vec![invite(20)]);
        // The replaced link is gone; the new one works once, before it expires.
        assert_eq!(
            store.take_invite(&first.digest(), 30).await.expect("take"),
            None
        );
        assert_eq!(
            store.take_invite(&second.digest(), 30).await.expect("take"),
            Some(id.clone())
        );
        assert_eq!(
            store.take_invite(&second.digest(), 30).await.expect("take"),
            None
        );
        // An expired link is refused, and removed.
        store
            .put_invite(&invite(40), &first.digest())
            .await
            .expect("put");
        assert_eq!(
            store.take_invite(&first.digest(), 140).await.expect("take"),
            None
        );
        assert!(store.invites().await.expect("list").is_empty());
        // Deleting the account ends its invitation.
        store
            .put_invite(&invite(50), &first.digest())
            .await
            .expect("put");
        assert!(store.delete_account(&id).await.expect("delete"));
        assert!(store.invites().await.expect("list").is_empty());
        store.close().await;
    })
    .await;
}
