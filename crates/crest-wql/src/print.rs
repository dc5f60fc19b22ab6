//! The canonical text of a tree (`Display`): every binary operation in parentheses, names quoted
//! where they are not bare names, numbers in plain decimal, so that printing then parsing gives
//! back an equal tree for every tree the parser makes.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{
    Allen, Arg, Binary, BinaryOp, Call, Expr, FilterAtom, FilterExpr, FilterKey, FilterOp,
    GroupMode, GroupSide, Grouping, Join, JoinCondition, JoinKind, JoinOperand, JoinOutput,
    JoinPredicate, Matching, Method, NamePattern, Selector, SelectorKind, Window, WindowUnit,
};
use crate::names::{is_bare_name, is_filter_keyword, is_position_keyword, is_reserved_key};

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(value) => write!(f, "{value}"),
            Expr::Selector(selector) => selector.fmt(f),
            Expr::Events(None) => f.write_str("events()"),
            Expr::Events(Some(filter)) => write!(f, "events({filter})"),
            Expr::Call(call) => call.fmt(f),
            Expr::Neg(operand) => {
                f.write_char('-')?;
                match **operand {
                    // `-1` would be the literal -1, not a negation.
                    Expr::Number(_) => write!(f, "({operand})"),
                    Expr::Neg(_) => operand.fmt(f),
                    _ => operand_form(operand, f),
                }
            }
            Expr::Binary(binary) => binary.fmt(f),
            Expr::Method {
                receiver,
                method,
                arg,
            } => {
                operand_form(receiver, f)?;
                write!(f, ".{method}({arg})")
            }
            Expr::Alias { expr, name } => {
                operand_form(expr, f)?;
                write!(f, " as {name}")
            }
            Expr::AliasRef(name) => write!(f, "${name}"),
            Expr::Variable(name) => write!(f, "${{{name}}}"),
            Expr::Join(join) => join.fmt(f),
            Expr::JoinRef {
                alias,
                default: None,
            } if is_position_keyword(alias) => write!(f, "({alias})"),
            Expr::JoinRef {
                alias,
                default: None,
            } => f.write_str(alias),
            Expr::JoinRef {
                alias,
                default: Some(value),
            } => write!(f, "{{{alias}|{value}}}"),
        }
    }
}

/// `expr` as the operand of a method, `as` or a join's `AS`: bare when it is a primary, a method
/// chain or a binary operation (which brings its own parentheses), otherwise in parentheses.
fn operand_form(expr: &Expr, f: &mut Formatter<'_>) -> fmt::Result {
    let bare = match expr {
        Expr::Number(value) => value.is_sign_positive(),
        Expr::Neg(_) | Expr::Alias { .. } => false,
        _ => true,
    };
    if bare {
        write!(f, "{expr}")
    } else {
        write!(f, "({expr})")
    }
}

impl Display for Binary {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let Self {
            op,
            strict,
            matching,
            lhs,
            rhs,
        } = self;
        if *strict {
            write!(f, "({lhs} [{op}]")?;
        } else {
            write!(f, "({lhs} {op}")?;
        }
        if let Some(matching) = matching {
            write!(f, " {matching}")?;
        }
        write!(f, " {rhs})")
    }
}

impl Display for BinaryOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Union => "union",
            BinaryOp::Intersect => "intersect",
            BinaryOp::Allen(allen) => return allen.fmt(f),
        })
    }
}

impl Display for Allen {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Allen::Meets => "m",
            Allen::MetBy => "mi",
            Allen::Overlaps => "o",
            Allen::OverlappedBy => "oi",
            Allen::Starts => "s",
            Allen::StartedBy => "si",
            Allen::During => "d",
            Allen::Contains => "di",
            Allen::Finishes => "f",
            Allen::FinishedBy => "fi",
        })
    }
}

