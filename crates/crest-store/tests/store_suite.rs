//! The store test suite: every case runs against SQLite and against PostgreSQL.
//!
//! PostgreSQL cases each get a database of their own from `crest-testkit` (see there for which
//! server, and for what happens when none answers).

#![expect(
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::future::Future;

use crest_domain::account::{AccountId, AccountKind};
use crest_domain::alert::{
    Acl, AlertRecord, AlertRuntime, AlertState, AlertStore, MAX_VERSIONS, Severity,
    SourceLabelPair, TargetDirectory, TargetInfo,
};
use crest_domain::bootstrap::{BootstrapSettings, bootstrap};
use crest_domain::clock::{EpochMillis, ManualClock};
use crest_domain::cloud_integration::{
    CloudIntegrationChange, CloudIntegrationRecord, CloudIntegrationStore,
};
use crest_domain::dashboard::{DashboardRecord, DashboardStore};
use crest_domain::derived::{DerivedMetricStore, DerivedRecord, DerivedRuntime, DerivedState};
use crest_domain::event::{AUTO_CLOSE_MS, EventOrigin, EventQuery, EventRecord, EventStore};
use crest_domain::maintenance::{MaintenanceWindowRecord, MaintenanceWindowStore, WindowSpec};
use crest_domain::notificant::{Method, NotificantRecord, NotificantStore, Route};
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::proxy::{CheckInFields, ProxyStore};
use crest_domain::random::SequenceRandom;
use crest_domain::source::{
    MAX_TAGS_PER_SOURCE, SourceChange, SourceCondition, SourceField, SourceQuery, SourceRecord,
    SourceStore, TagChange, TextMatch, fold,
};
use crest_domain::source_tag::SourceTag;
use crest_domain::store::traits::*;
use crest_domain::store::{BootstrapApplied, BootstrapPlan};
use crest_domain::token::{ApiTokenSecret, TokenId};
use crest_domain::trash::{RETENTION_MS, TrashKind, TrashStore};
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

fn tag(raw: &str) -> SourceTag {
    SourceTag::parse(raw).expect("a valid tag")
}

fn source_record(
    id: &str,
    description: Option<&str>,
    tags: &[&str],
    at: EpochMillis,
) -> SourceRecord {
    SourceRecord {
        id: id.to_owned(),
        description: description.map(str::to_owned),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        created_ms: at,
        creator: "alice@example.com".into(),
        updated_ms: at,
        updater: "alice@example.com".into(),
        marked_new_ms: None,
    }
}

fn sorted(mut record: SourceRecord) -> SourceRecord {
    record.tags.sort();
    record
}

#[tokio::test]
async fn sources_keep_their_metadata() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let mut original = source_record(
            "web-01",
            Some("Front end"),
            &["tier.frontend", "env.prod", "Team.Core"],
            10,
        );
        original.marked_new_ms = Some(5);
        assert!(store.create_source(&original).await.expect("create"));
        let expected = sorted(original.clone());
        assert_eq!(expected.tags, ["Team.Core", "env.prod", "tier.frontend"]);
        assert_eq!(
            store.source("web-01").await.expect("read"),
            Some(expected.clone())
        );

        // A second create of the same id changes nothing.
        let mut again = source_record("web-01", Some("Other"), &["env.dev"], 11);
        again.creator = "bob@example.com".into();
        assert!(!store.create_source(&again).await.expect("create"));
        assert_eq!(
            store.source("web-01").await.expect("read"),
            Some(expected.clone())
        );

        let update = |change: SourceChange, now: EpochMillis, by: &'static str| {
            let store = &store;
            async move {
                store
                    .update_source("web-01", &change, now, by)
                    .await
                    .expect("update")
                    .expect("the source exists")
            }
        };
        let tags_only = |tags: TagChange| SourceChange {
            description: None,
            tags,
        };

        // Replace: the tags become exactly these; the rest stays, but the update is recorded.
        let got = update(
            tags_only(TagChange::Replace(vec![tag("env.dev"), tag("Alpha")])),
            20,
            "bob@example.com",
        )
        .await;
        assert_eq!(got.tags, ["Alpha", "env.dev"]);
        assert_eq!(got.description.as_deref(), Some("Front end"));
        assert_eq!(
            (got.created_ms, got.creator.as_str()),
            (10, "alice@example.com")
        );
        assert_eq!(
            (got.updated_ms, got.updater.as_str()),
            (20, "bob@example.com")
        );
        assert_eq!(got.marked_new_ms, Some(5));
        assert_eq!(store.source("web-01").await.expect("read"), Some(got));

        // Add: a new tag joins; an existing one is not doubled, whatever its case (tags are
        // unique per source ignoring case, as search reads them).
        let got = update(tags_only(TagChange::Add(tag("zeta.one"))), 21, "carol").await;
        assert_eq!(got.tags, ["Alpha", "env.dev", "zeta.one"]);
        let got = update(tags_only(TagChange::Add(tag("env.dev"))), 22, "carol").await;
        assert_eq!(got.tags, ["Alpha", "env.dev", "zeta.one"]);
        assert_eq!((got.updated_ms, got.updater.as_str()), (22, "carol"));
        let got = update(tags_only(TagChange::Add(tag("ENV.dev"))), 23, "carol").await;
        assert_eq!(got.tags, ["Alpha", "env.dev", "zeta.one"]);

        // Remove: the tag in any case; an absent one is a no-op.
        let got = update(tags_only(TagChange::Remove("absent".into())), 24, "dave").await;
        assert_eq!(got.tags, ["Alpha", "env.dev", "zeta.one"]);
        assert_eq!((got.updated_ms, got.updater.as_str()), (24, "dave"));
        let got = update(tags_only(TagChange::Remove("alpha".into())), 25, "dave").await;
        assert_eq!(got.tags, ["env.dev", "zeta.one"]);
        let got = update(tags_only(TagChange::Add(tag("ENV.dev"))), 26, "dave").await;
        assert_eq!(got.tags, ["env.dev", "zeta.one"]);
        let got = update(tags_only(TagChange::Keep), 27, "dave").await;
        assert_eq!(got.tags, ["env.dev", "zeta.one"]);

        // The description: set, kept, removed.
        let describe = |description: Option<Option<&str>>| SourceChange {
            description: description.map(|d| d.map(str::to_owned)),
            tags: TagChange::Keep,
        };
        let got = update(describe(Some(Some("Back end"))), 30, "erin").await;
        assert_eq!(got.description.as_deref(), Some("Back end"));
        assert_eq!(got.tags, ["env.dev", "zeta.one"]);
        let got = update(describe(None), 31, "erin").await;
        assert_eq!(got.description.as_deref(), Some("Back end"));
        assert_eq!((got.updated_ms, got.updater.as_str()), (31, "erin"));
        let got = update(describe(Some(None)), 32, "frank").await;
        assert_eq!(got.description, None);
        assert_eq!((got.updated_ms, got.updater.as_str()), (32, "frank"));
        // Both at once.
        let got = update(
            SourceChange {
                description: Some(Some("Both".into())),
                tags: TagChange::Replace(vec![tag("a.b")]),
            },
            33,
            "frank",
        )
        .await;
        assert_eq!(
            (got.description.as_deref(), got.tags.as_slice()),
            (Some("Both"), ["a.b".to_owned()].as_slice())
        );
        assert_eq!(
            store.source("web-01").await.expect("read"),
            Some(got.clone())
        );

        // An unknown source.
        assert_eq!(
            store
                .update_source("nope", &describe(Some(Some("x"))), 40, "frank")
                .await
                .expect("update"),
            None
        );
        assert_eq!(store.source("nope").await.expect("read"), None);
        assert_eq!(
            store.source("WEB-01").await.expect("read"),
            None,
            "ids keep their case"
        );

        // A delete returns what was there and takes the tags with it.
        assert_eq!(
            store.delete_source("web-01").await.expect("delete"),
            Some(got)
        );
        assert_eq!(store.source("web-01").await.expect("read"), None);
        assert_eq!(store.delete_source("web-01").await.expect("delete"), None);
        assert!(
            store
                .create_source(&source_record("web-01", None, &[], 50))
                .await
                .expect("create")
        );
        let back = store.source("web-01").await.expect("read").expect("found");
        assert!(
            back.tags.is_empty(),
            "the tags went with the source: {back:?}"
        );
        assert_eq!(back, source_record("web-01", None, &[], 50));
        store.close().await;
    })
    .await;
}

/// Sources of every kind a search distinguishes: names in mixed case, descriptions or none
/// (one holding LIKE's wildcards), tags on paths.
fn search_corpus() -> Vec<SourceRecord> {
    let mut out = Vec::new();
    let mut at = 1_000;
    let mut add = |id: &str, description: Option<&str>, tags: &[&str]| {
        at += 1;
        out.push(source_record(id, description, tags, at));
    };
    for i in 1..=12 {
        let env = match i % 4 {
            0 => "env.prod",
            1 => "env.prod.eu",
            2 => "env.dev",
            _ => "env.production",
        };
        let description = match i % 3 {
            0 => None,
            1 => Some("Front-end Web server"),
            _ => Some("WEB node, primary"),
        };
        let mut tags = vec![env, "tier.frontend"];
        if i % 5 == 0 {
            tags.push("Team.Core");
        }
        add(&format!("Web-{i:02}"), description, &tags);
    }
    for i in 1..=8 {
        let description = if i % 2 == 0 { Some("Primary DB") } else { None };
        let tags: &[&str] = match i % 3 {
            0 => &["env.prod", "tier.db", "team.core"],
            1 => &["env.dev", "tier.db"],
            _ => &[],
        };
        add(&format!("db-{i}"), description, tags);
    }
    add(
        "cache.eu-1",
        Some("100% _done_"),
        &["env.prod.eu", "tier.cache"],
    );
    add(
        "cache.eu-2",
        Some("100x done"),
        &["env.prod.eu", "tier.cache"],
    );
    add(
        "cache.us-1",
        Some("100% xdone"),
        &["env.prod.us", "tier.cache"],
    );
    add("Cache.US-2", Some("100%_done"), &["ENV.Prod", "tier.cache"]);
    add("webhook", Some("Calls the web"), &["app.hooks"]);
    add("web_x", None, &["env.prodx"]);
    add("web%1", Some("Percent host"), &["env"]);
    add(
        "API.gateway",
        Some("Gateway for the API"),
        &["tier.edge", "env.prod"],
    );
    add(
        "api-internal",
        Some("internal api"),
        &["tier.edge", "env.dev"],
    );
    add("zeta", Some("Zeta"), &["z:a", "Team.Core"]);
    add("Zulu", None, &["hidden"]);
    add("Ünïcode-Host", Some("Zürich ÉTÉ"), &["geo.ch"]);
    add("alpha", Some(""), &["env.prod.eu.west", "tier.frontend"]);
    add("beta", Some("env.prod in words"), &[]);
    add("gamma", None, &[]);
    add("delta", Some("Tier frontend"), &["tier.front"]);
    add("epsilon", Some("Team core"), &["team.core.sub"]);
    add("eta", None, &["env.dev", "env.prod"]);
    add("theta", Some("dev box"), &["env.dev.local"]);
    add("iota", Some("db-1 replica"), &["tier.db"]);
    out
}

