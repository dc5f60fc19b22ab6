//! The lexical and grammatical details of wql.md §1.1–1.2, one rule per test, and the errors.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "test code: a helper that fails fails its test"
)]

use crest_wql::*;

fn number(query: &str) -> f64 {
    match parse(query) {
        Ok(Expr::Number(value)) => value,
        other => panic!("{query}: {other:?}"),
    }
}

fn arg(query: &str) -> Arg {
    match parse(&format!("f({query})")) {
        Ok(Expr::Call(mut call)) if call.args.len() == 1 => call.args.remove(0),
        other => panic!("{query}: {other:?}"),
    }
}

fn only_item(query: &str) -> FilterExpr {
    match parse(query) {
        Ok(Expr::Selector(mut selector)) if selector.items.len() == 1 => selector.items.remove(0),
        other => panic!("{query}: {other:?}"),
    }
}

fn err(query: &str) -> String {
    parse(query).unwrap_err().to_string()
}

fn ts(name: &str) -> Expr {
    Expr::Selector(Selector {
        kind: SelectorKind::Ts,
        items: vec![FilterExpr::Atom(FilterAtom::Metric(NamePattern::Text(
            name.to_owned(),
        )))],
    })
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    Expr::Binary(Box::new(Binary {
        op,
        strict: false,
        matching: None,
        lhs,
        rhs,
    }))
}

#[test]
fn numbers_with_a_leading_dot_and_si_suffixes() {
    assert_eq!(number(".5"), 0.5);
    assert_eq!(number("12.25"), 12.25);
    assert_eq!(number("7.2k"), 7200.0);
    assert_eq!(number("1M"), 1_000_000.0);
    assert_eq!(number("2G"), 2e9);
    assert_eq!(number("3T"), 3e12);
    assert_eq!(number("1P"), 1e15);
    assert_eq!(number("1E"), 1e18);
    assert_eq!(number("1Z"), 1e21);
    assert_eq!(number("1.5Y"), 1.5e24);
    assert_eq!(number("-1"), -1.0);
    assert_eq!(number("-.5k"), -500.0);
    assert_eq!(number(&"9".repeat(300)), 1e300);
}

#[test]
fn minus_before_a_literal_is_a_negative_number_and_before_anything_else_a_negation() {
    assert_eq!(
        parse("-(1)").unwrap(),
        Expr::Neg(Box::new(Expr::Number(1.0)))
    );
    assert_eq!(
        parse("--1").unwrap(),
        Expr::Neg(Box::new(Expr::Number(-1.0)))
    );
    assert_eq!(
        parse("-ts(a).gt(1)").unwrap(),
        Expr::Neg(Box::new(Expr::Method {
            receiver: Box::new(ts("a")),
            method: Method::Gt,
            arg: Box::new(Expr::Number(1.0)),
        }))
    );
    assert_eq!(
        parse("-1.gt(0)").unwrap(),
        Expr::Neg(Box::new(Expr::Method {
            receiver: Box::new(Expr::Number(1.0)),
            method: Method::Gt,
            arg: Box::new(Expr::Number(0.0)),
        }))
    );
}

#[test]
fn bad_numbers_are_refused() {
    assert_eq!(
        err("1e6"),
        "at position 1: expected a number, a time window (5m, 1h, 2vw) or an SI suffix (k M G T P E Z Y) but found '1e6'"
    );
    assert_eq!(
        err("f(1.5m)"),
        "at position 3: expected a whole number of time units but found '1.5m'"
    );
    assert_eq!(
        err(&format!("{}Y", "9".repeat(300))),
        format!(
            "at position 1: expected a number within the range of a 64-bit float but found '{}…'",
            "9".repeat(32)
        )
    );
}

#[test]
fn windows_in_every_unit_and_bare_integers_stay_numbers() {
    let window = |amount, unit| Arg::Window(Window { amount, unit });
    assert_eq!(arg("100ms"), window(100, WindowUnit::Millis));
    assert_eq!(arg("30s"), window(30, WindowUnit::Seconds));
    assert_eq!(arg("5m"), window(5, WindowUnit::Minutes));
    assert_eq!(arg("24h"), window(24, WindowUnit::Hours));
    assert_eq!(arg("7d"), window(7, WindowUnit::Days));
    assert_eq!(arg("1w"), window(1, WindowUnit::Weeks));
    assert_eq!(arg("2vw"), window(2, WindowUnit::ViewWindows));
    assert_eq!(arg("3bw"), window(3, WindowUnit::Buckets));
    assert_eq!(arg("30"), Arg::Expr(Expr::Number(30.0)));
    assert_eq!(
        err("ts(a) > 5m"),
        "at position 9: expected an expression (a time window is only a function argument) but found '5m'"
    );
}

