//! The recursive-descent parser of wql.md §1.2's expressions: operators by precedence, unary
//! minus, postfix methods and `as`, primaries, calls and their arguments. Filters and `join()` have
//! files of their own; all share [`Parser`].

use crate::ast::{
    Allen, Arg, Binary, BinaryOp, Call, Expr, GroupMode, GroupSide, Grouping, Matching, Method,
    SelectorKind,
};
use crate::error::{ParseError, describe};
use crate::lexer::{Mode, Tok, Token, lex};

/// The longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 65_536;

/// The deepest tree accepted: see [`Expr::height`].
pub const MAX_DEPTH: usize = 128;

/// The deepest the parser recurses: parentheses, arguments, method arguments, unary minus signs
/// and filter parentheses each count one. Twice [`MAX_DEPTH`] and a little more, so that the
/// canonical print of any accepted tree (which adds at most two levels a node) is accepted too.
pub const MAX_NESTING: usize = 2 * MAX_DEPTH + 2;

/// Parses a whole query.
pub fn parse(query: &str) -> Result<Expr, ParseError> {
    if query.len() > MAX_QUERY_BYTES {
        let mut cut = MAX_QUERY_BYTES;
        while !query.is_char_boundary(cut) {
            cut -= 1;
        }
        return Err(ParseError::at(
            query,
            cut,
            format!("a query of at most {MAX_QUERY_BYTES} bytes"),
            format!("{} bytes", query.len()),
        ));
    }
    let mut parser = Parser::new(query);
    let expr = parser.expr()?;
    let end = parser.peek(Mode::Expr)?;
    if end.tok != Tok::End {
        return Err(parser.unexpected(&end, "an operator or end of query"));
    }
    Ok(expr)
}