/// How the store should read a query, in plain Rust.
fn model_holds(condition: &SourceCondition, source: &SourceRecord) -> bool {
    let (field, matching, values, negated) = match condition {
        SourceCondition::Constant(b) => return *b,
        SourceCondition::Text {
            field,
            matching,
            values,
            negated,
        } => (*field, *matching, values, *negated),
    };
    let matches = |text: &str, value: &str| {
        let text = fold(text);
        let value = fold(value);
        match matching {
            TextMatch::Contains => text.contains(&value),
            TextMatch::StartsWith => text.starts_with(&value),
            TextMatch::Exact => text == value,
            TextMatch::TagPath => {
                let path = value.trim_end_matches(".*").trim_end_matches('.');
                text == path || text.starts_with(&format!("{path}."))
            }
        }
    };
    let on_field = |field: SourceField, value: &str| match field {
        SourceField::Name => matches(&source.id, value),
        SourceField::Description => source
            .description
            .as_deref()
            .is_some_and(|d| matches(d, value)),
        SourceField::Tag => source.tags.iter().any(|t| matches(t, value)),
        SourceField::Any => unreachable!("expanded below"),
    };
    let any = values.iter().any(|v| match field {
        SourceField::Any => [
            SourceField::Name,
            SourceField::Description,
            SourceField::Tag,
        ]
        .into_iter()
        .any(|f| on_field(f, v)),
        f => on_field(f, v),
    });
    any != negated
}

/// The ids the model says every page of `query` (from its cursor on) holds, in order.
fn model_ids(corpus: &[SourceRecord], query: &SourceQuery) -> Vec<String> {
    let mut ids: Vec<String> = corpus
        .iter()
        .filter(|s| query.conditions.iter().all(|c| model_holds(c, s)))
        .map(|s| s.id.clone())
        .filter(|id| match &query.after {
            None => true,
            Some(after) if query.ascending => id > after,
            Some(after) => id < after,
        })
        .collect();
    ids.sort();
    if !query.ascending {
        ids.reverse();
    }
    ids
}

/// Reads every page of `query` from its cursor on, checking each page's shape and that every
/// source comes back whole.
async fn walk_pages(store: &SqlStore, corpus: &[SourceRecord], query: &SourceQuery) -> Vec<String> {
    let mut q = query.clone();
    let mut ids: Vec<String> = Vec::new();
    for _ in 0..=corpus.len() + 1 {
        let page = store.search_sources(&q).await.expect("search");
        assert!(
            page.items.len() <= q.limit as usize,
            "a page over its limit for {q:?}: {page:?}"
        );
        for item in &page.items {
            assert!(!ids.contains(&item.id), "{} repeats for {query:?}", item.id);
            let seeded = corpus
                .iter()
                .find(|s| s.id == item.id)
                .expect("a seeded source");
            assert_eq!(item, &sorted(seeded.clone()), "for {query:?}");
            ids.push(item.id.clone());
        }
        if !page.more {
            // Only a first page may be empty: a page before an empty one wrongly said more.
            assert!(
                !page.items.is_empty() || q.after == query.after,
                "the page before {q:?} said more follow, but none did"
            );
            return ids;
        }
        assert!(
            !page.items.is_empty(),
            "an empty page says more follow for {q:?}"
        );
        q.after = page.items.last().map(|s| s.id.clone());
    }
    panic!("the pages of {query:?} never end");
}

/// Checks that the store answers `query` as the model does, and that only the last page says
/// no more follow.
async fn check_search(store: &SqlStore, corpus: &[SourceRecord], query: &SourceQuery, loc: &str) {
    let expected = model_ids(corpus, query);
    let got = walk_pages(store, corpus, query).await;
    assert_eq!(got, expected, "{loc}: {query:?}");
    // `more` is false exactly on the last page: a page ending at the last match says so.
    if let Some(last) = expected.len().checked_sub(1) {
        let limit = u32::try_from(last + 1).expect("small");
        let all = store
            .search_sources(&SourceQuery {
                limit,
                ..query.clone()
            })
            .await
            .expect("search");
        assert!(!all.more, "{loc}: one page holds every match of {query:?}");
        assert_eq!(all.items.len(), expected.len());
        if last > 0 {
            let short = store
                .search_sources(&SourceQuery {
                    limit: limit - 1,
                    ..query.clone()
                })
                .await
                .expect("search");
            assert!(short.more, "{loc}: a match is left over for {query:?}");
        }
    }
}

async fn seeded_store(loc: &StoreLocation) -> (SqlStore, Vec<SourceRecord>) {
    let store = SqlStore::open(loc).await.expect("open");
    let corpus = search_corpus();
    for s in &corpus {
        assert!(store.create_source(s).await.expect("create"), "{}", s.id);
    }
    (store, corpus)
}

fn backend(loc: &StoreLocation) -> &'static str {
    match loc {
        StoreLocation::Sqlite { .. } => "sqlite",
        StoreLocation::Postgres { .. } => "postgres",
    }
}

fn text(
    field: SourceField,
    matching: TextMatch,
    values: &[&str],
    negated: bool,
) -> SourceCondition {
    SourceCondition::Text {
        field,
        matching,
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        negated,
    }
}

#[tokio::test]
async fn source_search_matches_conditions_on_both_stores() {
    use SourceField::{Any, Description, Name, Tag};
    use TextMatch::{Contains, Exact, StartsWith, TagPath};

    on_both(|loc| async move {
        let (store, corpus) = seeded_store(&loc).await;
        let table: Vec<(Vec<SourceCondition>, Option<&str>, bool, usize)> = vec![
            // (conditions, cursor, ascending, how many the model must find: a guard on the model)
            (vec![], None, true, corpus.len()),
            (vec![], None, false, corpus.len()),
            (
                vec![text(Name, StartsWith, &["web-"], false)],
                None,
                true,
                12,
            ),
            // Values are folded by the store itself, on both backends.
            (
                vec![text(Name, StartsWith, &["WEB-"], false)],
                None,
                true,
                12,
            ),
            (
                vec![text(Tag, TagPath, &["ENV.PROD"], false)],
                None,
                true,
                15,
            ),
            (
                vec![text(Description, Contains, &["PRIMARY"], false)],
                None,
                true,
                8,
            ),
            (
                vec![text(Name, StartsWith, &["web"], false)],
                None,
                true,
                15,
            ),
            (vec![text(Name, Contains, &["eu"], false)], None, true, 2),
            (vec![text(Name, Contains, &["_"], false)], None, true, 1),
            (vec![text(Name, Contains, &["%"], false)], None, true, 1),
            (
                vec![text(Name, Exact, &["cache.us-2"], false)],
                None,
                true,
                1,
            ),
            (vec![text(Name, Exact, &["db-"], false)], None, true, 0),
            (
                vec![text(Name, Contains, &["ünïcode"], false)],
                None,
                true,
                1,
            ),
            (vec![text(Tag, Exact, &["env.prod"], false)], None, true, 8),
            (vec![text(Tag, Exact, &["team.core"], false)], None, true, 5),
            (
                vec![text(Tag, TagPath, &["env.prod"], false)],
                None,
                true,
                15,
            ),
            (
                vec![text(Tag, TagPath, &["env.prod.*"], false)],
                None,
                true,
                15,
            ),
            (
                vec![text(Tag, TagPath, &["env.prod."], false)],
                None,
                true,
                15,
            ),
            (
                vec![text(Tag, TagPath, &["env.prod.eu"], false)],
                None,
                true,
                6,
            ),
            (vec![text(Tag, TagPath, &["env"], false)], None, true, 28),
            (
                vec![text(Tag, StartsWith, &["env.prod"], false)],
                None,
                true,
                19,
            ),
            (
                vec![text(Tag, TagPath, &["env.prod"], true)],
                None,
                true,
                corpus.len() - 15,
            ),
            (
                vec![text(Tag, Exact, &["tier.frontend"], true)],
                None,
                true,
                corpus.len() - 13,
            ),
            (
                vec![text(Description, Contains, &["100% _"], false)],
                None,
                true,
                1,
            ),
            (
                vec![text(Description, Contains, &["100%"], false)],
                None,
                true,
                3,
            ),
            (
                vec![text(Description, Contains, &["%_"], false)],
                None,
                true,
                1,
            ),
            (
                vec![text(Description, Contains, &["_done"], false)],
                None,
                true,
                2,
            ),
            (
                vec![text(Description, Contains, &["primary"], false)],
                None,
                true,
                8,
            ),
            (
                vec![text(Description, StartsWith, &["front-end"], false)],
                None,
                true,
                4,
            ),
            (
                vec![text(Description, Exact, &["primary db"], false)],
                None,
                true,
                4,
            ),
            (
                vec![text(Description, Contains, &["été"], false)],
                None,
                true,
                1,
            ),
            (
                vec![text(Description, Contains, &[""], false)],
                None,
                true,
                28,
            ),
            (
                vec![text(Description, Contains, &["web"], true)],
                None,
                true,
                corpus.len() - 9,
            ),
            (vec![text(Any, Contains, &["core"], false)], None, true, 6),
            (vec![text(Any, Contains, &["web"], false)], None, true, 15),
            (vec![text(Any, TagPath, &["tier.db"], false)], None, true, 6),
            (
                vec![text(Any, Exact, &["env.prod"], true)],
                None,
                true,
                corpus.len() - 8,
            ),
            (
                vec![
                    text(Name, StartsWith, &["web-"], false),
                    text(Tag, TagPath, &["env.prod"], false),
                ],
                None,
                true,
                6,
            ),
            (
                vec![
                    text(Tag, Exact, &["tier.db"], false),
                    text(Description, Contains, &["primary"], true),
                ],
                None,
                true,
                4,
            ),
            (
                vec![text(Name, StartsWith, &["db-", "cache.", "zeta"], false)],
                None,
                true,
                13,
            ),
            (
                vec![text(Tag, Exact, &["env.dev", "hidden"], false)],
                None,
                true,
                9,
            ),
            (vec![text(Name, Exact, &[], false)], None, true, 0),
            (vec![text(Name, Exact, &[], true)], None, true, corpus.len()),
            (vec![SourceCondition::Constant(false)], None, true, 0),
            (
                vec![SourceCondition::Constant(true)],
                None,
                true,
                corpus.len(),
            ),
            (
                vec![
                    SourceCondition::Constant(true),
                    text(Tag, TagPath, &["tier"], false),
                ],
                None,
                true,
                26,
            ),
            (
                vec![
                    SourceCondition::Constant(false),
                    text(Tag, TagPath, &["tier"], false),
                ],
                None,
                true,
                0,
            ),
            (
                vec![text(Name, StartsWith, &["web-"], false)],
                None,
                false,
                12,
            ),
            (
                vec![text(Name, StartsWith, &["web-"], false)],
                Some("Web-07"),
                false,
                6,
            ),
            (
                vec![text(Name, StartsWith, &["web-"], false)],
                Some("Web-07"),
                true,
                5,
            ),
            (
                vec![text(Tag, TagPath, &["env.prod"], false)],
                Some("d"),
                false,
                12,
            ),
            (vec![], Some("db-4"), true, 15),
            (vec![], Some("Web-"), false, 2),
            (vec![], Some("Zulu"), false, 14),
        ];
        for (conditions, after, ascending, count) in table {
            let query = SourceQuery {
                conditions,
                after: after.map(str::to_owned),
                limit: 3,
                ascending,
            };
            assert_eq!(
                model_ids(&corpus, &query).len(),
                count,
                "the model's count for {query:?}"
            );
            check_search(&store, &corpus, &query, backend(&loc)).await;
        }
        store.close().await;
    })
    .await;
}

