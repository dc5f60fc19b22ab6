//! `join(left AS a <kind> JOIN right AS b USING (...) | ON ..., outputs..., data)` (wql.md §1.2).

use crate::ast::{Expr, Join, JoinCondition, JoinKind, JoinOperand, JoinOutput, JoinPredicate};
use crate::error::ParseError;
use crate::filter::single_or;
use crate::lexer::{Mode, Tok, lex};
use crate::parser::{MAX_DEPTH, Parser};

impl Parser<'_> {
    /// What follows `join(`, through its `)`.
    pub(crate) fn join(&mut self) -> Result<Expr, ParseError> {
        let outer_data = self.join_data;
        self.join_data = false;
        let (left, left_alias) = self.join_input()?;
        let mut height = self.height.saturating_sub(1);
        let kind = self.join_kind()?;
        let (right, right_alias) = self.join_input()?;
        height = height.max(self.height.saturating_sub(1));
        let condition = if self.eat_keyword(Mode::Expr, "using")? {
            JoinCondition::Using(self.key_list()?)
        } else if self.eat_keyword(Mode::Expr, "on")? {
            JoinCondition::On(self.join_or()?)
        } else {
            let token = self.peek(Mode::Expr)?;
            return Err(self.unexpected(&token, "USING (...) or ON after the joined inputs"));
        };
        self.expect(Mode::Expr, &Tok::Comma, "',' before the join's value")?;
        let mut outputs = Vec::new();
        while let Some(output) = self.join_output() {
            outputs.push(output);
            self.expect(Mode::Expr, &Tok::Comma, "',' after a join output")?;
        }
        self.join_data = true;
        let data = self.expr()?;
        height = height.max(self.height);
        if let JoinCondition::On(predicate) = &condition {
            height = height.max(predicate.height());
        }
        self.join_data = outer_data;
        self.expect(Mode::Expr, &Tok::RParen, "')' closing join(")?;
        let join = Expr::Join(Box::new(Join {
            left,
            left_alias,
            kind,
            right,
            right_alias,
            condition,
            outputs,
            data,
        }));
        self.built(join, 1 + height)
    }

    /// `expr AS alias` (the `AS` is read by the postfix rule; the input must end with it).
    fn join_input(&mut self) -> Result<(Expr, String), ParseError> {
        match self.expr()? {
            Expr::Alias { expr, name } => Ok((*expr, name)),
            _ => {
                let token = self.peek(Mode::Expr)?;
                Err(self.unexpected(&token, "AS and an alias name after a join input"))
            }
        }
    }

    fn join_kind(&mut self) -> Result<JoinKind, ParseError> {
        let kind = if self.eat_keyword(Mode::Expr, "join")? {
            return Ok(JoinKind::Inner);
        } else if self.eat_keyword(Mode::Expr, "inner")? {
            JoinKind::Inner
        } else if self.eat_keyword(Mode::Expr, "left")? {
            JoinKind::Left
        } else if self.eat_keyword(Mode::Expr, "right")? {
            JoinKind::Right
        } else if self.eat_keyword(Mode::Expr, "full")? {
            JoinKind::Full
        } else {
            let token = self.peek(Mode::Expr)?;
            return Err(self.unexpected(
                &token,
                "a join type: [INNER] JOIN, or LEFT, RIGHT or FULL [OUTER] JOIN",
            ));
        };
        if kind != JoinKind::Inner {
            self.eat_keyword(Mode::Expr, "outer")?;
        }
        if self.eat_keyword(Mode::Expr, "join")? {
            return Ok(kind);
        }
        let token = self.peek(Mode::Expr)?;
        Err(self.unexpected(&token, "JOIN"))
    }

    fn join_or(&mut self) -> Result<JoinPredicate, ParseError> {
        let mut terms = vec![self.join_and()?];
        while self.eat_keyword(Mode::Filter, "or")? {
            terms.push(self.join_and()?);
        }
        let predicate = single_or(terms, JoinPredicate::Or);
        self.check_height(predicate.height())?;
        Ok(predicate)
    }

    fn join_and(&mut self) -> Result<JoinPredicate, ParseError> {
        let mut terms = vec![self.join_not()?];
        while self.eat_keyword(Mode::Filter, "and")? {
            terms.push(self.join_not()?);
        }
        let predicate = single_or(terms, JoinPredicate::And);
        self.check_height(predicate.height())?;
        Ok(predicate)
    }

    fn join_not(&mut self) -> Result<JoinPredicate, ParseError> {
        let mut nots = 0;
        while self.eat_keyword(Mode::Filter, "not")? {
            nots += 1;
            if nots >= MAX_DEPTH {
                return Err(self.too_deep());
            }
        }
        let mut predicate = self.join_compare()?;
        for _ in 0..nots {
            predicate = JoinPredicate::Not(Box::new(predicate));
        }
        self.check_height(predicate.height())?;
        Ok(predicate)
    }

    /// `(predicate)` or `operand =|!= operand`.
    fn join_compare(&mut self) -> Result<JoinPredicate, ParseError> {
        let token = self.peek(Mode::Filter)?;
        if token.tok == Tok::LParen {
            self.consume(&token);
            self.enter()?;
            let inner = self.join_or()?;
            self.expect(Mode::Filter, &Tok::RParen, "')'")?;
            self.leave();
            return Ok(inner);
        }
        let left = self.join_operand()?;
        let token = self.peek(Mode::Filter)?;
        let equal = match token.tok {
            Tok::Eq => true,
            Tok::Ne => false,
            _ => return Err(self.unexpected(&token, "'=' or '!='")),
        };
        self.consume(&token);
        let right = self.join_operand()?;
        Ok(JoinPredicate::Compare { left, equal, right })
    }

    fn join_operand(&mut self) -> Result<JoinOperand, ParseError> {
        let token = self.peek(Mode::Filter)?;
        let operand = match &token.tok {
            Tok::Str(text) => Some(JoinOperand::Str(text.clone())),
            Tok::Name(name) => column(name),
            _ => None,
        };
        let Some(operand) = operand else {
            return Err(self.unexpected(&token, "alias.column or a quoted string"));
        };
        self.consume(&token);
        Ok(operand)
    }

    /// `key=alias.column` or `key='text'` before the data expression; `None` where the data
    /// expression starts.
    fn join_output(&mut self) -> Option<JoinOutput> {
        // Lexed without failing: the data expression need not lex in filter mode (`{a|0}`, `$x`).
        let token = lex(self.src, self.pos, Mode::Filter).ok()?;
        let (Tok::Name(key) | Tok::Str(key)) = token.tok.clone() else {
            return None;
        };
        let equals = self
            .peek_after(&token, Mode::Filter)
            .filter(|t| t.tok == Tok::Eq)?;
        let value_token = self.peek_after(&equals, Mode::Filter)?;
        let value = match &value_token.tok {
            Tok::Str(text) => JoinOperand::Str(text.clone()),
            Tok::Name(name) => column(name)?,
            _ => return None,
        };
        self.consume(&value_token);
        Some(JoinOutput { key, value })
    }

    /// `{alias|number}` in a join's data expression.
    pub(crate) fn join_ref_with_default(&mut self) -> Result<Expr, ParseError> {
        self.expect(Mode::Expr, &Tok::LBrace, "'{'")?;
        let token = self.peek(Mode::Expr)?;
        let Tok::Ident(alias) = token.tok else {
            return Err(self.unexpected(&token, "an alias name"));
        };
        self.pos = token.end;
        self.expect(Mode::Expr, &Tok::Pipe, "'|'")?;
        let negative = self.peek(Mode::Expr)?;
        let sign = if negative.tok == Tok::Minus {
            self.consume(&negative);
            -1.0
        } else {
            1.0
        };
        let token = self.peek(Mode::Expr)?;
        let Tok::Number(value) = token.tok else {
            return Err(self.unexpected(&token, "a number"));
        };
        self.consume(&token);
        self.expect(Mode::Expr, &Tok::RBrace, "'}'")?;
        let join_ref = Expr::JoinRef {
            alias,
            default: Some(sign * value),
        };
        self.built(join_ref, 1)
    }
}

/// `alias.column`, split at the first dot.
fn column(name: &str) -> Option<JoinOperand> {
    let (alias, column) = name.split_once('.')?;
    (!alias.is_empty() && !column.is_empty()).then(|| JoinOperand::Column {
        alias: alias.to_owned(),
        column: column.to_owned(),
    })
}
