"""Turns a bench/load results directory into the markdown tables bench/README.md quotes."""
import json, sys, pathlib

d = pathlib.Path(sys.argv[1])
rows = [json.loads(l) for l in (d / "results.jsonl").read_text().splitlines() if l.strip()]
costs = {c["endpoint"]: c for c in (json.loads(l) for l in (d / "costs.jsonl").read_text().splitlines() if l.strip())}
by = {(r["endpoint"], r["target"]): r for r in rows}
endpoints = list(dict.fromkeys(r["endpoint"] for r in rows))

print("| endpoint | target | req/s | p50 ms | p90 ms | p99 ms | max ms | errors (non-2xx / socket) | server CPU ms/req | Azurite CPU ms/req | server VmHWM MiB |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
for e in endpoints:
    for t in ("ours", "baseline"):
        r = by.get((e, t))
        if not r: continue
        sock = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
        n = max(r["requests"], 1)
        print(f"| {e} | {t} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p90_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.1f} | {r['non2xx']} / {sock} | {r['server_cpu_ms']/n:.3f} | {r['azurite_cpu_ms']/n:.3f} | {r['hwm_mib']:.0f} |")
print()
print("| endpoint | throughput ours/baseline | p50 ours/baseline | p99 ours/baseline | server CPU/req ours/baseline | X-Request-Cost (sampled requests: count) |")
print("|---|--:|--:|--:|--:|---|")
for e in endpoints:
    o, b = by.get((e, "ours")), by.get((e, "baseline"))
    if not (o and b): continue
    c = costs.get(e)
    cs = ", ".join(f"`{k}`: {v}" for k, v in c["costs"].items()) + f" ({c['ok']}/{c['n']} answered 200)" if c else ""
    cpu = lambda r: r["server_cpu_ms"] / max(r["requests"], 1)
    ratio = f"{cpu(o)/cpu(b):.2f}" if cpu(b) > 0 else "n/a"
    print(f"| {e} | {o['rps']/b['rps']:.2f} | {o['p50_ms']/b['p50_ms']:.2f} | {o['p99_ms']/b['p99_ms']:.2f} | {ratio} | {cs} |")