/// Random queries over the corpus: the store (each backend, seeded once) answers as the model.
#[test]
fn random_source_searches_agree_with_the_model() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let fragments = vec![
        "",
        "web",
        "web-",
        "web-0",
        "web-1",
        "db",
        "db-",
        "db-1",
        "cache",
        "cache.",
        "cache.eu",
        "eu",
        "us",
        "env",
        "env.",
        "env.*",
        "env.prod",
        "env.prod.*",
        "env.prod.",
        "env.prod.eu",
        "env.production",
        "env.dev",
        "prod",
        "tier",
        "tier.frontend",
        "tier.front",
        "team.core",
        "core",
        "100% _",
        "100%",
        "%",
        "_",
        "_done",
        "primary",
        "primary db",
        "server",
        "e",
        "z",
        "zulu",
        "hidden",
        "api",
        "été",
        "ünïcode-host",
        ".",
        "*",
    ];
    let cursors = vec![
        "",
        "a",
        "db-4",
        "Web-",
        "Web-06",
        "web",
        "zeta",
        "Zulu",
        "m",
        "cache.eu-1",
        "\u{10FFFF}",
    ];
    let field = prop_oneof![
        Just(SourceField::Name),
        Just(SourceField::Description),
        Just(SourceField::Tag),
        Just(SourceField::Any),
    ];
    let matching = prop_oneof![
        Just(TextMatch::Contains),
        Just(TextMatch::StartsWith),
        Just(TextMatch::Exact),
        Just(TextMatch::TagPath),
    ];
    let value = prop::sample::select(fragments).prop_map(str::to_owned);
    let condition = prop_oneof![
        1 => any::<bool>().prop_map(SourceCondition::Constant),
        8 => (field, matching, prop::collection::vec(value, 0..4), any::<bool>()).prop_map(
            |(field, matching, values, negated)| SourceCondition::Text {
                field,
                matching,
                values,
                negated,
            }
        ),
    ];
    let query = (
        prop::collection::vec(condition, 0..4),
        prop::option::of(prop::sample::select(cursors).prop_map(str::to_owned)),
        1_u32..6,
        any::<bool>(),
    )
        .prop_map(|(conditions, after, limit, ascending)| SourceQuery {
            conditions,
            after,
            limit,
            ascending,
        });

    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let dir = tempfile::tempdir().expect("a temp dir");
    let pg = rt.block_on(PgTestDb::create());
    let mut locations = vec![StoreLocation::Sqlite {
        data_dir: dir.path().join("data"),
    }];
    if let Some(db) = &pg {
        locations.push(StoreLocation::Postgres {
            url: db.url.clone(),
        });
    }
    let stores: Vec<(SqlStore, Vec<SourceRecord>, &'static str)> = locations
        .iter()
        .map(|loc| {
            let (store, corpus) = rt.block_on(seeded_store(loc));
            (store, corpus, backend(loc))
        })
        .collect();

    let mut runner = TestRunner::new(Config {
        cases: 32,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&query, |query| {
            for (store, corpus, name) in &stores {
                rt.block_on(check_search(store, corpus, &query, name));
            }
            Ok(())
        })
        .expect("the store agrees with the model");

    rt.block_on(async {
        for (store, _, _) in stores {
            store.close().await;
        }
        if let Some(db) = pg {
            db.drop_db().await;
        }
    });
}

fn integration(id: &str, name: &str, at: EpochMillis) -> CloudIntegrationRecord {
    CloudIntegrationRecord {
        id: id.to_owned(),
        name: name.to_owned(),
        service: "CLOUDWATCH".into(),
        settings: format!(r#"{{"name":"{name}","service":"CLOUDWATCH","cloudWatch":{{}}}}"#),
        disabled: false,
        created_ms: at,
        creator: "alice@example.com".into(),
        updated_ms: at,
        updater: "alice@example.com".into(),
        trashed_ms: None,
    }
}

#[tokio::test]
async fn cloud_integrations_and_the_trash() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let kind = TrashKind::CloudIntegration;
        // The older one has the later id: the list is by age, not id.
        let older = integration("b-int", "older", 100);
        let newer = integration("a-int", "newer", 200);
        store
            .create_cloud_integration(&older)
            .await
            .expect("create");
        store
            .create_cloud_integration(&newer)
            .await
            .expect("create");
        assert_eq!(
            store.cloud_integrations().await.expect("list"),
            vec![older.clone(), newer.clone()]
        );
        assert_eq!(
            store.cloud_integration("a-int").await.expect("read"),
            Some(newer.clone())
        );
        assert_eq!(store.cloud_integration("nope").await.expect("read"), None);

        // Changes.
        let change = CloudIntegrationChange {
            name: "renamed".into(),
            service: "CLOUDTRAIL".into(),
            settings: r#"{"name":"renamed","service":"CLOUDTRAIL","cloudTrail":{"region":"x"}}"#
                .into(),
        };
        assert!(
            store
                .update_cloud_integration("a-int", &change, 300, "bob")
                .await
                .expect("update")
        );
        let mut expected = CloudIntegrationRecord {
            name: change.name.clone(),
            service: change.service.clone(),
            settings: change.settings.clone(),
            updated_ms: 300,
            updater: "bob".into(),
            ..newer.clone()
        };
        let read = |id: &'static str| {
            let store = &store;
            async move {
                store
                    .cloud_integration(id)
                    .await
                    .expect("read")
                    .expect("found")
            }
        };
        assert_eq!(read("a-int").await, expected);
        assert!(
            !store
                .update_cloud_integration("nope", &change, 300, "bob")
                .await
                .expect("update")
        );
        assert!(
            store
                .set_cloud_integration_disabled("a-int", true, 310, "carol")
                .await
                .expect("disable")
        );
        expected.disabled = true;
        expected.updated_ms = 310;
        expected.updater = "carol".into();
        assert_eq!(read("a-int").await, expected);
        assert!(
            store
                .set_cloud_integration_disabled("a-int", false, 320, "carol")
                .await
                .expect("enable")
        );
        expected.disabled = false;
        expected.updated_ms = 320;
        assert_eq!(read("a-int").await, expected);
        assert!(
            !store
                .set_cloud_integration_disabled("nope", true, 320, "carol")
                .await
                .expect("disable")
        );
        assert_eq!(read("b-int").await, older, "the other one is untouched");

        // To the trash and back.
        let t: EpochMillis = 1_700_000_000_000;
        assert!(
            store
                .move_to_trash(kind, "a-int", t, "dave")
                .await
                .expect("trash")
        );
        expected.trashed_ms = Some(t);
        expected.updated_ms = t;
        expected.updater = "dave".into();
        assert_eq!(read("a-int").await, expected);
        assert!(
            !store
                .move_to_trash(kind, "a-int", t + 1, "dave")
                .await
                .expect("trash")
        );
        assert!(
            !store
                .move_to_trash(kind, "nope", t, "dave")
                .await
                .expect("trash")
        );
        assert_eq!(
            store.cloud_integrations().await.expect("list").len(),
            2,
            "the list holds the trash too"
        );
        assert!(
            !store
                .update_cloud_integration("a-int", &change, t + 2, "erin")
                .await
                .expect("update"),
            "a trashed integration cannot change"
        );
        assert!(
            !store
                .set_cloud_integration_disabled("a-int", true, t + 2, "erin")
                .await
                .expect("disable")
        );
        assert_eq!(read("a-int").await, expected);
        assert!(
            store
                .restore(kind, "a-int", t + 10, "erin")
                .await
                .expect("restore")
        );
        expected.trashed_ms = None;
        expected.updated_ms = t + 10;
        expected.updater = "erin".into();
        assert_eq!(read("a-int").await, expected);
        assert!(
            !store
                .restore(kind, "a-int", t + 11, "erin")
                .await
                .expect("restore"),
            "a live integration is not in the trash"
        );
        assert!(
            !store
                .restore(kind, "nope", t + 11, "erin")
                .await
                .expect("restore")
        );

        // Retention: restorable until RETENTION_MS has passed, then gone.
        let t2 = t + 100;
        assert!(
            store
                .move_to_trash(kind, "a-int", t2, "dave")
                .await
                .expect("trash")
        );
        assert!(
            store
                .restore(kind, "a-int", t2 + RETENTION_MS - 1, "erin")
                .await
                .expect("restore"),
            "still within retention"
        );
        let t3 = t + 1_000;
        assert!(
            store
                .move_to_trash(kind, "a-int", t3, "dave")
                .await
                .expect("trash")
        );
        assert!(
            !store
                .restore(kind, "a-int", t3 + RETENTION_MS, "erin")
                .await
                .expect("restore"),
            "expired"
        );
        assert_eq!(read("a-int").await.trashed_ms, Some(t3));
        assert_eq!(store.purge_expired(t3 - 1).await.expect("purge"), 0);
        assert_eq!(store.purge_expired(t3 + 1).await.expect("purge"), 1);
        assert_eq!(store.cloud_integration("a-int").await.expect("read"), None);
        assert_eq!(
            store.cloud_integrations().await.expect("list"),
            vec![older.clone()]
        );
        assert!(
            !store
                .restore(kind, "a-int", t3 + 2, "erin")
                .await
                .expect("restore")
        );

        // For good.
        assert!(store.remove_for_good(kind, "b-int").await.expect("remove"));
        assert!(!store.remove_for_good(kind, "b-int").await.expect("remove"));
        assert!(store.cloud_integrations().await.expect("list").is_empty());
        assert_eq!(
            store.purge_expired(t3 + RETENTION_MS).await.expect("purge"),
            0
        );

        // AWS external ids.
        store
            .create_aws_external_id("ext-1", 5, "alice")
            .await
            .expect("create");
        assert!(store.aws_external_id_exists("ext-1").await.expect("exists"));
        assert!(!store.aws_external_id_exists("ext-2").await.expect("exists"));
        assert!(store.delete_aws_external_id("ext-1").await.expect("delete"));
        assert!(!store.aws_external_id_exists("ext-1").await.expect("exists"));
        assert!(!store.delete_aws_external_id("ext-1").await.expect("delete"));
        store.close().await;
    })
    .await;
}

