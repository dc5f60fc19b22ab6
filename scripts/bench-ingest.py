#!/usr/bin/env python3
"""The Python half of scripts/bench-ingest (standard library only): makes the points, sends them,
waits for a server to be ready, counts what VictoriaMetrics holds, and writes the report.

  generate  SERIES POINTS DIR [FORMATS]  the same points as Wavefront lines (DIR/wavefront) and
                                          Prometheus exposition lines (DIR/prometheus), time-major,
                                          in gzip files of 10,000 lines; FORMATS may add vmjson
                                          (DIR/vmjson: the same files' points as VictoriaMetrics'
                                          JSON lines, one line per series a file holds); prints
                                          {"points", "files"}
  send      URL DIR [TOKEN]              posts every file of DIR with IN_FLIGHT (4) requests in
                                          flight; prints {"requests", "failures", "wall_s", ...}
  wait-ready URL SINCE_FILE [TIMEOUT_S]  polls URL every 5 ms until it answers 200; prints the
                                          seconds since the `date +%s%N` in SINCE_FILE
  vm-count  BASE_URL                     series and points VictoriaMetrics holds under bench.*
  crest-count BASE_URL TOKEN SERIES      series and points crest holds of the SERIES generated
                                          ones (one /api/v2/chart/raw per series)
  summary                                one line per result read from stdin (progress)
  report    RESULTS.jsonl                the Markdown tables of a run's results
"""

import concurrent.futures
import gzip
import http.client
import itertools
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse

# Lines per request body and the gzip level of the bodies; scripts/bench-proxy sets them to a
# wavefront-proxy's batch (pushFlushMaxPoints 40,000) and level (gzipCompressionLevel 4).
LINES_PER_FILE = int(os.environ.get("LINES_PER_FILE", "10000"))
GZIP_LEVEL = int(os.environ.get("GZIP_LEVEL", "1"))
STEP_S = 10
METRICS_PER_KIND = 10
KINDS = ("gauge", "counter", "const")


def series_names(series):
    """(metric, source, tags) of every series: kinds interleaved, so each third is one kind."""
    out = []
    for i in range(series):
        kind = KINDS[i % 3]
        metric = f"bench.{kind}.{(i // 3) % METRICS_PER_KIND}"
        host = i // (3 * METRICS_PER_KIND)
        tags = (("dc", f"dc{host % 4}"), ("rack", f"r{host % 16}"), ("app", f"app{i % 10}"))
        out.append((metric, f"host-{host}", tags))
    return out


def generate(series, points, out_dir, formats=("wavefront", "prometheus"), seed=13):
    """Writes the files; the last point is 10 s before now, the first (points-1)*10 s before it."""
    rng = random.Random(seed)
    names = series_names(series)
    wf_suffix = [
        f" source={src} " + " ".join(f"{k}={v}" for k, v in tags) + "\n" for _, src, tags in names
    ]
    wf_prefix = [metric + " " for metric, _, _ in names]
    prom_prefix = [
        metric + '{source="' + src + '",' + ",".join(f'{k}="{v}"' for k, v in tags) + "} "
        for metric, src, tags in names
    ]
    gauges = [i for i in range(series) if i % 3 == 0]
    counters = [i for i in range(series) if i % 3 == 1]
    consts = [i for i in range(series) if i % 3 == 2]
    # Gauges in tenths (printed with one decimal), counters as integers, near-constants as one
    # value per series and, once in a hundred points, that value plus one.
    tenths = {i: rng.randint(0, 1000) for i in gauges}
    count = {i: rng.randint(0, 1_000_000) for i in counters}
    level = {i: rng.randint(1, 100) for i in consts}
    deltas = list(range(-10, 11))
    increments = list(range(0, 101))
    end_s = int(time.time()) // STEP_S * STEP_S - STEP_S
    start_s = end_s - (points - 1) * STEP_S
    for fmt in formats:
        os.makedirs(os.path.join(out_dir, fmt), exist_ok=True)
    wf_lines, prom_lines, files = [], [], 0
    values = [""] * series
    # VictoriaMetrics' JSON lines (/api/v1/import): each file's points of one series on one line,
    # in the order the series first come in the file.
    json_series = {}
    json_labels = [
        json.dumps(dict([("__name__", metric), ("source", src), *tags]), separators=(",", ":"))
        for metric, src, tags in names
    ]

    def flush():
        nonlocal files
        name = f"{files:06d}.gz"
        if "vmjson" in formats:
            body = "".join(
                '{"metric":' + json_labels[i] + ',"values":[' + ",".join(vs) + '],"timestamps":['
                + ",".join(ts) + "]}\n"
                for i, (vs, ts) in json_series.items())
            with open(os.path.join(out_dir, "vmjson", name), "wb") as f:
                f.write(gzip.compress(body.encode(), compresslevel=GZIP_LEVEL))
            json_series.clear()
        if "wavefront" in formats:
            with open(os.path.join(out_dir, "wavefront", name), "wb") as f:
                f.write(gzip.compress("".join(wf_lines).encode(), compresslevel=GZIP_LEVEL))
        if "prometheus" in formats:
            with open(os.path.join(out_dir, "prometheus", name), "wb") as f:
                f.write(gzip.compress("".join(prom_lines).encode(), compresslevel=GZIP_LEVEL))
        wf_lines.clear()
        prom_lines.clear()
        files += 1

    for step in range(points):
        ts = start_s + step * STEP_S
        wf_ts, prom_ts = f" {ts}", f" {ts * 1000}\n"
        for i, d in zip(gauges, rng.choices(deltas, k=len(gauges))):
            t = tenths[i] + d
            tenths[i] = t
            values[i] = "%.1f" % (t / 10)
        for i, d in zip(counters, rng.choices(increments, k=len(counters))):
            c = count[i] + d
            count[i] = c
            values[i] = str(c)
        for i, r in zip(consts, rng.choices((0, 1), weights=(99, 1), k=len(consts))):
            values[i] = str(level[i] + r)
        for i in range(series):
            v = values[i]
            wf_lines.append(wf_prefix[i] + v + wf_ts + wf_suffix[i])
            prom_lines.append(prom_prefix[i] + v + prom_ts)
            if "vmjson" in formats:
                vs, tss = json_series.setdefault(i, ([], []))
                vs.append(v)
                tss.append(str(ts * 1000))
            if len(wf_lines) == LINES_PER_FILE:
                flush()
    if wf_lines:
        flush()
    return {"points": series * points, "files": files, "start_s": start_s, "end_s": end_s}


