// Drives the official Stytch Node SDK (npm "stytch", pinned in package.json) against this service.
// Run by tests/SessionFunctions.Tests/Compatibility/StytchNodeSdkTests.cs, which starts the server over HTTPS and
// passes: BASE_URL, PROJECT_ID, SECRET, ORGANIZATION_ID, MEMBER_ID, LEGACY_TOKEN, OTHER_ORGANIZATION_ID and OTHER_MEMBER_ID
// (a pending member with the same email in a second organization), NODE_EXTRA_CA_CERTS, and for attest:
// ATTEST_ORGANIZATION_ID (an organization trusting the provider ATTEST_PROFILE_ID, which signs ATTEST_TOKEN and
// ATTEST_TOKEN_2 for its member ATTEST_MEMBER_ID).
// Prints one JSON line: {"ok": true, "checks": [...]} or {"ok": false, "failed": "...", "error": "..."}.
import * as stytch from "stytch";
import assert from "node:assert/strict";

const env = process.env;
const client = new stytch.B2BClient({ project_id: env.PROJECT_ID, secret: env.SECRET, custom_base_url: env.BASE_URL });
const checks = [];
const check = async (name, fn) => {
  try { await fn(); checks.push(name); }
  catch (error) { console.log(JSON.stringify({ ok: false, failed: name, error: String(error?.stack ?? error), checks })); process.exit(1); }
};

