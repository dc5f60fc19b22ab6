//! Properties: every tree the parser can make prints to text that parses back to the same tree,
//! and no input, however mangled, makes the parser panic.

use crest_wql::*;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

/// Names of every kind: bare, needing quotes, keywords, the docs' `<placeholder>`, empty.
fn any_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-zA-Z0-9_.~*:-]{1,10}",
        1 => "[∆Δ][a-z.]{1,5}",
        2 => "\\PC{0,8}",
        1 => any::<String>(),
        1 => prop::sample::select(vec!["and", "NOT", "Or", "source", "host", "Tag", "<m_1>", "", "by"])
            .prop_map(str::to_owned),
    ]
    .boxed()
}

/// What follows `$` or `as`, and function names.
fn ident() -> BoxedStrategy<String> {
    prop_oneof![
        8 => "[a-zA-Z_][a-zA-Z0-9_]{0,6}",
        1 => prop::sample::select(vec!["by", "without", "groupLeft", "GROUPRIGHT", "as", "and", "d", "mi", "union"])
            .prop_map(str::to_owned),
    ]
    .boxed()
}

fn function_name() -> BoxedStrategy<String> {
    ident()
        .prop_filter("a selector, events or join", |name| {
            !["ts", "hs", "cs", "events", "join"]
                .iter()
                .any(|special| special.eq_ignore_ascii_case(name))
        })
        .boxed()
}

fn variable_name() -> BoxedStrategy<String> {
    "[a-zA-Z0-9 _.-]{1,10}".boxed()
}

fn number() -> BoxedStrategy<f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        (0u32..1000).prop_map(f64::from),
        prop::sample::select(vec![
            -0.0,
            0.5,
            1e300,
            -1e300,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE
        ]),
    ]
    .boxed()
}

fn pattern() -> BoxedStrategy<NamePattern> {
    let regex_piece = prop::sample::select(vec![
        "[a-z]", ".", "*", "/", "\\.", "(a|b)", "x", "\\\\", "+", "∆",
    ]);
    prop_oneof![
        3 => any_name().prop_map(NamePattern::Text),
        1 => prop::collection::vec(regex_piece, 1..5).prop_map(|pieces| NamePattern::Regex(pieces.concat())),
    ]
    .boxed()
}

fn filter() -> BoxedStrategy<FilterExpr> {
    let key = prop_oneof![
        Just(FilterKey::Source),
        Just(FilterKey::SourceTag),
        any_name().prop_map(FilterKey::Point),
    ];
    let op = prop::sample::select(vec![FilterOp::Eq, FilterOp::Ne, FilterOp::Maybe]);
    let atom = prop_oneof![
        3 => pattern().prop_map(|p| FilterExpr::Atom(FilterAtom::Metric(p))),
        4 => (key, op, pattern()).prop_map(|(key, op, value)| FilterExpr::Atom(FilterAtom::Key { key, op, value })),
        1 => variable_name().prop_map(|v| FilterExpr::Atom(FilterAtom::Variable(v))),
    ];
    atom.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|f| FilterExpr::Not(Box::new(f))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(FilterExpr::And),
            prop::collection::vec(inner, 2..4).prop_map(FilterExpr::Or),
        ]
    })
    .boxed()
}

fn window() -> BoxedStrategy<Window> {
    let unit = prop::sample::select(vec![
        WindowUnit::Millis,
        WindowUnit::Seconds,
        WindowUnit::Minutes,
        WindowUnit::Hours,
        WindowUnit::Days,
        WindowUnit::Weeks,
        WindowUnit::ViewWindows,
        WindowUnit::Buckets,
    ]);
    (any::<u64>(), unit)
        .prop_map(|(amount, unit)| Window { amount, unit })
        .boxed()
}

fn keys() -> BoxedStrategy<Vec<String>> {
    prop::collection::vec(any_name(), 1..3).boxed()
}

fn binary_op() -> BoxedStrategy<BinaryOp> {
    prop::sample::select(vec![
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Lt,
        BinaryOp::Le,
        BinaryOp::Gt,
        BinaryOp::Ge,
        BinaryOp::Eq,
        BinaryOp::Ne,
        BinaryOp::And,
        BinaryOp::Or,
        BinaryOp::Union,
        BinaryOp::Intersect,
        BinaryOp::Allen(Allen::Meets),
        BinaryOp::Allen(Allen::MetBy),
        BinaryOp::Allen(Allen::Overlaps),
        BinaryOp::Allen(Allen::OverlappedBy),
        BinaryOp::Allen(Allen::Starts),
        BinaryOp::Allen(Allen::StartedBy),
        BinaryOp::Allen(Allen::During),
        BinaryOp::Allen(Allen::Contains),
        BinaryOp::Allen(Allen::Finishes),
        BinaryOp::Allen(Allen::FinishedBy),
    ])
    .boxed()
}

