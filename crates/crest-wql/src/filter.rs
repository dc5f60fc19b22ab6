//! The filter grammar inside `ts()`, `hs()`, `cs()` and `events()` (wql.md §1.2–1.3): comma
//! items, each an `or` of `and`s of `not`s of atoms, read in filter mode.

use crate::ast::{
    Expr, FilterAtom, FilterExpr, FilterKey, FilterOp, NamePattern, Selector, SelectorKind,
};
use crate::error::ParseError;
use crate::lexer::{Mode, Tok};
use crate::names::is_filter_keyword;
use crate::parser::{MAX_DEPTH, Parser, is_keyword};

impl Parser<'_> {
    /// The items of `ts(`, `hs(` or `cs(`, through the `)`.
    pub(crate) fn selector(&mut self, kind: SelectorKind) -> Result<Expr, ParseError> {
        let (items, height) = self.filter_items()?;
        self.built(Expr::Selector(Selector { kind, items }), 1 + height)
    }

    /// The filter of `events(`, through the `)`: `None` when empty; commas between items mean
    /// `and` (the docs' `events(type="alert", name="...", alertTag="...")` narrows by all three).
    pub(crate) fn events(&mut self) -> Result<Expr, ParseError> {
        let token = self.peek(Mode::Filter)?;
        if token.tok == Tok::RParen {
            self.consume(&token);
            return self.built(Expr::Events(None), 1);
        }
        let (items, height) = self.filter_items()?;
        let height = if items.len() > 1 { height + 1 } else { height };
        let filter = single_or(items, FilterExpr::And);
        self.built(Expr::Events(Some(filter)), 1 + height)
    }

    /// The comma items through the `)`, and the height of the deepest.
    fn filter_items(&mut self) -> Result<(Vec<FilterExpr>, usize), ParseError> {
        let mut items = Vec::new();
        let mut height = 0;
        loop {
            let (item, item_height) = self.filter_or()?;
            items.push(item);
            height = height.max(item_height);
            let token = self.peek(Mode::Filter)?;
            self.consume(&token);
            match token.tok {
                Tok::Comma => {}
                Tok::RParen => return Ok((items, height)),
                _ => return Err(self.unexpected(&token, "',' or ')'")),
            }
        }
    }

    /// A filter and its height ([`FilterExpr::height`]), as all the filter parsers return.
    fn filter_or(&mut self) -> Result<(FilterExpr, usize), ParseError> {
        let mut terms = vec![self.filter_and()?];
        while self.eat_keyword(Mode::Filter, "or")? {
            terms.push(self.filter_and()?);
        }
        self.combined(terms, FilterExpr::Or)
    }

    fn filter_and(&mut self) -> Result<(FilterExpr, usize), ParseError> {
        let mut terms = vec![self.filter_not()?];
        while self.eat_keyword(Mode::Filter, "and")? {
            terms.push(self.filter_not()?);
        }
        self.combined(terms, FilterExpr::And)
    }

    /// One term as it is, or several under `combine`, one level higher than the deepest.
    fn combined(
        &self,
        terms: Vec<(FilterExpr, usize)>,
        combine: fn(Vec<FilterExpr>) -> FilterExpr,
    ) -> Result<(FilterExpr, usize), ParseError> {
        let height = terms.iter().map(|(_, h)| *h).max().unwrap_or(0);
        let height = if terms.len() == 1 { height } else { height + 1 };
        self.check_height(height)?;
        let filters = terms.into_iter().map(|(filter, _)| filter).collect();
        Ok((single_or(filters, combine), height))
    }

    fn filter_not(&mut self) -> Result<(FilterExpr, usize), ParseError> {
        let mut nots = 0;
        while self.eat_keyword(Mode::Filter, "not")? {
            nots += 1;
            if nots >= MAX_DEPTH {
                return Err(self.too_deep());
            }
        }
        let (mut filter, height) = self.filter_atom()?;
        for _ in 0..nots {
            filter = FilterExpr::Not(Box::new(filter));
        }
        self.check_height(height + nots)?;
        Ok((filter, height + nots))
    }

    fn filter_atom(&mut self) -> Result<(FilterExpr, usize), ParseError> {
        const EXPECTED: &str = "a metric name or a filter";
        let token = self.peek(Mode::Filter)?;
        let atom = match token.tok {
            Tok::LParen => {
                self.consume(&token);
                self.enter()?;
                let inner = self.filter_or()?;
                self.expect(Mode::Filter, &Tok::RParen, "')'")?;
                self.leave();
                return Ok(inner);
            }
            Tok::Regex(regex) => {
                self.pos = token.end;
                FilterAtom::Metric(NamePattern::Regex(regex))
            }
            Tok::Variable(name) => {
                self.pos = token.end;
                FilterAtom::Variable(name)
            }
            Tok::Name(ref name) if is_filter_keyword(name) => {
                return Err(self.unexpected(&token, EXPECTED));
            }
            Tok::Name(ref text) | Tok::Str(ref text) => {
                let op = self.peek_after(&token, Mode::Filter).and_then(|next| {
                    let op = match next.tok {
                        Tok::Eq => FilterOp::Eq,
                        Tok::Ne => FilterOp::Ne,
                        Tok::Maybe => FilterOp::Maybe,
                        _ => return None,
                    };
                    Some((op, next))
                });
                let Some((op, op_token)) = op else {
                    self.consume(&token);
                    let metric = FilterAtom::Metric(NamePattern::Text(text.clone()));
                    return Ok((FilterExpr::Atom(metric), 1));
                };
                let key = match token.tok {
                    Tok::Name(_) if is_keyword(&token, "source") || is_keyword(&token, "host") => {
                        FilterKey::Source
                    }
                    Tok::Name(_) if is_keyword(&token, "tag") => FilterKey::SourceTag,
                    _ => FilterKey::Point(text.clone()),
                };
                self.consume(&op_token);
                let value = self.filter_value()?;
                FilterAtom::Key { key, op, value }
            }
            _ => return Err(self.unexpected(&token, EXPECTED)),
        };
        Ok((FilterExpr::Atom(atom), 1))
    }

    /// The value after `key=`: a name, a quoted string, a `/regex/`, or `${name}` (kept as the text
    /// `${name}`, as if it had been written in quotes).
    fn filter_value(&mut self) -> Result<NamePattern, ParseError> {
        let token = self.peek(Mode::Filter)?;
        self.consume(&token);
        match token.tok {
            Tok::Name(text) | Tok::Str(text) => Ok(NamePattern::Text(text)),
            Tok::Regex(regex) => Ok(NamePattern::Regex(regex)),
            Tok::Variable(name) => Ok(NamePattern::Text(format!("${{{name}}}"))),
            _ => Err(self.unexpected(&token, "a value: a name, a quoted string or a /regex/")),
        }
    }
}

/// The one term itself, or the terms combined by `combine`.
pub(crate) fn single_or<T>(mut terms: Vec<T>, combine: fn(Vec<T>) -> T) -> T {
    match terms.pop() {
        Some(only) if terms.is_empty() => only,
        Some(last) => {
            terms.push(last);
            combine(terms)
        }
        None => combine(terms),
    }
}