/// The parser's state: the query, how far it has read, how deep it is.
#[derive(Debug)]
pub(crate) struct Parser<'a> {
    pub(crate) src: &'a str,
    /// Byte offset just past the last consumed token.
    pub(crate) pos: usize,
    nesting: usize,
    /// The height ([`Expr::height`]) of the expression the last parsing function returned: each
    /// sets it, so that no node's height is computed by walking its subtree again.
    pub(crate) height: usize,
    /// Inside a join's data expression, where bare names are [`Expr::JoinRef`]s.
    pub(crate) join_data: bool,
    cache: Option<(usize, Mode, Token)>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Self {
            src,
            pos: 0,
            nesting: 0,
            height: 0,
            join_data: false,
            cache: None,
        }
    }

    /// The next token in `mode`, not consumed.
    pub(crate) fn peek(&mut self, mode: Mode) -> Result<Token, ParseError> {
        if let Some((pos, cached_mode, token)) = &self.cache
            && *pos == self.pos
            && *cached_mode == mode
        {
            return Ok(token.clone());
        }
        let token = lex(self.src, self.pos, mode)?;
        self.cache = Some((self.pos, mode, token.clone()));
        Ok(token)
    }

    /// The token after `token` in `mode`, or `None` where the text there does not lex in `mode`.
    pub(crate) fn peek_after(&self, token: &Token, mode: Mode) -> Option<Token> {
        lex(self.src, token.end, mode).ok()
    }

    pub(crate) fn consume(&mut self, token: &Token) {
        self.pos = token.end;
    }

    /// Consumes the next token if it is `want`, or fails saying `expected`.
    pub(crate) fn expect(
        &mut self,
        mode: Mode,
        want: &Tok,
        expected: &str,
    ) -> Result<Token, ParseError> {
        let token = self.peek(mode)?;
        if token.tok == *want {
            self.consume(&token);
            Ok(token)
        } else {
            Err(self.unexpected(&token, expected))
        }
    }

    /// Consumes the next token if it is the keyword `keyword` (any case).
    pub(crate) fn eat_keyword(&mut self, mode: Mode, keyword: &str) -> Result<bool, ParseError> {
        let token = self.peek(mode)?;
        if is_keyword(&token, keyword) {
            self.consume(&token);
            return Ok(true);
        }
        Ok(false)
    }

    pub(crate) fn unexpected(&self, token: &Token, expected: &str) -> ParseError {
        let text = self.src.get(token.start..token.end).unwrap_or("");
        ParseError::at(self.src, token.start, expected, describe(text))
    }

    /// One level deeper into the parser's recursion; fails past [`MAX_NESTING`].
    pub(crate) fn enter(&mut self) -> Result<(), ParseError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(ParseError::at(
                self.src,
                self.pos,
                format!("at most {MAX_NESTING} nested parentheses, arguments and signs"),
                "deeper nesting",
            ));
        }
        Ok(())
    }

    /// One level back up (only on success: a failed parse is dropped whole).
    pub(crate) fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    /// `height`, or the error for a tree deeper than [`MAX_DEPTH`].
    pub(crate) fn check_height(&self, height: usize) -> Result<(), ParseError> {
        if height > MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok(())
    }

    pub(crate) fn too_deep(&self) -> ParseError {
        ParseError::at(
            self.src,
            self.pos,
            format!("an expression at most {MAX_DEPTH} levels deep"),
            "a deeper one",
        )
    }

    /// `expr`, `height` deep, if that is at most [`MAX_DEPTH`]; notes its height.
    pub(crate) fn built(&mut self, expr: Expr, height: usize) -> Result<Expr, ParseError> {
        self.check_height(height)?;
        self.height = height;
        Ok(expr)
    }

    pub(crate) fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let expr = self.binary(1)?;
        self.leave();
        Ok(expr)
    }

    /// Precedence climbing over the left-associative binary operators.
    fn binary(&mut self, min_precedence: u8) -> Result<Expr, ParseError> {
        let mut lhs = self.unary()?;
        let mut height = self.height;
        loop {
            let token = self.peek(Mode::Expr)?;
            if token.tok == Tok::EqEq {
                return Err(self.unexpected(
                    &token,
                    "'=' (WQL compares with a single '='; '==' is not WQL)",
                ));
            }
            let Some((op, strict)) = binary_op(&token) else {
                break;
            };
            let precedence = precedence(op);
            if precedence < min_precedence {
                break;
            }
            self.consume(&token);
            let matching = self.matching()?;
            let rhs = self.binary(precedence + 1)?;
            height = 1 + height.max(self.height);
            lhs = self.built(
                Expr::Binary(Box::new(Binary {
                    op,
                    strict,
                    matching,
                    lhs,
                    rhs,
                })),
                height,
            )?;
        }
        self.height = height;
        Ok(lhs)
    }

    /// `by (k, ...) [groupLeft|groupRight]` right after a binary operator.
    fn matching(&mut self) -> Result<Option<Matching>, ParseError> {
        let token = self.peek(Mode::Expr)?;
        if !(is_keyword(&token, "by")
            && self
                .peek_after(&token, Mode::Expr)
                .is_some_and(|t| t.tok == Tok::LParen))
        {
            return Ok(None);
        }
        self.consume(&token);
        let keys = self.key_list()?;
        let side = if self.eat_keyword(Mode::Expr, "groupLeft")? {
            Some(GroupSide::Left)
        } else if self.eat_keyword(Mode::Expr, "groupRight")? {
            Some(GroupSide::Right)
        } else {
            None
        };
        Ok(Some(Matching { keys, side }))
    }

    /// `(key, key, ...)`: names or quoted strings, at least one.
    pub(crate) fn key_list(&mut self) -> Result<Vec<String>, ParseError> {
        self.expect(Mode::Filter, &Tok::LParen, "'('")?;
        let mut keys = Vec::new();
        loop {
            let token = self.peek(Mode::Filter)?;
            match token.tok {
                Tok::Name(key) | Tok::Str(key) => {
                    keys.push(key);
                    self.pos = token.end;
                }
                _ => return Err(self.unexpected(&token, "a key (a name or a quoted string)")),
            }
            let token = self.peek(Mode::Filter)?;
            self.consume(&token);
            match token.tok {
                Tok::Comma => {}
                Tok::RParen => return Ok(keys),
                _ => return Err(self.unexpected(&token, "',' or ')'")),
            }
        }
    }

    /// `-` postfix, where `-` before a number literal makes a negative [`Expr::Number`] and before
    /// anything else (`-(1)` included) an [`Expr::Neg`].
    fn unary(&mut self) -> Result<Expr, ParseError> {
        let token = self.peek(Mode::Expr)?;
        if token.tok != Tok::Minus {
            return self.postfix();
        }
        self.consume(&token);
        self.enter()?;
        let literal = matches!(self.peek(Mode::Expr)?.tok, Tok::Number(_));
        let operand = if literal {
            self.postfix()?
        } else {
            self.unary()?
        };
        self.leave();
        match operand {
            Expr::Number(value) if literal => Ok(Expr::Number(-value)),
            other => {
                let height = 1 + self.height;
                self.built(Expr::Neg(Box::new(other)), height)
            }
        }
    }

    /// A primary, then `.method(expr)`s, then at most one `as name`.
    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut expr = self.primary()?;
        let mut height = self.height;
        loop {
            let dot = self.peek(Mode::Expr)?;
            if dot.tok != Tok::Dot {
                break;
            }
            self.consume(&dot);
            let name = self.peek(Mode::Expr)?;
            let method = match &name.tok {
                Tok::Ident(name) => method_named(name),
                _ => None,
            };
            let Some(method) = method else {
                return Err(self.unexpected(&name, "a method: lt, gt, le, ge, eq, ne or orElse"));
            };
            self.consume(&name);
            self.expect(Mode::Expr, &Tok::LParen, "'('")?;
            let arg = self.expr()?;
            self.expect(Mode::Expr, &Tok::RParen, "')'")?;
            height = 1 + height.max(self.height);
            expr = self.built(
                Expr::Method {
                    receiver: Box::new(expr),
                    method,
                    arg: Box::new(arg),
                },
                height,
            )?;
        }
        if self.eat_keyword(Mode::Expr, "as")? {
            let name = self.peek(Mode::Expr)?;
            let Tok::Ident(alias) = name.tok else {
                return Err(self.unexpected(&name, "an alias name"));
            };
            self.pos = name.end;
            height += 1;
            expr = self.built(
                Expr::Alias {
                    expr: Box::new(expr),
                    name: alias,
                },
                height,
            )?;
        }
        self.height = height;
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let token = self.peek(Mode::Expr)?;
        match token.tok {
            Tok::Number(value) => {
                self.pos = token.end;
                self.built(Expr::Number(value), 1)
            }
            Tok::LParen => {
                self.pos = token.end;
                let expr = self.expr()?;
                self.expect(Mode::Expr, &Tok::RParen, "')'")?;
                Ok(expr)
            }
            Tok::AliasRef(name) => {
                self.pos = token.end;
                self.built(Expr::AliasRef(name), 1)
            }
            Tok::Variable(name) => {
                self.pos = token.end;
                self.built(Expr::Variable(name), 1)
            }
            Tok::LBrace if self.join_data => self.join_ref_with_default(),
            Tok::Ident(ref name) => {
                let next = lex(self.src, token.end, Mode::Expr)?;
                if next.tok == Tok::LParen {
                    self.pos = next.end;
                    return self.named_call(name);
                }
                if self.join_data {
                    self.pos = token.end;
                    let join_ref = Expr::JoinRef {
                        alias: name.clone(),
                        default: None,
                    };
                    return self.built(join_ref, 1);
                }
                Err(self.unexpected(
                    &next,
                    &format!("'(' after '{name}' (a bare word is only a function argument)"),
                ))
            }
            Tok::Window(_) => Err(self.unexpected(
                &token,
                "an expression (a time window is only a function argument)",
            )),
            Tok::Str(_) => Err(self.unexpected(
                &token,
                "an expression (a quoted string is only a function argument)",
            )),
            _ => Err(self.unexpected(&token, "an expression")),
        }
    }

    /// What follows `name(`: a selector, `events`, `join` or any other function.
    fn named_call(&mut self, name: &str) -> Result<Expr, ParseError> {
        let kind = [
            ("ts", SelectorKind::Ts),
            ("hs", SelectorKind::Hs),
            ("cs", SelectorKind::Cs),
        ]
        .into_iter()
        .find(|(word, _)| word.eq_ignore_ascii_case(name));
        if let Some((_, kind)) = kind {
            return self.selector(kind);
        }
        if name.eq_ignore_ascii_case("events") {
            return self.events();
        }
        if name.eq_ignore_ascii_case("join") {
            return self.join();
        }
        self.call(name)
    }

    /// The arguments and grouping of `name(`, through its `)`.
    fn call(&mut self, name: &str) -> Result<Expr, ParseError> {
        let mut args = Vec::new();
        let mut grouping = None;
        let mut deepest_arg = 0;
        let first = self.peek(Mode::Expr)?;
        if first.tok == Tok::RParen {
            self.consume(&first);
        } else {
            loop {
                if let Some(found) = self.grouping()? {
                    grouping = Some(found);
                    self.expect(Mode::Expr, &Tok::RParen, "')' after the grouping")?;
                    break;
                }
                let arg = self.arg()?;
                if matches!(arg, Arg::Expr(_)) {
                    deepest_arg = deepest_arg.max(self.height);
                }
                args.push(arg);
                let token = self.peek(Mode::Expr)?;
                match token.tok {
                    Tok::Comma => self.consume(&token),
                    Tok::RParen => {
                        self.consume(&token);
                        break;
                    }
                    _ if self.grouping_starts(&token) => {}
                    _ => return Err(self.unexpected(&token, "',', ')' or a grouping by (...)")),
                }
            }
        }
        let call = Expr::Call(Call {
            name: name.to_owned(),
            args,
            grouping,
        });
        self.built(call, 1 + deepest_arg)
    }

    fn grouping_starts(&self, token: &Token) -> bool {
        (is_keyword(token, "by") || is_keyword(token, "without"))
            && self
                .peek_after(token, Mode::Expr)
                .is_some_and(|t| t.tok == Tok::LParen)
    }

    /// `by (k, ...)` or `without (k, ...)` inside a call's parentheses.
    fn grouping(&mut self) -> Result<Option<Grouping>, ParseError> {
        let token = self.peek(Mode::Expr)?;
        if !self.grouping_starts(&token) {
            return Ok(None);
        }
        let mode = if is_keyword(&token, "by") {
            GroupMode::By
        } else {
            GroupMode::Without
        };
        self.consume(&token);
        let keys = self.key_list()?;
        Ok(Some(Grouping { mode, keys }))
    }

    /// One argument of a call: a window, a quoted string, `10%`, a bare word or `word=value` (a
    /// word not followed by `(`; inside a join's data expression a bare word is a reference
    /// instead), or else an expression.
    fn arg(&mut self) -> Result<Arg, ParseError> {
        let token = self.peek(Mode::Expr)?;
        match token.tok {
            Tok::Window(window) => {
                self.consume(&token);
                Ok(Arg::Window(window))
            }
            Tok::Str(text) => {
                self.pos = token.end;
                Ok(Arg::Str(text))
            }
            Tok::Number(value) => match self.peek_after(&token, Mode::Expr) {
                Some(percent) if percent.tok == Tok::Percent => {
                    self.consume(&percent);
                    Ok(Arg::Percent(value))
                }
                _ => Ok(Arg::Expr(self.expr()?)),
            },
            Tok::Ident(_) if !self.join_data => {
                if self
                    .peek_after(&token, Mode::Expr)
                    .is_some_and(|t| t.tok == Tok::LParen)
                {
                    return Ok(Arg::Expr(self.expr()?));
                }
                self.word_arg(&token)
            }
            _ => Ok(Arg::Expr(self.expr()?)),
        }
    }

    /// A bare word (read with filter mode's name characters, so `env.name` is one word), or
    /// `word=value` with a quoted or bare value.
    fn word_arg(&mut self, ident: &Token) -> Result<Arg, ParseError> {
        let word = lex(self.src, ident.start, Mode::Filter)?;
        let Tok::Name(name) = word.tok.clone() else {
            return Err(self.unexpected(ident, "a word"));
        };
        let Some(equals) = self
            .peek_after(&word, Mode::Expr)
            .filter(|t| t.tok == Tok::Eq)
        else {
            self.consume(&word);
            return Ok(Arg::Word(name));
        };
        let value = lex(self.src, equals.end, Mode::Filter)?;
        match value.tok {
            Tok::Str(text) | Tok::Name(text) => {
                self.pos = value.end;
                Ok(Arg::Named { name, value: text })
            }
            _ => Err(self.unexpected(
                &value,
                &format!("a quoted string or a name after '{name}='"),
            )),
        }
    }
}

