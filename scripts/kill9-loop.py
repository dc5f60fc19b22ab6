#!/usr/bin/env python3
"""The Python half of scripts/kill9-loop (standard library only): sends identifiable batches and
records which were acknowledged, then checks that every acknowledged point reads back exactly.

  send  URL TOKEN STATE_DIR ITERATION   posts batches to URL (/report?f=wavefront) from THREADS
                                        threads until the server stops answering (it is killed)
                                        or the timestamps run out; every acknowledged batch is
                                        appended to STATE_DIR/acked, every batch sent to
                                        STATE_DIR/sent; prints {"acked", "failed", ...}
  check BASE_URL TOKEN STATE_DIR        reads every series through /api/v2/chart/raw and checks
                                        every acknowledged point (its exact value); prints
                                        {"checked", "missing", "wrong", ...}; exit 1 on a loss,
                                        2 if the points could not be read

The points: METRICS × SOURCES series (kill9.m0 … with sources k9-s0 …); batch number B holds
every series' points at the seconds BASE + B*K … BASE + B*K + K-1 (K = LINES / series), so
each point has its own second, and values drawn from a generator seeded by B, printed in full
(repr), so a batch can be rebuilt from its number alone (VALUES=integers: whole numbers, for
engines that round, such as VictoriaMetrics). BASE (STATE_DIR/base) is now − 20 h at
the first iteration; batch numbers are never reused (STATE_DIR/next), acknowledged or not. The
seconds up to now − 1 min are shared among the iterations left (ITERATIONS_LEFT), and a sender
spreads its share over SPREAD_S (3 s), so requests are in flight whenever the kill comes.
"""

import gzip
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

