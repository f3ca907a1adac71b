#!/usr/bin/env python3
"""Samples a running job from the Flink REST API for bin/soak, prints a table and a verdict.

    soak.py --rest http://127.0.0.1:8081 --job <jid> --seconds 600 --every 10 --throttle-file F --throttle "1000 250"

Two phases: the first two thirds run at full speed (the first of those thirds is warm-up, not judged); in the
last third the sink's proxy is throttled (the control file of throttle_proxy.py is written) and backpressure
should rise while the job keeps running. Exit code 0 when every check passes, 1 otherwise.
"""
import argparse
import json
import statistics
import sys
import time
import urllib.request


def get(rest, path):
    with urllib.request.urlopen(rest + path, timeout=10) as response:
        return json.load(response)


def metric_values(entries):
    return {e["id"]: e.get("value", e.get("max")) for e in entries}


class Job:
    def __init__(self, rest, jid):
        self.rest, self.jid = rest, jid
        plan = get(rest, f"/jobs/{jid}/plan")["plan"]["nodes"]
        inputs = {i["id"] for n in plan for i in n.get("inputs", [])}
        self.names = {n["id"]: n["description"].split("<br/>")[0][:60] for n in plan}
        self.sources = [n["id"] for n in plan if not n.get("inputs")]
        self.sinks = [n["id"] for n in plan if n["id"] not in inputs]

    def sample(self):
        job = get(self.rest, f"/jobs/{self.jid}")
        vertices = {v["id"]: v for v in job["vertices"]}
        records_in = sum(vertices[v]["metrics"]["write-records"] for v in self.sources if v in vertices)
        records_out = sum(vertices[v]["metrics"]["read-records"] for v in self.sinks if v in vertices)
        checkpoints = get(self.rest, f"/jobs/{self.jid}/checkpoints")
        latest = (checkpoints.get("latest") or {}).get("completed") or {}
        restarts = metric_values(get(self.rest, f"/jobs/{self.jid}/metrics?get=numRestarts")).get("numRestarts", "0")
        heap = managed = 0
        for tm in get(self.rest, "/taskmanagers")["taskmanagers"]:
            values = metric_values(get(self.rest, f"/taskmanagers/{tm['id']}/metrics"
                                              "?get=Status.JVM.Memory.Heap.Used,Status.Flink.Memory.Managed.Used"))
            heap += int(float(values.get("Status.JVM.Memory.Heap.Used", 0)))
            managed += int(float(values.get("Status.Flink.Memory.Managed.Used", 0)))
        # backpressure: the largest share of time any subtask spent waiting for output buffers
        # and the busiest subtask (a slow sink is busy long before its upstream runs out of buffers)
        worst, worst_vertex, busiest = 0.0, "", 0.0
        for vid in vertices:
            values = metric_values(get(self.rest, f"/jobs/{self.jid}/vertices/{vid}/subtasks/metrics"
                                                  "?get=backPressuredTimeMsPerSecond,busyTimeMsPerSecond&agg=max"))
            value = float(values.get("backPressuredTimeMsPerSecond") or 0) / 1000.0
            if value > worst:
                worst, worst_vertex = value, self.names.get(vid, vid)
            busiest = max(busiest, float(values.get("busyTimeMsPerSecond") or 0) / 1000.0)
        return {
            "state": job["state"], "restarts": int(float(restarts)),
            "in": records_in, "out": records_out,
            "ckpt_id": latest.get("id"), "state_size": latest.get("state_size", latest.get("full_size", 0)) or 0,
            "ckpt_ms": latest.get("end_to_end_duration", 0) or 0,
            "ckpt_failed": checkpoints["counts"]["failed"], "ckpt_completed": checkpoints["counts"]["completed"],
            "heap": heap, "managed": managed, "backpressure": worst, "bp_vertex": worst_vertex, "busy": busiest,
        }


def mib(n):
    return f"{n / 1048576:.1f}"


