// The capacity model (bench/README.md section 6, README.md "Capacity"): N active members in O organizations, each member
// refreshing its JWT every workload.refreshSeconds (one authenticate), with the other traffic the workload names, and
// the load this puts on every limit of the design, per signing mode: which limit binds first and the headroom under it.
// Every number comes from costs.json; tests/SessionFunctions.Tests/Capacity/CapacityModelTests.cs checks its counted
// costs against the API and that both READMEs carry this script's output verbatim.
//   node bench/capacity/capacity.mjs [--summary] [costs.json]
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const summary = args.includes("--summary");
const file = args.find((a) => !a.startsWith("--")) ?? new URL("./costs.json", import.meta.url);
const costs = JSON.parse(readFileSync(file, "utf8"));
const { operations: op, sweep, organizationRead, organizationChangePoll, entityKiB: kib, limitSources, limits: lim, workload: w } = costs;

const k = w.sessionsPerMember;
/** [a, b] → a + b·k (k: sessions a member holds); a plain number as is. */
const lin = (ab) => (Array.isArray(ab) ? ab[0] + ab[1] * k : ab ?? 0);
/** KiB-weighted entities of a set of rows (by kind): a 2 KiB entity counts as two 1 KiB ones. */
const kiB = (rows) => Object.entries(rows ?? {}).reduce((sum, [kind, count]) => sum + lin(count) * kib[kind], 0);
const sum = (rates, f) => Object.entries(rates).reduce((s, [name, rate]) => s + rate * f(op[name]), 0);

const int = (x) => Math.round(x).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const pct = (x) => (x >= 0.1 ? int(x * 100) : (x * 100).toFixed(x >= 0.001 ? 1 : 2)) + "%";
const num = (x) => (x >= 100 ? int(x) : x >= 10 ? x.toFixed(0) : x.toFixed(1));
const times = (x) => (x >= 10 ? int(x) : x.toFixed(1)) + "x";

/** The expected share of a partition a sweep visit reads, when its due rows are a Poisson count of mean λ. */
function scannedShare(lambda) {
  let p = Math.exp(-lambda), total = 0; // P(j = 0)
  for (let j = 1; j < 10 * lambda + 50; j++) {
    p *= lambda / j;
    if (j >= 2) total += (p * (j - 1)) / (j + 1);
  }
  return total;
}

/** Requests per second of each operation. */
function rates(members) {
  const a = members / w.refreshSeconds;
  const m = w.migrationsPerMinute / 60;
  const viaUserInfo = m * (1 - w.signedTokenShare - w.firstSightShare);
  return {
    authenticate: a / 2, authenticateJwt: a / 2,
    migrate: viaUserInfo * (1 - w.idempotencyKeyShare),
    migrateIdempotencyKey: viaUserInfo * w.idempotencyKeyShare,
    migrateIdempotencyReplay: viaUserInfo * w.idempotencyKeyShare * w.idempotencyReplayShare,
    migrateSignedToken: (m * w.signedTokenShare) / 2, attest: (m * w.signedTokenShare) / 2,
    firstSight: m * w.firstSightShare,
    exchange: a * w.exchangesPerAuthenticate,
    list: a * w.listsPerAuthenticate,
    revokeAll: a * w.revokeAllsPerAuthenticate,
  };
}

