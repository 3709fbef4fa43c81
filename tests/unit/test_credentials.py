"""The credentials API client and commands, against a fake session."""

import json

import pytest

from litellm_cli import exceptions
from litellm_cli.api.credentials import CredentialsAPI
from litellm_cli.plugins import credentials as plugin
from tests.unit.conftest import PINNED, FakeSession, release, run, shown


CREDENTIAL = {"credential_name": "azure-prod", "display_name": None, "source": "db",
              "credential_info": {"custom_llm_provider": "azure"},
              "credential_values": {"api_key": "sk****23", "api_base": "https://x"}}


def test_names_with_slashes_are_quoted_into_one_path_segment():
    session = FakeSession({("GET", "/credentials/by_name/team%2Fazure"): CREDENTIAL,
                           ("DELETE", "/credentials/team%2Fazure"): None, **release(PINNED)})
    api = CredentialsAPI(session)
    assert api.get("team/azure") == CREDENTIAL
    api.delete("team/azure")
    assert [c[:2] for c in session.calls] == [("GET", "/credentials/by_name/team%2Fazure"),
                                             ("GET", "/public/model_hub/info"),
                                             ("DELETE", "/credentials/team%2Fazure")]


def test_list_rows_are_name_and_provider():
    other = {"credential_name": "bare", "credential_info": {}}
    session = FakeSession({("GET", "/credentials"): {"credentials": [CREDENTIAL, other]}})
    columns, rows = run(plugin.ListCredential, [], session)[0]
    assert columns == ("credential_name", "custom_llm_provider")
    assert rows == [("azure-prod", "azure"), ("bare", None)]


def test_create_sends_info_and_values_and_shows_only_value_names():
    session = FakeSession({("POST", "/credentials"): {"success": True}})
    result, _ = run(plugin.CreateCredential, [
        "azure-prod", "--info", '{"custom_llm_provider": "azure"}',
        "--values", '{"api_key": "sk-very-secret", "api_base": "https://x"}'], session)
    assert session.calls == [("POST", "/credentials", {"body": {
        "credential_name": "azure-prod", "credential_info": {"custom_llm_provider": "azure"},
        "credential_values": {"api_key": "sk-very-secret", "api_base": "https://x"}}})]
    out = shown(result)
    assert out["credential_values"] == {"api_key": "***", "api_base": "***"}
    assert out["custom_llm_provider"] == "azure"
    assert "sk-very-secret" not in json.dumps(out)


def test_create_reads_values_from_a_file(tmp_path):
    path = tmp_path / "values.json"
    path.write_text('{"api_key": "from-file"}')
    session = FakeSession({("POST", "/credentials"): {"success": True}})
    run(plugin.CreateCredential, ["c", "--values", f"@{path}"], session)
    body = session.calls[0][2]["body"]
    assert body["credential_values"] == {"api_key": "from-file"}
    assert body["credential_info"] == {}


@pytest.mark.parametrize("argv, option", [
    (["--values", "{oops"], "--values"),
    (["--values", "[1]"], "--values"),
    (["--values", "{}"], "--values"),
    (["--values", '{"a": 1}', "--info", '"azure"'], "--info"),
])
def test_create_bad_json_is_a_usage_error_naming_the_option(argv, option):
    session = FakeSession()
    with pytest.raises(exceptions.UsageError) as caught:
        run(plugin.CreateCredential, ["c", *argv], session)
    assert option in str(caught.value)
    assert session.calls == []


def test_create_requires_values():
    with pytest.raises(exceptions.UsageError, match="--values"):
        run(plugin.CreateCredential, ["c"], FakeSession())


def test_get_shows_every_field_as_the_proxy_masked_it():
    session = FakeSession({("GET", "/credentials/by_name/azure-prod"): CREDENTIAL})
    out = shown(run(plugin.ShowCredential, ["azure-prod"], session)[0])
    assert out == {"credential_name": "azure-prod", "custom_llm_provider": "azure",
                   "display_name": None, "source": "db",
                   "credential_info": {"custom_llm_provider": "azure"},
                   "credential_values": {"api_key": "sk****23", "api_base": "https://x"}}


def test_delete_unknown_credential_propagates_not_found():
    error = exceptions.NotFound("Credential not found", http_status=404)
    session = FakeSession({("DELETE", "/credentials/nope"): error, **release(PINNED)})
    with pytest.raises(exceptions.NotFound):
        run(plugin.DeleteCredential, ["nope"], session)


