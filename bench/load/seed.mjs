// Seeds the load test, with no dependencies (Node 20's fetch). Writes one request body per line into OUT/:
//   migrate.bodies        {"session_token": <legacy token>, "organization_id": <org>} for each of MEMBERS members
//   authn-token.bodies    {"session_token": <session token>} for SESSIONS migrated sessions (SessionFunctions)
//   authn-jwt.bodies      {"session_jwt": <session JWT>}    for the same sessions
//   base-authn-token.bodies / base-authn-jwt.bodies         the same for the baseline's sessions
//   sample-*.bodies       a reserved tail of each kind, never used by the load runs, for reading X-Request-Cost
// The migrate bodies serve both servers: the baseline gets member rows for the same emails.
//
//   node seed.mjs API PROJECT SECRET USERINFO_BASE BASELINE MEMBERS SESSIONS SAMPLES OUT
import { writeFileSync } from "node:fs";

const [api, project, secret, userinfo, baseline, membersArg, sessionsArg, samplesArg, out] = process.argv.slice(2);
const members = Number(membersArg), sessions = Number(sessionsArg), samples = Number(samplesArg);
const auth = "Basic " + Buffer.from(`${project}:${secret}`).toString("base64");

async function call(url, body, headers = {}, method = "POST") {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, {
      method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.ok) return text ? JSON.parse(text) : {};
    // 5xx: retry a few times; 429 (the Server's rate limits, when a run keeps them on): wait and retry.
    if (response.status === 429 && attempt < 50) { await new Promise((r) => setTimeout(r, 250)); continue; }
    if (attempt >= 3 || response.status < 500) throw new Error(`${method} ${url} -> ${response.status}: ${text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Runs fn(i) for i in [0, n) with `width` calls in flight.
async function pool(n, width, fn) {
  const results = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) { const i = next++; results[i] = await fn(i); }
  }));
  return results;
}

const started = Date.now();
const slug = "bench-" + Math.random().toString(16).slice(2, 10);
const org = (await call(`${api}/v1/b2b/organizations`, { organization_name: "Bench " + slug, organization_slug: slug }, { authorization: auth }))
  .organization.organization_id;

const total = members + samples;
const emails = Array.from({ length: total }, (_, i) => `member-${i}@bench.example`);
await pool(total, 16, (i) => call(`${api}/v1/b2b/organizations/${org}/members`, { email_address: emails[i], name: `Member ${i}` }, { authorization: auth }));
const legacy = await pool(total, 16, async (i) => (await call(`${userinfo}/tokens`, { email: emails[i] })).access_token);
const migrateBody = (i) => JSON.stringify({ session_token: legacy[i], organization_id: org });

// Sessions to authenticate: migrate the first SESSIONS members (and SAMPLES more from the reserved tail).
const migrated = await pool(sessions + samples, 16, (i) =>
  call(`${api}/v1/b2b/sessions/migrate`, JSON.parse(migrateBody(i < sessions ? i : members + (i - sessions))), { authorization: auth }));

const lines = (xs) => xs.join("\n") + "\n";
writeFileSync(`${out}/migrate.bodies`, lines(legacy.slice(0, members).map((_, i) => migrateBody(i))));
writeFileSync(`${out}/sample-migrate.bodies`, lines(legacy.slice(members).map((_, i) => migrateBody(members + i))));
const tok = (m) => JSON.stringify({ session_token: m.session_token });
const jwt = (m) => JSON.stringify({ session_jwt: m.session_jwt });
writeFileSync(`${out}/authn-token.bodies`, lines(migrated.slice(0, sessions).map(tok)));
writeFileSync(`${out}/authn-jwt.bodies`, lines(migrated.slice(0, sessions).map(jwt)));
writeFileSync(`${out}/sample-authn-token.bodies`, lines(migrated.slice(sessions).map(tok)));
writeFileSync(`${out}/sample-authn-jwt.bodies`, lines(migrated.slice(sessions).map(jwt)));

const seeded = await call(`${baseline}/seed`, { emails, sessions });
writeFileSync(`${out}/base-authn-token.bodies`, lines(seeded.tokens.map((t) => JSON.stringify({ session_token: t }))));
writeFileSync(`${out}/base-authn-jwt.bodies`, lines(seeded.jwts.map((j) => JSON.stringify({ session_jwt: j }))));
writeFileSync(`${out}/organization_id`, org);
console.log(`seeded organization ${org}: ${total} members, ${total} legacy tokens, ${sessions + samples} sessions (+${sessions} baseline) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