impl Display for Matching {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("by ")?;
        write_keys(&self.keys, f)?;
        match self.side {
            Some(GroupSide::Left) => f.write_str(" groupLeft"),
            Some(GroupSide::Right) => f.write_str(" groupRight"),
            None => Ok(()),
        }
    }
}

impl Display for Method {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Lt => "lt",
            Method::Gt => "gt",
            Method::Le => "le",
            Method::Ge => "ge",
            Method::Eq => "eq",
            Method::Ne => "ne",
            Method::OrElse => "orElse",
        })
    }
}

impl Display for Call {
    /// `name(args by (keys))`; a call named like a position keyword (`by`, `groupLeft`) is put in
    /// parentheses, where it cannot be read as one.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let wrap = is_position_keyword(&self.name);
        if wrap {
            f.write_char('(')?;
        }
        write!(f, "{}(", self.name)?;
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            arg.fmt(f)?;
        }
        if let Some(grouping) = &self.grouping {
            if !self.args.is_empty() {
                f.write_char(' ')?;
            }
            grouping.fmt(f)?;
        }
        f.write_char(')')?;
        if wrap {
            f.write_char(')')?;
        }
        Ok(())
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Expr(expr) => expr.fmt(f),
            Arg::Window(window) => window.fmt(f),
            Arg::Str(text) => write_quoted(text, f),
            Arg::Word(word) => f.write_str(word),
            Arg::Percent(value) => write!(f, "{value}%"),
            Arg::Named { name, value } => {
                write!(f, "{name}=")?;
                write_quoted(value, f)
            }
        }
    }
}

impl Display for Window {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit)
    }
}

impl Display for WindowUnit {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WindowUnit::Millis => "ms",
            WindowUnit::Seconds => "s",
            WindowUnit::Minutes => "m",
            WindowUnit::Hours => "h",
            WindowUnit::Days => "d",
            WindowUnit::Weeks => "w",
            WindowUnit::ViewWindows => "vw",
            WindowUnit::Buckets => "bw",
        })
    }
}

impl Display for Grouping {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self.mode {
            GroupMode::By => "by ",
            GroupMode::Without => "without ",
        })?;
        write_keys(&self.keys, f)
    }
}

/// `(k1, k2)`, each bare when it is a bare name.
fn write_keys(keys: &[String], f: &mut Formatter<'_>) -> fmt::Result {
    f.write_char('(')?;
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_name(key, false, f)?;
    }
    f.write_char(')')
}

impl Display for Selector {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)?;
        f.write_char('(')?;
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            item.fmt(f)?;
        }
        f.write_char(')')
    }
}

impl Display for SelectorKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SelectorKind::Ts => "ts",
            SelectorKind::Hs => "hs",
            SelectorKind::Cs => "cs",
        })
    }
}

impl Display for FilterExpr {
    /// `and`/`or` chains, `not` before an atom or a parenthesised term; a compound term in
    /// parentheses except an `and` inside an `or` (which binds tighter), so that the print nests
    /// no deeper than any text that parses to the same filter.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let in_or = matches!(self, FilterExpr::Or(_));
        let term = |term: &FilterExpr, f: &mut Formatter<'_>| match term {
            FilterExpr::And(_) if in_or => term.fmt(f),
            FilterExpr::And(_) | FilterExpr::Or(_) => write!(f, "({term})"),
            _ => term.fmt(f),
        };
        match self {
            FilterExpr::Atom(atom) => atom.fmt(f),
            FilterExpr::Not(inner) => {
                f.write_str("not ")?;
                term(inner, f)
            }
            FilterExpr::And(terms) | FilterExpr::Or(terms) => {
                let joiner = if matches!(self, FilterExpr::And(_)) {
                    " and "
                } else {
                    " or "
                };
                for (i, t) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(joiner)?;
                    }
                    term(t, f)?;
                }
                Ok(())
            }
        }
    }
}

