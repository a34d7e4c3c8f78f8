// Cold start: spawns the Server RUNS times and times process start -> first HTTP 200 on JWKS (polled every 2 ms).
// The first, discarded, run creates the signing key and the tables, so every timed run is a restart of a deployed
// service. Prints one JSON line: {"variant", "runs_ms": [...], "median_ms", "min_ms", "max_ms", "rss_mib_after_first_request": [...]}.
//   node coldstart.mjs VARIANT RUNS URL_PATH -- command args...   (settings come from the environment)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const [variant, runsArg, path, dashdash, ...command] = process.argv.slice(2);
if (dashdash !== "--" || command.length === 0) throw new Error("usage: node coldstart.mjs VARIANT RUNS PATH -- command args...");

const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rss = (pid) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024; } catch { return NaN; } };

async function once() {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(command[0], [...command.slice(1), "--urls", `http://127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "", exited = false;
  child.stderr.on("data", (d) => (stderr += d));
  child.on("exit", () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error("server exited: " + stderr);
      try {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        await response.arrayBuffer();
        if (response.status === 200) return { ms: Number(process.hrtime.bigint() - started) / 1e6, rss: rss(child.pid) };
      } catch { /* not listening yet */ }
      if (Number(process.hrtime.bigint() - started) > 60e9) throw new Error("no 200 within 60 s: " + stderr);
      await sleep(2);
    }
  } finally {
    child.kill("SIGTERM");
    if (!exited) await new Promise((r) => child.on("exit", r));
  }
}

await once(); // creates the key and the tables
const runs = [], rssAfter = [];
for (let i = 0; i < Number(runsArg); i++) { const r = await once(); runs.push(Math.round(r.ms)); rssAfter.push(Math.round(r.rss)); }
const sorted = [...runs].sort((a, b) => a - b);
console.log(JSON.stringify({ variant, runs_ms: runs, median_ms: sorted[Math.floor(sorted.length / 2)], min_ms: sorted[0], max_ms: sorted.at(-1), rss_mib_after_first_request: rssAfter }));
