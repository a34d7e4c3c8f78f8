# Drives the official Stytch Python SDK (a checkout of stytchauth/stytch-python, never committed here: its directory is
# put on sys.path from STYTCH_PYTHON_SDK) against this service. Run by
# tests/SessionFunctions.Tests/Compatibility/StytchPythonSdkTests.cs, which starts the server over HTTPS and passes the
# same variables as the Node script (BASE_URL, PROJECT_ID, SECRET, ORGANIZATION_ID, MEMBER_ID, LEGACY_TOKEN,
# ATTEST_PROFILE_ID, ATTEST_ORGANIZATION_ID, ATTEST_MEMBER_ID, ATTEST_TOKEN, ATTEST_TOKEN_2), plus REQUESTS_CA_BUNDLE
# and SSL_CERT_FILE naming the test authority. Prints one JSON line: {"ok": true, "checks": [...]} or {"ok": false, ...}.
import json
import os
import sys
import traceback

sys.path.insert(0, os.environ["STYTCH_PYTHON_SDK"])
from stytch import B2BClient  # noqa: E402
from stytch.core.response_base import StytchError  # noqa: E402

env = os.environ
client = B2BClient(project_id=env["PROJECT_ID"], secret=env["SECRET"], custom_base_url=env["BASE_URL"])
checks = []


def check(name, fn):
    try:
        fn()
        checks.append(name)
    except Exception:  # noqa: BLE001
        print(json.dumps({"ok": False, "failed": name, "error": traceback.format_exc(), "checks": checks}))
        sys.exit(1)


state = {}


def migrate():
    r = client.sessions.migrate(session_token=env["LEGACY_TOKEN"], organization_id=env["ORGANIZATION_ID"], session_duration_minutes=90)
    assert r.status_code == 200 and r.member_id == env["MEMBER_ID"], r
    assert r.member_session.authentication_factors[0].delivery_method == "imported_auth0"
    state["migrated"] = r


def authenticate():
    r = client.sessions.authenticate(session_token=state["migrated"].session_token)
    assert r.member_session.member_session_id == state["migrated"].member_session.member_session_id


def authenticate_jwt_local():
    s = client.sessions.authenticate_jwt_local(session_jwt=state["migrated"].session_jwt)
    assert s is not None and s.member_session_id == state["migrated"].member_session.member_session_id, s


def attest():
    r = client.sessions.attest(profile_id=env["ATTEST_PROFILE_ID"], token=env["ATTEST_TOKEN"],
                               organization_id=env["ATTEST_ORGANIZATION_ID"], session_duration_minutes=45)
    assert r.status_code == 200 and r.member_id == env["ATTEST_MEMBER_ID"], r
    factor = r.member_session.authentication_factors[0]
    assert str(getattr(factor.type, "value", factor.type)) == "trusted_auth_token", factor
    assert str(getattr(factor.delivery_method, "value", factor.delivery_method)) == "trusted_token_exchange", factor
    assert factor.trusted_auth_token_factor is not None and factor.trusted_auth_token_factor.token_id
    s = client.sessions.authenticate_jwt_local(session_jwt=r.session_jwt)
    assert s is not None and s.member_session_id == r.member_session.member_session_id
    state["attested"] = r


def attest_into_session():
    r = client.sessions.attest(profile_id=env["ATTEST_PROFILE_ID"], token=env["ATTEST_TOKEN_2"],
                               organization_id=env["ATTEST_ORGANIZATION_ID"], session_token=state["attested"].session_token)
    assert r.member_session.member_session_id == state["attested"].member_session.member_session_id
    assert r.session_token == state["attested"].session_token


def attest_wrong_profile():
    try:
        client.sessions.attest(profile_id="someone-else", token=env["ATTEST_TOKEN"], organization_id=env["ATTEST_ORGANIZATION_ID"])
    except StytchError as e:
        assert e.details.status_code == 400 and e.details.error_type == "trusted_auth_token_profile_not_found", e
        return
    raise AssertionError("attest with another profile succeeded")


def revoke():
    client.sessions.revoke(member_session_id=state["migrated"].member_session.member_session_id)
    try:
        client.sessions.authenticate(session_token=state["migrated"].session_token)
    except StytchError as e:
        assert e.details.status_code == 404 and e.details.error_type == "session_not_found", e
        return
    raise AssertionError("a revoked session authenticated")


check("sessions.migrate", migrate)
check("sessions.authenticate (token)", authenticate)
check("sessions.authenticate_jwt_local (JWKS through PyJWKClient)", authenticate_jwt_local)
check("sessions.attest (trusted auth token)", attest)
check("sessions.attest with session_token adds the factor to that session", attest_into_session)
check("sessions.attest with another profile is a StytchError 400", attest_wrong_profile)
check("sessions.revoke then authenticate is a StytchError 404", revoke)
print(json.dumps({"ok": True, "checks": checks}))
