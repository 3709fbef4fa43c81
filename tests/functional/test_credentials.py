"""``credentials ...`` end to end against the real proxy.

Each test names its credentials with the ``unique`` fixture; ``cleanup``
deletes every credential (and model) carrying that name afterwards.
"""

import json

import pytest

from litellm_cli.api.credentials import UPDATE_SHOWN_FROM
from tests.functional.conftest import older, wait_for

SECRET = "sk-credential-secret-9f8e7d6c5b4a"
VALUES = json.dumps({"api_key": SECRET, "api_base": "http://127.0.0.1:9/v1"})
INFO = '{"custom_llm_provider": "azure"}'


def _proxy_credential(cli, name):
    """The credential as the proxy reports it, or None when it has none."""
    res = cli("http", "request", "GET", f"/credentials/by_name/{name}",
              "--show-secret", "credential_values", "--show-secret", "api_key")
    if res.rc == 5:
        return None
    assert res.rc == 0, res
    return json.loads(res.out)


@pytest.fixture
def cleanup(cli, unique):
    yield unique
    res = cli("http", "request", "GET", "/model/info")
    for model in json.loads(res.out)["data"]:
        if unique in model["model_name"]:
            cli("models", "delete", model["model_info"]["id"])
    res = cli("http", "request", "GET", "/credentials")
    for credential in json.loads(res.out)["credentials"]:
        if unique in credential["credential_name"]:
            cli("credentials", "delete", credential["credential_name"])


def test_create_stores_the_credential_and_never_prints_its_secret(cli, cleanup):
    res = cli("credentials", "create", cleanup, "--info", INFO, "--values", VALUES, "-f", "json")
    assert res.rc == 0, res
    assert SECRET not in res.out + res.err
    shown = res.json()
    assert shown["credential_name"] == cleanup
    assert shown["custom_llm_provider"] == "azure"
    assert set(shown["credential_values"]) == {"api_key", "api_base"}

    stored = _proxy_credential(cli, cleanup)
    assert stored["credential_info"] == {"custom_llm_provider": "azure"}
    assert stored["credential_values"]["api_base"] == "http://127.0.0.1:9/v1"


@pytest.mark.parametrize("name, api_base", [("azure-cred", "https://example.azure.openai.com"),
                                            ("azure-prod", "https://prod.azure.openai.com")])
def test_documented_create_examples_store_what_they_say(cli, cleanup, name, api_base):
    name = f"{cleanup}-{name}"
    res = cli("credentials", "create", name, "--info", '{"custom_llm_provider": "azure"}',
              "--values", json.dumps({"api_key": "sk-123", "api_base": api_base}))
    assert res.rc == 0, res
    assert "sk-123" not in res.out + res.err
    stored = _proxy_credential(cli, name)
    assert stored["credential_info"] == {"custom_llm_provider": "azure"}
    assert stored["credential_values"]["api_base"] == api_base
    assert stored["credential_values"]["api_key"] != "sk-123"  # masked by the proxy
    listed = cli("credentials", "list", "--format", "json")
    assert listed.rc == 0, listed
    assert {"credential_name": name, "custom_llm_provider": "azure"} in listed.json()


def test_create_reads_values_from_a_file(cli, cleanup, tmp_path):
    secret_file = tmp_path / "values.json"
    secret_file.write_text(VALUES)
    res = cli("credentials", "create", cleanup, "--values", f"@{secret_file}")
    assert res.rc == 0, res
    stored = _proxy_credential(cli, cleanup)
    assert stored is not None
    assert stored["credential_values"]["api_base"] == "http://127.0.0.1:9/v1"


def test_create_reads_values_from_stdin(cli, cleanup):
    res = cli("credentials", "create", cleanup, "--values", "@-", input=VALUES)
    assert res.rc == 0, res
    assert SECRET not in res.out + res.err
    stored = _proxy_credential(cli, cleanup)
    assert stored["credential_values"]["api_base"] == "http://127.0.0.1:9/v1"