/// Whether `token` is the word `keyword`, in any case, in either mode.
pub(crate) fn is_keyword(token: &Token, keyword: &str) -> bool {
    match &token.tok {
        Tok::Ident(word) | Tok::Name(word) => word.eq_ignore_ascii_case(keyword),
        _ => false,
    }
}

fn binary_op(token: &Token) -> Option<(BinaryOp, bool)> {
    let op = match &token.tok {
        Tok::Plus => BinaryOp::Add,
        Tok::Minus => BinaryOp::Sub,
        Tok::Star => BinaryOp::Mul,
        Tok::Slash => BinaryOp::Div,
        Tok::Lt => BinaryOp::Lt,
        Tok::Le => BinaryOp::Le,
        Tok::Gt => BinaryOp::Gt,
        Tok::Ge => BinaryOp::Ge,
        Tok::Eq => BinaryOp::Eq,
        Tok::Ne => BinaryOp::Ne,
        Tok::Strict(op) => return Some((*op, true)),
        Tok::Ident(word) => word_op(word)?,
        _ => return None,
    };
    Some((op, false))
}

/// The operators written as words: `and`, `or`, `union`, `intersect` and the Allen relations.
fn word_op(word: &str) -> Option<BinaryOp> {
    const WORDS: [(&str, BinaryOp); 14] = [
        ("and", BinaryOp::And),
        ("or", BinaryOp::Or),
        ("union", BinaryOp::Union),
        ("intersect", BinaryOp::Intersect),
        ("m", BinaryOp::Allen(Allen::Meets)),
        ("mi", BinaryOp::Allen(Allen::MetBy)),
        ("o", BinaryOp::Allen(Allen::Overlaps)),
        ("oi", BinaryOp::Allen(Allen::OverlappedBy)),
        ("s", BinaryOp::Allen(Allen::Starts)),
        ("si", BinaryOp::Allen(Allen::StartedBy)),
        ("d", BinaryOp::Allen(Allen::During)),
        ("di", BinaryOp::Allen(Allen::Contains)),
        ("f", BinaryOp::Allen(Allen::Finishes)),
        ("fi", BinaryOp::Allen(Allen::FinishedBy)),
    ];
    WORDS
        .iter()
        .find(|(text, _)| text.eq_ignore_ascii_case(word))
        .map(|&(_, op)| op)
}