def send(url, directory, token=None, in_flight=4):
    """Posts every file, IN_FLIGHT at a time on keep-alive connections; times first to last.
    URL may be a list: the k-th connection then goes to URL[k % len(URL)] (load split between
    servers, each taking the next file when it answers). "started" is the perf_counter() at the
    first request, for a caller that times something after the last answer."""
    targets = []
    for one in [url] if isinstance(url, str) else url:
        parts = urllib.parse.urlsplit(one)
        targets.append((parts.hostname, parts.port, parts.path + ("?" + parts.query if parts.query else "")))
    bodies = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            bodies.append(f.read())
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/octet-stream"}
    # More headers as a JSON object (a proxy's X-WF-PROXY-ID, User-Agent, Content-Type).
    headers.update(json.loads(os.environ.get("SEND_HEADERS", "{}")))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    next_index = itertools.count()
    lock = threading.Lock()
    results = [None] * len(bodies)

    def worker(k):
        host, port, path = targets[k % len(targets)]
        conn = http.client.HTTPConnection(host, port, timeout=600)
        while True:
            with lock:
                i = next(next_index)
            if i >= len(bodies):
                break
            began = time.perf_counter()
            try:
                conn.request("POST", path, body=bodies[i], headers=headers)
                response = conn.getresponse()
                answer = response.read()
                results[i] = (response.status, time.perf_counter() - began, answer[:300])
            except (OSError, http.client.HTTPException) as error:
                results[i] = (0, time.perf_counter() - began, repr(error).encode())
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=600)
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(in_flight)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    failures = [r for r in results if not 200 <= r[0] < 300]
    latencies = sorted(r[1] for r in results)
    return {
        "requests": len(results),
        "failures": len(failures),
        "first_failure": (
            f"{failures[0][0]} {failures[0][2].decode(errors='replace')}" if failures else ""
        ),
        "statuses": sorted({r[0] for r in results}),
        "started": began,
        "wall_s": wall,
        "bytes_sent": sum(len(b) for b in bodies),
        "latency_p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else 0,
        "latency_max_ms": latencies[-1] * 1000 if latencies else 0,
    }


def wait_ready(url, since_file, timeout_s=120.0):
    """Seconds from the `date +%s%N` in SINCE_FILE to the first 200 from URL, polled every 5 ms;
    None on timeout. Creates SINCE_FILE.up once polling, so that the caller can start the
    server (and write SINCE_FILE) only then: Python's own start-up is not counted."""
    parts = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout_s
    open(since_file + ".up", "w").close()
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            conn.request("GET", parts.path or "/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                now = time.time_ns()
                with open(since_file) as f:
                    return (now - int(f.read())) / 1e9
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.005)
    return None


def vm_points_query(window):
    """The query that counts the bench points in the WINDOW (a duration) before its time."""
    return 'sum(count_over_time({__name__=~"bench\\\\..+"}[%s]))' % window


VM_POINTS_QUERY = vm_points_query("2d")
VM_SERIES_QUERY = 'count(last_over_time({__name__=~"bench\\\\..+"}[2d]))'