function model(members, organizations, mode) {
  const r = rates(members);
  // Sessions (and Idempotency-Key records) expire as fast as they are made: the sweep's steady state.
  const expiring = sum(r, (o) => (o.expiryRows > 0 && o !== op.migrateIdempotencyReplay ? o.expiryRows : 0));
  const cores = sum(r, (o) => o.cpuMs) / 1000;
  const instances = Math.max(1, Math.ceil(cores / (lim.vcpuPerInstance * w.targetCpuUse)));

  // Organizations: each instance reads an organization when it first needs it in a cache period (requests spread
  // evenly over organizations and instances: a Poisson count), plus the change feed every poll interval.
  const lookups = sum(r, (o) => o.organizationLookups);
  const perInstanceAndOrg = (lookups / organizations / instances) * w.organizationCacheSeconds;
  const misses = (instances * organizations * (1 - Math.exp(-perInstanceAndOrg))) / w.organizationCacheSeconds;
  const orgReads = misses * (w.organizationByNameShare * organizationRead.byName + (1 - w.organizationByNameShare) * organizationRead.byId);
  const feedReads = (instances / w.organizationChangePollSeconds) * organizationChangePoll.tables;
  const orgPartition = Math.max((misses * kib.organization) / lim.organizationPartitions,
    (feedReads * w.organizationUpdatesPerMinute * kib.change)); // the feed: the current minute's rows, read by every poll

  // The sweep runs every sweep.intervalSeconds; each run visits every member partition with rows due (each partition
  // belongs to one expiry shard, whose whole backlog one unit reads): one range read and one delete transaction per
  // partition visited, plus the index rows read (pages of 1,000) and deleted (transactions of 100), and the plan.
  // Due rows per partition and run are a Poisson count; partitions: every organization's member shards.
  const perRun = expiring * sweep.intervalSeconds;
  const partitions = organizations * lim.memberShards;
  const visits = partitions * -Math.expm1(-perRun / partitions);
  const sweepRequests = (visits * sweep.tablesPerPartitionVisit + perRun * sweep.tablesPerIndexRow + sweep.tablesToPlan) / sweep.intervalSeconds;
  const account = sum(r, (o) => o.tables) + sweepRequests + orgReads + feedReads;

  // The largest organization: its members spread over the member shards by a hash of their email.
  const largest = Math.min(members, Math.max(w.largestOrganizationSkew * (members / organizations), w.largestOrganizationFloor));
  const share = largest / members / lim.memberShards; // of all member traffic, in one shard partition
  const shardTraffic = share * (sum(r, (o) => kiB(o.rows)) + expiring * kiB(op.sweepPerExpiredSession.rows));
  // A visit reads the row-key range from the first due row of the partition to the last: with j due rows at random
  // among the partition's member and session rows, (j - 1) / (j + 1) of them on average, once per run.
  const scanned = scannedShare(share * perRun);
  const sweepScan = (scanned / sweep.intervalSeconds) * (largest / lim.memberShards) * (kib.member + k * kib.session);
  const ownPartition = (largest / members) * sum(r, (o) => kiB(o.ownRows)); // Idempotency-Key records
  const memberPartition = Math.max(shardTraffic + sweepScan, ownPartition);

  // The expiry index: this minute's shards take the new rows, a past minute's the sweep's reads and deletes.
  const expiry = (sum(r, (o) => o.expiryRows) + expiring * op.sweepPerExpiredSession.expiryRows) * kib.expiry / lim.expiryShards;

  const signs = mode === "KeyVault" ? sum(r, (o) => o.signatures) : 0; // Wrapped: one unwrap per instance and key
  const vault = lim.vaultSignsPer10Seconds / 10;
  const legacy = sum(r, (o) => o.userinfo);
  const loads = [
    ["Table account", account / lim.accountRequestsPerSecond],
    ["largest organization's busiest partition", memberPartition / lim.partitionEntitiesPerSecond],
    ["organizations' busiest partition", orgPartition / lim.partitionEntitiesPerSecond],
    ["expiry index's busiest partition", expiry / lim.partitionEntitiesPerSecond],
    ["Key Vault (one vault)", signs / vault],
    ["Key Vault (subscription)", signs / (vault * lim.subscriptionVaultFactor)],
    ["Functions instances (Bicep ceiling)", instances / lim.bicepMaxInstances],
    ["Flex regional cores", (instances * lim.vcpuPerInstance) / lim.flexRegionalCores],
    ["legacy provider", legacy / lim.legacyProviderRequestsPerSecond],
  ].sort((x, y) => y[1] - x[1]);
  const load = Object.fromEntries(loads);
  const notes = { "largest organization's busiest partition": sweepScan > 0 ? `of which the sweep's scan ${pct(sweepScan / lim.partitionEntitiesPerSecond)}` : "" };
  return { members, organizations, mode, r, largest, account, sweepRequests, expiring, orgReads, feedReads, memberPartition, sweepScan, orgPartition, expiry,
    signs, instances, cores, legacy, loads, load, notes };
}

const said = (x, [name, load]) => `${name}, ${pct(load)} used` + (x.notes[name] ? ` (${x.notes[name]})` : "") + ": " +
  (load > 1 ? `**exceeded ${times(load)}**` : `${times(1 / load)} headroom`);
