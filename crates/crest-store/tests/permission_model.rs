//! A property test of the permission rules: random accounts, roles, groups, grants and
//! assignments, applied both to the real store (through the domain's rules) and to a small
//! reference model; after every step, every account's effective permissions agree.

#![expect(clippy::expect_used, clippy::indexing_slicing, reason = "test code")]

use std::collections::{BTreeMap, BTreeSet};

use crest_domain::access;
use crest_domain::account::{AccountId, AccountKind};
use crest_domain::clock::ManualClock;
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::principal::Principal;
use crest_domain::random::SequenceRandom;
use crest_domain::store::NewAccount;
use crest_domain::store::traits::*;
use crest_store::{SqlStore, StoreLocation};
use proptest::prelude::*;

const ACCOUNTS: usize = 3;
const ROLES: usize = 3;
const GROUPS: usize = 2;

#[derive(Debug, Clone)]
enum Step {
    Grant(usize, usize),
    Revoke(usize, usize),
    RolePermissions(usize, Vec<usize>),
    Assign(usize, usize),
    Unassign(usize, usize),
    GroupRole(usize, usize, bool),
    Member(usize, usize, bool),
}

fn step() -> impl Strategy<Value = Step> {
    let perm = 0..Permission::ALL.len();
    prop_oneof![
        (0..ACCOUNTS, perm.clone()).prop_map(|(a, p)| Step::Grant(a, p)),
        (0..ACCOUNTS, perm.clone()).prop_map(|(a, p)| Step::Revoke(a, p)),
        (0..ROLES, proptest::collection::vec(perm, 0..4))
            .prop_map(|(r, ps)| Step::RolePermissions(r, ps)),
        (0..ROLES, 0..ACCOUNTS).prop_map(|(r, a)| Step::Assign(r, a)),
        (0..ROLES, 0..ACCOUNTS).prop_map(|(r, a)| Step::Unassign(r, a)),
        (0..GROUPS, 0..ROLES, any::<bool>()).prop_map(|(g, r, on)| Step::GroupRole(g, r, on)),
        (0..GROUPS, 0..ACCOUNTS, any::<bool>()).prop_map(|(g, a, on)| Step::Member(g, a, on)),
    ]
}

/// The reference: plain sets, the rule written the simplest way.
#[derive(Debug, Default)]
struct Model {
    direct: BTreeMap<usize, BTreeSet<usize>>,
    role_perms: BTreeMap<usize, BTreeSet<usize>>,
    account_roles: BTreeMap<usize, BTreeSet<usize>>,
    group_roles: BTreeMap<usize, BTreeSet<usize>>,
    members: BTreeMap<usize, BTreeSet<usize>>,
}

impl Model {
    fn effective(&self, a: usize) -> BTreeSet<usize> {
        let mut out = self.direct.get(&a).cloned().unwrap_or_default();
        let mut roles = self.account_roles.get(&a).cloned().unwrap_or_default();
        for (g, members) in &self.members {
            if members.contains(&a) {
                roles.extend(self.group_roles.get(g).cloned().unwrap_or_default());
            }
        }
        for r in roles {
            out.extend(self.role_perms.get(&r).cloned().unwrap_or_default());
        }
        out
    }
}

fn admin() -> Principal {
    Principal {
        account: AccountId::from_trusted("root@example.com".into()),
        kind: AccountKind::User,
        permissions: PermissionSet::all(),
        super_admin: true,
        super_admin_mode_off: false,
        token: None,
    }
}

async fn run(steps: Vec<Step>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqlStore::open(&StoreLocation::Sqlite {
        data_dir: dir.path().join("d"),
    })
    .await
    .expect("open");
    let (clock, random, me) = (ManualClock::new(1), SequenceRandom::new(11), admin());
    let ids: Vec<AccountId> = (0..ACCOUNTS)
        .map(|i| AccountId::parse(&format!("sa::a{i}")).expect("id"))
        .collect();
    for id in &ids {
        let new = NewAccount {
            id: id.clone(),
            kind: AccountKind::ServiceAccount,
            active: true,
            description: String::new(),
            permissions: PermissionSet::EMPTY,
            now: 1,
        };
        store.create_account(&new).await.expect("account");
    }
    let mut roles = Vec::new();
    for r in 0..ROLES {
        let role = access::create_role(
            &store,
            &clock,
            &random,
            &me,
            &format!("r{r}"),
            "",
            PermissionSet::EMPTY,
        )
        .await
        .expect("role");
        roles.push(role.id);
    }
    let mut groups = Vec::new();
    for g in 0..GROUPS {
        let group = access::create_group(&store, &clock, &random, &me, &format!("g{g}"), "", &[])
            .await
            .expect("group");
        groups.push(group.id);
    }
    let mut model = Model::default();
    for step in steps {
        match &step {
            Step::Grant(a, p) | Step::Revoke(a, p) => {
                let granted = matches!(step, Step::Grant(..));
                store
                    .set_permission(&ids[*a], Permission::ALL[*p], granted, 2)
                    .await
                    .expect("grant");
                let set = model.direct.entry(*a).or_default();
                if granted {
                    set.insert(*p);
                } else {
                    set.remove(p);
                }
            }
            Step::RolePermissions(r, ps) => {
                let perms: PermissionSet = ps.iter().map(|p| Permission::ALL[*p]).collect();
                let change = crest_domain::role::RoleChange {
                    permissions: Some(perms),
                    ..Default::default()
                };
                access::update_role(&store, &clock, &me, &roles[*r], change)
                    .await
                    .expect("role");
                model.role_perms.insert(*r, ps.iter().copied().collect());
            }
            Step::Assign(r, a) | Step::Unassign(r, a) => {
                let on = matches!(step, Step::Assign(..));
                access::set_role_assignees(&store, &me, &roles[*r], &[ids[*a].to_string()], on)
                    .await
                    .expect("assign");
                let set = model.account_roles.entry(*a).or_default();
                if on {
                    set.insert(*r);
                } else {
                    set.remove(r);
                }
            }
            Step::GroupRole(g, r, on) => {
                access::set_group_roles(
                    &store,
                    &me,
                    &groups[*g],
                    std::slice::from_ref(&roles[*r]),
                    *on,
                )
                .await
                .expect("group role");
                let set = model.group_roles.entry(*g).or_default();
                if *on {
                    set.insert(*r);
                } else {
                    set.remove(r);
                }
            }
            Step::Member(g, a, on) => {
                access::set_group_members(&store, &me, &groups[*g], &[ids[*a].to_string()], *on)
                    .await
                    .expect("member");
                let set = model.members.entry(*g).or_default();
                if *on {
                    set.insert(*a);
                } else {
                    set.remove(a);
                }
            }
        }
        for (i, id) in ids.iter().enumerate() {
            let got = store
                .account(id)
                .await
                .expect("read")
                .expect("found")
                .effective_permissions();
            let want: PermissionSet = model
                .effective(i)
                .into_iter()
                .map(|p| Permission::ALL[p])
                .collect();
            assert_eq!(got, want, "account {i} after {step:?}");
        }
    }
    store.close().await;
}

proptest! {
    // Bounded for CI: each case opens a store and runs up to 25 steps.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn the_store_agrees_with_the_model(steps in proptest::collection::vec(step(), 1..25)) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(run(steps));
    }
}
