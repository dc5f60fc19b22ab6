//! A property test of the rule for acting on credentials: random actors (their credential's
//! permissions, Super Admin or not, sometimes the target itself) try random credential-changing
//! operations on random targets (a Super Admin, users and service accounts holding random
//! permissions), through the domain, on a real store. Each outcome must match a plain model of
//! the rule, and a refused operation must leave the store exactly as it was.

#![expect(clippy::expect_used, clippy::indexing_slicing, reason = "test code")]

use crest_domain::DomainError;
use crest_domain::account::{AccountId, AccountKind, AccountRecord};
use crest_domain::account_change;
use crest_domain::clock::ManualClock;
use crest_domain::invite;
use crest_domain::membership::Memberships;
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::principal::Principal;
use crest_domain::random::SequenceRandom;
use crest_domain::service_account::{self, ServiceAccountChange};
use crest_domain::store::traits::*;
use crest_domain::store::{BootstrapPlan, NewAccount};
use crest_domain::token::{ApiTokenSecret, TokenId};
use crest_domain::user_account::{self, UserChange};
use crest_store::{SqlStore, StoreLocation};
use proptest::prelude::*;

/// The permissions the targets and actors draw from (service accounts may hold all of them).
const UNIVERSE: [Permission; 4] = [
    Permission::AgentManagement,
    Permission::AlertsManagement,
    Permission::HostTagManagement,
    Permission::UserManagement,
];
const ROOT: &str = "root@example.com";
const TARGETS: usize = 4;

fn set(bits: u8) -> PermissionSet {
    UNIVERSE
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, p)| *p)
        .collect()
}

#[derive(Debug, Clone)]
struct Target {
    service_account: bool,
    bits: u8,
}

#[derive(Debug, Clone)]
enum Op {
    Grant(u8),
    Revoke(u8),
    MintToken,
    RevokeToken,
    Delete,
    InviteLink,
    Update,
    SetPasswordChange,
}

#[derive(Debug, Clone)]
struct Attempt {
    actor_bits: u8,
    actor_super_admin: bool,
    /// `Some(i)`: the actor acts as target `i`'s own account.
    actor_is: Option<usize>,
    target: usize,
    op: Op,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..4).prop_map(Op::Grant),
        (0u8..4).prop_map(Op::Revoke),
        Just(Op::MintToken),
        Just(Op::RevokeToken),
        Just(Op::Delete),
        Just(Op::InviteLink),
        Just(Op::Update),
        Just(Op::SetPasswordChange),
    ]
}

fn attempt() -> impl Strategy<Value = Attempt> {
    (
        0u8..16,
        prop::bool::weighted(0.15),
        prop::option::weighted(0.2, 0..TARGETS),
        0..TARGETS,
        op(),
    )
        .prop_map(
            |(actor_bits, actor_super_admin, actor_is, target, op)| Attempt {
                actor_bits,
                actor_super_admin,
                actor_is,
                target,
                op,
            },
        )
}

fn target() -> impl Strategy<Value = Target> {
    (any::<bool>(), 0u8..16).prop_map(|(service_account, bits)| Target {
        service_account,
        bits,
    })
}

fn id_of(i: usize, targets: &[Target]) -> AccountId {
    if i == 0 {
        return AccountId::parse(ROOT).expect("id");
    }
    let raw = if targets[i].service_account {
        format!("sa::t{i}")
    } else {
        format!("t{i}@example.com")
    };
    AccountId::parse(&raw).expect("id")
}

/// Everything a refused attempt must leave as it was.
async fn snapshot(store: &SqlStore, ids: &[AccountId]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        let account = store.account(id).await.expect("read");
        let tokens = store.tokens_of(id).await.expect("tokens");
        let live: Vec<_> = tokens.iter().map(|t| (t.id, t.name.clone())).collect();
        out.push(format!("{account:?} {live:?}"));
    }
    out.push(format!("{:?}", store.invites().await.expect("invites")));
    out
}

/// The rule, written the plainest way, for an actor towards a target as they stand now.
fn model_covers(attempt: &Attempt, target: &AccountRecord) -> bool {
    if attempt.actor_super_admin {
        return true;
    }
    if target.super_admin {
        return false;
    }
    let actor = set(attempt.actor_bits);
    target
        .effective_permissions()
        .iter()
        .all(|p| actor.contains(p))
}

