// Reads X-Request-Cost from a sample of requests (bodies never used by the load runs) and prints one JSON line:
//   {"endpoint": ..., "n": ..., "ok": ..., "costs": {"tables=3;userinfo=1;signatures=1": 20}}
//   node costs.mjs NAME URL METHOD BODIES_FILE|- AUTH|- [N]
import { readFileSync } from "node:fs";

const [name, url, method, file, auth, nArg] = process.argv.slice(2);
const bodies = file === "-" ? [undefined] : readFileSync(file, "utf8").split("\n").filter(Boolean);
const n = Number(nArg ?? bodies.length);
const costs = {};
let ok = 0;
for (let i = 0; i < n; i++) {
  const headers = { "content-type": "application/json" };
  if (auth !== "-") headers.authorization = auth;
  const response = await fetch(url, { method, headers, body: bodies[i % bodies.length] });
  await response.arrayBuffer();
  if (response.ok) ok++;
  const cost = response.headers.get("x-request-cost") ?? "(no header)";
  costs[cost] = (costs[cost] ?? 0) + 1;
}
console.log(JSON.stringify({ endpoint: name, n, ok, costs }));
