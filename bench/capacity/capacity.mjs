// The capacity model of bench/README.md ("Capacity"): for N active members refreshing their JWT every
// workload.refreshSeconds (one authenticate each) plus a cutover of workload.migrationsPerMinute migrates, the load on
// every limit of the design, per signing mode, and which limit binds first. Every number comes from costs.json.
//   node bench/capacity/capacity.mjs [costs.json]      prints the Markdown that bench/README.md carries verbatim
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? new URL("./costs.json", import.meta.url);
const { operations: op, limits: lim, workload: w } = JSON.parse(readFileSync(file, "utf8"));
const auth = op.authenticate, mig = op.migrate, sweep = op.sweepPerExpiredSession;

const int = (x) => Math.round(x).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const pct = (x) => (x >= 10 ? int(x * 100) : (x * 100).toFixed(x >= 0.1 ? 0 : 1)) + "%";
const num = (x) => (x >= 100 ? int(x) : x.toFixed(1));

function model(members, perMinute, mode) {
  const a = members / w.refreshSeconds;      // authenticates per second
  const m = perMinute / 60;                  // migrates per second
  const s = m;                               // sessions expiring per second, once the cutover's sessions come due
  const account = a * auth.tables + m * mig.tables + s * sweep.tables;
  const org = w.largestOrganizationShare * (a * auth.orgEntities + m * mig.orgEntities + s * sweep.orgEntities);
  const expiryAll = m * mig.expiryEntities + s * sweep.expiryEntities; // all land in the current minute's partitions
  const expiry = expiryAll / lim.expiryShards;
  const vaultPerSecond = lim.vaultSignsPer10Seconds / 10;
  const vault = mode === "KeyVault" ? a * auth.signatures + m * mig.signatures : 0; // Wrapped: one unwrap per instance and key
  const cores = (a * auth.cpuMs[mode] + m * mig.cpuMs[mode]) / 1000;
  const loads = {
    "storage account": account / lim.accountRequestsPerSecond,
    "largest organization's partition": org / lim.partitionEntitiesPerSecond,
    "expiry partition": expiry / lim.partitionEntitiesPerSecond,
    "Key Vault": vault / vaultPerSecond,
    "instances": cores / (lim.flexMaxInstances * lim.vcpuPerInstance),
  };
  const ranked = Object.entries(loads).sort((x, y) => y[1] - x[1]);
  const exceeded = ranked.filter(([, load]) => load > 1);
  const binds = exceeded.length > 0
    ? "**exceeded**: " + exceeded.map(([name, load]) => `${name} (${pct(load)})`).join(", ")
    : `${ranked[0][0]} (${pct(ranked[0][1])})`;
  return [
    int(members), int(perMinute), mode, int(a), int(m),
    `${int(account)} (${pct(loads["storage account"])})`,
    `${int(org)} (${pct(loads["largest organization's partition"])})`,
    `${num(expiry)} (${pct(loads["expiry partition"])}); unsharded ${int(expiryAll)}`,
    mode === "KeyVault" ? `${int(vault)} (${pct(loads["Key Vault"])}, ${Math.ceil(vault / vaultPerSecond)} vault${Math.ceil(vault / vaultPerSecond) > 1 ? "s" : ""})` : "≈ 0",
    cores.toFixed(1),
    binds,
  ];
}

const header = ["N active", "migrates/min", "mode", "authenticate/s", "migrate/s", `table requests/s (account: ${int(lim.accountRequestsPerSecond)})`,
  `entities/s, largest org (${pct(w.largestOrganizationShare)} of N; partition: ${int(lim.partitionEntitiesPerSecond)})`,
  `entities/s, busiest expiry partition (${lim.expiryShards} shards)`, `Key Vault ops/s (vault: ${int(lim.vaultSignsPer10Seconds / 10)})`,
  "CPU cores", "binds first (load)"];
const rows = w.members.flatMap((n) => w.migrationsPerMinute.flatMap((perMinute) => w.modes.map((mode) => model(n, perMinute, mode))));
const line = (cells) => `| ${cells.join(" | ")} |`;
console.log(line(header));
console.log(line(header.map((_, i) => (i === 2 || i === header.length - 1 ? "---" : "--:"))));
for (const row of rows) console.log(line(row));
const perOrg = lim.partitionEntitiesPerSecond / (auth.orgEntities / w.refreshSeconds);
console.log("");
console.log(`Workload: every active member refreshes once per ${w.refreshSeconds} s (one authenticate), plus a cutover of ${w.migrationsPerMinute.map(int).join(" or ")} migrates/minute; ` +
  `sessions expire as fast as they were migrated (the sweep). One organization's partition holds at most ${int(perOrg)} members refreshing ` +
  `every ${w.refreshSeconds} s (${auth.orgEntities} entities each) before it reaches ${int(lim.partitionEntitiesPerSecond)} entities/s.`);