/// Whether the store still holds the session with this digest.
async fn live(store: &SqlStore, digest: crest_domain::token::TokenDigest) -> bool {
    store.session(&digest).await.expect("read").is_some()
}

#[tokio::test]
async fn sessions_are_kept_as_digests_and_end_every_way() {
    use crest_domain::session::{SessionRecord, SessionSecret};
    use crest_domain::store::NewAccount;

    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let rng = SequenceRandom::new(11);
        let kim = AccountId::parse("kim@example.com").expect("valid");
        store
            .create_account(&NewAccount {
                id: kim.clone(),
                kind: AccountKind::User,
                active: true,
                description: String::new(),
                permissions: PermissionSet::EMPTY,
                now: 1,
            })
            .await
            .expect("create");
        let session = |secret: &SessionSecret, created_ms| SessionRecord {
            digest: secret.digest(),
            account: kim.clone(),
            created_ms,
            seen_ms: created_ms,
            super_admin_mode: false,
        };
        let secrets: Vec<SessionSecret> = (0..4)
            .map(|_| SessionSecret::generate(&rng).expect("random"))
            .collect();
        for (i, secret) in secrets.iter().enumerate() {
            store
                .create_session(&session(secret, 100 * (i as i64 + 1)))
                .await
                .expect("create");
        }
        let first = &secrets[0];
        assert_eq!(
            store.session(&first.digest()).await.expect("read"),
            Some(session(first, 100))
        );
        // Touching moves only forwards; the mode switches.
        store
            .touch_session(&first.digest(), 500)
            .await
            .expect("touch");
        store
            .touch_session(&first.digest(), 300)
            .await
            .expect("touch");
        assert!(
            store
                .set_session_super_admin_mode(&first.digest(), true)
                .await
                .expect("mode")
        );
        let read = store
            .session(&first.digest())
            .await
            .expect("read")
            .expect("there");
        assert_eq!((read.seen_ms, read.super_admin_mode), (500, true));
        // One sign-out ends one session.
        assert!(
            store
                .delete_session(&secrets[1].digest())
                .await
                .expect("delete")
        );
        assert!(
            !store
                .delete_session(&secrets[1].digest())
                .await
                .expect("delete")
        );
        // Expired ones (seen at or before 300, or started at or before 0) are purged.
        assert_eq!(store.purge_sessions(300, 0).await.expect("purge"), 1);
        assert!(!live(&store, secrets[2].digest()).await);
        assert!(live(&store, secrets[3].digest()).await);
        // A password change in one session ends the others.
        store
            .end_other_sessions(&kim, &secrets[3].digest())
            .await
            .expect("end others");
        assert!(!live(&store, first.digest()).await);
        assert!(live(&store, secrets[3].digest()).await);
        // Ending every session of the account ends the rest.
        assert!(store.end_sessions(&kim, 600).await.expect("end"));
        for secret in &secrets {
            assert!(!live(&store, secret.digest()).await);
        }
        // Deleting an account deletes its sessions.
        store
            .create_session(&session(&secrets[0], 700))
            .await
            .expect("create");
        assert!(store.delete_account(&kim).await.expect("delete"));
        assert!(!live(&store, secrets[0].digest()).await);
        store.close().await;
    })
    .await;
}

/// Hundreds of ANDed conditions, and a condition of 997 values, beyond what the HTTP layer lets
/// through: the store still answers, as the model does (each condition is one subquery, values
/// nest as a balanced tree, so SQLite's expression depth and PostgreSQL's planner stay small).
#[tokio::test]
async fn searches_with_hundreds_of_conditions_or_values_answer_as_the_model() {
    use SourceField::{Any, Name, Tag};
    use TextMatch::{Contains, Exact, StartsWith, TagPath};

    on_both(|loc| async move {
        let (store, corpus) = seeded_store(&loc).await;
        let misses: Vec<String> = (0..997).map(|i| format!("zz-miss-{i}")).collect();
        let mut many_values: Vec<&str> = misses.iter().map(String::as_str).collect();
        many_values.push("env.prod");
        for n in [200usize, 1_000] {
            // Every negated condition holds, so every source is tested against all of them.
            let mut conditions: Vec<SourceCondition> = (0..n)
                .map(|i| {
                    let matching = [Exact, Contains, TagPath, StartsWith][i % 4];
                    let field = [Tag, Tag, Tag, Any, Name][i % 5];
                    text(field, matching, &[misses[i % misses.len()].as_str()], true)
                })
                .collect();
            conditions.push(text(Tag, Exact, &many_values, false));
            let query = SourceQuery {
                conditions,
                after: None,
                limit: 5,
                ascending: true,
            };
            assert!(!model_ids(&corpus, &query).is_empty());
            let checked = tokio::time::timeout(
                std::time::Duration::from_secs(60),
                check_search(&store, &corpus, &query, backend(&loc)),
            )
            .await;
            assert!(
                checked.is_ok(),
                "{}: {n} conditions took over 60 s",
                backend(&loc)
            );
        }
        for matching in [Exact, Contains, TagPath, StartsWith] {
            let query = SourceQuery {
                conditions: vec![text(Any, matching, &many_values, false)],
                after: None,
                limit: 5,
                ascending: false,
            };
            check_search(&store, &corpus, &query, backend(&loc)).await;
        }
        store.close().await;
    })
    .await;
}

/// Every pooled PostgreSQL connection runs with the statement timeout (5 s), unless the URL's
/// `options` choose another.
#[tokio::test]
async fn postgres_connections_run_with_the_statement_timeout() {
    let Some(db) = PgTestDb::create().await else {
        return;
    };
    let store = SqlStore::open(&StoreLocation::Postgres {
        url: db.url.clone(),
    })
    .await
    .expect("open");
    // Asked concurrently, so that several connections of the pool answer.
    let mut asks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let store = store.clone();
        asks.spawn(async move { store.statement_timeout().await });
    }
    while let Some(answer) = asks.join_next().await {
        assert_eq!(
            answer.expect("joined").expect("show").as_deref(),
            Some("5s")
        );
    }
    store.close().await;
    let chosen = SqlStore::open(&StoreLocation::Postgres {
        url: format!("{}?options=-c%20statement_timeout%3D60s", db.url),
    })
    .await
    .expect("open");
    assert_eq!(
        chosen.statement_timeout().await.expect("show").as_deref(),
        Some("1min")
    );
    chosen.close().await;
    db.drop_db().await;
}

/// A source holds at most `MAX_TAGS_PER_SOURCE` tags: adding one more leaves them as they are.
#[tokio::test]
async fn a_full_source_takes_no_more_tags() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let names: Vec<String> = (1..MAX_TAGS_PER_SOURCE).map(|i| format!("t.{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        assert!(
            store
                .create_source(&source_record("full", None, &refs, 1))
                .await
                .expect("create")
        );
        let add = |t: &str| SourceChange {
            description: None,
            tags: TagChange::Add(tag(t)),
        };
        let last = store
            .update_source("full", &add("t.last"), 2, "bob")
            .await
            .expect("update")
            .expect("found");
        assert_eq!(last.tags.len(), MAX_TAGS_PER_SOURCE);
        let over = store
            .update_source("full", &add("t.over"), 3, "bob")
            .await
            .expect("update")
            .expect("found");
        assert_eq!(over.tags.len(), MAX_TAGS_PER_SOURCE);
        assert!(!over.tags.iter().any(|t| t == "t.over"));
        // A tag it holds already is still no change, whatever its case.
        let again = store
            .update_source("full", &add("T.LAST"), 4, "bob")
            .await
            .expect("update")
            .expect("found");
        assert_eq!(again.tags, over.tags);
        store.close().await;
    })
    .await;
}

/// Runs `work` as a request's handler with a pending audit event for `action`, and checks that
/// one of its transactions committed the event with the change (not left to the edge).
async fn committed_with_its_event<F: Future>(store: &SqlStore, action: &str, work: F) -> F::Output {
    use crest_domain::audit::{AuditEvent, AuditFinish, PendingAudit};
    let pending = PendingAudit::new(AuditEvent {
        at_ms: 1,
        actor: "admin@example.com".into(),
        action: action.into(),
        target: format!("id={action}"),
        source: "127.0.0.1".into(),
        outcome: 0,
    });
    let out = pending.scope(work).await;
    assert_eq!(
        pending.finish(200),
        AuditFinish::Done,
        "{action}: the change committed without its audit event"
    );
    let (events, _) = store.audit_events(0, 1).await.expect("trail");
    assert_eq!(events[0].event.action, action, "{action}: the newest event");
    assert_eq!(events[0].event.outcome, 200);
    out
}

