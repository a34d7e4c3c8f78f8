// Drives the official Stytch Node SDK (npm "stytch", pinned in package.json) against this service.
// Run by tests/SessionFunctions.Tests/Compatibility/StytchNodeSdkTests.cs, which starts the server over HTTPS and
// passes: BASE_URL, PROJECT_ID, SECRET, ORGANIZATION_ID, MEMBER_ID, LEGACY_TOKEN, OTHER_ORGANIZATION_ID and OTHER_MEMBER_ID
// (a pending member with the same email in a second organization), RBAC_SUBJECTS (JSON: a name -> {email, token} for the
// authorization matrix, each token a legacy token for that email), NODE_EXTRA_CA_CERTS, and for attest:
// ATTEST_ORGANIZATION_ID (an organization trusting the provider ATTEST_PROFILE_ID, which signs ATTEST_TOKEN and
// ATTEST_TOKEN_2 for its member ATTEST_MEMBER_ID). The server loads the example policy examples/rbac-policy.json.
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
// Authorization: the SDK's local checks (authenticateJwtLocal, and authenticateJwt, which falls back to the server when the
// local check refuses) read GET /v1/b2b/rbac/policy and GET /v1/b2b/rbac/organizations/{id}; sessions.authenticate sends the
// check to the server. All three must agree with each other and with the expected matrix below, cell by cell.
const subjects = JSON.parse(env.RBAC_SUBJECTS);
let rbacOrganizationId;
const sessionsBySubject = {};
await check("rbac.policy (the example policy with Stytch's defaults)", async () => {
  const r = await client.rbac.policy();
  assert.equal(r.status_code, 200);
  assert.deepEqual(r.policy.resources.map((x) => x.resource_id), ["stytch.organization", "stytch.member", "stytch.sso", "stytch.self", "documents", "images", "invoices"]);
  assert.deepEqual(r.policy.roles.map((x) => x.role_id), ["stytch_admin", "stytch_member", "editor", "viewer", "billing"]);
  assert.deepEqual(r.policy.scopes.map((x) => x.scope), ["read:documents"]);
});
await check("organizations.create (implicit role by email domain) and rbac.organizations.setOrgPolicy / getOrgPolicy", async () => {
  const created = await client.organizations.create({
    organization_name: "RBAC matrix", organization_slug: "rbac-" + Date.now().toString(36),
    rbac_email_implicit_role_assignments: [{ domain: subjects.byEmailDomain.email.split("@")[1], role_id: "viewer" }],
  });
  rbacOrganizationId = created.organization.organization_id;
  const auditor = { role_id: "auditor", description: "Reads and exports invoices, finds members",
    permissions: [{ resource_id: "invoices", actions: ["read", "export"] }, { resource_id: "stytch.member", actions: ["search"] }] };
  const set = await client.rbac.organizations.setOrgPolicy({ organization_id: rbacOrganizationId, org_policy: { roles: [auditor] } });
  assert.deepEqual(set.org_policy.roles, [auditor]);
  const got = await client.rbac.organizations.getOrgPolicy({ organization_id: rbacOrganizationId });
  assert.deepEqual(got.org_policy.roles, [auditor]);
  await assert.rejects(client.rbac.organizations.setOrgPolicy({ organization_id: rbacOrganizationId,
    org_policy: { roles: [{ role_id: "x", description: "", permissions: [{ resource_id: "payroll", actions: ["read"] }] }] } }),
    (e) => e.status_code === 400 && e.error_type === "invalid_permission_resource");
});
await check("organizations.members.create with roles that exist (a role that does not is a 400), then sessions.migrate each", async () => {
  const roles = { plain: [], editor: ["editor"], adminAndBilling: ["stytch_admin", "billing"], customRole: ["auditor"], byEmailDomain: [] };
  await assert.rejects(client.organizations.members.create({ organization_id: rbacOrganizationId, email_address: "ghost@example.com", roles: ["ghost"] }),
    (e) => e.status_code === 400 && e.error_type === "invalid_rbac_role_id");
  for (const [name, subject] of Object.entries(subjects)) {
    await client.organizations.members.create({ organization_id: rbacOrganizationId, email_address: subject.email, roles: roles[name] });
    sessionsBySubject[name] = await client.sessions.migrate({ session_token: subject.token, organization_id: rbacOrganizationId });
  }
  const byDomain = sessionsBySubject.byEmailDomain;
  assert.deepEqual(byDomain.member_session.roles, ["stytch_member", "viewer"]);
  assert.deepEqual(byDomain.member.roles.find((r) => r.role_id === "viewer").sources.map((x) => x.type), ["email_assignment"]);
});

