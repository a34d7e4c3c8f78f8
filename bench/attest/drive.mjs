// Attest beside migrate, interleaved, on one running Server: CPU time of the Server process per request (from
// /proc/<pid>/stat, so the load generator, the UserInfo stand-in and Azurite are not counted) and X-Request-Cost.
// Run by bench/attest/run.sh, which starts the Server (SERVER_PID, API_URL, PROJECT, SECRET), the dev UserInfo endpoint
// (USERINFO_URL) and passes JWKS_PORT: this script serves the provider's JWKS there and signs its tokens (RS256, RSA-2048).
//   env: ROUNDS (6), PER_ROUND (300 requests of each kind per round), CONCURRENCY (16), MEMBERS (200)
import { createServer } from "node:http";
import { generateKeyPairSync, createSign, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

const env = process.env;
const ROUNDS = +(env.ROUNDS ?? 6), PER_ROUND = +(env.PER_ROUND ?? 300), CONCURRENCY = +(env.CONCURRENCY ?? 16), MEMBERS = +(env.MEMBERS ?? 200);
const auth = "Basic " + Buffer.from(`${env.PROJECT}:${env.SECRET}`).toString("base64");
const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const kid = "bench-" + randomUUID().slice(0, 8);
let jwksFetches = 0;
createServer((req, res) => {
  jwksFetches++;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" }] }));
}).listen(+env.JWKS_PORT, "127.0.0.1");

const b64 = (o) => Buffer.from(typeof o === "string" ? o : JSON.stringify(o)).toString("base64url");
function sign(email) {
  const now = Math.floor(Date.now() / 1000);
  const input = b64({ alg: "RS256", kid, typ: "JWT" }) + "." + b64({
    iss: env.ISSUER, aud: "bench-api", sub: "legacy|" + email, email, email_verified: true, iat: now, nbf: now, exp: now + 600, jti: randomUUID(),
  });
  return input + "." + createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url");
}

async function api(path, body) {
  const r = await fetch(env.API_URL + path, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, cost: r.headers.get("x-request-cost"), json: await r.json() };
}
async function organization(provider) {
  const r = await api("/v1/b2b/organizations", { organization_name: "Bench " + provider, organization_slug: "bench-" + randomUUID().slice(0, 12),
    trusted_metadata: provider === "default" ? {} : { legacy_provider: provider } });
  return r.json.organization.organization_id;
}
const cpuMs = () => {
  const f = readFileSync(`/proc/${env.SERVER_PID}/stat`, "utf8").split(") ")[1].split(" ");
  return (+f[11] + +f[12]) * 1000 / 100; // utime + stime, in clock ticks of 1/100 s
};

const migrateOrg = await organization("default"), attestOrg = await organization("idp");
const emails = Array.from({ length: MEMBERS }, (_, i) => `bench-${i}-${randomUUID().slice(0, 6)}@example.com`);
for (const org of [migrateOrg, attestOrg])
  for (let i = 0; i < emails.length; i += 20)
    await Promise.all(emails.slice(i, i + 20).map((email) => api(`/v1/b2b/organizations/${org}/members`, { email_address: email })));

async function legacyToken(email) {
  const r = await fetch(env.USERINFO_URL.replace(/\/userinfo$/, "/tokens"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) });
  return (await r.json()).access_token;
}
async function prepare(kind) {
  const out = [];
  for (let i = 0; i < PER_ROUND; i++) {
    const email = emails[i % emails.length];
    out.push(kind === "migrate"
      ? { path: "/v1/b2b/sessions/migrate", body: { session_token: await legacyToken(email), organization_id: migrateOrg } }
      : { path: "/v1/b2b/sessions/attest", body: { profile_id: "idp", token: sign(email), organization_id: attestOrg } });
  }
  return out;
}
async function run(requests) {
  const costs = new Map(); let failed = 0, next = 0;
  const t0 = performance.now(), c0 = cpuMs();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < requests.length) {
      const { path, body } = requests[next++];
      const r = await api(path, body);
      if (r.status !== 200) failed++;
      costs.set(r.cost, (costs.get(r.cost) ?? 0) + 1);
    }
  }));
  return { cpu: cpuMs() - c0, wall: performance.now() - t0, failed, costs };
}

// Warm-up: both paths once (JIT, the organization cache, the provider's keys), not measured.
await run(await prepare("migrate")); await run(await prepare("attest"));
const fetchesAfterWarmup = jwksFetches;
const totals = { migrate: { cpu: 0, wall: 0, n: 0, failed: 0, costs: new Map() }, attest: { cpu: 0, wall: 0, n: 0, failed: 0, costs: new Map() } };
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of round % 2 === 0 ? ["migrate", "attest"] : ["attest", "migrate"]) { // A B, B A, ...
    const r = await run(await prepare(kind));
    const t = totals[kind];
    t.cpu += r.cpu; t.wall += r.wall; t.n += PER_ROUND; t.failed += r.failed;
    for (const [k, v] of r.costs) t.costs.set(k, (t.costs.get(k) ?? 0) + v);
    console.log(JSON.stringify({ round, kind, cpu_ms_per_request: +(r.cpu / PER_ROUND).toFixed(3), req_per_s: +(PER_ROUND / r.wall * 1000).toFixed(1), failed: r.failed }));
  }
}
const summary = Object.fromEntries(Object.entries(totals).map(([k, t]) => [k, {
  requests: t.n, failed: t.failed, cpu_ms_per_request: +(t.cpu / t.n).toFixed(3), req_per_s: +(t.n / t.wall * 1000).toFixed(1), costs: Object.fromEntries(t.costs),
}]));
summary.attest_cpu_over_migrate = +(summary.attest.cpu_ms_per_request / summary.migrate.cpu_ms_per_request).toFixed(3);
summary.jwks_fetches_during_measured_rounds = jwksFetches - fetchesAfterWarmup;
console.log(JSON.stringify({ summary }));
process.exit(0);