const line = (cells) => `| ${cells.join(" | ")} |`;
const rule = (header, left) => line(header.map((_, i) => (left.includes(i) ? "---" : "--:")));
const runs = w.members.flatMap((n) => w.organizations.flatMap((o) => w.modes.map((mode) => model(n, o, mode))));

if (summary) {
  const header = ["active members", "organizations", "largest organization (assumed)", "signing", "binds first", "next"];
  console.log(line(header));
  console.log(rule(header, [3, 4, 5]));
  for (const x of runs) console.log(line([int(x.members), int(x.organizations), int(x.largest), x.mode, said(x, x.loads[0]), said(x, x.loads[1])]));
} else {
  const ab = (x) => (x[1] === 0 ? `${x[0]}` : `${x[0]} + ${x[1]}k`);
  const names = { authenticate: "authenticate (token)", authenticateJwt: "authenticate (JWT)", migrate: "migrate",
    migrateIdempotencyKey: "migrate with an Idempotency-Key, first call", migrateIdempotencyReplay: "… its replay",
    migrateSignedToken: "migrate with a signed legacy token", attest: "attest", exchange: "exchange", firstSight: "migrate, first sight (JIT member)",
    list: "list a member's sessions", revokeAll: "revoke all of a member's sessions", sweepPerExpiredSession: "sweep, per expired session" };
  const opHeader = ["operation", "table requests (organization cached)", "+ organization reads, cold (by id)", "entities its range reads return (k: the member's sessions)",
    `KiB-entities in the member's partition (k = ${k})`, "expiry index rows", "UserInfo calls", "signatures (KeyVault: vault signs)", "CPU ms (host + worker)"];
  console.log(line(opHeader));
  console.log(rule(opHeader, [0]));
  for (const [name, o] of Object.entries(op)) {
    const counted = o.entities !== undefined;
    console.log(line([names[name] ?? name, o.tables, counted ? o.organizationLookups * organizationRead.byId : "0", counted ? ab(o.entities) : "",
      kiB(o.rows).toFixed(2) + (o.ownRows ? ` (+ ${kiB(o.ownRows).toFixed(2)} in the organization's own partition)` : ""),
      o.expiryRows, o.userinfo ?? "", o.signatures ?? "", o.cpuMs ?? ""]));
  }
  console.log("");
  console.log(`Entity sizes (KiB, the largest real row of each kind): ${Object.entries(kib).map(([kind, size]) => `${kind} ${size}`).join(", ")}. ` +
    `An organization named by slug costs ${organizationRead.byName} reads on a miss (its name index row, then the organization), by id ${organizationRead.byId}; ` +
    `the change feed ${organizationChangePoll.tables} range read per poll.`);
  console.log("");
  const limitNames = { partitionEntitiesPerSecond: "Table Storage, one partition (entities/s)", accountRequestsPerSecond: "Table Storage, one account (requests/s)",
    vaultSignsPer10Seconds: "Key Vault, one vault (signs per 10 s)", subscriptionVaultFactor: "Key Vault, one subscription (x one vault)",
    memberShards: "member partitions per organization", expiryShards: "expiry index partitions per minute", organizationPartitions: "organization (and name index) partitions",
    bicepMaxInstances: "Functions instances (Bicep ceiling)", vcpuPerInstance: `cores per ${lim.instanceMemoryMB} MB instance`,
    flexRegionalCores: "Flex Consumption cores per region and subscription", legacyProviderRequestsPerSecond: "legacy provider, Auth0 (requests/s per tenant)" };
  const limHeader = ["limit", "figure", "source"];
  console.log(line(limHeader));
  console.log(rule(limHeader, [0, 2]));
  for (const [name, source] of Object.entries(limitSources)) console.log(line([limitNames[name] ?? name, int(lim[name]) === "0" ? lim[name] : lim[name].toLocaleString("en-US"), source]));
  console.log("");
  const header = ["N active", "organizations", "mode", "largest org", "authenticate/s",
    `table requests/s (account ${int(lim.accountRequestsPerSecond)}); of which organizations`,
    `KiB-entities/s, largest org's busiest partition (${lim.memberShards} shards; target ${int(lim.partitionEntitiesPerSecond)}); of which the sweep's scan`,
    `organizations' busiest partition (${lim.organizationPartitions} + feed)`,
    `expiry index's busiest partition (${lim.expiryShards} shards)`,
    `Key Vault signs/s (vault ${int(lim.vaultSignsPer10Seconds / 10)}; subscription ${int((lim.vaultSignsPer10Seconds / 10) * lim.subscriptionVaultFactor)})`,
    `instances at ${pct(w.targetCpuUse)} CPU (Bicep ${lim.bicepMaxInstances}); their cores (Flex quota ${lim.flexRegionalCores})`,
    `legacy provider calls/s (${lim.legacyProviderRequestsPerSecond})`,
    "binds first"];
  console.log(line(header));
  console.log(rule(header, [2, 12]));
  for (const x of runs) {
    console.log(line([int(x.members), int(x.organizations), x.mode, int(x.largest), int(x.r.authenticate + x.r.authenticateJwt),
      `${int(x.account)} (${pct(x.load["Table account"])}); ${int(x.orgReads + x.feedReads)}`,
      `${int(x.memberPartition)} (${pct(x.load["largest organization's busiest partition"])}); ${int(x.sweepScan)}`,
      `${num(x.orgPartition)} (${pct(x.load["organizations' busiest partition"])})`,
      `${num(x.expiry)} (${pct(x.load["expiry index's busiest partition"])})`,
      x.mode === "KeyVault" ? `${int(x.signs)} (${pct(x.load["Key Vault (one vault)"])}; ${pct(x.load["Key Vault (subscription)"])})` : "0 per request",
      `${x.instances} (${pct(x.load["Functions instances (Bicep ceiling)"])}); ${int(x.instances * lim.vcpuPerInstance)} (${pct(x.load["Flex regional cores"])})`,
      `${num(x.legacy)} (${pct(x.load["legacy provider"])})`,
      said(x, x.loads[0])]));
  }
}

