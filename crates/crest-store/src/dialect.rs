//! What differs between SQLite and PostgreSQL, and nothing else.

/// The SQL dialect a pool speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// How a write transaction starts. SQLite takes the write lock at once (`IMMEDIATE`), so that a
    /// transaction that reads before it writes never fails on a lock upgrade; a second process
    /// waits on the busy timeout instead.
    pub(crate) const fn begin_write(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN IMMEDIATE",
            Self::Postgres => "BEGIN",
        }
    }

    /// An aggregate that joins a text column's values with commas.
    pub(crate) const fn join_text(self) -> &'static str {
        match self {
            Self::Sqlite => "group_concat",
            Self::Postgres => "string_agg",
        }
    }
}

impl Dialect {
    /// A statement that serializes one kind of write transaction across every process sharing the
    /// database, where `BEGIN` alone does not (PostgreSQL; SQLite's `BEGIN IMMEDIATE` already does).
    /// The statement takes the lock key as its one parameter.
    pub(crate) const fn serialize_tx(self) -> Option<&'static str> {
        match self {
            Self::Sqlite => None,
            Self::Postgres => Some("SELECT pg_advisory_xact_lock($1)"),
        }
    }
}

impl Dialect {
    /// What a `SELECT` appends to lock the rows it reads until the transaction ends (PostgreSQL);
    /// SQLite's `BEGIN IMMEDIATE` already holds the database's write lock.
    pub(crate) const fn for_update(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE",
        }
    }
}

/// Advisory lock keys of the write transactions that must not interleave across instances.
pub(crate) const BOOTSTRAP_LOCK: i64 = 0x6372_6573_7401;