METRICS = int(os.environ.get("METRICS", "20"))
SOURCES = int(os.environ.get("SOURCES", "5"))
LINES = int(os.environ.get("LINES", "1000"))
THREADS = int(os.environ.get("THREADS", "4"))
SERIES = [(f"kill9.m{m}", f"k9-s{s}") for m in range(METRICS) for s in range(SOURCES)]
SECONDS_PER_BATCH = max(1, LINES // len(SERIES))
# VALUES=integers: whole values (below 1e9), which VictoriaMetrics keeps exactly (it rounds
# values to about 12 significant digits, and the default full-precision floats have 16-17).
INTEGERS = os.environ.get("VALUES", "floats") == "integers"


def batch_points(base_s, batch):
    """(metric, source, timestamp_s, value) of every point of batch number BATCH."""
    rng = random.Random(batch)
    first = base_s + batch * SECONDS_PER_BATCH
    draw = (lambda: float(rng.randint(-(10**9), 10**9))) if INTEGERS else (lambda: rng.uniform(-1e6, 1e6))
    return [
        (metric, source, first + k, draw())
        for k in range(SECONDS_PER_BATCH)
        for metric, source in SERIES
    ]


def batch_body(base_s, batch):
    lines = (
        f"{metric} {value!r} {ts} source={source} run=kill9\n"
        for metric, source, ts, value in batch_points(base_s, batch)
    )
    return gzip.compress("".join(lines).encode(), compresslevel=1)


def read_state(state_dir, name, default):
    try:
        with open(os.path.join(state_dir, name)) as f:
            return int(f.read())
    except FileNotFoundError:
        return default


def write_state(state_dir, name, value):
    path = os.path.join(state_dir, name)
    with open(path + ".tmp", "w") as f:
        f.write(str(value))
    os.replace(path + ".tmp", path)


def send(url, token, state_dir, iteration):
    """Sends until the server is gone or the seconds up to now are used; records acks."""
    base_s = read_state(state_dir, "base", int(time.time()) - 20 * 3600)
    write_state(state_dir, "base", base_s)
    first_batch = read_state(state_dir, "next", 0)
    # Leave the timestamps of later iterations room: at most an equal share of what is left.
    iterations_left = max(1, int(os.environ.get("ITERATIONS_LEFT", "1")))
    last_allowed = (int(time.time()) - 60 - base_s) // SECONDS_PER_BATCH
    budget = max(0, (last_allowed - first_batch) // iterations_left)
    stop_at = first_batch + budget
    # Paced so that the share lasts SPREAD_S (the longest delay before the kill): requests are
    # still in flight when the kill comes.
    interval = float(os.environ.get("SPREAD_S", "3")) / max(budget, 1)
    began = time.monotonic()
    parts = urllib.parse.urlsplit(url)
    path = parts.path + "?" + parts.query
    headers = {
        "Content-Encoding": "gzip",
        "Content-Type": "application/octet-stream",
        "Authorization": f"Bearer {token}",
    }
    lock = threading.Lock()
    state = {"next": first_batch, "acked": 0, "failed": 0, "gone": False, "errors": []}
    acked_file = open(os.path.join(state_dir, "acked"), "a")
    sent_file = open(os.path.join(state_dir, "sent"), "a")

    def take():
        with lock:
            if state["gone"] or state["next"] >= stop_at:
                return None
            batch = state["next"]
            wait = began + (batch - first_batch) * interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            state["next"] += 1
            # Recorded as used before it is sent: never reused, whatever happens to it.
            write_state(state_dir, "next", state["next"])
            sent_file.write(f"{batch} {iteration}\n")
            sent_file.flush()
            return batch

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while True:
            batch = take()
            if batch is None:
                break
            body = batch_body(base_s, batch)
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
                ok = 200 <= response.status < 300
                error = None if ok else f"{response.status} {answer[:200]!r}"
            except (OSError, http.client.HTTPException) as e:
                ok, error = False, repr(e)
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            with lock:
                if ok:
                    acked_file.write(f"{batch} {iteration}\n")
                    acked_file.flush()
                    state["acked"] += 1
                else:
                    state["failed"] += 1
                    if len(state["errors"]) < 3:
                        state["errors"].append(error)
                    # Connection refused or reset: the server is gone (killed); stop sending.
                    if isinstance(error, str) and not error[:3].isdigit():
                        state["gone"] = True
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    acked_file.close()
    sent_file.close()
    return {
        "acked": state["acked"],
        "failed": state["failed"],
        "batches": state["next"] - first_batch,
        "ran_out_of_timestamps": state["next"] >= stop_at,
        "errors": state["errors"],
    }


def read_batches(state_dir, name):
    try:
        with open(os.path.join(state_dir, name)) as f:
            return {int(line.split()[0]) for line in f if line.strip()}
    except FileNotFoundError:
        return set()


def check(base_url, token, state_dir):
    """Every acknowledged point must read back with its exact value."""
    base_s = read_state(state_dir, "base", 0)
    acked = read_batches(state_dir, "acked")
    unacked = read_batches(state_dir, "sent") - acked
    expected = {series: {} for series in SERIES}
    for batch in sorted(acked):
        for metric, source, ts, value in batch_points(base_s, batch):
            expected[(metric, source)][ts * 1000] = value
    unacked_points = {series: {} for series in SERIES}
    for batch in sorted(unacked):
        for metric, source, ts, value in batch_points(base_s, batch):
            unacked_points[(metric, source)][ts * 1000] = (batch, value)
    parts = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    end_ms = int(time.time() * 1000)
    start_ms = max(base_s * 1000, end_ms - 24 * 3600 * 1000 + 60_000)
    checked = missing = wrong = unexpected = 0
    examples = []
    present_unacked = {}
    began = time.perf_counter()
    for metric, source in SERIES:
        query = urllib.parse.urlencode(
            {"metric": metric, "source": source, "startTime": start_ms, "endTime": end_ms}
        )
        conn.request(
            "GET", f"/api/v2/chart/raw?{query}", headers={"Authorization": f"Bearer {token}"}
        )
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            print(f"chart/raw {metric} {source}: {response.status} {body[:300]!r}", file=sys.stderr)
            return {"error": f"chart/raw answered {response.status}"}, None
        got = {}
        for series in json.loads(body):
            for point in series["points"]:
                got[point["timestamp"]] = point["value"]
        want = expected[(metric, source)]
        for ts, value in want.items():
            checked += 1
            if ts not in got:
                missing += 1
                if len(examples) < 5:
                    examples.append(f"missing {metric} {source} {ts} (want {value!r})")
            elif got[ts] != value:
                wrong += 1
                if len(examples) < 5:
                    examples.append(f"wrong {metric} {source} {ts}: {got[ts]!r}, want {value!r}")
        maybe = unacked_points[(metric, source)]
        for ts, value in got.items():
            if ts in want:
                continue
            if ts in maybe and maybe[ts][1] == value:
                present_unacked.setdefault(maybe[ts][0], 0)
                present_unacked[maybe[ts][0]] += 1
            else:
                unexpected += 1
                if len(examples) < 5:
                    examples.append(f"unexpected {metric} {source} {ts}: {value!r}")
    per_batch = len(SERIES) * SECONDS_PER_BATCH
    result = {
        "checked": checked,
        "missing": missing,
        "wrong": wrong,
        "unexpected": unexpected,
        "acked_batches": len(acked),
        "unacked_batches": len(unacked),
        "unacked_present_whole": sum(1 for n in present_unacked.values() if n == per_batch),
        "unacked_present_partly": sum(1 for n in present_unacked.values() if n < per_batch),
        "read_s": round(time.perf_counter() - began, 3),
        "examples": examples,
    }
    return result, missing == 0 and wrong == 0 and unexpected == 0


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "send":
        print(json.dumps(send(argv[2], argv[3], argv[4], int(argv[5]))))
        return 0
    if command == "check":
        result, ok = check(argv[2], argv[3], argv[4])
        print(json.dumps(result))
        return {True: 0, False: 1, None: 2}[ok]
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