impl Display for FilterAtom {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FilterAtom::Metric(pattern) => pattern.fmt(f),
            FilterAtom::Key { key, op, value } => write!(f, "{key}{op}{value}"),
            FilterAtom::Variable(name) => write!(f, "${{{name}}}"),
        }
    }
}

impl Display for FilterKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FilterKey::Source => f.write_str("source"),
            FilterKey::SourceTag => f.write_str("tag"),
            FilterKey::Point(key) if is_reserved_key(key) => write_quoted(key, f),
            FilterKey::Point(key) => write_name(key, true, f),
        }
    }
}

impl Display for FilterOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FilterOp::Eq => "=",
            FilterOp::Ne => "!=",
            FilterOp::Maybe => "?=",
        })
    }
}

impl Display for NamePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            NamePattern::Text(text) => write_name(text, true, f),
            NamePattern::Regex(regex) => {
                f.write_char('/')?;
                let mut chars = regex.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '/' => f.write_str("\\/")?,
                        '\\' => {
                            f.write_char('\\')?;
                            if let Some(escaped) = chars.next() {
                                f.write_char(escaped)?;
                            }
                        }
                        _ => f.write_char(c)?,
                    }
                }
                f.write_char('/')
            }
        }
    }
}

/// A name bare when the filter lexer reads it back as one name (and, where `keywords`, it is not
/// `and`/`or`/`not`), otherwise quoted.
fn write_name(text: &str, keywords: bool, f: &mut Formatter<'_>) -> fmt::Result {
    if is_bare_name(text) && !(keywords && is_filter_keyword(text)) {
        f.write_str(text)
    } else {
        write_quoted(text, f)
    }
}

/// `"text"` with `"` and `\` escaped.
fn write_quoted(text: &str, f: &mut Formatter<'_>) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('"')
}

impl Display for Join {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("join(")?;
        operand_form(&self.left, f)?;
        write!(f, " AS {} {} ", self.left_alias, self.kind)?;
        operand_form(&self.right, f)?;
        write!(f, " AS {} {}, ", self.right_alias, self.condition)?;
        for output in &self.outputs {
            write!(f, "{output}, ")?;
        }
        write!(f, "{})", self.data)
    }
}

impl Display for JoinKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JoinKind::Inner => "INNER JOIN",
            JoinKind::Left => "LEFT JOIN",
            JoinKind::Right => "RIGHT JOIN",
            JoinKind::Full => "FULL JOIN",
        })
    }
}

impl Display for JoinCondition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            JoinCondition::Using(keys) => {
                f.write_str("USING ")?;
                write_keys(keys, f)
            }
            JoinCondition::On(predicate) => write!(f, "ON {predicate}"),
        }
    }
}

impl Display for JoinPredicate {
    /// Parenthesised as [`FilterExpr`]s are.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let in_or = matches!(self, JoinPredicate::Or(_));
        let term = |term: &JoinPredicate, f: &mut Formatter<'_>| match term {
            JoinPredicate::And(_) if in_or => term.fmt(f),
            JoinPredicate::And(_) | JoinPredicate::Or(_) => write!(f, "({term})"),
            _ => term.fmt(f),
        };
        match self {
            JoinPredicate::Compare { left, equal, right } => {
                write!(f, "{left} {} {right}", if *equal { "=" } else { "!=" })
            }
            JoinPredicate::Not(inner) => {
                f.write_str("NOT ")?;
                term(inner, f)
            }
            JoinPredicate::And(terms) | JoinPredicate::Or(terms) => {
                let joiner = if matches!(self, JoinPredicate::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                for (i, t) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(joiner)?;
                    }
                    term(t, f)?;
                }
                Ok(())
            }
        }
    }
}

impl Display for JoinOperand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            JoinOperand::Column { alias, column } => write!(f, "{alias}.{column}"),
            JoinOperand::Str(text) => write_quoted(text, f),
        }
    }
}

impl Display for JoinOutput {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_name(&self.key, false, f)?;
        write!(f, "={}", self.value)
    }
}