const cells = [
  ["documents", "read"], ["documents", "update"], ["documents", "delete"],
  ["images", "read"], ["images", "update"], ["images", "delete"],
  ["invoices", "read"], ["invoices", "pay"], ["invoices", "export"],
  ["stytch.member", "search"], ["stytch.member", "delete"], ["stytch.member", "update.settings.roles"],
];
// What the example policy and the organization's roles allow (every member also holds stytch_member: documents:read).
const allowed = {
  plain: ["documents:read"],
  editor: ["documents:read", "documents:update", "images:read", "images:update", "images:delete"],
  adminAndBilling: ["documents:read", "invoices:read", "invoices:pay", "invoices:export", "stytch.member:search", "stytch.member:delete", "stytch.member:update.settings.roles"],
  customRole: ["documents:read", "invoices:read", "invoices:export", "stytch.member:search"],
  byEmailDomain: ["documents:read", "images:read", "invoices:read"],
};
const outcome = async (promise) => {
  try { await promise; return "allowed"; }
  catch (e) { return e.error_type ?? e.code ?? String(e); }
};
const expected = (name, resource, action) => allowed[name].includes(`${resource}:${action}`) ? "allowed" : "session_authorization_error";
const matrix = async (label, run, refusal) => {
  let cellsChecked = 0, allowedCells = 0;
  for (const name of Object.keys(subjects)) {
    for (const [resource_id, action] of cells) {
      const authorization_check = { organization_id: rbacOrganizationId, resource_id, action };
      const got = await outcome(run(sessionsBySubject[name], authorization_check));
      const want = expected(name, resource_id, action);
      assert.equal(got, want === "allowed" ? want : refusal, `${label}: ${name} ${action} on ${resource_id}`);
      cellsChecked++; if (want === "allowed") allowedCells++;
    }
  }
  assert.equal(cellsChecked, 60);
  assert.equal(allowedCells, 20);
};
await check("authorization matrix (5 subjects x 4 resources x 3 actions): sessions.authenticate, decided by the server", async () => {
  await matrix("server", async (s, authorization_check) => {
    const r = await client.sessions.authenticate({ session_token: s.session_token, authorization_check });
    assert.equal(r.verdict.authorized, true);
    assert.ok(r.verdict.granting_roles.length > 0 && r.verdict.granting_roles.every((role) => r.member_session.roles.includes(role)));
  }, "session_authorization_error");
});
await check("authorization matrix: sessions.authenticateJwtLocal, decided by the SDK from GET /v1/b2b/rbac/policy and the organization's roles", async () => {
  await matrix("local", (s, authorization_check) => client.sessions.authenticateJwtLocal({ session_jwt: s.session_jwt, authorization_check }), "invalid_permissions");
});
await check("authorization matrix: sessions.authenticateJwt (local first, the server when the local check refuses)", async () => {
  await matrix("jwt", (s, authorization_check) => client.sessions.authenticateJwt({ session_jwt: s.session_jwt, authorization_check }), "session_authorization_error");
});
await check("authorization_check of another organization: 403 tenancy error from the server, tenancy_mismatch locally", async () => {
  const s = sessionsBySubject.adminAndBilling;
  const authorization_check = { organization_id: env.ORGANIZATION_ID, resource_id: "documents", action: "read" };
  assert.equal(await outcome(client.sessions.authenticate({ session_token: s.session_token, authorization_check })), "session_authorization_tenancy_error");
  assert.equal(await outcome(client.sessions.authenticateJwtLocal({ session_jwt: s.session_jwt, authorization_check })), "tenancy_mismatch");
});
await check("organizations.create then organizations.delete: the organization is gone, its slug free again", async () => {
  const slug = "sdk-delete-" + Date.now().toString(36);
  const created = await client.organizations.create({ organization_name: "Deleted by the SDK", organization_slug: slug });
  const id = created.organization.organization_id;
  const deleted = await client.organizations.delete({ organization_id: id });
  assert.equal(deleted.status_code, 200);
  assert.equal(deleted.organization_id, id);
  assert.equal(await outcome(client.organizations.get({ organization_id: id })), "organization_not_found");
  const again = await client.organizations.create({ organization_name: "Same slug", organization_slug: slug });
  assert.notEqual(again.organization.organization_id, id);
});
console.log(JSON.stringify({ ok: true, checks }));