def vm_scalar(base_url, query, at=None):
    """The one number an instant query at AT answers (0 for an empty answer); by default an hour
    ahead, so that VictoriaMetrics does not move it back by its -search.latencyOffset."""
    if at is None:
        at = int(time.time()) + 3600
    url = f"{base_url}/api/v1/query?" + urllib.parse.urlencode({"query": query, "time": at})
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    try:
        conn.request("GET", parts.path + "?" + parts.query)
        answer = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    result = answer["data"]["result"]
    return int(float(result[0]["value"][1])) if result else 0


def vm_count(base_url):
    """Series and points under bench.* (an instant query over the last two days)."""
    try:
        series = vm_scalar(base_url, VM_SERIES_QUERY)
        return f"{series:,} series, {vm_scalar(base_url, VM_POINTS_QUERY):,} points"
    except (OSError, http.client.HTTPException, ValueError, KeyError, IndexError) as error:
        return f"not counted ({error!r})"


def summary(lines):
    """One line per result read from LINES, for the progress shown while the run goes on."""
    out = []
    for line in lines:
        r = json.loads(line)
        if r["kind"] == "startup":
            out.append(f"{r['ready_s']:.3f} s")
        else:
            out.append(
                f"{r['points_per_s']:,.0f} points/s, {r['failures']} failed of {r['requests']}, "
                f"{r['bytes_per_point']:.2f} bytes/point {r['after_restart']}"
            )
    return ", ".join(out)


def crest_count(base_url, token, series, threads=4):
    """Series and points crest holds of the generated ones: one /api/v2/chart/raw per series
    (metric and source), over the last day as of each request (a count that takes minutes on a
    busy machine would otherwise ask for more than a day back), THREADS at a time."""
    parts = urllib.parse.urlsplit(base_url)
    names = series_names(series)
    next_index = itertools.count()
    lock = threading.Lock()
    totals = {"series": 0, "points": 0, "errors": 0, "first_error": ""}

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
        while True:
            with lock:
                i = next(next_index)
            if i >= len(names):
                break
            metric, source, _ = names[i]
            end_ms = int(time.time() * 1000)
            start_ms = end_ms - 24 * 3600 * 1000 + 60_000
            query = urllib.parse.urlencode(
                {"metric": metric, "source": source, "startTime": start_ms, "endTime": end_ms}
            )
            try:
                conn.request(
                    "GET", f"/api/v2/chart/raw?{query}", headers={"Authorization": f"Bearer {token}"}
                )
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    raise ValueError(f"{response.status} {body[:200]!r}")
                found = json.loads(body)
                points = sum(len(s["points"]) for s in found)
                with lock:
                    totals["series"] += len(found)
                    totals["points"] += points
            except (OSError, http.client.HTTPException, ValueError, KeyError) as error:
                with lock:
                    totals["errors"] += 1
                    totals["first_error"] = totals["first_error"] or repr(error)
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
        conn.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    text = f"{totals['series']:,} series, {totals['points']:,} points"
    if totals["errors"]:
        text += f" ({totals['errors']} reads failed, first: {totals['first_error'][:120]})"
    return text


def median(values):
    return statistics.median(values) if values else None


def fmt_int(v):
    return "–" if v is None else f"{v:,.0f}"


def fmt(v, digits=2):
    return "–" if v is None else f"{v:,.{digits}f}"


