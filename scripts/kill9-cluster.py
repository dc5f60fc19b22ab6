#!/usr/bin/env python3
"""The Python half of scripts/kill9-cluster (standard library only). The batches, the sender and
the check through crest are scripts/kill9-loop.py's (imported); this adds what two instances on
VictoriaMetrics + JetStream need:

  check-until BASE_URL TOKEN STATE_DIR TIMEOUT_S
                        kill9-loop.py's check, repeated while acknowledged points are only
                        missing (VictoriaMetrics lost them at its kill and the relay's barrier
                        has not rewound yet) or could not be read (a 503: the read waited for
                        points the relay is still replaying) for at most TIMEOUT_S; prints its
                        result with "recover_s" (seconds until it passed), "attempts" and
                        "unreadable" (attempts that could not read); exit 1 on a loss (still
                        missing at the end, or ever a wrong or unexpected value), 2 if the points
                        could still not be read at the end
  vm-check VM_URL STATE_DIR
                        exports every kill9 series from VictoriaMetrics (/api/v1/export) and
                        checks that every acknowledged point is there with its exact value, and
                        once: raw copies of a sample (blocks not merged yet) carry one value, and
                        count_over_time counts each timestamp once; prints {"samples",
                        "missing", "raw_copies", "conflicting", "wrong", "query_counted", ...};
                        exit 1 on a missing, conflicting, wrong or miscounted point
  wait-until PATH TIMEOUT_S
                        waits until the file (kill9-loop.py's STATE_DIR/acked) has grown past the
                        size it had when called; exit 1 on timeout
  js-delete NATS_URL STREAM
                        deletes a JetStream stream through the NATS protocol on a plain socket
                        ($JS.API.STREAM.DELETE.<STREAM>); prints JetStream's answer
  js-request NATS_URL SUBJECT
                        JetStream's answer to an empty request on SUBJECT, e.g.
                        '$JS.API.CONSUMER.INFO.<STREAM>.shipper' (to look into a kept run)
"""

import http.client
import importlib.util
import json
import os
import socket
import sys
import time
import urllib.parse

_spec = importlib.util.spec_from_file_location(
    "kill9_loop", os.path.join(os.path.dirname(os.path.abspath(__file__)), "kill9-loop.py")
)
loop = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(loop)


def check_until(base_url, token, state_dir, timeout_s):
    """kill9-loop.py's check until it passes; only "missing" and unreadable are worth waiting
    out."""
    began = time.monotonic()
    attempts = unreadable = 0
    while True:
        attempts += 1
        result, ok = loop.check(base_url, token, state_dir)
        unreadable += ok is None
        result["attempts"] = attempts
        result["unreadable"] = unreadable
        result["recover_s"] = round(time.monotonic() - began, 3)
        if ok:
            return result, ok
        worth_waiting = ok is None or (result["wrong"] == 0 and result["unexpected"] == 0)
        if not worth_waiting or time.monotonic() - began > timeout_s:
            return result, ok
        time.sleep(0.5)


def vm_get(conn, path, params):
    """The body of a GET to VictoriaMetrics, or None (the error printed)."""
    conn.request("GET", f"{path}?{urllib.parse.urlencode(params)}")
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        print(f"{path}: {response.status} {body[:300]!r}", file=sys.stderr)
        return None
    return body


