//! The syntax tree of a query: what was written, with the comma rule and the argument slots left
//! for the evaluator to interpret.

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A numeric constant, SI suffix applied (`0.5k` is 500).
    Number(f64),
    /// `ts(...)`, `hs(...)` or `cs(...)`.
    Selector(Selector),
    /// `events(...)`; `None` for `events()`.
    Events(Option<FilterExpr>),
    /// `name(args...)` (any function but the selectors, `events` and `join`).
    Call(Call),
    /// `-expr`.
    Neg(Box<Expr>),
    Binary(Box<Binary>),
    /// `expr.gt(arg)`, `expr.orElse(arg)`, ...
    Method {
        receiver: Box<Expr>,
        method: Method,
        arg: Box<Expr>,
    },
    /// `expr as name`.
    Alias {
        expr: Box<Expr>,
        name: String,
    },
    /// `$name`: a reference to an alias of the same query.
    AliasRef(String),
    /// `${name}`: a variable nobody expanded before parsing.
    Variable(String),
    /// `join(...)`.
    Join(Box<Join>),
    /// Inside a join's data expression: `ts1`, or `{ts1|0}` with a value for a missing side.
    JoinRef {
        alias: String,
        default: Option<f64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SelectorKind {
    /// `ts()`: points.
    Ts,
    /// `hs()`: distributions (the metric name carries the `.m`/`.h`/`.d` suffix).
    Hs,
    /// `cs()`: delta counters, named without their `∆` prefix.
    Cs,
}

/// `ts(item, item, ...)`: the items as written, separated by commas. Their meaning (the first item
/// ANDed with the OR of the rest, wql.md §1.3) is [`Selector::filter`]'s.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    pub kind: SelectorKind,
    pub items: Vec<FilterExpr>,
}

impl Selector {
    /// The comma rule: `I0, I1, ..., In` means `I0 and (I1 or ... or In)`.
    pub fn filter(&self) -> FilterExpr {
        let mut items = self.items.iter().cloned();
        let Some(first) = items.next() else {
            return FilterExpr::Or(Vec::new());
        };
        let rest: Vec<FilterExpr> = items.collect();
        match rest.len() {
            0 => first,
            1 => FilterExpr::And(
                std::iter::once(first)
                    .chain(rest)
                    .collect::<Vec<FilterExpr>>(),
            ),
            _ => FilterExpr::And(vec![first, FilterExpr::Or(rest)]),
        }
    }
}

/// A boolean expression inside `ts()`, `hs()`, `cs()` or `events()`.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterExpr {
    Atom(FilterAtom),
    And(Vec<FilterExpr>),
    Or(Vec<FilterExpr>),
    Not(Box<FilterExpr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterAtom {
    /// A bare, quoted or regex name: the metric (or, in `events()`, not allowed without a key).
    Metric(NamePattern),
    /// `key=value`, `key!=value`, `key?=value`.
    Key {
        key: FilterKey,
        op: FilterOp,
        value: NamePattern,
    },
    /// `${name}` in filter position.
    Variable(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FilterKey {
    /// `source=` or its legacy synonym `host=`.
    Source,
    /// `tag=`: a source tag.
    SourceTag,
    /// Any other key: a point tag (in `events()`: an event field such as `type` or `name`).
    Point(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `?=`: has this value, or lacks the key.
    Maybe,
}

/// A name as written: text (quoted or not; `*` is a wildcard either way) or a `/regex/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NamePattern {
    Text(String),
    Regex(String),
}

/// `name(args...)`, with `by (...)`/`without (...)` when written inside the parentheses. A plain
/// comma list of group keys (`sum(ts(m), az)`) stays as [`Arg::Word`]s: only the function knows
/// whether a trailing word is a group key.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// As written; function names are matched without regard to case.
    pub name: String,
    pub args: Vec<Arg>,
    pub grouping: Option<Grouping>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Expr(Expr),
    /// `5m`, `1h`, `2vw`, `3bw`, `100ms`. A bare integer is an [`Expr::Number`]; the evaluator
    /// reads it as minutes where the function expects a window.
    Window(Window),
    /// A quoted string.
    Str(String),
    /// A bare word: a keyword (`mean`, `inner`, `with_bounds`), a group key (`sources`, `az`) or a
    /// metadata function's field (`metric`, `source`, `tagk`).
    Word(String),
    /// `10%`.
    Percent(f64),
    /// `name=value`, as in `retainSeries(..., collect_0="0")` or `timespan(..., prettyName="x")`.
    Named {
        name: String,
        value: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    pub amount: u64,
    pub unit: WindowUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowUnit {
    Millis,
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    /// Multiples of the chart's view window.
    ViewWindows,
    /// Multiples of the chart's bucket.
    Buckets,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    pub mode: GroupMode,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupMode {
    By,
    Without,
}

/// `lhs op rhs`, with `[op]` (strict) and `by (...) groupLeft|groupRight` when written.
#[derive(Debug, Clone, PartialEq)]
pub struct Binary {
    pub op: BinaryOp,
    pub strict: bool,
    pub matching: Option<Matching>,
    pub lhs: Expr,
    pub rhs: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    /// Event sets: `union`, `intersect`.
    Union,
    Intersect,
    /// Event sets: the Allen relations written as words (`m mi o oi s si d di f fi`); `<`, `>`
    /// and `=` between event sets parse as [`BinaryOp::Lt`], [`BinaryOp::Gt`], [`BinaryOp::Eq`].
    Allen(Allen),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Allen {
    Meets,
    MetBy,
    Overlaps,
    OverlappedBy,
    Starts,
    StartedBy,
    During,
    Contains,
    Finishes,
    FinishedBy,
}

/// `by (k1, k2) [groupLeft|groupRight]` after a binary operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matching {
    pub keys: Vec<String>,
    pub side: Option<GroupSide>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupSide {
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    OrElse,
}

/// `join(left AS a <kind> JOIN right AS b USING(...)|ON ..., outputs..., data)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    pub left: Expr,
    pub left_alias: String,
    pub kind: JoinKind,
    pub right: Expr,
    pub right_alias: String,
    pub condition: JoinCondition,
    /// `metric='x'`, `source=ts1.source`, `env=ts1.env`.
    pub outputs: Vec<JoinOutput>,
    /// The value expression, over [`Expr::JoinRef`]s.
    pub data: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JoinCondition {
    Using(Vec<String>),
    On(JoinPredicate),
}

#[derive(Debug, Clone, PartialEq)]
pub enum JoinPredicate {
    Compare {
        left: JoinOperand,
        equal: bool,
        right: JoinOperand,
    },
    And(Vec<JoinPredicate>),
    Or(Vec<JoinPredicate>),
    Not(Box<JoinPredicate>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum JoinOperand {
    /// `alias.column`
    Column {
        alias: String,
        column: String,
    },
    Str(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JoinOutput {
    /// `metric`, `source` or a point-tag key.
    pub key: String,
    pub value: JoinOperand,
}
