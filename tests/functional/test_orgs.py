"""orgs commands against a proxy without an Enterprise licence: each shows the
proxy's licence message on one line and exits 4 (HTTP 403)."""

import pytest

LICENCE = "Organizations are only available for LiteLLM Enterprise users"


@pytest.fixture(scope="module", autouse=True)
def community_proxy(proxy):
    import requests

    licence = requests.get(f"{proxy.url}/health/license", timeout=30).json()
    if licence.get("has_license"):
        pytest.skip("this proxy has an Enterprise licence")


@pytest.mark.parametrize("argv", [
    ["orgs", "list"],
    ["orgs", "create", "--alias", "{unique}"],
    ["orgs", "member", "add", "--organization-id", "{unique}", "--user-id", "{unique}"],
])
def test_licence_message_and_exit_code(cli, api, unique, argv):
    res = cli(*[arg.format(unique=unique) for arg in argv])
    assert res.rc == 4, res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and LICENCE in lines[0] and lines[0].endswith("(HTTP 403)")
    assert res.out == ""
    response = api.call("GET", "/user/info", user_id=unique)
    assert response.status_code == 404  # member add created no user


def test_delete_reports_the_licence_message(cli, unique):
    res = cli("orgs", "delete", unique)
    assert res.rc == 4, res  # one id fails as its error does: a licence refusal
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and LICENCE in lines[0], res


def test_help_says_it_needs_enterprise(cli):
    for words in (["orgs", "list"], ["orgs", "create"], ["orgs", "delete"],
                  ["orgs", "member", "add"]):
        res = cli(*words, "--help")
        assert res.rc == 0 and "LiteLLM Enterprise" in res.out, res
