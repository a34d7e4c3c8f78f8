"""Summarizes bench/host/run.sh: CPU per request of each host target (host + worker) vs the Server per endpoint (sums
over rounds), and start-up. Targets: "server", "host" (this commit's app) and, with BEFORE_APP, "host-before"."""
import json, statistics, sys

results = sys.argv[1]
load = [json.loads(l) for l in open(f"{results}/load.jsonl") if l.strip()]
starts = [json.loads(l) for l in open(f"{results}/startup.jsonl") if l.strip()]
targets = [t for t in ("server", "host-before", "host") if any(r["target"] == t for r in load)]

print("| endpoint | target | requests | non-2xx | req/s (mean of rounds) | p50 ms | CPU ms/request | of which worker | of which host | host+worker / Server |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
for endpoint in dict.fromkeys(r["endpoint"] for r in load):
    per = {}
    for target in targets:
        rows = [r for r in load if r["endpoint"] == endpoint and r["target"] == target]
        requests = sum(r["requests"] for r in rows)
        cpu = sum(r["cpu_ms_total"] for r in rows)
        per[target] = cpu / requests if requests else float("nan")
        worker = sum(r["cpu_ms"][1] for r in rows) / requests if target != "server" and requests else None
        host = sum(r["cpu_ms"][0] for r in rows) / requests if target != "server" and requests else None
        ratio = f"**{per[target] / per['server']:.2f}**" if target != "server" else ""
        print(f"| {endpoint} | {target} | {requests} | {sum(r['non2xx'] for r in rows)} | {statistics.mean(r['rps'] for r in rows):.0f} | "
              f"{statistics.median(r['p50_ms'] for r in rows):.1f} | {per[target]:.3f} | "
              f"{'' if worker is None else f'{worker:.3f}'} | {'' if host is None else f'{host:.3f}'} | {ratio} |")

print()
print("| start-up | runs | launch to first answer, median ms (min-max) | worker launch to first answer, median ms (min-max) | CPU ms spent by the first answer, median: Server / worker + host |")
print("|---|--:|--:|--:|--:|")
for key in dict.fromkeys((s["target"], s.get("app", "")) for s in starts):
    rows = [s for s in starts if (s["target"], s.get("app", "")) == key]
    first = [s["first_answer_ms"] for s in rows]
    worker = [s["worker_launch_to_first_answer_ms"] for s in rows if "worker_launch_to_first_answer_ms" in s]
    name = key[0] + (f" (app {key[1]})" if key[1] else "")
    w = f"{statistics.median(worker):.0f} ({min(worker)}-{max(worker)})" if worker else ""
    own = [s["cpu_ms_to_first_answer"] for s in rows if "cpu_ms_to_first_answer" in s]
    theirs = [s["worker_cpu_ms_to_first_answer"] for s in rows if "worker_cpu_ms_to_first_answer" in s]
    cpu = (f"{statistics.median(theirs):.0f} + {statistics.median(own):.0f}" if theirs else f"{statistics.median(own):.0f}") if own else ""
    print(f"| {name} | {len(rows)} | {statistics.median(first):.0f} ({min(first)}-{max(first)}) | {w} | {cpu} |")