async fn run(targets: Vec<Target>, attempts: Vec<Attempt>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqlStore::open(&StoreLocation::Sqlite {
        data_dir: dir.path().join("d"),
    })
    .await
    .expect("open");
    let (clock, random) = (ManualClock::new(1), SequenceRandom::new(5));
    let root_secret = ApiTokenSecret::generate(&random).expect("secret");
    store
        .apply_bootstrap(&BootstrapPlan {
            admin: AccountId::parse(ROOT).expect("id"),
            permissions: PermissionSet::all(),
            token_id: TokenId::generate(&random).expect("id"),
            token_digest: root_secret.digest(),
            token_name: "bootstrap".into(),
            now: 1,
            only_if_empty: true,
        })
        .await
        .expect("bootstrap");
    let ids: Vec<AccountId> = (0..TARGETS).map(|i| id_of(i, &targets)).collect();
    for i in 1..TARGETS {
        let kind = if targets[i].service_account {
            AccountKind::ServiceAccount
        } else {
            AccountKind::User
        };
        store
            .create_account(&NewAccount {
                id: ids[i].clone(),
                kind,
                active: true,
                description: String::new(),
                permissions: set(targets[i].bits),
                now: 1,
            })
            .await
            .expect("create");
    }
    let operator = Principal::operator();
    for attempt in attempts {
        let target_id = &ids[attempt.target];
        // Give the target a token to revoke, as the operator.
        let current = store.account(target_id).await.expect("read");
        let mut token = None;
        if let (Op::RevokeToken, Some(record)) = (&attempt.op, &current) {
            let (id, _) = service_account::generate_token(
                &store, &clock, &random, &operator, record, None, None,
            )
            .await
            .expect("a token");
            token = Some(id.to_string());
        }
        let actor = Principal {
            account: attempt.actor_is.map_or_else(
                || AccountId::from_trusted("actor@example.com".into()),
                |i| ids[i].clone(),
            ),
            kind: AccountKind::User,
            // The actor's own account, when it acts as one, is measured by this credential too:
            // a narrower token of the same account.
            permissions: if attempt.actor_super_admin {
                PermissionSet::all()
            } else {
                set(attempt.actor_bits)
            },
            super_admin: attempt.actor_super_admin,
            super_admin_mode_off: false,
            token: None,
        };
        let before = snapshot(&store, &ids).await;
        let outcome: Result<(), DomainError> = match &attempt.op {
            Op::Grant(p) | Op::Revoke(p) => account_change::set_permission(
                &store,
                &clock,
                &actor,
                target_id,
                UNIVERSE[usize::from(*p)],
                matches!(attempt.op, Op::Grant(_)),
            )
            .await
            .map(drop),
            Op::MintToken => match &current {
                Some(record) => service_account::generate_token(
                    &store, &clock, &random, &actor, record, None, None,
                )
                .await
                .map(drop),
                None => Err(DomainError::NotFound("gone".into())),
            },
            Op::RevokeToken => match (&current, &token) {
                (Some(record), Some(token)) => {
                    service_account::revoke_token(&store, &clock, &actor, record, token).await
                }
                _ => Err(DomainError::NotFound("gone".into())),
            },
            Op::Delete => account_change::delete_one(&store, &actor, target_id)
                .await
                .map(drop),
            Op::InviteLink => invite::mint(&store, &clock, &random, &actor, target_id)
                .await
                .map(drop),
            Op::Update => {
                if current
                    .as_ref()
                    .is_some_and(|a| a.kind == AccountKind::ServiceAccount)
                {
                    let change = ServiceAccountChange {
                        description: Some("changed".into()),
                        ..ServiceAccountChange::default()
                    };
                    service_account::update(&store, &clock, &actor, target_id.as_str(), change)
                        .await
                        .map(drop)
                } else {
                    let change = UserChange {
                        permissions: current.as_ref().map(|a| a.permissions),
                        memberships: Memberships::default(),
                        sets_password: false,
                    };
                    user_account::update(&store, &clock, &actor, target_id.as_str(), &change)
                        .await
                        .map(drop)
                }
            }
            Op::SetPasswordChange => {
                let change = UserChange {
                    sets_password: true,
                    ..UserChange::default()
                };
                user_account::update(&store, &clock, &actor, target_id.as_str(), &change)
                    .await
                    .map(drop)
            }
        };
        // The model: the target must exist and be covered, then each operation's own rules.
        let expected = match &current {
            None => false,
            Some(record) => {
                let user = record.kind == AccountKind::User;
                model_covers(&attempt, record)
                    && match &attempt.op {
                        Op::Grant(p) => {
                            set(attempt.actor_bits).contains(UNIVERSE[usize::from(*p)])
                                || attempt.actor_super_admin
                        }
                        Op::Delete => !record.super_admin,
                        Op::InviteLink | Op::SetPasswordChange => user,
                        _ => true,
                    }
            }
        };
        assert_eq!(
            outcome.is_ok(),
            expected,
            "{attempt:?} on {current:?}: {outcome:?}"
        );
        if let Err(e) = &outcome {
            assert!(
                !matches!(e, DomainError::Store(_) | DomainError::Internal(_)),
                "{e}"
            );
            let kind_first = matches!(attempt.op, Op::InviteLink | Op::SetPasswordChange);
            if current.as_ref().is_some_and(|record| {
                !model_covers(&attempt, record) && (record.kind == AccountKind::User || !kind_first)
            }) {
                assert!(matches!(e, DomainError::Forbidden(_)), "{attempt:?}: {e}");
            }
            let after = snapshot(&store, &ids).await;
            assert_eq!(before, after, "a refused {attempt:?} changed the store");
        }
    }
    store.close().await;
}

proptest! {
    // Bounded for CI: each case opens a store and makes up to 30 attempts.
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
    #[test]
    fn every_attempt_agrees_with_the_model_and_refusals_change_nothing(
        targets in proptest::collection::vec(target(), TARGETS),
        attempts in proptest::collection::vec(attempt(), 1..30),
    ) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(run(targets, attempts));
    }
}