def report(results_path):
    """Markdown: per case, every round's row, then the medians and crest/VM ratios."""
    rows = [json.loads(line) for line in open(results_path) if line.strip()]
    out = []
    cases = []
    for r in rows:
        if r["kind"] == "ingest" and r["case"] not in cases:
            cases.append(r["case"])
    for case in cases:
        runs = [r for r in rows if r["kind"] == "ingest" and r["case"] == case]
        points = runs[0]["points"]
        out.append(f"### {case} ({points:,} points)\n")
        out.append(
            "| round | engine | points/s | points per server CPU-s | wall s | server CPU s "
            "| request p50 / max ms | failed requests | VmRSS MiB | VmHWM MiB "
            "| bytes on disk | bytes/point | after restart |"
        )
        out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in runs:
            disk = f"{r['disk_bytes']:,}"
            if r.get("store_bytes") is not None:
                part = "tsdb/" if r["engine"] == "crest" else "data/ + indexdb/"
                disk += f" ({part} {r['store_bytes']:,})"
            out.append(
                f"| {r['round']} | {r['engine']} | {fmt_int(r['points_per_s'])} "
                f"| {fmt_int(r['points_per_cpu_s'])} | {fmt(r['wall_s'])} | {fmt(r['cpu_s'])} "
                f"| {fmt(r['latency_p50_ms'], 0)} / {fmt(r['latency_max_ms'], 0)} "
                f"| {r['failures']} of {r['requests']} | {fmt(r['rss_kib'] / 1024, 0)} "
                f"| {fmt(r['hwm_kib'] / 1024, 0)} | {disk} | {fmt(r['bytes_per_point'])} "
                f"| {r.get('after_restart', '')} |"
            )
        if any(r["failures"] for r in runs):
            out.append("\n**Some requests failed: this case is not a result.** First failure per run:")
            for r in runs:
                if r["failures"]:
                    out.append(f"- round {r['round']} {r['engine']}: `{r['first_failure'][:200]}`")
        out.append("")
        engines = [e for e in ("crest", "VictoriaMetrics") if any(r["engine"] == e for r in runs)]
        measures = (
            ("points/s", "points_per_s", "≥ 1", fmt_int),
            ("points per server CPU-second", "points_per_cpu_s", "", fmt_int),
            ("bytes on disk per point (the whole data dir)", "bytes_per_point", "≤ 1", fmt),
            ("… the store only (crest: tsdb/; VM: data/ + indexdb/)", "store_per_point", "", fmt),
            ("VmRSS after the run, MiB", "rss_mib", "side by side", lambda v: fmt(v, 0)),
            ("VmHWM (peak RSS), MiB", "hwm_mib", "", lambda v: fmt(v, 0)),
        )
        for r in runs:
            stored = r.get("store_bytes")
            r["store_per_point"] = stored / r["points"] if stored is not None else None
            r["rss_mib"] = r["rss_kib"] / 1024
            r["hwm_mib"] = r["hwm_kib"] / 1024
        out.append(f"Medians of {len(runs) // max(len(engines), 1)} round(s):\n")
        out.append("| measure | " + " | ".join(engines) + " | crest / VM | goal |")
        out.append("|---|" + "---:|" * len(engines) + "---:|---|")
        for label, key, goal, f in measures:
            med = {
                e: median([r[key] for r in runs if r["engine"] == e and r[key] is not None])
                for e in engines
            }
            ratio = ""
            if len(engines) == 2 and med["VictoriaMetrics"] and med["crest"] is not None:
                ratio = f"{med['crest'] / med['VictoriaMetrics']:.2f}"
            cells = " | ".join(f(med[e]) for e in engines)
            out.append(f"| {label} | {cells} | {ratio} | {goal} |")
        if len(engines) == 2:
            per_round = []
            for rnd in sorted({r["round"] for r in runs}):
                c = [r for r in runs if r["round"] == rnd and r["engine"] == "crest"]
                v = [r for r in runs if r["round"] == rnd and r["engine"] == "VictoriaMetrics"]
                if c and v:
                    per_round.append(
                        f"round {rnd}: points/s {c[0]['points_per_s'] / v[0]['points_per_s']:.2f},"
                        f" bytes/point {c[0]['bytes_per_point'] / v[0]['bytes_per_point']:.2f}"
                    )
            out.append("\ncrest / VM per round: " + "; ".join(per_round) + ".")
        out.append("")
    starts = [r for r in rows if r["kind"] == "startup"]
    if starts:
        out.append("### crest's start-up (spawn to the first 200 from /healthz)\n")
        out.append("| data dir | seconds, per round | median | data dir bytes | VmRSS after start, MiB |")
        out.append("|---|---|---:|---:|---:|")
        for label in dict.fromkeys(r["label"] for r in starts):
            these = [r for r in starts if r["label"] == label]
            secs = [r["ready_s"] for r in these]
            out.append(
                f"| {label} | {', '.join(f'{s:.3f}' for s in secs)} | {median(secs):.3f} "
                f"| {', '.join(format(r['disk_bytes'], ',') for r in these)} "
                f"| {', '.join(fmt(r['rss_kib'] / 1024, 0) for r in these)} |"
            )
        out.append("")
    return "\n".join(out)


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "generate":
        formats = tuple(argv[5].split(",")) if len(argv) > 5 else ("wavefront", "prometheus")
        print(json.dumps(generate(int(argv[2]), int(argv[3]), argv[4], formats)))
    elif command == "send":
        token = argv[4] if len(argv) > 4 else None
        print(json.dumps(send(argv[2], argv[3], token, int(os.environ.get("IN_FLIGHT", "4")))))
    elif command == "wait-ready":
        timeout = float(argv[4]) if len(argv) > 4 else 120.0
        seconds = wait_ready(argv[2], argv[3], timeout)
        if seconds is None:
            print(f"{argv[2]} did not answer 200 within {timeout} s", file=sys.stderr)
            return 1
        print(f"{seconds:.3f}")
    elif command == "vm-count":
        print(vm_count(argv[2]))
    elif command == "crest-count":
        print(crest_count(argv[2], argv[3], int(argv[4])))
    elif command == "summary":
        print(summary(sys.stdin))
    elif command == "report":
        print(report(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