/// Every kind of change a request makes commits its audit event in its own transaction: a
/// write path that commits without the event fails here (and `crest-store`'s unit test fails
/// any module that writes around `WriteTx`).
#[tokio::test]
async fn every_change_commits_its_pending_audit_event() {
    use crest_domain::audit::{AuditEvent, AuditFinish, PendingAudit};
    use crest_domain::group::NewGroup;
    use crest_domain::invite::InviteRecord;
    use crest_domain::role::NewRole;
    use crest_domain::secret::RandomSecret;
    use crest_domain::session::{SessionRecord, SessionSecret};
    use crest_domain::store::{AccountChange, NewToken};
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let rng = SequenceRandom::new(21);
        let sa = service_account("sa::audited");
        let s = &store;
        committed_with_its_event(s, "createAccount", s.create_account(&sa))
            .await
            .expect("w");
        let change = AccountChange {
            active: Some(false),
            description: None,
            permissions: None,
        };
        committed_with_its_event(s, "updateAccount", s.update_account(&sa.id, &change, 2))
            .await
            .expect("w");
        committed_with_its_event(
            s,
            "grant",
            s.set_permission(&sa.id, Permission::UserManagement, true, 3),
        )
        .await
        .expect("w");
        committed_with_its_event(s, "password", s.set_password_hash(&sa.id, Some("h"), 3))
            .await
            .expect("w");
        committed_with_its_event(s, "endSessions", s.end_sessions(&sa.id, 4))
            .await
            .expect("w");
        let token = NewToken {
            id: TokenId::generate(&rng).expect("id"),
            digest: ApiTokenSecret::generate(&rng).expect("token").digest(),
            account: sa.id.clone(),
            name: "t".into(),
            now: 5,
            sealed: None,
        };
        committed_with_its_event(s, "createToken", s.create_token(&token, 20))
            .await
            .expect("w");
        committed_with_its_event(s, "renameToken", s.rename_token(&sa.id, token.id, "u"))
            .await
            .expect("w");
        committed_with_its_event(s, "revokeToken", s.revoke_token(&sa.id, token.id, 6))
            .await
            .expect("w");
        let role = NewRole {
            id: "r1".into(),
            name: "audited".into(),
            description: String::new(),
            permissions: PermissionSet::EMPTY,
            now: 1,
            by: "test".into(),
        };
        committed_with_its_event(s, "createRole", s.create_role(&role))
            .await
            .expect("w");
        committed_with_its_event(
            s,
            "addAssignees",
            s.set_role_assignees("r1", std::slice::from_ref(&sa.id), &[], true),
        )
        .await
        .expect("w");
        let group = NewGroup {
            id: "g1".into(),
            name: "audited".into(),
            description: String::new(),
            roles: vec![],
            now: 1,
        };
        committed_with_its_event(s, "createGroup", s.create_group(&group))
            .await
            .expect("w");
        committed_with_its_event(
            s,
            "updateGroup",
            s.update_group("g1", Some("n"), None, None),
        )
        .await
        .expect("w");
        committed_with_its_event(
            s,
            "addUsers",
            s.set_group_members("g1", std::slice::from_ref(&sa.id), true),
        )
        .await
        .expect("w");
        committed_with_its_event(s, "deleteGroup", s.delete_group("g1"))
            .await
            .expect("w");
        committed_with_its_event(s, "deleteRole", s.delete_role("r1"))
            .await
            .expect("w");
        let invite = InviteRecord {
            account: sa.id.clone(),
            invited_by: "admin@example.com".into(),
            created_ms: 1,
            expires_ms: 100,
        };
        let link = RandomSecret::generate(&rng).expect("secret");
        committed_with_its_event(s, "invite", s.put_invite(&invite, &link.digest()))
            .await
            .expect("w");
        committed_with_its_event(s, "acceptInvite", s.take_invite(&link.digest(), 2))
            .await
            .expect("w");
        let session = SessionSecret::generate(&rng).expect("random");
        let record = SessionRecord {
            digest: session.digest(),
            account: sa.id.clone(),
            created_ms: 1,
            seen_ms: 1,
            super_admin_mode: false,
        };
        committed_with_its_event(s, "signInSession", s.create_session(&record))
            .await
            .expect("w");
        committed_with_its_event(
            s,
            "superAdminMode",
            s.set_session_super_admin_mode(&session.digest(), true),
        )
        .await
        .expect("w");
        committed_with_its_event(s, "signOut", s.delete_session(&session.digest()))
            .await
            .expect("w");
        committed_with_its_event(
            s,
            "createSource",
            s.create_source(&source_record("audited", None, &[], 1)),
        )
        .await
        .expect("w");
        committed_with_its_event(s, "deleteSource", s.delete_source("audited"))
            .await
            .expect("w");
        committed_with_its_event(
            s,
            "createCloudIntegration",
            s.create_cloud_integration(&integration("ci1", "n", 1)),
        )
        .await
        .expect("w");
        committed_with_its_event(
            s,
            "disable",
            s.set_cloud_integration_disabled("ci1", true, 2, "x"),
        )
        .await
        .expect("w");
        committed_with_its_event(
            s,
            "trash",
            s.move_to_trash(TrashKind::CloudIntegration, "ci1", 3, "x"),
        )
        .await
        .expect("w");
        // A check-in is the proxy's, not a person's: outside a request it records nothing; the
        // operator's change to the proxy commits with its event.
        let proxy = "0b0f7c4e-0000-4000-8000-0000000000aa";
        s.check_in_proxy(&check_in(proxy, 4, true))
            .await
            .expect("w");
        committed_with_its_event(
            s,
            "updateProxy",
            s.update_proxy(proxy, Some("renamed"), true, false, 5, "x"),
        )
        .await
        .expect("w");
        committed_with_its_event(s, "deleteAccount", s.delete_account(&sa.id))
            .await
            .expect("w");

        // A change that finds nothing commits nothing: the event is left to the edge.
        let pending = PendingAudit::new(AuditEvent {
            at_ms: 1,
            actor: "admin@example.com".into(),
            action: "deleteMissing".into(),
            target: String::new(),
            source: String::new(),
            outcome: 0,
        });
        assert!(
            !pending
                .scope(s.delete_account(&sa.id))
                .await
                .expect("delete")
        );
        assert!(matches!(pending.finish(404), AuditFinish::Insert(_)));
        let (events, _) = s.audit_events(0, 1).await.expect("trail");
        assert_eq!(events[0].event.action, "deleteAccount");
        // Writes outside a request record nothing.
        s.create_account(&sa).await.expect("w");
        let (_, total) = s.audit_events(0, 1).await.expect("trail");
        assert_eq!(total, 27);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn the_last_active_super_admin_is_never_deleted() {
    use crest_domain::store::AccountsDeleted;
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let rng = SequenceRandom::new(41);
        let ann = AccountId::parse("ann@example.com").expect("valid");
        let bob = AccountId::parse("bob@example.com").expect("valid");
        for admin in [&ann, &bob] {
            let token = ApiTokenSecret::generate(&rng).expect("token");
            store
                .apply_bootstrap(&plan(admin.as_str(), &token, false, &rng))
                .await
                .expect("a Super Admin");
        }
        let sa = service_account("sa::bystander");
        assert!(store.create_account(&sa).await.expect("create"));

        // Both at once would leave none: nothing is deleted, not even the bystander.
        let all = [ann.clone(), bob.clone(), sa.id.clone()];
        assert_eq!(
            store.delete_accounts(&all).await.expect("delete"),
            AccountsDeleted::LastSuperAdmin
        );
        for id in &all {
            assert!(store.account(id).await.expect("read").is_some(), "{id}");
        }

        assert_eq!(
            store
                .delete_accounts(&[ann.clone(), sa.id.clone()])
                .await
                .expect("delete"),
            AccountsDeleted::Deleted(vec![ann.clone(), sa.id.clone()])
        );
        assert_eq!(
            store
                .delete_accounts(std::slice::from_ref(&bob))
                .await
                .expect("delete"),
            AccountsDeleted::LastSuperAdmin
        );
        assert!(!store.delete_account(&bob).await.expect("delete one"));
        assert!(store.account(&bob).await.expect("read").is_some());

        // Unknown ids are skipped; an empty list deletes nothing.
        assert_eq!(
            store
                .delete_accounts(std::slice::from_ref(&ann))
                .await
                .expect("delete"),
            AccountsDeleted::Deleted(Vec::new())
        );
        assert_eq!(
            store.delete_accounts(&[]).await.expect("delete"),
            AccountsDeleted::Deleted(Vec::new())
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn of_two_concurrent_deletions_of_the_last_two_super_admins_one_is_refused() {
    use crest_domain::store::AccountsDeleted;
    on_both(|loc| async move {
        let a = SqlStore::open(&loc).await.expect("open");
        let b = SqlStore::open(&loc)
            .await
            .expect("open twice, as a second process would");
        let rng = SequenceRandom::new(43);
        let ann = AccountId::parse("ann@example.com").expect("valid");
        let bob = AccountId::parse("bob@example.com").expect("valid");
        for admin in [&ann, &bob] {
            let token = ApiTokenSecret::generate(&rng).expect("token");
            a.apply_bootstrap(&plan(admin.as_str(), &token, false, &rng))
                .await
                .expect("a Super Admin");
        }
        let (x, y) = tokio::join!(
            a.delete_accounts(std::slice::from_ref(&ann)),
            b.delete_accounts(std::slice::from_ref(&bob))
        );
        let mut outcomes = [x.expect("a"), y.expect("b")];
        outcomes.sort_by_key(|o| *o == AccountsDeleted::LastSuperAdmin);
        let [first, second] = outcomes;
        assert!(
            first == AccountsDeleted::Deleted(vec![ann.clone()])
                || first == AccountsDeleted::Deleted(vec![bob.clone()]),
            "{first:?}"
        );
        assert_eq!(second, AccountsDeleted::LastSuperAdmin);
        let left = a
            .accounts_of_kind(AccountKind::User)
            .await
            .expect("read")
            .into_iter()
            .filter(|u| u.super_admin && u.active)
            .count();
        assert_eq!(left, 1);
        a.close().await;
        b.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_lease_is_won_refused_renewed_taken_over_and_released() {
    use crest_domain::lease::LeaseStore;
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let t = 1_700_000_000_000;
        let ttl = 90_000;
        let take = |holder: &'static str, now: EpochMillis| {
            let store = &store;
            async move {
                store
                    .try_acquire_lease("sweep", holder, now, ttl)
                    .await
                    .expect("acquire")
            }
        };
        assert!(take("a", t).await, "a free lease is won");
        assert!(!take("b", t).await, "a held lease is refused to another");
        assert!(!take("b", t + ttl - 1).await, "until its end");
        assert!(take("a", t + ttl - 1).await, "its holder renews it");
        assert!(
            !take("b", t + ttl).await,
            "the renewal moved the end: {ttl} ms after the renewal"
        );
        assert!(
            store
                .try_acquire_lease("barrier", "b", t, ttl)
                .await
                .expect("acquire"),
            "leases of other names are apart"
        );
        assert!(
            take("b", t + 2 * ttl - 1).await,
            "taken over once it ran out"
        );
        assert!(!take("a", t + 2 * ttl - 1).await, "the old holder lost it");
        assert!(
            !store.release_lease("sweep", "a").await.expect("release"),
            "only the holder releases"
        );
        assert!(!take("a", t + 2 * ttl).await);
        assert!(store.release_lease("sweep", "b").await.expect("release"));
        assert!(
            take("a", t + 2 * ttl).await,
            "a released lease is free at once"
        );
        assert!(
            !store.release_lease("sweep", "b").await.expect("release"),
            "released once"
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn of_many_racing_for_a_lease_exactly_one_wins() {
    use crest_domain::lease::LeaseStore;
    on_both(|loc| async move {
        // Several handles, as several instances would have, each asking from several tasks.
        let mut stores = Vec::new();
        for _ in 0..4 {
            stores.push(std::sync::Arc::new(
                SqlStore::open(&loc).await.expect("open"),
            ));
        }
        let t = 1_700_000_000_000;
        for round in 0..5_i64 {
            // Each round starts after the previous round's lease ran out: a takeover race.
            let now = t + round * 60_000;
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..24_usize {
                let store = stores[i % stores.len()].clone();
                tasks.spawn(async move {
                    let holder = format!("holder-{round}-{i}");
                    let won = store
                        .try_acquire_lease("race", &holder, now, 30_000)
                        .await
                        .expect("acquire");
                    (holder, won)
                });
            }
            let mut winners = Vec::new();
            while let Some(joined) = tasks.join_next().await {
                let (holder, won) = joined.expect("task");
                if won {
                    winners.push(holder);
                }
            }
            assert_eq!(winners.len(), 1, "round {round} ({loc:?}): {winners:?}");
            for (i, store) in stores.iter().enumerate() {
                assert!(
                    !store
                        .try_acquire_lease("race", &format!("late-{i}"), now + 29_999, 30_000)
                        .await
                        .expect("acquire"),
                    "the winner holds it"
                );
            }
            assert!(
                stores[0]
                    .try_acquire_lease("race", &winners[0], now + 1, 30_000)
                    .await
                    .expect("renew"),
                "the winner renews it"
            );
        }
        for store in stores.iter() {
            store.close().await;
        }
    })
    .await;
}

fn event(
    id: &str,
    start: EpochMillis,
    end: Option<EpochMillis>,
    origin: EventOrigin,
) -> EventRecord {
    EventRecord {
        id: id.into(),
        name: id.split(':').nth(1).unwrap_or("e").into(),
        start_ms: start,
        end_ms: end,
        annotations: std::collections::BTreeMap::from([("type".into(), "deploy".into())]),
        hosts: vec!["web-1".into()],
        tags: vec!["a".into(), "b.c".into()],
        dimensions: std::collections::BTreeMap::from([("k".into(), vec!["1".into(), "2".into()])]),
        origin,
        alert_id: (origin == EventOrigin::Alert).then(|| "1459375928549".into()),
        alert_tags: Vec::new(),
        metrics_used: vec!["cpu".into()],
        created_ms: start,
        creator: "admin@example.com".into(),
        updated_ms: start,
        updater: "admin@example.com".into(),
        version: 1,
    }
}

#[tokio::test]
async fn events_are_kept_paged_by_start_changed_by_version_and_purged() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let t = 1_700_000_000_000;
        let a = event(&format!("{t}:a"), t, Some(t + 1), EventOrigin::User);
        assert!(store.create_event(&a).await.expect("create"));
        assert!(
            !store.create_event(&a).await.expect("create"),
            "one id, once"
        );
        assert_eq!(store.event(&a.id).await.expect("read"), Some(a.clone()));
        assert_eq!(store.event("nope").await.expect("read"), None);

        // A change applies to the version it read, once.
        let mut changed = a.clone();
        changed.tags = vec!["x".into()];
        changed.end_ms = None;
        assert!(store.replace_event(&changed, 1).await.expect("replace"));
        assert!(
            !store.replace_event(&changed, 1).await.expect("replace"),
            "a stale version"
        );
        let read = store.event(&a.id).await.expect("read").expect("found");
        assert_eq!(
            (read.version, read.tags.clone(), read.end_ms),
            (2, vec!["x".to_owned()], None)
        );

        // Start-time pages, both ways, with a cursor; an alert's events alone.
        let mut all = vec![read.id.clone()];
        for (i, origin) in [
            EventOrigin::System,
            EventOrigin::Alert,
            EventOrigin::User,
            EventOrigin::User,
        ]
        .into_iter()
        .enumerate()
        {
            let i = i64::try_from(i).expect("small");
            // Two events share a start: their ids order them.
            let start = t + 1000 * (i / 2 + 1);
            let e = event(&format!("{start}:e{i}"), start, Some(start + 10), origin);
            assert!(store.create_event(&e).await.expect("create"));
            all.push(e.id);
        }
        let query =
            |after: Option<(EpochMillis, String)>, ascending: bool, limit: u32| EventQuery {
                earliest_start: t,
                latest_start: t + 10_000,
                after,
                ascending,
                alert_id: None,
                limit,
            };
        let ids = |v: Vec<EventRecord>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
        let up = ids(store.events(&query(None, true, 10)).await.expect("page"));
        assert_eq!(up, all);
        let down = ids(store.events(&query(None, false, 10)).await.expect("page"));
        assert_eq!(down, all.iter().rev().cloned().collect::<Vec<_>>());
        let first = ids(store.events(&query(None, false, 2)).await.expect("page"));
        assert_eq!(first, down[..2]);
        let cursor = Some((t + 2000, first[1].clone()));
        let next = ids(store.events(&query(cursor, false, 10)).await.expect("page"));
        assert_eq!(next, down[2..]);
        let narrow = EventQuery {
            earliest_start: t + 1000,
            latest_start: t + 1000,
            ..query(None, true, 10)
        };
        assert_eq!(ids(store.events(&narrow).await.expect("page")).len(), 2);
        let alert = EventQuery {
            alert_id: Some("1459375928549".into()),
            ..query(None, true, 10)
        };
        assert_eq!(
            ids(store.events(&alert).await.expect("page")),
            [all[2].clone()]
        );

        // The open user event (the changed one) is counted while young.
        assert_eq!(store.count_open_user_events(t - 1).await.expect("count"), 1);
        assert_eq!(store.count_open_user_events(t).await.expect("count"), 0);

        // The purge takes ended events by their end, open ones by their start plus 60 days.
        assert_eq!(store.purge_events(t + 1010).await.expect("purge"), 2);
        assert!(store.event(&all[0]).await.expect("read").is_some(), "open");
        assert_eq!(
            store.purge_events(t + AUTO_CLOSE_MS).await.expect("purge"),
            3
        );
        assert!(store.event(&all[0]).await.expect("read").is_none());

        assert!(
            store
                .delete_event(&all[0])
                .await
                .is_ok_and(|removed| !removed)
        );
        let b = event(&format!("{t}:b"), t, None, EventOrigin::User);
        assert!(store.create_event(&b).await.expect("create"));
        assert!(store.delete_event(&b.id).await.expect("delete"));
        assert!(store.event(&b.id).await.expect("read").is_none());
        store.close().await;
    })
    .await;
}

fn check_in(id: &str, now: EpochMillis, ephemeral: bool) -> CheckInFields {
    CheckInFields {
        id: id.into(),
        proxyname: "edge".into(),
        hostname: "host-a".into(),
        version: "13.4".into(),
        ephemeral,
        user_id: "proxy-runner".into(),
        now,
        time_drift_ms: -733,
    }
}

#[tokio::test]
async fn proxies_check_in_keep_the_operators_fields_go_to_the_trash_and_are_forgotten() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let t = 1_700_000_000_000;
        let a = "0b0f7c4e-0000-4000-8000-00000000000a";
        let b = "0b0f7c4e-0000-4000-8000-00000000000b";

        // The first check-in creates the proxy with what it reports.
        let first = store
            .check_in_proxy(&check_in(a, t, true))
            .await
            .expect("check in");
        assert_eq!(
            (
                first.id.as_str(),
                first.name.clone(),
                first.hostname.as_str()
            ),
            (a, None, "host-a")
        );
        assert_eq!((first.last_check_in_ms, first.time_drift_ms), (t, -733));
        assert_eq!(
            (first.created_ms, first.shutdown, first.truncate),
            (t, false, false)
        );
        assert_eq!(store.proxy(a).await.expect("read"), Some(first.clone()));

        // The operator's name and flags survive later check-ins, which update the rest.
        assert!(
            store
                .update_proxy(a, Some("renamed"), true, true, t + 1, "admin")
                .await
                .expect("update")
        );
        let mut later = check_in(a, t + 60_000, true);
        later.version = "13.5".into();
        later.time_drift_ms = 12;
        let again = store.check_in_proxy(&later).await.expect("check in");
        assert_eq!(again.name.as_deref(), Some("renamed"));
        assert_eq!((again.shutdown, again.truncate), (true, true));
        assert_eq!(
            (
                again.version.as_str(),
                again.last_check_in_ms,
                again.time_drift_ms,
                again.created_ms
            ),
            ("13.5", t + 60_000, 12, t)
        );
        assert!(
            !store
                .update_proxy(
                    "0b0f7c4e-0000-4000-8000-0000000000ff",
                    None,
                    false,
                    false,
                    t,
                    "admin"
                )
                .await
                .expect("update")
        );

        // Truncate is cleared once; saved documents are kept as sent.
        assert!(store.clear_proxy_truncate(a).await.expect("clear"));
        assert!(!store.clear_proxy_truncate(a).await.expect("clear"));
        assert!(
            store
                .save_proxy_config(a, r#"{"k":"v"}"#)
                .await
                .expect("save")
        );
        assert!(
            store
                .save_proxy_rules(a, r#"{"proxyRules":"x"}"#)
                .await
                .expect("save")
        );
        assert!(
            !store.save_proxy_config(b, "{}").await.expect("save"),
            "never checked in"
        );
        let read = store.proxy(a).await.expect("read").expect("found");
        assert!(!read.truncate);
        assert_eq!(read.config.as_deref(), Some(r#"{"k":"v"}"#));
        assert_eq!(
            read.preprocessor_rules.as_deref(),
            Some(r#"{"proxyRules":"x"}"#)
        );

        // The trash: a trashed proxy takes no operator change, but its check-ins are recorded.
        store
            .check_in_proxy(&check_in(b, t, false))
            .await
            .expect("check in");
        assert!(
            store
                .move_to_trash(TrashKind::Proxy, a, t + 2, "admin")
                .await
                .expect("trash")
        );
        assert!(
            !store
                .update_proxy(a, Some("x"), false, false, t + 3, "admin")
                .await
                .expect("update")
        );
        let trashed = store
            .check_in_proxy(&check_in(a, t + 120_000, true))
            .await
            .expect("check in");
        assert_eq!(
            trashed.trashed_ms,
            Some(t + 2),
            "a check-in leaves the trash alone"
        );
        assert!(
            store
                .restore(TrashKind::Proxy, a, t + 4, "admin")
                .await
                .expect("restore")
        );
        let ids: Vec<String> = store
            .proxies()
            .await
            .expect("list")
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, [a, b]);

        // Silent ephemeral proxies are forgotten; a permanent one is not.
        assert_eq!(
            store
                .forget_silent_ephemeral_proxies(t + 119_999)
                .await
                .expect("forget"),
            0
        );
        assert_eq!(
            store
                .forget_silent_ephemeral_proxies(t + 120_000)
                .await
                .expect("forget"),
            1
        );
        assert_eq!(store.proxy(a).await.expect("read"), None);
        assert!(store.proxy(b).await.expect("read").is_some());
        assert!(
            store
                .remove_for_good(TrashKind::Proxy, b)
                .await
                .expect("remove")
        );
        assert!(store.proxies().await.expect("list").is_empty());
    })
    .await;
}

fn alert(id: &str, now: EpochMillis, name: &str) -> AlertRecord {
    let document = serde_json::json!({"name": name, "condition": "ts(m) > 1", "minutes": 5,
        "severity": "WARN", "somethingUnmodelled": {"kept": [1, 2]}});
    AlertRecord {
        id: id.into(),
        document: document.as_object().cloned().unwrap_or_default(),
        version: 1,
        created_ms: now,
        creator: "creator".into(),
        updated_ms: now,
        updater: "creator".into(),
        trashed_ms: None,
        acl: Acl::default(),
        snoozed: None,
        runtime: AlertRuntime::default(),
    }
}

#[tokio::test]
async fn alerts_keep_documents_versions_runtime_and_go_to_the_trash() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let t = 1_700_000_000_000;
        let a = alert("1700000000000", t, "first");
        assert!(store.create_alert(&a, "created").await.expect("create"));
        assert!(!store.create_alert(&a, "created").await.expect("taken id"));
        assert_eq!(store.alert(&a.id).await.expect("read"), Some(a.clone()));

        // Each save is the next version; the log keeps the last 100, newest first.
        let mut doc = a.document.clone();
        for n in 2..=102u32 {
            doc.insert("name".into(), serde_json::json!(format!("v{n}")));
            let v = store
                .save_alert(&a.id, &doc, t + i64::from(n), "editor", "updated")
                .await
                .expect("save");
            assert_eq!(v, Some(n));
        }
        let history = store.alert_history(&a.id).await.expect("history");
        assert_eq!(history.len(), MAX_VERSIONS);
        assert_eq!(history.first().map(|v| v.version), Some(102));
        assert_eq!(history.last().map(|v| v.version), Some(3));
        let read = store.alert(&a.id).await.expect("read").expect("found");
        assert_eq!((read.version, read.updater.as_str()), (102, "editor"));
        assert_eq!(read.document.get("name"), Some(&serde_json::json!("v102")));
        assert_eq!(
            read.document.get("somethingUnmodelled"),
            Some(&serde_json::json!({"kept": [1, 2]}))
        );

        // Runtime, ACL and snooze change no version.
        let runtime = AlertRuntime {
            status: vec![AlertState::Firing],
            severity: Some(Severity::Warn),
            failing_host_label_pairs: vec![SourceLabelPair {
                host: "h1".into(),
                label: "m".into(),
                observed: 5,
                firing: 5,
                ..SourceLabelPair::default()
            }],
            event: Some("1700000000000:first".into()),
            last_processed_millis: Some(t + 60_000),
            ..AlertRuntime::default()
        };
        assert!(
            store
                .record_evaluation(&a.id, &runtime)
                .await
                .expect("record")
        );
        let acl = Acl {
            can_view: vec!["g1".into()],
            can_modify: vec!["u1".into()],
        };
        assert!(store.set_alert_acl(&a.id, &acl).await.expect("acl"));
        assert!(
            store
                .set_alert_snooze(&a.id, Some(-1))
                .await
                .expect("snooze")
        );
        let read = store.alert(&a.id).await.expect("read").expect("found");
        assert_eq!(read.version, 102);
        assert_eq!(read.runtime, runtime);
        assert_eq!(read.acl, acl);
        assert_eq!(read.snoozed, Some(-1));
        assert!(
            !store
                .record_evaluation("nope", &runtime)
                .await
                .expect("record")
        );

        // The evaluator sees alerts outside the trash only; a trashed alert takes no save.
        let b = alert("1700000000001", t, "second");
        assert!(store.create_alert(&b, "created").await.expect("create"));
        assert_eq!(
            store
                .list_alerts_for_evaluation()
                .await
                .expect("list")
                .len(),
            2
        );
        assert!(
            store
                .move_to_trash(TrashKind::Alert, &b.id, t + 5, "x")
                .await
                .expect("trash")
        );
        let live = store.list_alerts_for_evaluation().await.expect("list");
        assert_eq!(
            live.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            vec![a.id.as_str()]
        );
        assert_eq!(store.alerts().await.expect("all").len(), 2);
        assert_eq!(
            store
                .save_alert(&b.id, &b.document, t + 6, "x", "u")
                .await
                .expect("save"),
            None
        );
        assert!(
            store
                .restore(TrashKind::Alert, &b.id, t + 7, "x")
                .await
                .expect("restore")
        );
        assert!(
            store
                .remove_for_good(TrashKind::Alert, &b.id)
                .await
                .expect("remove")
        );
        assert!(store.alert(&b.id).await.expect("read").is_none());
        assert!(
            store
                .alert_history(&b.id)
                .await
                .expect("history")
                .is_empty()
        );
        store.close().await;
    })
    .await;
}

fn derived(id: &str, now: EpochMillis, name: &str) -> DerivedRecord {
    let document = serde_json::json!({"name": name, "query": "ts(m)", "minutesToQuery": 5,
        "processRateMinutes": 1, "somethingUnmodelled": [1, "two"]});
    DerivedRecord {
        id: id.into(),
        document: document.as_object().cloned().unwrap_or_default(),
        version: 1,
        created_ms: now,
        creator: "creator".into(),
        updated_ms: now,
        updater: "creator".into(),
        trashed_ms: None,
        runtime: DerivedRuntime::default(),
    }
}

#[tokio::test]
async fn derived_metrics_keep_definitions_versions_runs_and_go_to_the_trash() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let t = 1_700_000_000_000;
        let d = derived("1700000000000", t, "first");
        assert!(
            store
                .create_derived_metric(&d, "created")
                .await
                .expect("create")
        );
        assert!(
            !store
                .create_derived_metric(&d, "created")
                .await
                .expect("taken id")
        );
        assert_eq!(
            store.derived_metric(&d.id).await.expect("read"),
            Some(d.clone())
        );

        // Each save is the next version; the log keeps the last 100, newest first.
        let mut doc = d.document.clone();
        for n in 2..=102u32 {
            doc.insert("name".into(), serde_json::json!(format!("v{n}")));
            let v = store
                .save_derived_metric(&d.id, &doc, t + i64::from(n), "editor", "updated")
                .await
                .expect("save");
            assert_eq!(v, Some(n));
        }
        let history = store.derived_metric_history(&d.id).await.expect("history");
        assert_eq!(history.len(), MAX_VERSIONS);
        assert_eq!(history.first().map(|v| v.version), Some(102));
        assert_eq!(history.last().map(|v| v.version), Some(3));
        assert_eq!(
            history
                .first()
                .map(|v| (v.update_user.as_str(), v.change.as_str())),
            Some(("editor", "updated"))
        );
        let read = store
            .derived_metric(&d.id)
            .await
            .expect("read")
            .expect("found");
        assert_eq!((read.version, read.updater.as_str()), (102, "editor"));
        assert_eq!(read.updated_ms, t + 102);
        assert_eq!(
            read.document.get("somethingUnmodelled"),
            Some(&serde_json::json!([1, "two"]))
        );

        // A run's findings change no version and no `updated`.
        let runtime = DerivedRuntime {
            state: Some(DerivedState::Invalid),
            last_processed_millis: Some(t + 60_000),
            last_query_time: Some(12),
            points_scanned_at_last_query: Some(300),
            metrics_used: vec!["m".into()],
            hosts_used: vec!["h1".into()],
            query_failing: true,
            last_failed_time: Some(t + 60_000),
            last_error_message: Some("it reads its own output".into()),
            written_through: Some(t),
        };
        assert!(
            store
                .record_derived_run(&d.id, &runtime)
                .await
                .expect("record")
        );
        let read = store
            .derived_metric(&d.id)
            .await
            .expect("read")
            .expect("found");
        assert_eq!((read.version, read.updated_ms), (102, t + 102));
        assert_eq!(read.runtime, runtime);
        assert!(
            !store
                .record_derived_run("nope", &runtime)
                .await
                .expect("record")
        );

        // A trashed derived metric takes no save, comes back, and goes for good with its log.
        let b = derived("1700000000001", t, "second");
        assert!(
            store
                .create_derived_metric(&b, "created")
                .await
                .expect("create")
        );
        assert!(
            store
                .move_to_trash(TrashKind::DerivedMetric, &b.id, t + 5, "x")
                .await
                .expect("trash")
        );
        let all = store.derived_metrics().await.expect("all");
        assert_eq!(
            all.iter()
                .map(|r| (r.id.as_str(), r.trashed_ms))
                .collect::<Vec<_>>(),
            vec![(d.id.as_str(), None), (b.id.as_str(), Some(t + 5))]
        );
        assert_eq!(
            store
                .save_derived_metric(&b.id, &b.document, t + 6, "x", "u")
                .await
                .expect("save"),
            None
        );
        assert!(
            store
                .restore(TrashKind::DerivedMetric, &b.id, t + 7, "x")
                .await
                .expect("restore")
        );
        assert_eq!(
            store
                .save_derived_metric(&b.id, &b.document, t + 8, "x", "u")
                .await
                .expect("save"),
            Some(2)
        );
        assert!(
            store
                .remove_for_good(TrashKind::DerivedMetric, &b.id)
                .await
                .expect("remove")
        );
        assert!(store.derived_metric(&b.id).await.expect("read").is_none());
        assert!(
            store
                .derived_metric_history(&b.id)
                .await
                .expect("history")
                .is_empty()
        );
        store.close().await;
    })
    .await;
}