def vm_check(vm_url, state_dir):
    """Every acknowledged point once, with its value, as VictoriaMetrics itself holds it.

    Its export (raw blocks, each deduplicated on its own) may show a replayed sample twice until
    a background merge deduplicates the blocks: such copies must carry the same value (counted
    as "raw_copies"); a second value at one timestamp is a failure ("conflicting"). Queries see
    the deduplicated series: count_over_time over the whole run must count each timestamp once
    ("query_counted" against the distinct timestamps exported)."""
    base_s = loop.read_state(state_dir, "base", 0)
    acked = loop.read_batches(state_dir, "acked")
    expected = {}
    for batch in acked:
        for metric, source, ts, value in loop.batch_points(base_s, batch):
            expected[(metric, source, ts * 1000)] = value
    parts = urllib.parse.urlsplit(vm_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    selector = '{__name__=~"kill9\\\\.m[0-9]+",run="kill9"}'
    end_s = int(time.time()) + 60
    body = vm_get(
        conn, "/api/v1/export", {"match[]": selector, "start": str(base_s - 60), "end": str(end_s)}
    )
    if body is None:
        return {"error": "export failed"}, None
    samples = copies = conflicting = wrong = 0
    seen = {}
    distinct_per_series = {}
    examples = []
    for line in body.splitlines():
        if not line.strip():
            continue
        series = json.loads(line)
        metric = series["metric"].get("__name__")
        source = series["metric"].get("source")
        for ts, value in zip(series["timestamps"], series["values"]):
            samples += 1
            key = (metric, source, ts)
            if key in seen:
                if seen[key] == value:
                    copies += 1
                else:
                    conflicting += 1
                    if len(examples) < 5:
                        examples.append(f"conflicting {key}: {seen[key]!r} and {value!r}")
                continue
            seen[key] = value
            distinct_per_series[(metric, source)] = distinct_per_series.get((metric, source), 0) + 1
            want = expected.get(key)
            if want is not None and value != want:
                wrong += 1
                if len(examples) < 5:
                    examples.append(f"wrong {key}: {value!r}, want {want!r}")
    missing = [key for key in expected if key not in seen]
    examples.extend(f"missing {key}" for key in missing[:3])
    window_s = end_s - base_s + 120
    counted = {}
    # One query a metric: count_over_time drops the name, so the series of one metric differ
    # by their source alone.
    for metric in sorted({metric for metric, _ in loop.SERIES}):
        selector_one = f'{{__name__="{metric}",run="kill9"}}'
        body = vm_get(
            conn,
            "/api/v1/query",
            {"query": f"count_over_time({selector_one}[{window_s}s])", "time": str(end_s)},
        )
        if body is None:
            return {"error": "count_over_time failed"}, None
        for series in json.loads(body)["data"]["result"]:
            counted[(metric, series["metric"].get("source"))] = int(float(series["value"][1]))
    query_off = {
        f"{metric} {source}": (counted.get((metric, source), 0), n)
        for (metric, source), n in distinct_per_series.items()
        if counted.get((metric, source), 0) != n
    }
    if query_off:
        examples.append(f"count_over_time (counted, distinct exported): {dict(list(query_off.items())[:3])}")
    result = {
        "samples": samples,
        "acked_points": len(expected),
        "missing": len(missing),
        "raw_copies": copies,
        "conflicting": conflicting,
        "wrong": wrong,
        "query_counted": sum(counted.values()),
        "query_miscounted_sources": len(query_off),
        "examples": examples,
    }
    ok = not missing and conflicting == 0 and wrong == 0 and not query_off
    return result, ok


def wait_until_grown(path, timeout_s):
    """True once PATH is larger than it is now (an acknowledgement was recorded)."""
    size = os.path.getsize(path) if os.path.exists(path) else 0
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.path.getsize(path) > size:
            return True
        time.sleep(0.002)
    return False


def js_request(nats_url, subject):
    """JetStream's answer to an empty request on SUBJECT (its API: $JS.API.…), spoken over a
    plain socket."""
    parts = urllib.parse.urlsplit(nats_url)
    with socket.create_connection((parts.hostname, parts.port or 4222), timeout=10) as sock:
        reader = sock.makefile("rb")
        reader.readline()  # INFO {...}
        inbox = "_INBOX.kill9cluster"
        sock.sendall(
            b'CONNECT {"verbose":false,"pedantic":false,"protocol":1}\r\n'
            + f"SUB {inbox} 1\r\nPUB {subject} {inbox} 0\r\n\r\n".encode()
        )
        while True:
            line = reader.readline()
            if not line:
                return {"error": "NATS closed the connection"}
            if line.startswith(b"PING"):
                sock.sendall(b"PONG\r\n")
            elif line.startswith(b"-ERR"):
                return {"error": line.decode().strip()}
            elif line.startswith(b"MSG"):
                size = int(line.split()[-1])
                payload = reader.read(size + 2)[:size]
                return json.loads(payload)


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "check-until":
        result, ok = check_until(argv[2], argv[3], argv[4], float(argv[5]))
        print(json.dumps(result))
        return {True: 0, False: 1, None: 2}[ok]
    if command == "vm-check":
        result, ok = vm_check(argv[2], argv[3])
        print(json.dumps(result))
        return {True: 0, False: 1, None: 2}[ok]
    if command == "wait-until":
        return 0 if wait_until_grown(argv[2], float(argv[3])) else 1
    if command == "js-delete":
        print(json.dumps(js_request(argv[2], f"$JS.API.STREAM.DELETE.{argv[3]}")))
        return 0
    if command == "js-request":
        print(json.dumps(js_request(argv[2], argv[3])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
