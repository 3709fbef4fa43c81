"""orgs commands against a proxy without an Enterprise licence: from LiteLLM 1.102 each
shows the proxy's licence message on one line and exits 4 (HTTP 403); older releases serve
organizations without a licence."""

import pytest

from tests.functional.conftest import older

LICENCE = "Organizations are only available for LiteLLM Enterprise users"
LICENSED_FROM = "1.102"


@pytest.fixture(scope="module", autouse=True)
def community_proxy(proxy):
    import requests

    licence = requests.get(f"{proxy.url}/health/license", timeout=30).json()
    if licence.get("has_license"):
        pytest.skip("this proxy has an Enterprise licence")


# What each command does on a release before 1.102: its exit code and its one stderr line.
@pytest.mark.parametrize("argv,unlicensed", [
    (["orgs", "list"], (0, "")),
    (["orgs", "create", "--alias", "{unique}"], (0, "")),
    (["orgs", "member", "add", "--organization-id", "{unique}", "--user-id", "{unique}"],
     (5, "Error: Organization not found for organization_id={unique} (HTTP 404)")),
])
def test_licence_message_and_exit_code(cli, api, unique, argv, unlicensed, proxy_version):
    res = cli(*[arg.format(unique=unique) for arg in argv])
    if older(proxy_version, LICENSED_FROM):
        created = [org["organization_id"] for org in api.ok("GET", "/organization/list")
                   if org.get("organization_alias") == unique]
        for org_id in created:
            api.call("DELETE", "/organization/delete", json={"organization_ids": [org_id]})
        assert (res.rc, res.err.strip()) == (unlicensed[0], unlicensed[1].format(unique=unique))
        assert len(created) == (argv[1] == "create")
        assert LICENCE not in res.err
        assert api.call("GET", "/user/info", user_id=unique).status_code == 404
        return
    assert res.rc == 4, res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and LICENCE in lines[0] and lines[0].endswith("(HTTP 403)")
    assert res.out == ""
    response = api.call("GET", "/user/info", user_id=unique)
    assert response.status_code == 404  # member add created no user


def test_delete_reports_the_licence_message(cli, unique, proxy_version):
    res = cli("orgs", "delete", unique)
    if older(proxy_version, LICENSED_FROM):  # no licence needed: an unknown id is not found
        assert (res.rc, res.err.strip()) == (
            5, f"Error: Organization={unique} not found (HTTP 404)"), res
        return
    assert res.rc == 4, res  # one id fails as its error does: a licence refusal
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and LICENCE in lines[0], res


def test_help_says_it_needs_enterprise(cli):
    for words in (["orgs", "list"], ["orgs", "create"], ["orgs", "delete"],
                  ["orgs", "member", "add"]):
        res = cli(*words, "--help")
        assert res.rc == 0 and "LiteLLM Enterprise" in res.out, res