const m = w.migrationsPerMinute;
console.log("");
console.log(`Workload: every active member refreshes once per ${w.refreshSeconds} s (one authenticate, half by token, half by JWT) and holds ${k} sessions; ` +
  `${pct(w.exchangesPerAuthenticate)} as many exchanges, ${pct(w.listsPerAuthenticate)} as many lists and ${pct(w.revokeAllsPerAuthenticate)} as many revoke-alls; ` +
  `a cutover of ${int(m)} logins/minute (${pct(w.signedTokenShare)} with signed tokens, half attest and half migrate; ${pct(w.firstSightShare)} first sights; ` +
  `of the other migrates ${pct(w.idempotencyKeyShare)} with an Idempotency-Key, ${pct(w.idempotencyReplayShare)} of those replayed); ` +
  `sessions expire as fast as they are made and are swept every ${sweep.intervalSeconds} s (${sweep.tablesPerPartitionVisit} requests per member partition with rows due, ` +
  `${sweep.tablesPerIndexRow} per index row, ${sweep.tablesToPlan} to plan; ${op.sweepPerExpiredSession.tables} per expired session in the 1,000-organization backlog of bench/README §3b). ` +
  `The largest organization holds ${w.largestOrganizationSkew}x the average (N / organizations), at least ${int(w.largestOrganizationFloor)} members. ` +
  `Instances run at ${pct(w.targetCpuUse)} of ${lim.vcpuPerInstance} core each (${lim.instanceMemoryMB} MB); each reads an organization once per ` +
  `${int(w.organizationCacheSeconds)} s when it serves it (${pct(w.organizationByNameShare)} of those by slug: ${organizationRead.byName} reads) ` +
  `and the change feed every ${w.organizationChangePollSeconds} s (${w.organizationUpdatesPerMinute} organization updates a minute).`);
const oneOrg = model(w.largestOrganizationFloor, 1, "Wrapped");
console.log(`One organization of ${int(w.largestOrganizationFloor)} active members as the whole workload (the cutover all in it): its busiest partition at ` +
  `${pct(oneOrg.load["largest organization's busiest partition"])} of a partition's target (goal: at most ${pct(lim.partitionShareGoal)}), ` +
  `of which the sweep's scan ${pct(oneOrg.sweepScan / lim.partitionEntitiesPerSecond)}. ` +
  `A cutover through UserInfo alone is capped by the legacy provider at ${int((lim.legacyProviderRequestsPerSecond * 60) / op.migrate.userinfo)} migrates/minute.`);
