//! Every query of wql.md §1.4 parses (the two with a missing `)` only once fixed), and its
//! canonical print parses back to the same tree.

use crest_wql::parse;

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