let migrated, refreshed;
await check("sessions.migrate", async () => {
  migrated = await client.sessions.migrate({ session_token: env.LEGACY_TOKEN, organization_id: env.ORGANIZATION_ID, session_duration_minutes: 90, session_custom_claims: { plan: "gold" } });
  assert.equal(migrated.status_code, 200);
  assert.equal(migrated.member_id, env.MEMBER_ID);
  assert.equal(migrated.member_session.organization_id, env.ORGANIZATION_ID);
  assert.deepEqual(migrated.member_session.custom_claims, { plan: "gold" });
  assert.equal(migrated.member_session.authentication_factors[0].delivery_method, "imported_auth0");
});
await check("sessions.authenticate (token)", async () => {
  const r = await client.sessions.authenticate({ session_token: migrated.session_token });
  assert.equal(r.member_session.member_session_id, migrated.member_session.member_session_id);
  assert.equal(r.member.member_id, env.MEMBER_ID);
});
await check("sessions.authenticateJwtLocal (JWKS, issuer, audience, typ)", async () => {
  const s = await client.sessions.authenticateJwtLocal({ session_jwt: migrated.session_jwt });
  assert.equal(s.member_session_id, migrated.member_session.member_session_id);
  assert.equal(s.organization_id, env.ORGANIZATION_ID);
  assert.deepEqual(s.roles, ["stytch_member"]);
  assert.deepEqual(s.custom_claims, { plan: "gold" });
  assert.equal(Date.parse(s.expires_at), Date.parse(migrated.member_session.expires_at)); // the SDK re-formats it with milliseconds
});
await check("sessions.authenticateJwt (local first)", async () => {
  const r = await client.sessions.authenticateJwt({ session_jwt: migrated.session_jwt });
  assert.equal(r.member_session.member_session_id, migrated.member_session.member_session_id);
});
await check("sessions.authenticate (jwt, remote refresh)", async () => {
  refreshed = await client.sessions.authenticate({ session_jwt: migrated.session_jwt, session_custom_claims: { seats: 5 } });
  assert.deepEqual(refreshed.member_session.custom_claims, { plan: "gold", seats: 5 });
  const s = await client.sessions.authenticateJwtLocal({ session_jwt: refreshed.session_jwt });
  assert.deepEqual(s.custom_claims, { plan: "gold", seats: 5 });
});
await check("sessions.get", async () => {
  const r = await client.sessions.get({ organization_id: env.ORGANIZATION_ID, member_id: env.MEMBER_ID });
  assert.equal(r.member_sessions.length, 1);
});
await check("sessions.getJWKS", async () => {
  const r = await client.sessions.getJWKS({ project_id: env.PROJECT_ID });
  assert.equal(r.keys.length, 1);
  assert.equal(r.keys[0].alg, "RS256");
});
await check("organizations.update", async () => {
  const r = await client.organizations.update({ organization_id: env.ORGANIZATION_ID, organization_name: "Renamed by the SDK", trusted_metadata: { legacy_provider: "default", plan: "gold" } });
  assert.equal(r.organization.organization_name, "Renamed by the SDK");
  assert.deepEqual(r.organization.trusted_metadata, { legacy_provider: "default", plan: "gold" });
  const got = await client.organizations.get({ organization_id: env.ORGANIZATION_ID });
  assert.equal(got.organization.organization_name, "Renamed by the SDK");
  await assert.rejects(client.organizations.update({ organization_id: env.ORGANIZATION_ID, trusted_metadata: { legacy_provider: "nope" } }),
    (e) => e.status_code === 400 && e.error_type === "invalid_legacy_provider");
});
await check("organizations.members.update (roles show in the next authenticate)", async () => {
  const r = await client.organizations.members.update({ organization_id: env.ORGANIZATION_ID, member_id: env.MEMBER_ID, name: "SDK User", roles: ["billing"] });
  assert.equal(r.member.name, "SDK User");
  assert.deepEqual(r.member.roles.map((role) => role.role_id), ["stytch_member", "billing"]);
  const a = await client.sessions.authenticate({ session_token: migrated.session_token });
  assert.deepEqual(a.member_session.roles, ["stytch_member", "billing"]);
  const s = await client.sessions.authenticateJwtLocal({ session_jwt: a.session_jwt });
  assert.deepEqual(s.roles, ["stytch_member", "billing"]);
});
await check("sessions.exchange", async () => {
  const r = await client.sessions.exchange({ organization_id: env.OTHER_ORGANIZATION_ID, session_token: migrated.session_token, session_duration_minutes: 30 });
  assert.equal(r.status_code, 200);
  assert.equal(r.member_authenticated, true);
  assert.equal(r.intermediate_session_token, "");
  assert.equal(r.member_id, env.OTHER_MEMBER_ID);
  assert.equal(r.member.status, "active");
  assert.equal(r.member_session.organization_id, env.OTHER_ORGANIZATION_ID);
  const s = await client.sessions.authenticateJwtLocal({ session_jwt: r.session_jwt });
  assert.equal(s.organization_id, env.OTHER_ORGANIZATION_ID);
  const original = await client.sessions.authenticate({ session_token: migrated.session_token });
  assert.equal(original.member_session.organization_id, env.ORGANIZATION_ID); // the original session stays valid
});
await check("sessions.exchange into an unknown organization is a StytchError 404", async () => {
  await assert.rejects(client.sessions.exchange({ organization_id: "no-such-organization", session_token: migrated.session_token }),
    (e) => e.status_code === 404 && e.error_type === "organization_not_found");
});
await check("sessions.revoke then authenticate fails with a StytchError", async () => {
  await client.sessions.revoke({ member_session_id: migrated.member_session.member_session_id });
  await assert.rejects(client.sessions.authenticate({ session_token: migrated.session_token }), (e) => {
    assert.equal(e.status_code, 404);
    assert.equal(e.error_type, "session_not_found");
    assert.ok(e.request_id.startsWith("request-id-test-"));
    return true;
  });
});
let attested;
await check("sessions.attest (trusted auth token)", async () => {
  attested = await client.sessions.attest({ profile_id: env.ATTEST_PROFILE_ID, token: env.ATTEST_TOKEN, organization_id: env.ATTEST_ORGANIZATION_ID, session_duration_minutes: 45 });
  assert.equal(attested.status_code, 200);
  assert.equal(attested.member_id, env.ATTEST_MEMBER_ID);
  const factor = attested.member_session.authentication_factors[0];
  assert.equal(factor.type, "trusted_auth_token");
  assert.equal(factor.delivery_method, "trusted_token_exchange");
  assert.ok(factor.trusted_auth_token_factor.token_id);
  const s = await client.sessions.authenticateJwtLocal({ session_jwt: attested.session_jwt });
  assert.equal(s.member_session_id, attested.member_session.member_session_id);
});
await check("sessions.attest with session_token adds the factor to that session", async () => {
  const r = await client.sessions.attest({ profile_id: env.ATTEST_PROFILE_ID, token: env.ATTEST_TOKEN_2, organization_id: env.ATTEST_ORGANIZATION_ID, session_token: attested.session_token });
  assert.equal(r.member_session.member_session_id, attested.member_session.member_session_id);
  assert.equal(r.session_token, attested.session_token);
});
await check("sessions.attest with another profile is a StytchError 400", async () => {
  await assert.rejects(client.sessions.attest({ profile_id: "someone-else", token: env.ATTEST_TOKEN, organization_id: env.ATTEST_ORGANIZATION_ID }),
    (e) => e.status_code === 400 && e.error_type === "trusted_auth_token_profile_not_found");
});
await check("a bad secret is a StytchError 401", async () => {
  const wrong = new stytch.B2BClient({ project_id: env.PROJECT_ID, secret: "wrong-secret-wrong-secret", custom_base_url: env.BASE_URL });
  await assert.rejects(wrong.sessions.get({ organization_id: env.ORGANIZATION_ID, member_id: env.MEMBER_ID }), (e) => e.error_type === "unauthorized_credentials" && e.status_code === 401);
});
console.log(JSON.stringify({ ok: true, checks }));