def test_delete_of_an_unknown_name_is_not_found_where_the_proxy_answers_success():
    # LiteLLM < 1.101 answers DELETE with success whatever the name: nothing is sent.
    error = exceptions.NotFound("Credential not found", http_status=404)
    session = FakeSession({("GET", "/credentials/by_name/nope"): error,
                           ("DELETE", "/credentials/nope"): {"success": True}, **release("1.100.5")})
    with pytest.raises(exceptions.NotFound):
        run(plugin.DeleteCredential, ["nope"], session)
    assert ("DELETE", "/credentials/nope") not in [c[:2] for c in session.calls]


def _gone_after_delete(still_there):
    state = {"deleted": False}

    def delete(**kwargs):
        state["deleted"] = True
        return {"success": True}

    def get(**kwargs):
        if state["deleted"] and not still_there:
            return exceptions.NotFound("Credential not found", http_status=404)
        return CREDENTIAL
    return FakeSession({("GET", "/credentials/by_name/azure-prod"): get,
                        ("DELETE", "/credentials/azure-prod"): delete, **release("1.100.5")})


def test_delete_on_an_old_release_is_read_back():
    session = _gone_after_delete(still_there=False)
    _, app = run(plugin.DeleteCredential, ["azure-prod"], session)
    assert app.stderr.getvalue() == "Deleted credential azure-prod\n"
    assert [c[:2] for c in session.calls][-2:] == [("DELETE", "/credentials/azure-prod"),
                                                  ("GET", "/credentials/by_name/azure-prod")]


def test_delete_the_proxy_answered_but_did_not_do_is_an_error():
    with pytest.raises(exceptions.CLIError) as error:
        run(plugin.DeleteCredential, ["azure-prod"], _gone_after_delete(still_there=True))
    assert str(error.value) == ("this proxy (LiteLLM 1.100.5) answered success but did not "
                                "apply the deletion of credential 'azure-prod'")
    assert error.value.exit_code == exceptions.EXIT_FAILURE


def test_delete_reports_on_stderr_only():
    session = FakeSession({("DELETE", "/credentials/c"): None, **release(PINNED)})
    _, app = run(plugin.DeleteCredential, ["c"], session)
    assert app.stdout.getvalue() == "" and "Deleted credential c" in app.stderr.getvalue()


def test_create_reads_info_from_a_file(tmp_path):
    path = tmp_path / "info.json"
    path.write_text('{"custom_llm_provider": "azure"}')
    session = FakeSession({("POST", "/credentials"): {"success": True}})
    run(plugin.CreateCredential, ["c", "--info", f"@{path}", "--values", '{"k": "v"}'], session)
    assert session.calls[0][2]["body"]["credential_info"] == {"custom_llm_provider": "azure"}


def test_create_refuses_to_read_info_and_values_both_from_stdin():
    with pytest.raises(exceptions.UsageError, match="stdin"):
        run(plugin.CreateCredential, ["c", "--info", "@-", "--values", "@-"], FakeSession())


def _update_on(stored, version="1.100.5"):
    """A proxy whose PATCH answers success and whose read-back shows ``stored``."""
    return FakeSession({("PATCH", "/credentials/azure-prod"): {"success": True},
                        ("GET", "/credentials/by_name/azure-prod"): stored, **release(version)})


def test_update_fails_naming_the_release_when_the_label_was_ignored(monkeypatch):
    # LiteLLM 1.100.5: PATCH answers success and drops display_name; by_name has no label.
    stored = {k: v for k, v in CREDENTIAL.items() if k != "display_name"}
    session = _update_on(stored)
    printed = []
    monkeypatch.setattr(plugin.UpdateCredential, "produce_output",
                        lambda self, args, columns, data: printed.append(dict(zip(columns, data))))
    with pytest.raises(exceptions.CLIError) as error:
        run(plugin.UpdateCredential, ["azure-prod", "--display-name", "Azure"], session)
    assert str(error.value) == ("this proxy (LiteLLM 1.100.5) answered success but did not "
                                "apply --display-name (the label is still None)")
    assert error.value.exit_code == exceptions.EXIT_FAILURE
    assert printed[0]["display_name"] is None  # what the proxy really has is shown


def test_update_fails_when_a_removed_value_is_still_stored(monkeypatch):
    session = _update_on(CREDENTIAL)
    monkeypatch.setattr(plugin.UpdateCredential, "produce_output", lambda *args: None)
    with pytest.raises(exceptions.CLIError) as error:
        run(plugin.UpdateCredential, ["azure-prod", "--remove-value", "api_base",
                                      "--remove-value", "gone"], session)
    assert str(error.value).endswith("did not apply --remove-value 'api_base'")