/// Higher binds tighter: or < and < comparisons and event-set operators < + - < * /.
fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge
        | BinaryOp::Eq
        | BinaryOp::Ne
        | BinaryOp::Union
        | BinaryOp::Intersect
        | BinaryOp::Allen(_) => 3,
        BinaryOp::Add | BinaryOp::Sub => 4,
        BinaryOp::Mul | BinaryOp::Div => 5,
    }
}

fn method_named(name: &str) -> Option<Method> {
    [
        ("lt", Method::Lt),
        ("gt", Method::Gt),
        ("le", Method::Le),
        ("ge", Method::Ge),
        ("eq", Method::Eq),
        ("ne", Method::Ne),
        ("orElse", Method::OrElse),
    ]
    .into_iter()
    .find(|(text, _)| text.eq_ignore_ascii_case(name))
    .map(|(_, method)| method)
}

#[cfg(test)]
mod tests {
    use super::Parser;

    #[test]
    fn the_height_noted_while_parsing_is_the_height_of_the_tree() {
        let queries = [
            "1",
            "-1",
            "-(1)",
            "--ts(a)",
            "$a",
            "${v w}",
            "ts(a).gt(1).orElse(f(g(1))) as x",
            "(ts(a) as x).lt(2)",
            "f(1, ts(a) + g(h(2)), 5m, 'x', w, 10%, k=v by (a))",
            "f()",
            "f(by (a))",
            "events()",
            "events(a=1)",
            "events(a=1, b=2 or not c=3)",
            "ts(a, (b or c) and not not d, e)",
            "ts(a or b and (c or (d and e)))",
            "1 + 2 * 3 - 4 / -5",
            "(ts(a) and by (k) groupLeft ts(b)) * 2 or 3 < 4",
            "events(a=1) d events(b=2) union events()",
            "join(ts(a) as x join ts(b) as y using (s), x)",
            "join(ts(a) as x left join f(ts(b)) as y on (x.s = y.s or not x.t != 'q'), m='n', \
             {x|0} - max({y|-1}, x))",
            "join(ts(a) as x join ts(b) as y on not not not x.s = y.s, x)",
            "f(join(ts(a).gt(1) as x join ts(b) as y using (s), x + y.gt(2)))",
        ];
        for query in queries {
            let mut parser = Parser::new(query);
            let expr = parser.expr().unwrap();
            assert_eq!(parser.height, expr.height(), "{query}");
        }
    }
}
