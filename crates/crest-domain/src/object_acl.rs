//! The access control list of an object that has one (alerts, dashboards): who may view and who
//! may modify it, how a caller is checked against it, and how the ACL endpoints read and change
//! it ([`AclObjects`], which each kind's service implements with three small reads and writes).

use async_trait::async_trait;

use crate::DomainError;

/// Who may view and who may modify an object. Both empty means everyone may (the default).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Acl {
    /// Account and group ids that may view.
    #[serde(default)]
    pub can_view: Vec<String>,
    /// Account and group ids that may view and modify.
    #[serde(default)]
    pub can_modify: Vec<String>,
}

impl Acl {
    /// Whether the ACL restricts anything.
    pub fn is_open(&self) -> bool {
        self.can_view.is_empty() && self.can_modify.is_empty()
    }

    /// Applies one change of the ACL endpoints to both lists.
    pub fn edit(&mut self, change: &Acl, edit: AclEdit) {
        edit.apply(&mut self.can_view, &change.can_view);
        edit.apply(&mut self.can_modify, &change.can_modify);
    }
}

/// Who is asking, as an object's ACL sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessCheck {
    pub account: String,
    /// The ids of the caller's groups.
    pub groups: Vec<String>,
    /// Super Admins pass every ACL.
    pub super_admin: bool,
}

impl AccessCheck {
    fn named_in(&self, ids: &[String]) -> bool {
        ids.iter()
            .any(|id| *id == self.account || self.groups.contains(id))
    }

    /// An open ACL lets everyone view; otherwise those it names (to view or to modify) may.
    pub fn may_view(&self, acl: &Acl) -> bool {
        self.super_admin
            || acl.is_open()
            || self.named_in(&acl.can_view)
            || self.named_in(&acl.can_modify)
    }

    /// An open ACL lets everyone modify; otherwise those in `canModify` may (or, when only
    /// `canView` is set, those it names).
    pub fn may_modify(&self, acl: &Acl) -> bool {
        if acl.can_modify.is_empty() {
            return self.may_view(acl);
        }
        self.super_admin || self.named_in(&acl.can_modify)
    }
}

/// A change to a list of ids: the ACL endpoints (`/acl/add`, `/acl/remove`, `/acl/set`) and the
/// tag endpoints (add, remove, set) alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclEdit {
    Add,
    Remove,
    Set,
}

impl AclEdit {
    /// Adds the ids missing (in order), removes those named, or replaces the list.
    pub fn apply(self, list: &mut Vec<String>, ids: &[String]) {
        match self {
            Self::Add => {
                for id in ids {
                    if !list.contains(id) {
                        list.push(id.clone());
                    }
                }
            }
            Self::Remove => list.retain(|x| !ids.contains(x)),
            Self::Set => *list = ids.to_vec(),
        }
    }
}

/// A kind of object with ACLs, as the ACL endpoints see it: the kind gives one object's ACL (to a
/// caller who may view it, or modify it) and writes one; reading and editing several at once is
/// the same for every kind.
#[async_trait]
pub trait AclObjects: Sync {
    /// The ACL of the object `id`; not found when it does not exist or `who` may not view it.
    async fn visible_acl(&self, id: &str, who: &AccessCheck) -> Result<Acl, DomainError>;

    /// The ACL of the object `id`, refused unless `who` may modify the object.
    async fn modifiable_acl(&self, id: &str, who: &AccessCheck) -> Result<Acl, DomainError>;

    /// Replaces the object's ACL; not found when it is gone.
    async fn write_acl(&self, id: &str, acl: &Acl) -> Result<(), DomainError>;

    /// The ACLs of the objects named (each must exist and be visible).
    async fn acls(
        &self,
        who: &AccessCheck,
        ids: &[String],
    ) -> Result<Vec<(String, Acl)>, DomainError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push((id.clone(), self.visible_acl(id, who).await?));
        }
        Ok(out)
    }

    /// Applies ACL changes, each to one object the caller may modify; all are checked before any
    /// is applied.
    async fn edit_acls(
        &self,
        who: &AccessCheck,
        edit: AclEdit,
        changes: &[(String, Acl)],
    ) -> Result<(), DomainError> {
        let mut next = Vec::with_capacity(changes.len());
        for (id, change) in changes {
            let mut acl = self.modifiable_acl(id, who).await?;
            acl.edit(change, edit);
            next.push((id, acl));
        }
        for (id, acl) in next {
            self.write_acl(id, &acl).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(account: &str, groups: &[&str]) -> AccessCheck {
        AccessCheck {
            account: account.into(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            super_admin: false,
        }
    }

    #[test]
    fn an_acl_restricts_only_when_it_names_someone() {
        let open = Acl::default();
        assert!(who("a", &[]).may_view(&open) && who("a", &[]).may_modify(&open));
        let acl = Acl {
            can_view: vec!["viewers".into()],
            can_modify: vec!["b".into()],
        };
        assert!(who("x", &["viewers"]).may_view(&acl));
        assert!(!who("x", &["viewers"]).may_modify(&acl));
        assert!(who("b", &[]).may_modify(&acl) && who("b", &[]).may_view(&acl));
        assert!(!who("c", &[]).may_view(&acl));
        let admin = AccessCheck {
            super_admin: true,
            ..who("c", &[])
        };
        assert!(admin.may_view(&acl) && admin.may_modify(&acl));
    }

    #[test]
    fn edits_add_remove_and_set() {
        let mut list = vec!["a".to_owned()];
        AclEdit::Add.apply(&mut list, &["b".into(), "a".into()]);
        assert_eq!(list, vec!["a", "b"]);
        AclEdit::Remove.apply(&mut list, &["a".into()]);
        assert_eq!(list, vec!["b"]);
        AclEdit::Set.apply(&mut list, &["z".into()]);
        assert_eq!(list, vec!["z"]);
    }
}