fn binary(operand: BoxedStrategy<Expr>) -> BoxedStrategy<Expr> {
    let matching = proptest::option::of(
        (
            keys(),
            proptest::option::of(prop::sample::select(vec![
                GroupSide::Left,
                GroupSide::Right,
            ])),
        )
            .prop_map(|(keys, side)| Matching { keys, side }),
    );
    (
        binary_op(),
        any::<bool>(),
        matching,
        operand.clone(),
        operand,
    )
        .prop_map(|(op, strict, matching, lhs, rhs)| {
            let has_strict_form = !matches!(
                op,
                BinaryOp::Union | BinaryOp::Intersect | BinaryOp::Allen(_)
            );
            Expr::Binary(Box::new(Binary {
                op,
                strict: strict && has_strict_form,
                matching,
                lhs,
                rhs,
            }))
        })
        .boxed()
}

fn method() -> BoxedStrategy<Method> {
    prop::sample::select(vec![
        Method::Lt,
        Method::Gt,
        Method::Le,
        Method::Ge,
        Method::Eq,
        Method::Ne,
        Method::OrElse,
    ])
    .boxed()
}

fn postfix(operand: BoxedStrategy<Expr>) -> BoxedStrategy<Expr> {
    prop_oneof![
        operand.clone().prop_map(|e| Expr::Neg(Box::new(e))),
        (operand.clone(), method(), operand.clone()).prop_map(|(receiver, method, arg)| {
            Expr::Method {
                receiver: Box::new(receiver),
                method,
                arg: Box::new(arg),
            }
        }),
        (operand, ident()).prop_map(|(expr, name)| Expr::Alias {
            expr: Box::new(expr),
            name
        }),
    ]
    .boxed()
}

fn call(arg: BoxedStrategy<Arg>) -> BoxedStrategy<Expr> {
    let grouping = proptest::option::of(
        (
            prop::sample::select(vec![GroupMode::By, GroupMode::Without]),
            keys(),
        )
            .prop_map(|(mode, keys)| Grouping { mode, keys }),
    );
    (function_name(), prop::collection::vec(arg, 0..4), grouping)
        .prop_map(|(name, args, grouping)| {
            Expr::Call(Call {
                name,
                args,
                grouping,
            })
        })
        .boxed()
}

fn arg(expr: BoxedStrategy<Expr>) -> BoxedStrategy<Arg> {
    let word = "[a-zA-Z_][a-zA-Z0-9_.:*~-]{0,6}";
    prop_oneof![
        4 => expr.prop_map(Arg::Expr),
        1 => window().prop_map(Arg::Window),
        1 => "\\PC{0,6}".prop_map(Arg::Str),
        1 => word.prop_map(Arg::Word),
        1 => (0.0..1e6f64).prop_map(Arg::Percent),
        1 => (word, "\\PC{0,6}").prop_map(|(name, value)| Arg::Named { name, value }),
    ]
    .boxed()
}

/// A join's data expression: arithmetic, calls and methods over references to the two aliases.
fn join_data() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        3 => (ident(), proptest::option::of(number())).prop_map(|(alias, default)| Expr::JoinRef { alias, default }),
        1 => number().prop_map(Expr::Number),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        let inner = inner.boxed();
        prop_oneof![
            binary(inner.clone()),
            postfix(inner.clone()),
            call(inner.prop_map(Arg::Expr).boxed()),
        ]
    })
    .boxed()
}

