//! The domain's rules over the in-memory store (`crest_testkit::MemoryStore`): what `access`,
//! `account_change` and `service_account` allow, checked in milliseconds without a database.

#![allow(clippy::expect_used, reason = "test code")]

use crest_domain::DomainError;
use crest_domain::access;
use crest_domain::account::{AccountId, AccountKind};
use crest_domain::account_change;
use crest_domain::clock::ManualClock;
use crest_domain::group::SERVICE_ACCOUNTS_GROUP_ID;
use crest_domain::membership::Memberships;
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::principal::Principal;
use crest_domain::random::SequenceRandom;
use crest_domain::service_account::{self, ServiceAccountInput};
use crest_domain::store::{AccountChange, AccountStore, NewAccount};
use crest_testkit::MemoryStore;

fn id(raw: &str) -> AccountId {
    AccountId::parse(raw).expect("account id")
}

fn caller(account: &str, permissions: &[Permission]) -> Principal {
    Principal {
        account: id(account),
        kind: AccountKind::User,
        permissions: permissions.iter().copied().collect(),
        super_admin: false,
        super_admin_mode_off: false,
        token: None,
    }
}

async fn user(store: &MemoryStore, raw: &str, super_admin: bool) -> AccountId {
    let account = id(raw);
    let created = store
        .create_account(&NewAccount {
            id: account.clone(),
            kind: AccountKind::User,
            active: true,
            description: String::new(),
            permissions: PermissionSet::default(),
            now: 1,
        })
        .await
        .expect("create");
    assert!(created);
    assert!(store.set_super_admin(&account, super_admin));
    account
}

fn is_last_super_admin(e: &DomainError) -> bool {
    matches!(e, DomainError::Invalid(m) if m == "the last Super Admin cannot be deleted")
}

#[tokio::test]
async fn the_last_active_super_admin_is_never_deleted() {
    let store = MemoryStore::new();
    let op = Principal::operator();
    let ann = user(&store, "ann@example.com", true).await;
    let bob = user(&store, "bob@example.com", true).await;
    let cy = user(&store, "cy@example.com", false).await;

    // Both at once would leave none: nothing is deleted, not even the plain user named with them.
    let e = account_change::delete(&store, &op, &[ann.clone(), bob.clone(), cy.clone()])
        .await
        .expect_err("the last two Super Admins");
    assert!(is_last_super_admin(&e), "{e}");
    for kept in [&ann, &bob, &cy] {
        assert!(store.account(kept).await.expect("read").is_some());
    }

    let deleted = account_change::delete(&store, &op, std::slice::from_ref(&ann))
        .await
        .expect("one of two");
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].id, ann);

    // An inactive Super Admin does not count as one that remains.
    let dee = user(&store, "dee@example.com", true).await;
    let change = AccountChange {
        active: Some(false),
        ..AccountChange::default()
    };
    assert!(
        store
            .update_account(&dee, &change, 2)
            .await
            .expect("deactivate")
    );
    let e = account_change::delete_one(&store, &op, &bob)
        .await
        .expect_err("the last active one");
    assert!(is_last_super_admin(&e), "{e}");
    assert!(store.account(&bob).await.expect("read").is_some());

    // Deleting an inactive Super Admin, or anyone else, is not the rule's business.
    account_change::delete_one(&store, &op, &dee)
        .await
        .expect("inactive");
    account_change::delete_one(&store, &op, &cy)
        .await
        .expect("plain user");
}

#[tokio::test]
async fn unknown_accounts_are_skipped_and_only_found_ones_reported() {
    let store = MemoryStore::new();
    let op = Principal::operator();
    let cy = user(&store, "cy@example.com", false).await;
    let deleted = account_change::delete(&store, &op, &[id("nobody@example.com"), cy.clone()])
        .await
        .expect("delete");
    assert_eq!(deleted.iter().map(|a| &a.id).collect::<Vec<_>>(), [&cy]);
    let e = account_change::delete_one(&store, &op, &cy)
        .await
        .expect_err("gone");
    assert!(matches!(e, DomainError::NotFound(_)), "{e}");
}

#[tokio::test]
async fn a_role_is_assigned_only_by_whoever_holds_its_permissions() {
    let store = MemoryStore::new();
    let clock = ManualClock::new(1_000);
    let random = SequenceRandom::new(7);
    let op = Principal::operator();
    let cy = user(&store, "cy@example.com", false).await;
    let alerts: PermissionSet = [Permission::AlertsManagement].into_iter().collect();
    let role = access::create_role(&store, &clock, &random, &op, "Alerts", "", alerts)
        .await
        .expect("role");

    let lacking = caller("ann@example.com", &[Permission::UserManagement]);
    let e = access::set_role_assignees(&store, &lacking, &role.id, &[cy.to_string()], true)
        .await
        .expect_err("does not hold alerts_management");
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    let unchanged = store.account(&cy).await.expect("read").expect("cy");
    assert!(unchanged.roles.is_empty());

    let role = access::set_role_assignees(
        &store,
        &op,
        &role.id,
        &[cy.to_string(), SERVICE_ACCOUNTS_GROUP_ID.to_owned()],
        true,
    )
    .await
    .expect("assign");
    assert_eq!(role.accounts, [cy.to_string()]);
    assert_eq!(role.groups, [SERVICE_ACCOUNTS_GROUP_ID]);
    let cy_now = store.account(&cy).await.expect("read").expect("cy");
    assert_eq!(cy_now.roles, std::slice::from_ref(&role.id));
    assert!(
        cy_now
            .united_permissions
            .contains(Permission::AlertsManagement)
    );

    let e = access::set_role_assignees(&store, &op, &role.id, &["nobody@example.com".into()], true)
        .await
        .expect_err("no such account");
    assert!(matches!(e, DomainError::Invalid(_)), "{e}");
}

#[tokio::test]
async fn a_service_account_gets_no_permission_its_creator_lacks() {
    let store = MemoryStore::new();
    let clock = ManualClock::new(1_000);
    let input = |permissions: &[Permission]| ServiceAccountInput {
        id: "sa::bot".into(),
        active: true,
        description: String::new(),
        permissions: permissions.iter().copied().collect(),
        memberships: Memberships::default(),
    };
    let manager = caller("ann@example.com", &[Permission::UserManagement]);

    let e = service_account::create(&store, &clock, &manager, input(&[Permission::Ingestion]))
        .await
        .expect_err("escalation");
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    assert!(store.account(&id("sa::bot")).await.expect("read").is_none());

    let op = Principal::operator();
    let e = service_account::create(&store, &clock, &op, input(&[Permission::TokenManagement]))
        .await
        .expect_err("never API Tokens");
    assert!(matches!(e, DomainError::Invalid(_)), "{e}");

    let granted = caller(
        "ann@example.com",
        &[Permission::UserManagement, Permission::Ingestion],
    );
    let created =
        service_account::create(&store, &clock, &granted, input(&[Permission::Ingestion]))
            .await
            .expect("held by the creator");
    assert_eq!(created.kind, AccountKind::ServiceAccount);
    assert!(created.permissions.contains(Permission::Ingestion));
    assert_eq!(created.groups, [SERVICE_ACCOUNTS_GROUP_ID]);

    let e = service_account::create(&store, &clock, &granted, input(&[]))
        .await
        .expect_err("taken id");
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
}