def test_list_shows_name_and_provider(cli, cleanup):
    assert cli("credentials", "create", cleanup, "--info", INFO, "--values", VALUES).rc == 0
    res = cli("credentials", "list", "-f", "json")
    assert res.rc == 0, res
    assert {"credential_name": cleanup, "custom_llm_provider": "azure"} in res.json()
    table = cli("credentials", "list")
    assert "| credential_name" in table.out and "| custom_llm_provider" in table.out
    assert SECRET not in res.out


def test_get_shows_masked_values(cli, cleanup):
    assert cli("credentials", "create", cleanup, "--info", INFO, "--values", VALUES).rc == 0
    res = cli("credentials", "get", cleanup, "-f", "json")
    assert res.rc == 0, res
    shown = res.json()
    assert shown["credential_name"] == cleanup and shown["custom_llm_provider"] == "azure"
    assert shown["credential_values"]["api_key"] != SECRET
    assert SECRET not in res.out + res.err


def test_name_with_a_slash_round_trips(cli, cleanup):
    name = f"team-a/{cleanup}"
    assert cli("credentials", "create", name, "--values", VALUES).rc == 0
    res = cli("credentials", "get", name, "-f", "json")
    assert res.rc == 0, res
    assert res.json()["credential_name"] == name
    assert cli("credentials", "delete", name).rc == 0


def test_delete_removes_the_credential_and_a_second_delete_exits_5(cli, cleanup):
    assert cli("credentials", "create", cleanup, "--values", VALUES).rc == 0
    res = cli("credentials", "delete", cleanup)
    assert res.rc == 0, res
    assert res.out == "" and cleanup in res.err
    assert _proxy_credential(cli, cleanup) is None
    again = cli("credentials", "delete", cleanup)
    assert again.rc == 5, again


def test_duplicate_name_is_rejected(cli, cleanup, proxy_version):
    assert cli("credentials", "create", cleanup, "--values", VALUES).rc == 0
    res = cli("credentials", "create", cleanup, "--values", VALUES)
    if older(proxy_version, "1.103"):  # the database's unique constraint fails: a server error
        assert res.rc == 7, res
        assert "Unique constraint failed" in res.err and "(HTTP 500)" in res.err
    else:
        assert res.rc == 6, res
        assert "(HTTP 409)" in res.err


def test_get_unknown_credential_exits_5(cli, unique):
    res = cli("credentials", "get", unique)
    assert res.rc == 5, res
    assert len(res.err.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [
    ["--values", "{not json"],
    ["--values", '["a list"]'],
    ["--values", "{}"],
    ["--values", VALUES, "--info", "nope"],
])
def test_bad_json_is_a_usage_error_and_creates_nothing(cli, unique, args):
    res = cli("credentials", "create", unique, *args)
    assert res.rc == 2, res
    assert len(res.err.strip().splitlines()) == 1
    assert _proxy_credential(cli, unique) is None


def test_model_using_a_credential_answers_chat(cli, cleanup):
    assert cli("credentials", "create", cleanup, "--info", '{"custom_llm_provider": "openai"}',
               "--values", VALUES).rc == 0
    name = f"{cleanup}-model"
    res = cli("models", "add", name, "-p", "model=openai/gpt-4o",
              "-p", f"litellm_credential_name={cleanup}", "-p", "mock_response=via credential")
    assert res.rc == 0, res
    info = cli("models", "info", "--columns", "public_model,credential_name", "-f", "json")
    assert {"public_model": name, "credential_name": cleanup} in info.json()
    chat = cli("http", "request", "POST", "/chat/completions", "-j",
               json.dumps({"model": name, "messages": [{"role": "user", "content": "hi"}]}))
    assert chat.rc == 0, chat
    assert chat.json()["choices"][0]["message"]["content"] == "via credential"


NEW_SECRET = "sk-credential-new-secret-zq"