fn dashboard(id: &str, now: EpochMillis, name: &str) -> DashboardRecord {
    let document = serde_json::json!({"id": id, "url": id, "name": name, "sections": [],
        "somethingUnmodelled": {"kept": [1, 2.5, null]}});
    DashboardRecord {
        id: id.into(),
        document: document.as_object().cloned().unwrap_or_default(),
        version: 1,
        created_ms: now,
        creator: "creator".into(),
        updated_ms: now,
        updater: "creator".into(),
        trashed_ms: None,
        acl: Acl::default(),
        favorites: Vec::new(),
    }
}

#[tokio::test]
async fn dashboards_keep_their_json_versions_favorites_and_outlive_a_delete_in_their_history() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let t = 1_700_000_000_000;
        let d = dashboard("ops-board", t, "first");
        assert_eq!(
            store.create_dashboard(&d, "created").await.expect("create"),
            Some(1)
        );
        assert_eq!(
            store.create_dashboard(&d, "created").await.expect("taken"),
            None
        );
        assert_eq!(store.dashboard(&d.id).await.expect("read"), Some(d.clone()));

        // Each save is the next version; the log keeps the last 100, newest first.
        let mut doc = d.document.clone();
        for n in 2..=102u32 {
            doc.insert("name".into(), serde_json::json!(format!("v{n}")));
            let v = store
                .save_dashboard(&d.id, &doc, t + i64::from(n), "editor", "updated")
                .await
                .expect("save");
            assert_eq!(v, Some(n));
        }
        let history = store.dashboard_history(&d.id).await.expect("history");
        assert_eq!(history.versions.len(), MAX_VERSIONS);
        assert_eq!(history.versions.first().map(|v| v.version), Some(102));
        assert_eq!(history.versions.last().map(|v| v.version), Some(3));

        // ACL and favorites change no version; the history takes the ACL.
        let acl = Acl {
            can_view: vec!["g1".into()],
            can_modify: vec!["u1".into()],
        };
        assert!(store.set_dashboard_acl(&d.id, &acl).await.expect("acl"));
        assert!(!store.set_dashboard_acl("nope", &acl).await.expect("acl"));
        for account in ["u2", "u1", "u2"] {
            assert!(
                store
                    .set_dashboard_favorite(&d.id, account, true)
                    .await
                    .expect("fav")
            );
        }
        assert!(
            store
                .set_dashboard_favorite(&d.id, "u3", false)
                .await
                .expect("unfav")
        );
        let read = store.dashboard(&d.id).await.expect("read").expect("found");
        assert_eq!((read.version, read.acl.clone()), (102, acl.clone()));
        assert_eq!(read.favorites, vec!["u1", "u2"]);
        assert_eq!(
            read.document.get("somethingUnmodelled"),
            Some(&serde_json::json!({"kept": [1, 2.5, null]}))
        );
        assert_eq!(store.dashboard_history(&d.id).await.expect("h").acl, acl);
        let listed = store.dashboards().await.expect("all");
        assert_eq!(listed.first().map(|r| r.favorites.len()), Some(2));

        // The trash takes no save and no favorite; a delete for good leaves the versions, and a
        // dashboard created again under the id continues them.
        assert!(
            store
                .move_to_trash(TrashKind::Dashboard, &d.id, t + 200, "x")
                .await
                .expect("trash")
        );
        assert_eq!(
            store
                .save_dashboard(&d.id, &doc, t + 201, "x", "u")
                .await
                .expect("save"),
            None
        );
        assert!(
            !store
                .set_dashboard_favorite(&d.id, "u4", true)
                .await
                .expect("fav")
        );
        assert!(
            store
                .remove_for_good(TrashKind::Dashboard, &d.id)
                .await
                .expect("remove")
        );
        assert!(store.dashboard(&d.id).await.expect("read").is_none());
        let kept = store.dashboard_history(&d.id).await.expect("history");
        assert_eq!((kept.versions.len(), kept.acl.clone()), (MAX_VERSIONS, acl));
        assert_eq!(
            store.create_dashboard(&d, "again").await.expect("create"),
            Some(103)
        );
        let again = store.dashboard(&d.id).await.expect("read").expect("found");
        assert_eq!((again.version, again.favorites.len()), (103, 0));
        assert_eq!(
            store.dashboard_history(&d.id).await.expect("h").acl,
            Acl::default()
        );
        assert!(
            store
                .dashboard_history("never")
                .await
                .expect("h")
                .versions
                .is_empty()
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn maintenance_windows_are_created_replaced_and_deleted() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let w = MaintenanceWindowRecord {
            id: "1700000000000".into(),
            spec: WindowSpec {
                title: "mw".into(),
                reason: "r".into(),
                start_time_in_seconds: 1_700_000_000,
                end_time_in_seconds: 1_700_003_600,
                relevant_customer_tags: vec!["ct1".into()],
                point_tag_filter: Some("env=prod".into()),
                ..WindowSpec::default()
            },
            created_ms: 1,
            creator: "u".into(),
            updated_ms: 1,
            updater: "u".into(),
        };
        assert!(store.create_maintenance_window(&w).await.expect("create"));
        assert!(!store.create_maintenance_window(&w).await.expect("taken"));
        assert_eq!(
            store.maintenance_window(&w.id).await.expect("read"),
            Some(w.clone())
        );
        let changed = MaintenanceWindowRecord {
            spec: WindowSpec {
                title: "mw2".into(),
                ..w.spec.clone()
            },
            updated_ms: 2,
            ..w.clone()
        };
        assert!(
            store
                .update_maintenance_window(&changed)
                .await
                .expect("update")
        );
        assert_eq!(
            store.maintenance_windows().await.expect("list"),
            vec![changed]
        );
        assert!(
            store
                .delete_maintenance_window(&w.id)
                .await
                .expect("delete")
        );
        assert!(
            !store
                .delete_maintenance_window(&w.id)
                .await
                .expect("delete")
        );
        assert!(
            store
                .maintenance_window(&w.id)
                .await
                .expect("read")
                .is_none()
        );
        store.close().await;
    })
    .await;
}