fn join(input: BoxedStrategy<Expr>) -> BoxedStrategy<Expr> {
    let operand = prop_oneof![
        ("[a-zA-Z0-9_~*:-]{1,5}", "[a-zA-Z0-9_.~*:-]{1,6}")
            .prop_map(|(alias, column)| JoinOperand::Column { alias, column }),
        "\\PC{0,6}".prop_map(JoinOperand::Str),
    ]
    .boxed();
    let compare = (operand.clone(), any::<bool>(), operand.clone())
        .prop_map(|(left, equal, right)| JoinPredicate::Compare { left, equal, right });
    let predicate = compare.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|p| JoinPredicate::Not(Box::new(p))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(JoinPredicate::And),
            prop::collection::vec(inner, 2..4).prop_map(JoinPredicate::Or),
        ]
    });
    let condition = prop_oneof![
        keys().prop_map(JoinCondition::Using),
        predicate.prop_map(JoinCondition::On),
    ];
    let kind = prop::sample::select(vec![
        JoinKind::Inner,
        JoinKind::Left,
        JoinKind::Right,
        JoinKind::Full,
    ]);
    let outputs = prop::collection::vec(
        (any_name(), operand).prop_map(|(key, value)| JoinOutput { key, value }),
        0..3,
    );
    (
        (input.clone(), ident(), kind, input, ident()),
        (condition, outputs, join_data()),
    )
        .prop_map(
            |((left, left_alias, kind, right, right_alias), (condition, outputs, data))| {
                Expr::Join(Box::new(Join {
                    left,
                    left_alias,
                    kind,
                    right,
                    right_alias,
                    condition,
                    outputs,
                    data,
                }))
            },
        )
        .boxed()
}

fn expr() -> BoxedStrategy<Expr> {
    let selector_kind =
        prop::sample::select(vec![SelectorKind::Ts, SelectorKind::Hs, SelectorKind::Cs]);
    let leaf = prop_oneof![
        3 => number().prop_map(Expr::Number),
        3 => (selector_kind, prop::collection::vec(filter(), 1..4)).prop_map(|(kind, items)| Expr::Selector(Selector { kind, items })),
        1 => proptest::option::of(filter()).prop_map(Expr::Events),
        1 => ident().prop_map(Expr::AliasRef),
        1 => variable_name().prop_map(Expr::Variable),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        let inner = inner.boxed();
        prop_oneof![
            3 => call(arg(inner.clone())),
            3 => binary(inner.clone()),
            3 => postfix(inner.clone()),
            1 => join(inner),
        ]
    })
    .boxed()
}

/// Pieces of WQL and of near-WQL, for inputs that get past the first token.
fn token_soup() -> BoxedStrategy<String> {
    let piece = prop::sample::select(vec![
        "ts(",
        "hs(",
        "cs(",
        "events(",
        "join(",
        "sum(",
        "f(",
        ")",
        "(",
        ",",
        "and",
        "OR",
        "not",
        "AS",
        "as x",
        "INNER JOIN",
        "LEFT OUTER JOIN",
        "USING (",
        "ON",
        "a.b",
        "x",
        "=",
        "!=",
        "?=",
        "==",
        "+",
        "-",
        "*",
        "/",
        "<",
        "<=",
        ">",
        "[+]",
        "[and]",
        "[x]",
        ".gt(",
        ".orElse(",
        ".",
        "5m",
        "2vw",
        "1.5k",
        ".5",
        "10%",
        "%",
        "'s'",
        "\"q\\\"\"",
        "/re\\/x/",
        "${v}",
        "${",
        "$a",
        "$",
        "{a|1}",
        "{",
        "}",
        "|",
        "by (",
        "without (",
        "groupLeft",
        "d",
        "union",
        "∆x",
        "<m>",
        "<",
        "metric=",
        "-1",
        "1e6",
        "\\",
        "'",
        "\"",
        "k=v",
        "9999999999999999999999m",
    ]);
    let gap = prop::sample::select(vec!["", " ", "\n"]);
    prop::collection::vec((piece, gap), 0..24)
        .prop_map(|pieces| pieces.into_iter().flat_map(|(p, g)| [p, g]).collect())
        .boxed()
}

/// A printed tree with pieces of WQL spliced in and stretches cut out: text that is nearly valid.
fn mangled_query() -> BoxedStrategy<String> {
    let edit = (any::<prop::sample::Index>(), token_soup(), 0usize..4);
    (expr(), prop::collection::vec(edit, 1..4))
        .prop_map(|(tree, edits)| {
            let mut text: Vec<char> = tree.to_string().chars().collect();
            for (at, insert, cut) in edits {
                let at = at.index(text.len() + 1);
                let cut = cut.min(text.len() - at);
                text.splice(at..at + cut, insert.chars());
            }
            text.into_iter().collect()
        })
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_tree_prints_to_text_that_parses_back_to_it(tree in expr()) {
        let printed = tree.to_string();
        prop_assert_eq!(parse(&printed), Ok(tree), "printed as {}", printed);
    }

    #[test]
    fn arbitrary_text_never_panics_and_what_parses_round_trips(text in prop_oneof![any::<String>(), token_soup(), mangled_query()]) {
        if let Ok(tree) = parse(&text) {
            let printed = tree.to_string();
            prop_assert_eq!(parse(&printed), Ok(tree), "{} printed as {}", text, printed);
        }
    }
}
