//! Every query of wql.md §1.4 parses (the two with a missing `)` only once fixed), and its
//! canonical print parses back to the same tree.

use crest_wql::*;

/// wql.md §1.4, verbatim but for the two lines marked fixed.
const CORPUS: [&str; 24] = [
    r#"ts(~sample.disk.bytes.written, source="app-1" or source="app-2" and env="dev")"#,
    r#"ts(~sample.disk.bytes.written, (source="app-1" or source="app-2") and env="dev")"#,
    // fixed: the docs omit the final ")"
    r#"ts("smp-fax*.count" AND NOT "smp-fax*.metrics.wavefront.*", source="-eq*")"#,
    r#"100-ts("cpu.usage_idle", environment=preprod and cpu=cpu-total ) > 80"#,
    r#"ts(servers.load.load.longterm,host=i-*.es-logstash.mgmt.use1*.labs.apelabs.net)"#,
    r#"align(1m, mean, rate(ts(host=don* and not host=don-*ha*, ifconfig.rxBytes)))"#,
    r#"sum(ts(~sample.cpu.loadavg.1m) by (az, sources))"#,
    r#"sum(ts(~sample.cpu.loadavg.1m) without (sources))"#,
    r#"avg(ts(~sample.cpu.loadavg.1m, source="app-*"), env, pointTags)"#,
    r#"(ts(cpu.idle) > 50) and by (stage, source) (ts(build.version) = 10000)"#,
    r#"sum(ts(~proxy.listeners.connections.*), port, processId) + by(processId) groupRight sum(ts(~proxy.points.2878.blocked), processId)"#,
    r#"ts(~sample.mem.used.percentage).gt(70).lt(85)"#,
    r#"ts(<metric_not_there>).orElse(ts(<metric_sometimes_there>)).orElse(25)"#,
    r#"default(100, ts('my.metric').orElse(25))"#,
    r#"if(ts(requests.latency, source="app-1*") as latency, $latency)"#,
    // fixed: the docs omit a ")"
    r#"next(24h,if(hour("US/Pacific")=0,${mavg}))"#,
    r#"retainSeries(collect(if(exists(ts(~sample.cpu.usage.percentage, source=app-1) as var1), $var1 * 100 ), if(exists(ts(~sample.cpu.usage.user.percentage, source=app-12) as var2), $var2 * 100), -1), collect_0="0")"#,
    r#"join(ts(cpu.load) AS ts1 INNER JOIN ts(request.rate) AS ts2 USING(source, env), metric='cpuPerRequest', source=ts1.source, env=ts1.env, ts1 / ts2)"#,
    r#"taggify(ts(~sample.db.connections.), source, sortBy, "db-([0-9])", "{{env-$1}}")"#,
    r#"aliasSource(ts("application.latency"), tagk, appId, 2, ".-")"#,
    r#"percentile(90, cumulativeHisto(sum(rate(ts(req_latency_bucket)), le)))"#,
    r#"events(type="alert", name="disk space is low", alertTag="App1.*")"#,
    r#"events(severity="severe") - (events(severity="severe") d since(1d))"#,
    r#"exists(ts(inv_1_get_count, status="7**" and operation="*" and cname="${environment}"))"#,
];