# Before LiteLLM 1.106 PATCH /credentials/{name} answers success but keeps the label and
# every value: there the CLI reads back and fails naming what was not applied.
LABELS_FROM = "1.106"


def _not_applied(res, proxy_version, what):
    assert res.rc == 1, res
    assert res.err.strip().splitlines()[-1] == (
        f"Error: this proxy (LiteLLM {proxy_version}) answered success but did not apply {what}")


def test_update_merges_values_and_info_and_never_prints_the_secret(cli, cleanup, proxy_version):
    labels = not older(proxy_version, LABELS_FROM)
    assert cli("credentials", "create", cleanup, "--info", INFO, "--values", VALUES).rc == 0
    res = cli("credentials", "update", cleanup, *(["--display-name", "Azure prod"] * labels),
              "--info", '{"region": "eu"}', "--values", "@-", "-f", "json",
              input=json.dumps({"api_key": NEW_SECRET}))
    assert res.rc == 0, res
    assert NEW_SECRET not in res.out + res.err and SECRET not in res.out + res.err
    if older(proxy_version, UPDATE_SHOWN_FROM):
        # The proxy serves it after its next database sync (30s), and the CLI says so.
        assert "only after its next database sync (within 30s)" in res.err, res
        assert wait_for(lambda: _proxy_credential(cli, cleanup)["credential_info"].get("region"))
    stored = _proxy_credential(cli, cleanup)
    assert stored.get("display_name") == ("Azure prod" if labels else None)
    assert stored["credential_info"] == {"custom_llm_provider": "azure", "region": "eu"}
    # The proxy shows values masked, keeping their last two characters.
    assert stored["credential_values"]["api_key"].endswith("zq")
    assert stored["credential_values"]["api_base"] == "http://127.0.0.1:9/v1"


def test_update_removes_a_value_and_clears_the_display_name(cli, cleanup, proxy_version):
    assert cli("credentials", "create", cleanup, "--values", VALUES).rc == 0
    labelled = cli("credentials", "update", cleanup, "--display-name", "x")
    res = cli("credentials", "update", cleanup, "--remove-value", "api_base",
              "--clear-display-name")
    stored = _proxy_credential(cli, cleanup)
    if older(proxy_version, LABELS_FROM):
        _not_applied(labelled, proxy_version, "--display-name (the label is still None)")
        # The label was never stored, so clearing it is done; the value is still there.
        _not_applied(res, proxy_version, "--remove-value 'api_base'")
        assert set(stored["credential_values"]) == {"api_key", "api_base"}
        assert stored.get("display_name") is None
        return
    assert labelled.rc == 0, labelled
    assert res.rc == 0, res
    assert set(stored["credential_values"]) == {"api_key"}
    assert stored["display_name"] is None


def test_update_reports_a_label_only_when_the_proxy_stored_it(cli, cleanup, proxy_version):
    assert cli("credentials", "create", cleanup, "--values", VALUES).rc == 0
    res = cli("credentials", "update", cleanup, "--display-name", "Label", "-f", "json")
    stored = _proxy_credential(cli, cleanup)
    if older(proxy_version, LABELS_FROM):
        _not_applied(res, proxy_version, "--display-name (the label is still None)")
        assert json.loads(res.out)["display_name"] is None  # what the proxy has is shown
        assert stored.get("display_name") is None
    else:
        assert res.rc == 0, res
        assert stored["display_name"] == json.loads(res.out)["display_name"] == "Label"


def test_update_unknown_credential_is_not_found(cli, unique):
    res = cli("credentials", "update", f"{unique}-nope", "--display-name", "x")
    assert res.rc == 5, res
    assert res.err.count("\n") == 1


def test_update_with_bad_values_json_is_a_usage_error_and_changes_nothing(cli, cleanup):
    assert cli("credentials", "create", cleanup, "--values", VALUES).rc == 0
    res = cli("credentials", "update", cleanup, "--values", "{not json")
    assert res.rc == 2, res
    assert "--values is not valid JSON" in res.err
