"""``models ...`` end to end against the real proxy.

Every model a test creates has the test's ``unique`` string in its name; the
``cleanup`` fixture deletes all of them afterwards, whatever happened, by
asking the proxy itself for models with that string in their name.
"""

import json
import pathlib

import pytest

DATA = pathlib.Path(__file__).parent / "data"
FAKE_UPSTREAM = ["-p", "model=openai/gpt-4o", "-p", "api_base=http://127.0.0.1:9/v1",
                 "-p", "api_key=fake-upstream-key-42"]


def _proxy_models(cli):
    """Every deployment, as the proxy reports it (not through our commands)."""
    res = cli("http", "request", "GET", "/model/info")
    assert res.rc == 0, res
    return json.loads(res.out)["data"]


def _proxy_model(cli, model_id):
    res = cli("http", "request", "GET", f"/model/info?litellm_model_id={model_id}")
    return res.rc, (json.loads(res.out)["data"][0] if res.rc == 0 else None)


def _chat(cli, model):
    res = cli("http", "request", "POST", "/chat/completions", "-j",
              json.dumps({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
    assert res.rc == 0, res
    return res.json()["choices"][0]["message"]["content"]


@pytest.fixture
def cleanup(cli, unique):
    """Yields the unique name; deletes every model named with it at the end."""
    yield unique
    for model in _proxy_models(cli):
        if unique in model["model_name"]:
            cli("models", "delete", model["model_info"]["id"])


def _add(cli, name, *args):
    res = cli("models", "add", name, *FAKE_UPSTREAM, *args, "-f", "json")
    assert res.rc == 0, res
    return res.json()


def test_add_creates_a_usable_model_without_printing_its_api_key(cli, cleanup):
    name = f"{cleanup}-add"
    shown = _add(cli, name, "-p", "mock_response=added and answering",
                 "-i", "description=GPT-4 model")
    assert "fake-upstream-key-42" not in json.dumps(shown)
    assert shown["model_name"] == name and shown["upstream_model"] == "openai/gpt-4o"

    rc, stored = _proxy_model(cli, shown["id"])
    assert rc == 0
    assert stored["model_name"] == name
    assert stored["litellm_params"]["model"] == "openai/gpt-4o"
    assert stored["model_info"]["description"] == "GPT-4 model"
    assert _chat(cli, name) == "added and answering"


def test_add_without_model_param_uses_the_name_as_upstream_model(cli, cleanup):
    # The provider prefix lets the proxy route a name it has never heard of.
    name = f"openai/{cleanup}-noparam"
    res = cli("models", "add", name, "-p", "api_base=http://127.0.0.1:9/v1", "-f", "json")
    assert res.rc == 0, res
    rc, stored = _proxy_model(cli, res.json()["id"])
    assert rc == 0 and stored["litellm_params"]["model"] == name


# The documented examples point at real upstreams (api.openai.com). Storing
# such a model is harmless, but nothing may ever call it: the tests never chat
# with these, and mock_response keeps even a proxy health check off the network.
NEVER_CALLED = ["-p", "mock_response=never sent upstream"]


def test_documented_add_example_uses_the_name_as_upstream_model_and_says_so(cli, cleanup):
    # The example's "gpt-4" is a name the proxy routes to OpenAI by itself; a
    # unique test name needs the provider prefix to be as routable.
    name = f"openai/gpt-4-{cleanup}"
    res = cli("models", "add", name, "-p", "api_key=sk-123", "-p",
              "api_base=https://api.openai.com", "-i", "description=GPT-4 model", *NEVER_CALLED,
              "-f", "json")
    assert res.rc == 0, res
    assert f"note: no -p model=... given; using '{name}' as the upstream model" in res.err
    assert "sk-123" not in res.out + res.err
    rc, stored = _proxy_model(cli, res.json()["id"])
    assert rc == 0
    assert stored["model_name"] == name
    assert stored["litellm_params"]["model"] == name
    assert stored["litellm_params"]["api_base"] == "https://api.openai.com"
    assert stored["model_info"]["description"] == "GPT-4 model"


def test_documented_add_example_with_typed_param(cli, cleanup):
    res = cli("models", "add", f"openai/gpt-4-{cleanup}", "-p", "api_key=sk-123",
              "-p", "max_tokens=2048", *NEVER_CALLED, "-f", "json")
    assert res.rc == 0, res
    rc, stored = _proxy_model(cli, res.json()["id"])
    assert rc == 0 and stored["litellm_params"]["max_tokens"] == 2048


def _stored_rows(cli, text):
    """Rows in the proxy's database whose name contains text, served or not
    (/model/info lists only the served ones; /v2/model/info's search also the rest)."""
    res = cli("http", "request", "GET", f"/v2/model/info?search={text}&size=100")
    assert res.rc == 0, res
    return [m["model_name"] for m in res.json()["data"] if text in m["model_name"]]


def test_add_of_a_model_the_proxy_cannot_serve_fails_and_leaves_nothing(cli, cleanup):
    res = cli("models", "add", f"{cleanup}-gpt-4", "-p", "api_base=https://api.openai.com",
              *NEVER_CALLED)
    # From LiteLLM 1.96 the proxy answers 500; before (1.90.7) it answers 200 and
    # the CLI finds the deployment missing from /model/info: the same report.
    assert res.rc == 7, res
    assert "cannot serve it" in res.err and "the stored copy was removed (" in res.err
    assert _stored_rows(cli, cleanup) == []


def test_list_shows_config_and_new_models(cli, cleanup):
    name = f"{cleanup}-list"
    _add(cli, name)
    res = cli("models", "list", "--format", "json")
    assert res.rc == 0, res
    ids = {m["id"] for m in res.json()}
    assert {"gpt-4o", "mistral-mock", name} <= ids


def test_info_default_columns_and_chosen_columns(cli, cleanup):
    name = f"{cleanup}-info"
    added = _add(cli, name)
    res = cli("models", "info", "--format", "json")
    assert res.rc == 0, res
    rows = res.json()
    assert list(rows[0]) == ["public_model", "upstream_model", "credential_name", "created_at",
                            "updated_at", "id", "input_cost", "output_cost"]  # json: all
    assert {"public_model": name, "upstream_model": "openai/gpt-4o"}.items() <= next(
        r for r in rows if r["public_model"] == name).items()

    res = cli("models", "info", "--columns", "id,public_model,input_cost,output_cost",
              "-f", "json")
    assert res.rc == 0, res
    mine = next(r for r in res.json() if r["public_model"] == name)
    assert list(mine) == ["id", "public_model", "input_cost", "output_cost"]
    assert mine["id"] == added["id"]
    # gpt-4o costs $2.50 / $10 per million tokens in LiteLLM's price map.
    assert mine["input_cost"] == pytest.approx(0.0025)
    assert mine["output_cost"] == pytest.approx(0.01)


def test_info_unknown_column_is_a_usage_error(cli):
    res = cli("models", "info", "--columns", "public_model,nonsense")
    assert res.rc == 2, res
    assert "nonsense" in res.err and res.out == ""


def test_get_by_id_and_by_name_show_the_same_model(cli, cleanup):
    name = f"{cleanup}-get"
    added = _add(cli, name)
    by_id = cli("models", "get", "--id", added["id"], "-f", "json")
    by_name = cli("models", "get", "--name", name, "-f", "json")
    assert by_id.rc == 0 and by_name.rc == 0, (by_id, by_name)
    assert by_id.json()["id"] == by_name.json()["id"] == added["id"]
    assert by_id.json()["model_name"] == name


def test_get_by_name_with_several_deployments_asks_for_an_id(cli, cleanup):
    name = f"{cleanup}-twice"
    first, second = _add(cli, name), _add(cli, name)
    res = cli("models", "get", "--name", name)
    assert res.rc == 2, res
    assert first["id"] in res.err and second["id"] in res.err


@pytest.mark.parametrize("args", [["--id", "no-such-model-id"], ["--name", "no-such-model-name"]])
def test_get_unknown_model_exits_5(cli, args):
    res = cli("models", "get", *args)
    assert res.rc == 5, res
    assert res.err.startswith("Error: ") and len(res.err.strip().splitlines()) == 1


def test_get_needs_id_or_name(cli):
    res = cli("models", "get")
    assert res.rc == 2, res


def test_update_changes_only_given_fields_and_keeps_the_id(cli, cleanup):
    name = f"{cleanup}-upd"
    added = _add(cli, name, "-p", "mock_response=before", "-i", "description=old")
    res = cli("models", "update", added["id"], "-p", "temperature=0.7",
              "-i", "description=Updated model", "-f", "json")
    assert res.rc == 0, res
    assert res.json()["litellm_params"]["temperature"] == 0.7

    rc, stored = _proxy_model(cli, added["id"])
    assert rc == 0
    assert stored["litellm_params"]["temperature"] == 0.7
    assert stored["litellm_params"]["api_base"] == "http://127.0.0.1:9/v1"
    assert stored["model_info"]["description"] == "Updated model"
    assert stored["model_info"]["id"] == added["id"]
    assert _chat(cli, name) == "before"


def test_update_removes_a_null_param_or_refuses_naming_the_release(cli, cleanup):
    # litellm_params_to_remove exists from LiteLLM 1.109; before, a null param
    # keeps its value, so the CLI must refuse rather than report it removed.
    added = _add(cli, f"{cleanup}-rm", "-p", "rpm=5")
    res = cli("models", "update", added["id"], "-p", "rpm=null", "-f", "json")
    _, stored = _proxy_model(cli, added["id"])
    version = cli("http", "request", "GET", "/public/model_hub/info").json()["litellm_version"]
    if res.rc == 0:
        assert "rpm" not in stored["litellm_params"]
    else:
        assert res.rc == 6, res
        assert res.err == (f"Error: removing a param needs LiteLLM >= 1.109; this proxy is "
                           f"LiteLLM {version}\n")
        assert stored["litellm_params"]["rpm"] == 5


def test_update_unknown_model_exits_5(cli):
    res = cli("models", "update", "no-such-model-id", "-p", "temperature=0.1")
    assert res.rc == 5, res


def test_update_with_nothing_to_change_is_a_usage_error(cli):
    res = cli("models", "update", "any-id")
    assert res.rc == 2, res


def test_delete_removes_the_model_and_a_second_delete_reports_it_failed(cli, cleanup):
    added = _add(cli, f"{cleanup}-del")
    res = cli("models", "delete", added["id"])
    assert res.rc == 0, res
    assert res.out == "" and added["id"] in res.err
    rc, _ = _proxy_model(cli, added["id"])
    assert rc == 6  # the proxy answers 400 for an unknown id
    again = cli("models", "delete", added["id"])
    # Like every per-item command: one unknown id is "not found" (exit 5), in one line.
    assert again.rc == 5, again
    assert again.err.splitlines() == [
        f"Error: Model with id={added['id']} not found in db (HTTP 400)"]


def _import_file(tmp_path, prefix, name="models-import.yaml"):
    path = tmp_path / name
    path.write_text((DATA / name).read_text().replace("PREFIX", prefix))
    return str(path)


def _mine(cli, prefix):
    """Names of the deployments on the proxy whose name starts with prefix, sorted."""
    return sorted(m["model_name"] for m in _proxy_models(cli) if m["model_name"].startswith(prefix))


ALL_FOUR = ["gpt-beta", "gpt-ga", "mistral-beta", "mistral-plain"]


def test_import_dry_run_shows_what_would_happen_and_sends_no_write(cli, cleanup, tmp_path):
    path = _import_file(tmp_path, cleanup)
    assert cli("models", "import", path, "--only-models-matching-regex", "gpt-4o$").rc == 0
    before = _mine(cli, cleanup)
    assert before == [f"{cleanup}-gpt-beta"]

    res = cli("--debug", "models", "import", path, "--dry-run", "-f", "json")
    assert res.rc == 0, res
    assert [(r["name"], r["status"]) for r in res.json()] == [
        (f"{cleanup}-gpt-beta", "skipped"), (f"{cleanup}-gpt-ga", "would create"),
        (f"{cleanup}-mistral-beta", "would create"), (f"{cleanup}-mistral-plain", "would create")]
    assert ("Dry run, nothing changed. Models: 3 would be created, 1 would be skipped"
            in res.err)
    requests = [line for line in res.err.splitlines() if line.startswith("REQ: curl")]
    assert requests and all(" -X GET " in line for line in requests), requests
    assert _mine(cli, cleanup) == before


@pytest.mark.parametrize("filters, expected", [
    ([], ALL_FOUR),
    (["--only-models-matching-regex", "gpt"], ["gpt-beta", "gpt-ga"]),
    (["--only-access-groups-matching-regex", "beta"], ["gpt-beta", "mistral-beta"]),
    (["--only-models-matching-regex", "gpt", "--only-access-groups-matching-regex", "beta"],
     ["gpt-beta"]),
])
def test_import_filters_select_models(cli, cleanup, tmp_path, filters, expected):
    res = cli("models", "import", _import_file(tmp_path, cleanup), *filters, "-f", "json")
    assert res.rc == 0, res
    wanted = [f"{cleanup}-{suffix}" for suffix in expected]
    assert [r["name"] for r in res.json()] == wanted
    assert {r["status"] for r in res.json()} == {"created"}
    assert _mine(cli, cleanup) == wanted


def test_import_creates_usable_models_with_their_info(cli, cleanup, tmp_path):
    path = _import_file(tmp_path, cleanup)
    res = cli("models", "import", path, "-f", "json")
    assert res.rc == 0, res
    assert [(r["kind"], r["status"]) for r in res.json()] == [("model", "created")] * 4
    assert "Models: 4 created, 0 skipped, 0 failed" in res.err
    assert "fake-import-key" not in res.out + res.err
    ids = {r["name"]: r["id"] for r in res.json()}
    rc, stored = _proxy_model(cli, ids[f"{cleanup}-mistral-beta"])
    assert rc == 0
    assert stored["model_info"]["access_groups"] == ["beta-testers", "general"]
    assert stored["litellm_params"]["api_base"] == "http://127.0.0.1:9/v1"
    assert _chat(cli, f"{cleanup}-gpt-beta") == "hello from gpt beta"


def test_import_again_creates_no_duplicates(cli, cleanup, tmp_path):
    path = _import_file(tmp_path, cleanup)
    first = cli("models", "import", path, "-f", "json")
    assert first.rc == 0, first
    ids = {r["name"]: r["id"] for r in first.json()}

    again = cli("models", "import", path, "-f", "json")
    assert again.rc == 0, again
    assert [(r["name"], r["status"], r["id"]) for r in again.json()] == [
        (name, "skipped", ids[name]) for name in ids]
    assert "Models: 0 created, 4 skipped, 0 failed" in again.err
    assert _mine(cli, cleanup) == [f"{cleanup}-{suffix}" for suffix in ALL_FOUR]

    # Deleted by hand in between: only that one comes back.
    assert cli("models", "delete", ids[f"{cleanup}-gpt-ga"]).rc == 0
    third = cli("models", "import", path, "-f", "json")
    assert third.rc == 0, third
    assert [r["status"] for r in third.json()] == ["skipped", "created", "skipped", "skipped"]
    assert _mine(cli, cleanup) == [f"{cleanup}-{suffix}" for suffix in ALL_FOUR]


def test_import_reports_each_failed_model_with_the_reason_and_exits_1(cli, cleanup, tmp_path):
    path = tmp_path / "partly-bad.yaml"
    path.write_text(
        "model_list:\n"
        f"  - model_name: {cleanup}-good-1\n"
        "    litellm_params: {model: openai/gpt-4o, api_base: 'http://127.0.0.1:9/v1'}\n"
        f"  - model_name: {cleanup}-bad\n"
        "    litellm_params: {model: openai/gpt-4o, tpm: not-a-number}\n"
        f"  - model_name: {cleanup}-good-2\n"
        "    litellm_params: {model: openai/gpt-4o, api_base: 'http://127.0.0.1:9/v1'}\n")
    res = cli("models", "import", str(path), "-f", "json")
    assert res.rc == 1, res
    rows = res.json()
    assert [(r["name"], r["status"]) for r in rows] == [
        (f"{cleanup}-good-1", "created"), (f"{cleanup}-bad", "failed"),
        (f"{cleanup}-good-2", "created")]
    reason = rows[1]["reason"]
    assert "tpm" in reason and "(HTTP 422)" in reason, reason
    assert f"Failed to import model {cleanup}-bad: {reason}" in res.err
    assert "Models: 2 created, 0 skipped, 1 failed" in res.err
    assert res.err.rstrip().endswith("Error: 1 of 3 models failed to import")
    assert _mine(cli, cleanup) == [f"{cleanup}-good-1", f"{cleanup}-good-2"]


def test_import_credential_list_then_a_model_using_it_answers_chat(cli, cleanup, tmp_path):
    path = _import_file(tmp_path, cleanup, "models-with-credential.yaml")
    res = cli("models", "import", path, "-f", "json")
    assert res.rc == 0, res
    assert [(r["kind"], r["name"], r["status"]) for r in res.json()] == [
        ("credential", f"{cleanup}-cred", "created"), ("model", f"{cleanup}-via-cred", "created")]
    assert "Credentials: 1 created, 0 skipped, 0 failed; models: 1 created" in res.err
    assert "fake-credential-key-77" not in res.out + res.err
    try:
        stored = cli("http", "request", "GET", f"/credentials/by_name/{cleanup}-cred",
                     "--show-secret", "credential_values")
        assert stored.rc == 0, stored
        assert stored.json()["credential_values"]["api_base"] == "http://127.0.0.1:9/v1"
        assert _chat(cli, f"{cleanup}-via-cred") == "hello through the shared credential"

        again = cli("models", "import", path, "-f", "json")
        assert again.rc == 0, again
        assert [r["status"] for r in again.json()] == ["skipped", "skipped"]
        assert _mine(cli, cleanup) == [f"{cleanup}-via-cred"]
    finally:
        cli("credentials", "delete", f"{cleanup}-cred")


def test_import_judges_each_entry_on_its_own(cli, cleanup, tmp_path):
    path = _import_file(tmp_path, cleanup, "models-invalid-entry.yaml")
    dry = cli("models", "import", path, "--dry-run", "-f", "json")
    assert dry.rc == 2, dry  # an invalid entry: the file needs fixing
    assert [r["status"] for r in dry.json()] == ["would create", "would create", "failed"]
    assert dry.err.rstrip().endswith("Error: 1 of 3 models are invalid")

    res = cli("models", "import", path, "-f", "json")
    assert res.rc == 2, res
    assert [(r["name"], r["status"], r["reason"]) for r in res.json()] == [
        (f"{cleanup}-ok", "created", None), (f"openai/{cleanup}-partial", "created", None),
        (f"{cleanup}-broken", "failed", "model_list[2] model_info must be a mapping")]
    assert (f"note: model_list[1] (openai/{cleanup}-partial) has no litellm_params.model; "
            f"using 'openai/{cleanup}-partial'") in res.err
    assert res.err.rstrip().endswith("Error: 1 of 3 models failed to import")
    assert _mine(cli, cleanup) == [f"{cleanup}-ok"]
    assert [m["litellm_params"]["model"] for m in _proxy_models(cli)
            if m["model_name"] == f"openai/{cleanup}-partial"] == [f"openai/{cleanup}-partial"]


@pytest.mark.parametrize("text, message", [
    ("model_list:\n  - model_name: x\n    litellm_params: {model: m\n", "line 4, column 1"),
    ("models:\n  - model_name: x\n", "has no 'model_list'"),
    ("model_list: gpt-4\n", "'model_list' must be a list of models, not str"),
])
def test_import_bad_file_is_a_usage_error_saying_where(cli, tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    res = cli("models", "import", str(path))
    assert res.rc == 2, res
    assert message in res.err and len(res.err.strip().splitlines()) == 1, res


def test_import_missing_file_or_bad_regex_is_a_usage_error(cli, tmp_path):
    assert cli("models", "import", str(tmp_path / "absent.yaml")).rc == 2
    res = cli("models", "import", str(DATA / "models-import.yaml"), "--dry-run",
              "--only-models-matching-regex", "(")
    assert res.rc == 2 and "--only-models-matching-regex" in res.err, res


def test_deleting_a_model_of_the_proxys_config_file_says_where_it_lives(cli):
    # The sandbox's config.yaml defines gpt-4o: it is not in the database.
    info = cli("http", "request", "GET", "/model/info")
    assert info.rc == 0, info
    configured = [m["model_info"]["id"] for m in info.json()["data"]
                  if m["model_name"] == "gpt-4o" and not m["model_info"].get("db_model")]
    assert configured
    res = cli("models", "delete", configured[0], "--yes")
    assert res.rc == 6, res
    assert "config file" in res.err and "config.yaml" in res.err
    assert len(res.err.strip().splitlines()) == 1