#[test]
fn every_corpus_query_parses_and_prints_back_to_the_same_tree() {
    for query in CORPUS {
        let tree = parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        let printed = tree.to_string();
        let again = parse(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
        assert_eq!(again, tree, "{query} printed as {printed}");
    }
}

fn text(name: &str) -> NamePattern {
    NamePattern::Text(name.to_owned())
}

fn metric(name: &str) -> FilterExpr {
    FilterExpr::Atom(FilterAtom::Metric(text(name)))
}

fn key(key: FilterKey, value: &str) -> FilterExpr {
    FilterExpr::Atom(FilterAtom::Key {
        key,
        op: FilterOp::Eq,
        value: text(value),
    })
}

fn point(name: &str, value: &str) -> FilterExpr {
    key(FilterKey::Point(name.to_owned()), value)
}

fn ts(items: Vec<FilterExpr>) -> Expr {
    Expr::Selector(Selector {
        kind: SelectorKind::Ts,
        items,
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

fn call(name: &str, args: Vec<Arg>) -> Expr {
    Expr::Call(Call {
        name: name.to_owned(),
        args,
        grouping: None,
    })
}

fn word(word: &str) -> Arg {
    Arg::Word(word.to_owned())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_comma_items_stay_as_written_and_and_binds_tighter_than_or() {
    assert_eq!(
        parse(CORPUS[0]).unwrap(),
        ts(vec![
            metric("~sample.disk.bytes.written"),
            FilterExpr::Or(vec![
                key(FilterKey::Source, "app-1"),
                FilterExpr::And(vec![key(FilterKey::Source, "app-2"), point("env", "dev")]),
            ]),
        ])
    );
    assert_eq!(
        parse(CORPUS[2]).unwrap(),
        ts(vec![
            FilterExpr::And(vec![
                metric("smp-fax*.count"),
                FilterExpr::Not(Box::new(metric("smp-fax*.metrics.wavefront.*"))),
            ]),
            key(FilterKey::Source, "-eq*"),
        ])
    );
}

#[test]
fn minus_is_a_name_character_inside_ts_and_an_operator_outside() {
    assert_eq!(
        parse(CORPUS[3]).unwrap(),
        binary(
            BinaryOp::Gt,
            binary(
                BinaryOp::Sub,
                Expr::Number(100.0),
                ts(vec![
                    metric("cpu.usage_idle"),
                    FilterExpr::And(vec![
                        point("environment", "preprod"),
                        point("cpu", "cpu-total")
                    ]),
                ]),
            ),
            Expr::Number(80.0),
        )
    );
}

#[test]
fn host_is_the_source_and_the_metric_may_come_last() {
    assert_eq!(
        parse(CORPUS[5]).unwrap(),
        call(
            "align",
            vec![
                Arg::Window(Window {
                    amount: 1,
                    unit: WindowUnit::Minutes
                }),
                word("mean"),
                Arg::Expr(call(
                    "rate",
                    vec![Arg::Expr(ts(vec![
                        FilterExpr::And(vec![
                            key(FilterKey::Source, "don*"),
                            FilterExpr::Not(Box::new(key(FilterKey::Source, "don-*ha*"))),
                        ]),
                        metric("ifconfig.rxBytes"),
                    ]))]
                )),
            ]
        )
    );
}

#[test]
fn by_and_without_inside_the_parentheses_are_the_grouping_and_trailing_words_stay_words() {
    let grouped = |mode, keys: &[&str]| {
        Expr::Call(Call {
            name: "sum".to_owned(),
            args: vec![Arg::Expr(ts(vec![metric("~sample.cpu.loadavg.1m")]))],
            grouping: Some(Grouping {
                mode,
                keys: strings(keys),
            }),
        })
    };
    assert_eq!(
        parse(CORPUS[6]).unwrap(),
        grouped(GroupMode::By, &["az", "sources"])
    );
    assert_eq!(
        parse(CORPUS[7]).unwrap(),
        grouped(GroupMode::Without, &["sources"])
    );
    assert_eq!(
        parse(CORPUS[8]).unwrap(),
        call(
            "avg",
            vec![
                Arg::Expr(ts(vec![
                    metric("~sample.cpu.loadavg.1m"),
                    key(FilterKey::Source, "app-*")
                ])),
                word("env"),
                word("pointTags"),
            ]
        )
    );
}

#[test]
fn by_after_a_binary_operator_is_the_matching() {
    assert_eq!(
        parse(CORPUS[9]).unwrap(),
        Expr::Binary(Box::new(Binary {
            op: BinaryOp::And,
            strict: false,
            matching: Some(Matching {
                keys: strings(&["stage", "source"]),
                side: None,
            }),
            lhs: binary(
                BinaryOp::Gt,
                ts(vec![metric("cpu.idle")]),
                Expr::Number(50.0)
            ),
            rhs: binary(
                BinaryOp::Eq,
                ts(vec![metric("build.version")]),
                Expr::Number(10000.0)
            ),
        }))
    );
    let Expr::Binary(sum) = parse(CORPUS[10]).unwrap() else {
        panic!("not a binary operation");
    };
    assert_eq!(sum.op, BinaryOp::Add);
    assert_eq!(
        sum.matching,
        Some(Matching {
            keys: strings(&["processId"]),
            side: Some(GroupSide::Right),
        })
    );
    assert_eq!(
        sum.rhs,
        call(
            "sum",
            vec![
                Arg::Expr(ts(vec![metric("~proxy.points.2878.blocked")])),
                word("processId")
            ]
        )
    );
}

#[test]
fn methods_chain_left_to_right() {
    let method = |receiver, method, arg| Expr::Method {
        receiver: Box::new(receiver),
        method,
        arg: Box::new(arg),
    };
    assert_eq!(
        parse(CORPUS[11]).unwrap(),
        method(
            method(
                ts(vec![metric("~sample.mem.used.percentage")]),
                Method::Gt,
                Expr::Number(70.0)
            ),
            Method::Lt,
            Expr::Number(85.0)
        )
    );
    assert_eq!(
        parse(CORPUS[12]).unwrap(),
        method(
            method(
                ts(vec![metric("<metric_not_there>")]),
                Method::OrElse,
                ts(vec![metric("<metric_sometimes_there>")])
            ),
            Method::OrElse,
            Expr::Number(25.0)
        )
    );
}

#[test]
fn an_alias_binds_to_the_operand_before_it() {
    assert_eq!(
        parse(CORPUS[14]).unwrap(),
        call(
            "if",
            vec![
                Arg::Expr(Expr::Alias {
                    expr: Box::new(ts(vec![
                        metric("requests.latency"),
                        key(FilterKey::Source, "app-1*")
                    ])),
                    name: "latency".to_owned(),
                }),
                Arg::Expr(Expr::AliasRef("latency".to_owned())),
            ]
        )
    );
    let tree =
        parse("(ts(requests.latency) as test - mavg(120m, $test)) / sqrt(mvar(120m, $test))")
            .unwrap();
    let Expr::Binary(div) = tree else {
        panic!("not a division");
    };
    let Expr::Binary(sub) = &div.lhs else {
        panic!("not a subtraction");
    };
    assert_eq!(
        sub.lhs,
        Expr::Alias {
            expr: Box::new(ts(vec![metric("requests.latency")])),
            name: "test".to_owned(),
        }
    );
}

#[test]
fn variables_named_arguments_and_negative_literals() {
    assert_eq!(
        parse(CORPUS[15]).unwrap(),
        call(
            "next",
            vec![
                Arg::Window(Window {
                    amount: 24,
                    unit: WindowUnit::Hours
                }),
                Arg::Expr(call(
                    "if",
                    vec![
                        Arg::Expr(binary(
                            BinaryOp::Eq,
                            call("hour", vec![Arg::Str("US/Pacific".to_owned())]),
                            Expr::Number(0.0)
                        )),
                        Arg::Expr(Expr::Variable("mavg".to_owned())),
                    ]
                )),
            ]
        )
    );
    let Expr::Call(retain) = parse(CORPUS[16]).unwrap() else {
        panic!("not a call");
    };
    assert_eq!(
        retain.args.get(1),
        Some(&Arg::Named {
            name: "collect_0".to_owned(),
            value: "0".to_owned()
        })
    );
    let Some(Arg::Expr(Expr::Call(collect))) = retain.args.first() else {
        panic!("no collect");
    };
    assert_eq!(collect.args.get(2), Some(&Arg::Expr(Expr::Number(-1.0))));
}

#[test]
fn join_reads_inputs_condition_outputs_and_data() {
    let column = |alias: &str, column: &str| JoinOperand::Column {
        alias: alias.to_owned(),
        column: column.to_owned(),
    };
    let join_ref = |alias: &str| Expr::JoinRef {
        alias: alias.to_owned(),
        default: None,
    };
    assert_eq!(
        parse(CORPUS[17]).unwrap(),
        Expr::Join(Box::new(Join {
            left: ts(vec![metric("cpu.load")]),
            left_alias: "ts1".to_owned(),
            kind: JoinKind::Inner,
            right: ts(vec![metric("request.rate")]),
            right_alias: "ts2".to_owned(),
            condition: JoinCondition::Using(strings(&["source", "env"])),
            outputs: vec![
                JoinOutput {
                    key: "metric".to_owned(),
                    value: JoinOperand::Str("cpuPerRequest".to_owned()),
                },
                JoinOutput {
                    key: "source".to_owned(),
                    value: column("ts1", "source"),
                },
                JoinOutput {
                    key: "env".to_owned(),
                    value: column("ts1", "env"),
                },
            ],
            data: binary(BinaryOp::Div, join_ref("ts1"), join_ref("ts2")),
        }))
    );
    let Expr::Join(join) = parse(
        "join(ts(a) as x left outer join ts(b) as y on x.env = y.env and not x.source != 'h', \
         {x|0} - max({y|-1.5}, x))",
    )
    .unwrap() else {
        panic!("not a join");
    };
    assert_eq!(join.kind, JoinKind::Left);
    assert_eq!(
        join.condition,
        JoinCondition::On(JoinPredicate::And(vec![
            JoinPredicate::Compare {
                left: column("x", "env"),
                equal: true,
                right: column("y", "env"),
            },
            JoinPredicate::Not(Box::new(JoinPredicate::Compare {
                left: column("x", "source"),
                equal: false,
                right: JoinOperand::Str("h".to_owned()),
            })),
        ]))
    );
    assert_eq!(
        join.data,
        binary(
            BinaryOp::Sub,
            Expr::JoinRef {
                alias: "x".to_owned(),
                default: Some(0.0)
            },
            call(
                "max",
                vec![
                    Arg::Expr(Expr::JoinRef {
                        alias: "y".to_owned(),
                        default: Some(-1.5)
                    }),
                    Arg::Expr(join_ref("x")),
                ]
            )
        )
    );
}

#[test]
fn events_commas_mean_and_and_allen_words_are_operators() {
    assert_eq!(
        parse(CORPUS[21]).unwrap(),
        Expr::Events(Some(FilterExpr::And(vec![
            point("type", "alert"),
            point("name", "disk space is low"),
            point("alertTag", "App1.*"),
        ])))
    );
    let severe = || Expr::Events(Some(point("severity", "severe")));
    assert_eq!(
        parse(CORPUS[22]).unwrap(),
        binary(
            BinaryOp::Sub,
            severe(),
            binary(
                BinaryOp::Allen(Allen::During),
                severe(),
                call(
                    "since",
                    vec![Arg::Window(Window {
                        amount: 1,
                        unit: WindowUnit::Days
                    })]
                )
            )
        )
    );
    assert_eq!(parse("events()").unwrap(), Expr::Events(None));
}

#[test]
fn the_two_malformed_corpus_lines_are_refused_as_written() {
    let err = parse(r#"ts("smp-fax*.count" AND NOT "smp-fax*.metrics.wavefront.*", source="-eq*""#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "at position 74: expected ',' or ')' but found end of query"
    );
    let err = parse(r#"next(24h,if(hour("US/Pacific")=0,${mavg})"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at position 42: expected ',', ')' or a grouping by (...) but found end of query"
    );
}

#[test]
fn other_documented_shapes_parse_and_round_trip() {
    for query in [
        r#"between(hour("Europe/Sofia"),15,16) and minute("Europe/Sofia")=51 AND ts(~sample.cpu.loadavg.1m)>1.5"#,
        "ts(failure.count) * 100 / (ts(failure.count) + ts(success.count)) > 5",
        "ts(mem.available) > 10 and ts(cpu.loadavg.1m) > 5",
        r#"limit(100, traces(spans("beachshirts.shopping.*")))"#,
        "highpass(3s, traces(spans(beachshirts.shopping.orderShirts)))",
        "anomalous(5m, .95, ts(x))",
        "between(ts(x), 0, .5)",
        "sample(10%, ts(x))",
        "summary(max, 99.9, median, hs(request.latency.m))",
        r#"at("now", 1h, ts(x))"#,
        "default(1, 0, ts(x))",
        "topk(5, mean, 1h, ts(x))",
        "downsample(30, ts(my.metric))",
        "mod(10, 3, inner)",
        "lag(2vw, ts(x)) [-] ts(x)",
        "ts(httpstatus.api.* and (\"*.POST.*\" or \"*.PUT.*\"))",
        "ts(request.latency.*.m and not request.latency.web.m)",
        "ts(~sample.cpu.usage.percentage, source=/app-[0-9]+/)",
        r"ts(/~wavefront\.alert\.(active|active_info)/, tag=data)",
        "ts(a, region=\"*\") - ts(a, not region=\"*\")",
        "ts(my_metric AND source=server_1 OR source=server_2 OR env=prod AND NOT app=my_app)",
        "events() - closed(events())",
        "count(events(type=alert)) + ongoing(events(name=\"OS Upgrade\"))",
        r#"timespan(1601894248, 1601897848, prettyName="deploy", tag="v1")"#,
    ] {
        let tree = parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        let printed = tree.to_string();
        assert_eq!(parse(&printed), Ok(tree), "{query} printed as {printed}");
    }
}

#[test]
fn the_event_filter_docs_queries_parse_with_their_keys() {
    // events_queries.md and its filter table, one query per documented filter
    for query in [
        r#"events(name="Request*" and (severity="severe" or severity="warn"))"#,
        r#"events(name="Request*", severity="warn" or severity="severe")"#,
        "events(alertId=1411189741192)",
        r#"events(alertTag="ops")"#,
        r#"events(eventTag="codepushes")"#,
        r#"events(name="Request Latency too high")"#,
        r#"events(subtype="failing")"#,
        r#"events(target="*jane.doe@example.com*")"#,
        r#"events(type="Code push")"#,
        r#"events(type="*-created")"#,
        r#"events(type=maintenanceWindow) union events(name="*test*")"#,
        r#"events(type=maintenanceWindow) intersect events(name="*test*")"#,
        "events(severity=severe) d since(1d)",
        r#"timespan("5 minutes ago", "2 minutes ago")"#,
        "firstEnding(until(events())) union lastEnding(after(events()))",
        "events() < events() m events() mi events() o events() oi events() s events() si events() di events() f events() fi events() = events() > events()",
    ] {
        let tree = parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        assert_eq!(parse(&tree.to_string()), Ok(tree), "{query}");
    }
    assert_eq!(
        parse(r#"events(severity="warn" or source="app-1")"#).unwrap(),
        Expr::Events(Some(FilterExpr::Or(vec![
            point("severity", "warn"),
            FilterExpr::Atom(FilterAtom::Key {
                key: FilterKey::Source,
                op: FilterOp::Eq,
                value: NamePattern::Text("app-1".into()),
            }),
        ])))
    );
    assert_eq!(
        parse(r#"events(source="app-*" or tag="dc2")"#).unwrap(),
        Expr::Events(Some(FilterExpr::Or(vec![
            FilterExpr::Atom(FilterAtom::Key {
                key: FilterKey::Source,
                op: FilterOp::Eq,
                value: NamePattern::Text("app-*".into()),
            }),
            FilterExpr::Atom(FilterAtom::Key {
                key: FilterKey::SourceTag,
                op: FilterOp::Eq,
                value: NamePattern::Text("dc2".into()),
            }),
        ])))
    );
}