fn notificant(id: &str, title: &str, method: Method) -> NotificantRecord {
    NotificantRecord {
        id: id.into(),
        title: title.into(),
        description: "d".into(),
        method,
        recipient: "https://hooks.example/x".into(),
        template: "{\"r\":\"{{{reason}}}\"}".into(),
        triggers: vec![
            crest_notify::Trigger::AlertOpened,
            crest_notify::Trigger::AlertResolved,
        ],
        content_type: "application/json".into(),
        custom_http_headers: [("X-T".to_owned(), "1".to_owned())].into(),
        email_subject: None,
        is_html_content: false,
        routes: vec![Route {
            method: Method::Email,
            target: "a@example.com".into(),
            key: "env".into(),
            value: "prod".into(),
        }],
        created_ms: 1_700_000_000_000,
        creator: "admin@example.com".into(),
        updated_ms: 1_700_000_000_000,
        updater: "admin@example.com".into(),
    }
}

#[tokio::test]
async fn notificants_round_trip_change_and_go() {
    on_both(|loc| async move {
        let store = SqlStore::open(&loc).await.expect("open");
        let a = notificant("AAAAAAAAAAAAAAAA", "first", Method::Webhook);
        let mut b = notificant("BBBBBBBBBBBBBBBB", "second", Method::Email);
        b.email_subject = Some("[{{severity}}] {{name}}".into());
        b.is_html_content = true;
        b.routes.clear();
        assert!(store.create_notificant(&a).await.expect("create"));
        assert!(store.create_notificant(&b).await.expect("create"));
        // An id is never reused.
        assert!(!store.create_notificant(&a).await.expect("create"));
        assert_eq!(
            store.notificant(&a.id).await.expect("read"),
            Some(a.clone())
        );
        assert_eq!(
            store.notificants().await.expect("list"),
            vec![a.clone(), b.clone()]
        );
        assert_eq!(
            TargetDirectory::describe(&store, &["nope".into(), b.id.clone()])
                .await
                .expect("describe"),
            vec![TargetInfo {
                id: b.id.clone(),
                method: Method::Email,
                name: "second".to_owned()
            }]
        );

        let mut changed = a.clone();
        changed.title = "renamed".into();
        changed.triggers = vec![crest_notify::Trigger::AlertOpened];
        changed.updated_ms += 5;
        assert!(store.update_notificant(&changed).await.expect("update"));
        assert_eq!(store.notificant(&a.id).await.expect("read"), Some(changed));
        assert!(
            !store
                .update_notificant(&notificant("CCCCCCCCCCCCCCCC", "x", Method::Webhook))
                .await
                .expect("update")
        );

        assert!(store.delete_notificant(&a.id).await.expect("delete"));
        assert!(!store.delete_notificant(&a.id).await.expect("delete"));
        assert_eq!(store.notificant(&a.id).await.expect("read"), None);
        store.close().await;
    })
    .await;
}