#[test]
fn argument_kinds() {
    assert_eq!(arg("10%"), Arg::Percent(10.0));
    assert_eq!(arg("2.5%"), Arg::Percent(2.5));
    assert_eq!(arg("'sources'"), Arg::Str("sources".to_owned()));
    assert_eq!(arg("with_bounds"), Arg::Word("with_bounds".to_owned()));
    assert_eq!(arg("env.name"), Arg::Word("env.name".to_owned()));
    assert_eq!(
        arg("prettyName = 'x y'"),
        Arg::Named {
            name: "prettyName".to_owned(),
            value: "x y".to_owned()
        }
    );
    assert_eq!(
        arg("tag=v1"),
        Arg::Named {
            name: "tag".to_owned(),
            value: "v1".to_owned()
        }
    );
    assert_eq!(arg("$a"), Arg::Expr(Expr::AliasRef("a".to_owned())));
    assert_eq!(
        arg("1 + 2"),
        Arg::Expr(binary(BinaryOp::Add, Expr::Number(1.0), Expr::Number(2.0)))
    );
    assert_eq!(
        err("ts(a) % 2"),
        "at position 7: expected an operator or end of query but found '%'"
    );
}

#[test]
fn strings_take_either_quote_and_three_escapes() {
    assert_eq!(arg(r#""a\"b""#), Arg::Str("a\"b".to_owned()));
    assert_eq!(arg(r"'a\'b'"), Arg::Str("a'b".to_owned()));
    assert_eq!(arg(r#""a\\b""#), Arg::Str("a\\b".to_owned()));
    assert_eq!(arg(r#""^(.*)\.(x)$""#), Arg::Str(r"^(.*)\.(x)$".to_owned()));
    assert_eq!(arg(r#"'say "hi"'"#), Arg::Str("say \"hi\"".to_owned()));
    assert_eq!(
        err(r#"f("abc)"#),
        r#"at position 3: expected a closing " for this string but found end of query"#
    );
}

#[test]
fn filters_keys_operators_regexes_and_case() {
    let atom = |key, op, value| FilterExpr::Atom(FilterAtom::Key { key, op, value });
    let text = |t: &str| NamePattern::Text(t.to_owned());
    assert_eq!(
        only_item("ts(Host=h1)"),
        atom(FilterKey::Source, FilterOp::Eq, text("h1"))
    );
    assert_eq!(
        only_item("ts(TAG!=prod)"),
        atom(FilterKey::SourceTag, FilterOp::Ne, text("prod"))
    );
    assert_eq!(
        only_item("ts(env?=dev)"),
        atom(
            FilterKey::Point("env".to_owned()),
            FilterOp::Maybe,
            text("dev")
        )
    );
    assert_eq!(
        only_item(r#"ts("source"=x)"#),
        atom(
            FilterKey::Point("source".to_owned()),
            FilterOp::Eq,
            text("x")
        )
    );
    assert_eq!(
        only_item(r"ts(source=/app-[0-9]+\/x/)"),
        atom(
            FilterKey::Source,
            FilterOp::Eq,
            NamePattern::Regex("app-[0-9]+/x".to_owned())
        )
    );
    assert_eq!(
        only_item(r"ts(/~wavefront\.alert\.(active|active_info)/)"),
        FilterExpr::Atom(FilterAtom::Metric(NamePattern::Regex(
            r"~wavefront\.alert\.(active|active_info)".to_owned()
        )))
    );
    assert_eq!(
        only_item("ts(a AND Not b oR c)"),
        FilterExpr::Or(vec![
            FilterExpr::And(vec![
                FilterExpr::Atom(FilterAtom::Metric(text("a"))),
                FilterExpr::Not(Box::new(FilterExpr::Atom(FilterAtom::Metric(text("b"))))),
            ]),
            FilterExpr::Atom(FilterAtom::Metric(text("c"))),
        ])
    );
    assert_eq!(
        parse("ts(∆aws.lambda:x, source=${src})").unwrap(),
        Expr::Selector(Selector {
            kind: SelectorKind::Ts,
            items: vec![
                FilterExpr::Atom(FilterAtom::Metric(text("∆aws.lambda:x"))),
                atom(FilterKey::Source, FilterOp::Eq, text("${src}")),
            ]
        })
    );
    assert_eq!(
        only_item("ts(*)"),
        FilterExpr::Atom(FilterAtom::Metric(text("*")))
    );
    assert_eq!(
        only_item("ts(${Maintenance Window inactive})"),
        FilterExpr::Atom(FilterAtom::Variable(
            "Maintenance Window inactive".to_owned()
        ))
    );
    assert_eq!(
        parse("TS(a)").unwrap(),
        parse("ts(a)").unwrap(),
        "selector names are case-insensitive"
    );
    assert_ne!(
        parse("ts(A)").unwrap(),
        parse("ts(a)").unwrap(),
        "names are case-sensitive"
    );
    assert_eq!(
        err("ts(tag=mon-/(primary|secondary)/)"),
        "at position 12: expected ',' or ')' but found '/(primary|secondary)/'"
    );
    assert_eq!(
        err("ts()"),
        "at position 4: expected a metric name or a filter but found ')'"
    );
    assert_eq!(
        err("ts(and)"),
        "at position 4: expected a metric name or a filter but found 'and'"
    );
    assert_eq!(
        err("ts(a, b=)"),
        "at position 9: expected a value: a name, a quoted string or a /regex/ but found ')'"
    );
}

#[test]
fn precedence_and_associativity() {
    let n = Expr::Number;
    assert_eq!(
        parse("1 + 2 * 3").unwrap(),
        binary(BinaryOp::Add, n(1.0), binary(BinaryOp::Mul, n(2.0), n(3.0)))
    );
    assert_eq!(
        parse("1 - 2 - 3").unwrap(),
        binary(BinaryOp::Sub, binary(BinaryOp::Sub, n(1.0), n(2.0)), n(3.0))
    );
    assert_eq!(
        parse("1 or 2 and 3 < 4 + 5").unwrap(),
        binary(
            BinaryOp::Or,
            n(1.0),
            binary(
                BinaryOp::And,
                n(2.0),
                binary(BinaryOp::Lt, n(3.0), binary(BinaryOp::Add, n(4.0), n(5.0)))
            )
        )
    );
    assert_eq!(
        parse("1 AND 2 Or 3").unwrap(),
        binary(BinaryOp::Or, binary(BinaryOp::And, n(1.0), n(2.0)), n(3.0))
    );
    assert_eq!(
        parse("-2 * 3").unwrap(),
        binary(BinaryOp::Mul, n(-2.0), n(3.0)),
        "unary minus binds tighter than *"
    );
}

#[test]
fn strict_operators() {
    let Expr::Binary(b) = parse("ts(a) [+] ts(b)").unwrap() else {
        panic!()
    };
    assert_eq!((b.op, b.strict), (BinaryOp::Add, true));
    let Expr::Binary(b) = parse("ts(a) [AND] by (env) groupLeft ts(b)").unwrap() else {
        panic!()
    };
    assert_eq!((b.op, b.strict), (BinaryOp::And, true));
    assert_eq!(
        b.matching,
        Some(Matching {
            keys: vec!["env".to_owned()],
            side: Some(GroupSide::Left)
        })
    );
    for (text, op) in [
        ("[-]", BinaryOp::Sub),
        ("[*]", BinaryOp::Mul),
        ("[/]", BinaryOp::Div),
        ("[<]", BinaryOp::Lt),
        ("[<=]", BinaryOp::Le),
        ("[>]", BinaryOp::Gt),
        ("[>=]", BinaryOp::Ge),
        ("[=]", BinaryOp::Eq),
        ("[!=]", BinaryOp::Ne),
        ("[or]", BinaryOp::Or),
    ] {
        let Expr::Binary(b) = parse(&format!("1 {text} 2")).unwrap() else {
            panic!("{text}")
        };
        assert_eq!((b.op, b.strict), (op, true), "{text}");
    }
    assert_eq!(
        err("1 [%] 2"),
        "at position 3: expected a strict operator such as [+] or [and] but found '[%]'"
    );
}

#[test]
fn event_set_operators_are_words_only_where_an_operator_stands() {
    for (word, op) in [
        ("union", BinaryOp::Union),
        ("INTERSECT", BinaryOp::Intersect),
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
    ] {
        assert_eq!(
            parse(&format!("events(a=1) {word} events()")).unwrap(),
            binary(
                op,
                Expr::Events(Some(FilterExpr::Atom(FilterAtom::Key {
                    key: FilterKey::Point("a".to_owned()),
                    op: FilterOp::Eq,
                    value: NamePattern::Text("1".to_owned())
                }))),
                Expr::Events(None)
            ),
            "{word}"
        );
    }
    assert_eq!(
        parse("f(d, m)").unwrap(),
        Expr::Call(Call {
            name: "f".to_owned(),
            args: vec![Arg::Word("d".to_owned()), Arg::Word("m".to_owned())],
            grouping: None
        })
    );
}

#[test]
fn methods_and_keywords_in_any_case() {
    assert_eq!(
        parse("ts('NO-DATA').ORELSE(25)").unwrap(),
        Expr::Method {
            receiver: Box::new(ts("NO-DATA")),
            method: Method::OrElse,
            arg: Box::new(Expr::Number(25.0)),
        }
    );
    assert_eq!(
        parse("ts(a) AS x").unwrap(),
        Expr::Alias {
            expr: Box::new(ts("a")),
            name: "x".to_owned()
        }
    );
    assert_eq!(
        err("ts(a).max(1)"),
        "at position 7: expected a method: lt, gt, le, ge, eq, ne or orElse but found 'max'"
    );
}

#[test]
fn error_positions_count_characters_and_name_what_was_expected() {
    assert_eq!(
        err("ts(x"),
        "at position 5: expected ',' or ')' but found end of query"
    );
    assert_eq!(
        err("ts(a) == 1"),
        "at position 7: expected '=' (WQL compares with a single '='; '==' is not WQL) but found '=='"
    );
    assert_eq!(
        err("ts(∆a) == 1"),
        parse("ts(∆a) == 1").unwrap_err().to_string()
    );
    assert_eq!(parse("ts(∆a) == 1").unwrap_err().position, 8);
    assert_eq!(
        err("ts(a))"),
        "at position 6: expected an operator or end of query but found ')'"
    );
    assert_eq!(
        err("(ts(a)"),
        "at position 7: expected ')' but found end of query"
    );
    assert_eq!(
        err(""),
        "at position 1: expected an expression but found end of query"
    );
    assert_eq!(
        err("abs"),
        "at position 4: expected '(' after 'abs' (a bare word is only a function argument) but found end of query"
    );
    assert_eq!(
        err("f(a b)"),
        "at position 5: expected ',', ')' or a grouping by (...) but found 'b'"
    );
    assert_eq!(
        err("$"),
        "at position 1: expected an alias name or {variable} after '$' but found '$'"
    );
    assert_eq!(
        err("ts(a) ? 1"),
        "at position 7: expected an expression or an operator but found '?'"
    );
    assert_eq!(
        err("join(ts(a), 1)"),
        "at position 11: expected AS and an alias name after a join input but found ','"
    );
}

#[test]
fn a_query_longer_than_64_kib_is_refused() {
    let long = format!("ts({})", "a".repeat(MAX_QUERY_BYTES));
    let error = parse(&long).unwrap_err();
    assert_eq!(error.position, MAX_QUERY_BYTES + 1);
    assert_eq!(error.expected, "a query of at most 65536 bytes");
    assert_eq!(error.found, format!("{} bytes", MAX_QUERY_BYTES + 4));
    let fits = format!("ts({})", "a".repeat(MAX_QUERY_BYTES - 4));
    assert!(parse(&fits).is_ok());
}

/// `build(n)` at the `n` that makes a tree exactly [`MAX_DEPTH`] deep parses; one level more is
/// refused as too deep.
fn deepest_is_accepted(build: impl Fn(usize) -> String, n: usize) {
    let tree = parse(&build(n)).unwrap();
    assert_eq!(tree.height(), MAX_DEPTH, "{}", build(n));
    let error = parse(&build(n + 1)).unwrap_err();
    assert_eq!(
        error.expected,
        "an expression at most 128 levels deep",
        "{}",
        build(n + 1)
    );
    assert_eq!(error.found, "a deeper one");
}

fn nested(open: &str, core: &str, close: &str, n: usize) -> String {
    format!("{}{core}{}", open.repeat(n), close.repeat(n))
}

#[test]
fn trees_up_to_the_depth_limit_parse_and_deeper_ones_are_refused() {
    deepest_is_accepted(|n| nested("f(", "1", ")", n), MAX_DEPTH - 1);
    deepest_is_accepted(|n| nested("-", "ts(a)", "", n), MAX_DEPTH - 2);
    deepest_is_accepted(|n| format!("1{}", " + 1".repeat(n)), MAX_DEPTH - 1);
    deepest_is_accepted(|n| format!("ts(a){}", ".gt(1)".repeat(n)), MAX_DEPTH - 2);
    deepest_is_accepted(|n| format!("ts({}a)", "not ".repeat(n)), MAX_DEPTH - 2);
    deepest_is_accepted(
        |n| format!("ts({})", nested("not (", "a", ")", n)),
        MAX_DEPTH - 2,
    );
    deepest_is_accepted(
        |n| {
            format!(
                "join(ts(a) as x join ts(b) as y on {}x.a = y.a, x)",
                "not ".repeat(n)
            )
        },
        MAX_DEPTH - 2,
    );
    // Far more than the limit fails fast instead of building a tree too deep to drop.
    assert!(parse(&format!("ts({}a)", "not ".repeat(16_000))).is_err());
    assert!(parse(&format!("1{}", " + 1".repeat(16_000))).is_err());
    assert!(parse(&"-".repeat(60_000)).is_err());
}

#[test]
fn parentheses_nest_up_to_their_own_limit() {
    assert_eq!(MAX_NESTING, 258);
    assert_eq!(
        parse(&nested("(", "1", ")", MAX_NESTING - 1)).unwrap(),
        Expr::Number(1.0)
    );
    let error = parse(&nested("(", "1", ")", MAX_NESTING)).unwrap_err();
    assert_eq!(
        error.expected,
        "at most 258 nested parentheses, arguments and signs"
    );
    assert_eq!(error.position, MAX_NESTING + 1);
    assert!(parse(&"(".repeat(60_000)).is_err());
}

#[test]
fn the_print_of_the_deepest_trees_parses_back() {
    // Found by the fuzzer: each negation printed in parentheses made the print twice as deep as
    // the query.
    let query = format!("{}6", "-".repeat(89));
    let tree = parse(&query).unwrap();
    assert_eq!(tree.to_string(), format!("{}(-6)", "-".repeat(88)));
    assert_eq!(parse(&tree.to_string()).unwrap(), tree);
    // A chain prints one pair of parentheses per operation.
    for query in [
        format!("1{}", " + 1".repeat(MAX_DEPTH - 1)),
        format!("ts(a{})", " and b or c".repeat(MAX_DEPTH / 2 - 1)),
        nested("f((", "1", "))", MAX_DEPTH - 1),
        nested("-(", "1", ")", MAX_DEPTH - 1),
    ] {
        let tree = parse(&query).unwrap();
        assert_eq!(parse(&tree.to_string()).unwrap(), tree, "{query}");
    }
}

#[test]
fn the_deepest_queries_accepted_parse_and_print_in_half_a_worker_thread_stack() {
    let deepest = [
        nested("(", "1", ")", MAX_NESTING - 1),
        nested("f((", "1", "))", MAX_DEPTH - 1),
        nested("-(", "1", ")", MAX_DEPTH - 1),
        nested("(ts(b) + ", "ts(a)", ")", MAX_DEPTH - 2),
        format!("ts({})", nested("not (", "a", ")", MAX_DEPTH - 2)),
        format!("1{}", " + 1".repeat(MAX_DEPTH - 1)),
    ];
    for query in deepest {
        let worker = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let tree = parse(&query).unwrap();
                assert_eq!(parse(&tree.to_string()).unwrap(), tree);
            })
            .unwrap();
        worker.join().unwrap();
    }
}

#[test]
fn the_canonical_text() {
    for (query, canonical) in [
        (
            r#"100-ts("cpu.usage_idle", environment=preprod and cpu=cpu-total ) > 80"#,
            "((100 - ts(cpu.usage_idle, environment=preprod and cpu=cpu-total)) > 80)",
        ),
        (
            r#"TS('a b', "and", Source='x y', "tag"=/a\/b/, not ${v w})"#,
            r#"ts("a b", "and", source="x y", "tag"=/a\/b/, not ${v w})"#,
        ),
        (
            "ts(a or b and c, (a or b) and c)",
            "ts(a or b and c, (a or b) and c)",
        ),
        (
            r#"F(10 %, 5m, 'x"y', K = v, by(k))"#,
            r#"F(10%, 5m, "x\"y", K="v" by (k))"#,
        ),
        (
            "7.2k + -.5 - -(1) * --$a",
            "((7200 + -0.5) - (-(1) * --$a))",
        ),
        ("ts(x).ORELSE(1) AS y", "ts(x).orElse(1) as y"),
        (
            "ts(a) [AND] BY (k) GROUPLEFT ts(b)",
            "(ts(a) [and] by (k) groupLeft ts(b))",
        ),
        (
            "join(ts(a) as x full outer join ts(b) as y on x.k = y.k and not x.j != 'q', m='n', {x|0} + y)",
            r#"join(ts(a) AS x FULL JOIN ts(b) AS y ON x.k = y.k AND NOT x.j != "q", m="n", ({x|0} + y))"#,
        ),
        (
            "events(a=1, b=2) D events()",
            "(events(a=1 and b=2) d events())",
        ),
        (
            "999999999999999999999999999999",
            "1000000000000000000000000000000",
        ),
    ] {
        assert_eq!(parse(query).unwrap().to_string(), canonical, "{query}");
    }
}