def test_update_applied_on_a_current_release_asks_no_version():
    stored = {**CREDENTIAL, "display_name": "Azure"}
    stored["credential_values"] = {"api_key": "sk****23"}
    session = _update_on(stored, "1.108.7")
    result, _ = run(plugin.UpdateCredential, ["azure-prod", "--display-name", " Azure ",
                                              "--remove-value", "api_base"], session)
    assert shown(result)["display_name"] == "Azure"
    assert ("GET", "/public/model_hub/info") not in [c[:2] for c in session.calls]


# LiteLLM 1.110.2's PATCH /credentials/{name} (credential_endpoints/endpoints.py,
# _without_masked_read_backs): a secret-named value shaped as the proxy masks it
# ("sk****23": 2 + 4 asterisks + 2, or "*****") keeps the stored secret; the
# answer is the usual success, and the read-back shows the same mask. Releases
# before it (1.108.7, 1.80.17) store the mask as the secret.
ANSWER_1_110 = {"success": True, "message": "Credential updated successfully"}


@pytest.mark.parametrize("version", ["1.80.17", PINNED, "1.110.2"])
@pytest.mark.parametrize("values, field", [
    ('{"api_key": "sk****23"}', "api_key"),           # the proxy's by_name mask
    ('{"api_key": "*****"}', "api_key"),              # ... of a short secret
    ('{"api_key": "***", "api_base": "https://y"}', "api_key"),  # credentials show's mask
    ('{"aws": {"secret": "ab****yz"}}', "aws.secret"),
])
def test_update_never_sends_a_masked_value_back_as_the_secret(version, values, field):
    session = FakeSession({("PATCH", "/credentials/azure-prod"): ANSWER_1_110,
                           ("GET", "/credentials/by_name/azure-prod"): CREDENTIAL,
                           **release(version)})
    with pytest.raises(exceptions.UsageError) as error:
        run(plugin.UpdateCredential, ["azure-prod", "--values", values], session)
    assert str(error.value) == (
        f"credential value {field} looks masked (as the proxy shows it), not a secret: give "
        "the real value, or leave it out to keep the stored one")
    assert "PATCH" not in [c[0] for c in session.calls]


def test_create_never_stores_a_masked_value_as_the_secret():
    # POST /credentials stores what it is given on every release, 1.110.2 included.
    session = FakeSession({("POST", "/credentials"): {"success": True}})
    with pytest.raises(exceptions.UsageError, match="api_key looks masked"):
        run(plugin.CreateCredential, ["c", "--values", '{"api_key": "sk****23"}'], session)
    assert session.calls == []


def test_a_real_secret_with_asterisks_in_it_is_sent():
    session = _update_on(CREDENTIAL, "1.110.2")
    run(plugin.UpdateCredential, ["azure-prod", "--values", '{"api_key": "sk-ab***cd-real"}'],
        session)
    patch = [c for c in session.calls if c[0] == "PATCH"]
    assert patch[0][2]["body"]["credential_values"] == {"api_key": "sk-ab***cd-real"}


def test_update_on_a_release_that_syncs_later_says_so(monkeypatch):
    # LiteLLM 1.80.17: PATCH changes the database; by_name shows the credential
    # as the proxy serves it, from memory, until its next sync (30s).
    session = _update_on(CREDENTIAL, "1.80.17")
    warned = []
    monkeypatch.setattr(plugin.UpdateCredential, "warn", lambda self, text: warned.append(text))
    result, _ = run(plugin.UpdateCredential, ["azure-prod", "--info", '{"region": "eu"}',
                                              "--values", '{"api_key": "sk-new-secret-99"}'],
                    session)
    assert shown(result)["credential_info"] == {"custom_llm_provider": "azure"}  # as served now
    assert warned == ["this proxy (LiteLLM 1.80.17) stored the update; it shows and serves "
                      "credential_info.region, credential_values.api_key only after its next "
                      "database sync (within 30s)"]


def test_update_shown_by_the_read_back_says_nothing_more(monkeypatch):
    stored = {**CREDENTIAL, "credential_info": {"custom_llm_provider": "azure", "region": "eu"},
              "credential_values": {"api_key": "sk****99", "api_base": "https://x"}}
    session = _update_on(stored, "1.80.17")
    warned = []
    monkeypatch.setattr(plugin.UpdateCredential, "warn", lambda self, text: warned.append(text))
    run(plugin.UpdateCredential, ["azure-prod", "--info", '{"region": "eu"}',
                                  "--values", '{"api_key": "sk-new-secret-99"}'], session)
    assert warned == []
    assert ("GET", "/public/model_hub/info") not in [c[:2] for c in session.calls]