def third(samples, i):
    """The i-th third (0, 1, 2) of a list of samples."""
    n = len(samples)
    return samples[i * n // 3:(i + 1) * n // 3]


def flat(name, before, after, relative, absolute, unit):
    """'after' may exceed 'before' by a factor and an absolute slack (small values are noisy); returns a check."""
    limit = before * (1 + relative) + absolute
    ok = after <= limit
    return ok, f"{name}: {after:.1f} {unit} late vs {before:.1f} {unit} earlier (limit {limit:.1f}) {'flat' if ok else 'GROWING'}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rest", required=True)
    parser.add_argument("--job", required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--throttle-file", required=True)
    parser.add_argument("--throttle", default="1000 250", help="'<bytes/s> <delay ms>' for the slow phase")
    args = parser.parse_args()

    job = Job(args.rest, args.job)
    slow_from = args.seconds * 2 // 3
    print(f"soak: job {args.job}, {args.seconds} s, a sample every {args.every} s; slow sink from {slow_from} s")
    header = (f"{'t(s)':>5} {'phase':<6} {'state':<9} {'rst':>3} {'in/s':>7} {'out/s':>7} {'ckpt':>5} "
              f"{'state MiB':>9} {'ckpt ms':>8} {'fail':>4} {'heap MiB':>8} {'mngd MiB':>8} {'busy':>5} {'bp':>5}  most backpressured")
    print(header, flush=True)
    start = time.monotonic()
    samples, previous, slow = [], None, False
    while True:
        elapsed = time.monotonic() - start
        if not slow and elapsed >= slow_from:
            with open(args.throttle_file, "w") as f:
                f.write(args.throttle + "\n")
            slow = True
        s = get_sample(job)
        s["t"], s["phase"] = elapsed, "slow" if slow else ("warmup" if elapsed < slow_from / 2 else "steady")
        if previous is not None:
            dt = s["t"] - previous["t"]
            s["in_rate"], s["out_rate"] = (s["in"] - previous["in"]) / dt, (s["out"] - previous["out"]) / dt
        else:
            s["in_rate"] = s["out_rate"] = 0.0
        samples.append(s)
        previous = s
        print(f"{s['t']:5.0f} {s['phase']:<6} {s['state']:<9} {s['restarts']:>3} {s['in_rate']:7.1f} "
              f"{s['out_rate']:7.1f} {s['ckpt_id'] or '-':>5} {mib(s['state_size']):>9} {s['ckpt_ms']:8d} "
              f"{s['ckpt_failed']:>4} {mib(s['heap']):>8} {mib(s['managed']):>8} {s['busy']:5.2f} {s['backpressure']:5.2f}  "
              f"{s['bp_vertex'] if s['backpressure'] > 0 else ''}", flush=True)
        if elapsed >= args.seconds:
            break
        time.sleep(max(0.0, args.every - (time.monotonic() - start - elapsed)))

    sys.exit(verdict(samples))


def get_sample(job):
    # a REST call can time out while the JobManager is busy (e.g. completing a checkpoint): ask again
    for attempt in range(3):
        try:
            return job.sample()
        except OSError:
            if attempt == 2:
                raise
            time.sleep(1)


def verdict(samples):
    steady = [s for s in samples if s["phase"] == "steady"]
    slow = [s for s in samples if s["phase"] == "slow"]
    checks = []
    if len(steady) < 6:
        checks.append((False, f"only {len(steady)} steady samples: run longer (at least 3 min) for a verdict"))
    else:
        # state and checkpoint duration after warm-up: the last third of the steady phase against its first third
        early, late = third(steady, 0), third(steady, 2)
        checks.append(flat("checkpointed state", statistics.median(s["state_size"] for s in early) / 1024,
                           statistics.median(s["state_size"] for s in late) / 1024, 0.25, 256, "KiB"))
        checks.append(flat("checkpoint duration", statistics.median(s["ckpt_ms"] for s in early),
                           statistics.median(s["ckpt_ms"] for s in late), 0.5, 500, "ms"))
        # heap: the floor (after collections) of each third; the sawtooth between collections is not growth
        checks.append(flat("TaskManager heap floor", min(s["heap"] for s in early) / 1048576,
                           min(s["heap"] for s in late) / 1048576, 0.2, 64, "MiB"))
        checks.append(flat("managed memory", max(s["managed"] for s in early) / 1048576,
                           max(s["managed"] for s in late) / 1048576, 0.1, 16, "MiB"))
    running = all(s["state"] == "RUNNING" for s in samples)
    restarts = samples[-1]["restarts"] - samples[0]["restarts"]
    checks.append((running and restarts == 0,
                   f"job RUNNING at every sample: {running}; restarts during the soak: {restarts}"))
    if slow and steady:
        base = max(s["backpressure"] for s in steady)
        peak = max(s["backpressure"] for s in slow)
        where = max(slow, key=lambda s: s["backpressure"])["bp_vertex"]
        checks.append((peak >= base + 0.2, f"backpressure with the slow sink: up to {peak:.2f} ({where}) against "
                       f"{base:.2f} before (must rise by at least 0.20)"))
        failed = slow[-1]["ckpt_failed"] - steady[-1]["ckpt_failed"]
        checks.append((True, f"(info) checkpoints failed during the slow phase: {failed}; completed: "
                       f"{slow[-1]['ckpt_completed'] - steady[-1]['ckpt_completed']}"))
    elif not slow:
        checks.append((False, "no slow-sink samples: run longer"))
    print()
    print("verdict:")
    for ok, text in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    passed = all(ok for ok, _ in checks)
    print("soak: PASS" if passed else "soak: FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    main()
