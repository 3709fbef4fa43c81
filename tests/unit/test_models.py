"""The models API client and commands, against a fake session.

``FakeSession``, ``run`` and ``shown`` are shared with the other command tests.
"""

import io
import json
import threading
import time
import types

import pytest

from litellm_cli import exceptions
from litellm_cli.api.models import ModelsAPI
from litellm_cli.plugins import models as plugin


class FakeSession:
    """Answers (method, path) with canned data or exceptions; records every call."""

    def __init__(self, answers=None):
        self.answers = answers or {}
        self.calls = []
        self.lock = threading.Lock()

    def _answer(self, method, path, **kwargs):
        with self.lock:
            self.calls.append((method, path, kwargs))
        answer = self.answers[(method, path)]
        if callable(answer):
            answer = answer(**kwargs)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_json(self, path, params=None):
        return self._answer("GET", path, params=params)

    def post_json(self, path, body=None):
        return self._answer("POST", path, body=body)

    def patch(self, path, json=None, idempotent=None):
        return _response(self._answer("PATCH", path, body=json))

    def delete(self, path):
        return _response(self._answer("DELETE", path))


def _response(body):
    return types.SimpleNamespace(content=b"{}", json=lambda: body)


def run(command_class, argv, session):
    app = types.SimpleNamespace(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                client_manager=types.SimpleNamespace(session=session))
    cmd = command_class(app, None)
    parsed = cmd.get_parser("litellm-proxy test").parse_args(argv)
    return cmd.take_action(parsed), app


def shown(result):
    columns, values = result
    return {c: getattr(v, "machine_readable", lambda v=v: v)() for c, v in zip(columns, values)}


DEPLOYMENT = {
    "model_name": "my-gpt",
    "litellm_params": {"model": "openai/gpt-4o", "api_key": "sk-upstream-secret",
                       "litellm_credential_name": "azure-prod"},
    "model_info": {"id": "id-1", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
                   "updated_at": "2025-01-02T03:04:05Z", "unused": None},
}


# -- API layer ----------------------------------------------------------------

def test_unknown_id_answered_400_becomes_not_found_keeping_the_real_status():
    error = exceptions.BadRequest("Model id = x not found on litellm proxy", http_status=400)
    api = ModelsAPI(FakeSession({("GET", "/model/info"): error}))
    with pytest.raises(exceptions.NotFound) as caught:
        api.get("x")
    assert caught.value.exit_code == exceptions.EXIT_NOT_FOUND
    assert str(caught.value) == "Model id = x not found on litellm proxy (HTTP 400)"


def test_other_bad_requests_stay_bad_requests():
    error = exceptions.BadRequest("Invalid model id", http_status=400)
    api = ModelsAPI(FakeSession({("POST", "/model/delete"): error}))
    with pytest.raises(exceptions.BadRequest) as caught:
        api.delete("x")
    assert not isinstance(caught.value, exceptions.NotFound)


def test_update_patches_only_given_fields_and_always_sends_the_id_in_model_info():
    session = FakeSession({("PATCH", "/model/a%2Fb/update"): {}})
    ModelsAPI(session).update("a/b", model_info={"description": "x"})
    assert session.calls == [("PATCH", "/model/a%2Fb/update",
                              {"body": {"model_info": {"description": "x", "id": "a/b"}}})]


UNSERVED = exceptions.ServerError(
    "Model create was saved to the database, but the model id(s) ['new-1'] are not live in "
    "this pod's router after the reload and are not being served by this pod.", http_status=500)


def test_create_removes_a_row_the_proxy_stored_but_cannot_serve():
    session = FakeSession({("POST", "/model/new"): UNSERVED,
                           ("POST", "/model/delete"): {"message": "deleted"}})
    with pytest.raises(exceptions.HttpError) as caught:
        ModelsAPI(session).create("x", {"model": "x"})
    assert caught.value.exit_code == exceptions.EXIT_REJECTED
    assert "cannot serve it" in str(caught.value)
    assert str(caught.value).endswith("the stored copy was removed (HTTP 500)")
    assert session.calls[1] == ("POST", "/model/delete", {"body": {"id": "new-1"}})


def test_create_names_a_stored_row_it_could_not_remove():
    session = FakeSession({("POST", "/model/new"): UNSERVED,
                           ("POST", "/model/delete"): exceptions.ServerError("db down")})
    with pytest.raises(exceptions.HttpError, match="models delete new-1"):
        ModelsAPI(session).create("x", {"model": "x"})


def test_other_server_errors_of_create_are_left_alone():
    session = FakeSession({("POST", "/model/new"): exceptions.ServerError("boom")})
    with pytest.raises(exceptions.ServerError, match="boom"):
        ModelsAPI(session).create("x", {"model": "x"})
    assert len(session.calls) == 1


def test_find_asks_the_proxy_for_that_name_only():
    session = FakeSession({("GET", "/v2/model/info"): {"data": [DEPLOYMENT, DEPLOYMENT]}})
    assert ModelsAPI(session).find("my-gpt") == [DEPLOYMENT, DEPLOYMENT]
    assert session.calls[0][2] == {"params": {"model": "my-gpt", "size": 100}}


# -- commands -----------------------------------------------------------------

def test_add_without_model_param_uses_the_name_says_so_and_masks_the_api_key():
    session = FakeSession({("POST", "/model/new"): lambda body: {
        "model_id": "new-id", "model_name": body["model_name"],
        "litellm_params": {"model": "ENCRYPTED"}, "model_info": {"db_model": False}}})
    result, app = run(plugin.AddModel, ["gpt-4", "-p", "api_key=sk-123", "-i", "tier=paid"],
                      session)
    assert app.stderr.getvalue() == ("note: no -p model=... given; using 'gpt-4' as the "
                                     "upstream model\n")
    body = session.calls[0][2]["body"]
    assert body == {"model_name": "gpt-4",
                    "litellm_params": {"model": "gpt-4", "api_key": "sk-123"},
                    "model_info": {"tier": "paid"}}
    out = shown(result)
    assert out["id"] == "new-id" and out["upstream_model"] == "gpt-4"
    assert out["litellm_params"] == {"model": "gpt-4", "api_key": "***"}
    assert "sk-123" not in json.dumps(out)

    _, app = run(plugin.AddModel, ["pub", "-p", "model=openai/gpt-4o"], session)
    assert session.calls[1][2]["body"]["litellm_params"] == {"model": "openai/gpt-4o"}
    assert app.stderr.getvalue() == ""


def test_add_rejects_a_param_without_equals_sign():
    with pytest.raises(exceptions.UsageError, match="--param"):
        run(plugin.AddModel, ["m", "-p", "api_key"], FakeSession())


def test_info_returns_requested_columns_with_costs_per_1000_tokens():
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT]}})
    columns, rows = run(plugin.InfoModel, ["--columns", "id, input_cost,output_cost,"
                                           "credential_name"], session)[0]
    assert columns == ["id", "input_cost", "output_cost", "credential_name"]
    assert rows == [("id-1", 0.0025, 0.01, "azure-prod")]


def test_info_default_columns():
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT]}})
    columns, rows = run(plugin.InfoModel, [], session)[0]
    assert rows == [("my-gpt", "openai/gpt-4o", "2025-01-02T03:04:05Z")]
    assert columns == ["public_model", "upstream_model", "updated_at"]


def test_info_unknown_column_is_a_usage_error_before_any_request():
    session = FakeSession()
    with pytest.raises(exceptions.UsageError, match="bogus"):
        run(plugin.InfoModel, ["--columns", "id,bogus"], session)
    assert session.calls == []


def test_get_shows_params_masked_and_drops_null_info():
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT]}})
    out = shown(run(plugin.ShowModel, ["--id", "id-1"], session)[0])
    assert session.calls[0][2] == {"params": {"litellm_model_id": "id-1"}}
    assert out["litellm_params"]["api_key"] == "***"
    assert "unused" not in out["model_info"]
    assert out["credential_name"] == "azure-prod"


def test_get_by_name_with_several_deployments_is_a_usage_error_listing_ids():
    twin = {**DEPLOYMENT, "model_info": {"id": "id-2"}}
    session = FakeSession({("GET", "/v2/model/info"): {"data": [DEPLOYMENT, twin]}})
    with pytest.raises(exceptions.UsageError, match="id-1, id-2"):
        run(plugin.ShowModel, ["--name", "my-gpt"], session)


def test_get_by_unknown_name_exits_not_found():
    session = FakeSession({("GET", "/v2/model/info"): {"data": []}})
    with pytest.raises(exceptions.CLIError) as caught:
        run(plugin.ShowModel, ["--name", "nope"], session)
    assert caught.value.exit_code == exceptions.EXIT_NOT_FOUND


def test_update_without_changes_is_a_usage_error():
    with pytest.raises(exceptions.UsageError):
        run(plugin.UpdateModel, ["id-1"], FakeSession())


def test_delete_reports_on_stderr_only():
    session = FakeSession({("POST", "/model/delete"): {"message": "ok"}})
    _, app = run(plugin.DeleteModel, ["id-1"], session)
    assert session.calls[0][2] == {"body": {"id": "id-1"}}
    assert app.stdout.getvalue() == "" and "id-1" in app.stderr.getvalue()


# -- import -------------------------------------------------------------------

MODEL_LIST = [
    {"model_name": "a", "litellm_params": {"model": "openai/gpt-4o"},
     "model_info": {"access_groups": ["beta"]}},
    {"model_name": "b", "litellm_params": {"model": "azure/gpt-4o"},
     "model_info": {"access_groups": ["ga", 3]}},
    {"model_name": "c", "litellm_params": {"model": "mistral/small"}},
]


def _yaml_file(tmp_path, text):
    path = tmp_path / "models.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("model_regex, group_regex, expected", [
    (None, None, ["a", "b", "c"]),
    ("gpt", None, ["a", "b"]),
    (None, "beta", ["a"]),
    ("^azure", "beta", []),
    (None, "3", []),  # non-string access groups are ignored
])
def test_select_models(model_regex, group_regex, expected):
    import re

    selected = plugin.select_models(MODEL_LIST, model_regex and re.compile(model_regex),
                                    group_regex and re.compile(group_regex))
    assert [m["model_name"] for m in selected] == expected


@pytest.mark.parametrize("text, message", [
    ("model_list:\n  - model_name: a\n    litellm_params: {model: m\n", "line 4, column 1"),
    ("model_list:\n  - model_name: a\n   bad: indent\n", "line 3"),
    ("something_else: 1", "no 'model_list'"),
    ("", "no 'model_list'"),
    ("model_list: {a: 1}", "'model_list' must be a list of models, not dict"),
    ("model_list: []\ncredential_list: x\n", "'credential_list' must be a list"),
    ("model_list:\n  - model_name: x\n    litellm_params: {}\n", "model_list[0]"),
    ("model_list:\n  - model_name: x\n    litellm_params: {model: m}\n    model_info: [1]\n",
     "model_list[0]"),
    ("model_list: []\ncredential_list:\n  - credential_name: c\n", "credential_list[0]"),
])
def test_load_config_rejects_bad_files_saying_where(tmp_path, text, message):
    with pytest.raises(exceptions.UsageError) as caught:
        plugin.load_config(_yaml_file(tmp_path, text))
    assert message in str(caught.value)


def test_load_config_returns_credentials_and_models(tmp_path):
    credential = {"credential_name": "c", "credential_values": {"api_key": "k"}}
    import yaml

    path = _yaml_file(tmp_path, yaml.safe_dump({"model_list": MODEL_LIST,
                                                "credential_list": [credential]}))
    assert plugin.load_config(path) == ([credential], MODEL_LIST)


def _proxy(deployed=(), credentials=(), create=None):
    """A fake proxy already holding ``deployed`` models and ``credentials``."""
    return FakeSession({
        ("GET", "/model/info"): {"data": list(deployed)},
        ("GET", "/credentials"): {"credentials": [{"credential_name": n} for n in credentials]},
        ("POST", "/model/new"): create or (lambda body: {"model_id": "id-" + body["model_name"]}),
        ("POST", "/credentials"): {"success": True},
    })


def _run_import(tmp_path, config, argv, session):
    """Run like the shell does (run(), so -f applies); return (exit error, stdout json, stderr)."""
    import yaml

    path = _yaml_file(tmp_path, yaml.safe_dump(config))
    app = types.SimpleNamespace(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                client_manager=types.SimpleNamespace(session=session))
    cmd = plugin.ImportModel(app, None)
    parsed = cmd.get_parser("x").parse_args([path, "-f", "json", *argv])
    error = None
    try:
        cmd.run(parsed)
    except exceptions.CLIError as exc:
        error = exc
    return error, json.loads(app.stdout.getvalue()), app.stderr.getvalue()


def _statuses(rows):
    return [(r["kind"], r["name"], r["status"]) for r in rows]


def test_dry_run_only_reads_and_shows_what_would_be_created_and_skipped(tmp_path):
    existing = {"model_name": "a", "litellm_params": {"model": "openai/gpt-4o"},
                "model_info": {"id": "old-a"}}
    config = {"model_list": MODEL_LIST, "credential_list": [
        {"credential_name": "new-cred", "credential_values": {"api_key": "k"}},
        {"credential_name": "old-cred", "credential_values": {"api_key": "k"}}]}
    session = _proxy([existing], ["old-cred"])
    error, rows, err = _run_import(tmp_path, config, ["--dry-run"], session)
    assert error is None
    assert {c[0] for c in session.calls} == {"GET"}
    assert _statuses(rows) == [
        ("credential", "new-cred", "would create"), ("credential", "old-cred", "skipped"),
        ("model", "a", "skipped"), ("model", "b", "would create"),
        ("model", "c", "would create")]
    assert rows[2]["id"] == "old-a" and rows[2]["reason"] == "already on the proxy"
    assert err == ("Dry run, nothing changed. Credentials: 1 would be created, "
                   "1 would be skipped; models: 2 would be created, 1 would be skipped\n")


def test_import_skips_deployments_on_the_proxy_or_repeated_in_the_file(tmp_path):
    # Same name and upstream model but another api_base: a second deployment, created.
    elsewhere = {"model_name": "a", "model_info": {"id": "old-a"},
                 "litellm_params": {"model": "openai/gpt-4o", "api_base": "http://other"}}
    same_c = {"model_name": "c", "model_info": {"id": "old-c"},
              "litellm_params": {"model": "mistral/small", "extra": "ignored"}}
    session = _proxy([elsewhere, same_c])
    error, rows, err = _run_import(tmp_path, {"model_list": MODEL_LIST + MODEL_LIST[:1]}, [],
                                   session)
    assert error is None
    assert [(r["name"], r["status"], r["id"]) for r in rows] == [
        ("a", "created", "id-a"), ("b", "created", "id-b"), ("c", "skipped", "old-c"),
        ("a", "skipped", None)]
    assert rows[3]["reason"] == "same deployment as an earlier entry of the file"
    created = [c[2]["body"]["model_name"] for c in session.calls if c[:2] == ("POST", "/model/new")]
    assert sorted(created) == ["a", "b"]
    assert [c[:2] for c in session.calls].count(("GET", "/model/info")) == 1
    assert err.endswith("Models: 2 created, 2 skipped, 0 failed\n")


def test_import_creates_credentials_first_and_never_overwrites_one(tmp_path):
    config = {"model_list": MODEL_LIST[:1], "credential_list": [
        {"credential_name": "old", "credential_values": {"api_key": "k0"}},
        {"credential_name": "new", "credential_values": {"api_key": "k1"},
         "credential_info": {"custom_llm_provider": "azure"}}]}
    session = _proxy(credentials=["old"])
    error, rows, _ = _run_import(tmp_path, config, [], session)
    assert error is None
    writes = [(c[1], c[2]["body"]) for c in session.calls if c[0] == "POST"]
    assert writes[0] == ("/credentials", {"credential_name": "new",
                                          "credential_values": {"api_key": "k1"},
                                          "credential_info": {"custom_llm_provider": "azure"}})
    assert [w[0] for w in writes] == ["/credentials", "/model/new"]
    assert _statuses(rows) == [("credential", "old", "skipped"), ("credential", "new", "created"),
                               ("model", "a", "created")]


def test_filters_import_only_the_credentials_the_selected_models_use(tmp_path):
    models = [{"model_name": "a", "litellm_params": {"model": "gpt", "litellm_credential_name": "x"}},
              {"model_name": "b", "litellm_params": {"model": "claude",
                                                     "litellm_credential_name": "y"}}]
    config = {"model_list": models, "credential_list": [
        {"credential_name": n, "credential_values": {"api_key": "k"}} for n in ("x", "y")]}
    _, rows, _ = _run_import(tmp_path, config, ["--dry-run", "--only-models-matching-regex", "gp"],
                             _proxy())
    assert _statuses(rows) == [("credential", "x", "would create"), ("model", "a", "would create")]


def test_import_keeps_file_order_reports_failures_and_fails_with_a_count(tmp_path):
    def create(body):
        time.sleep({"a": 0.05, "b": 0.0, "c": 0.02}[body["model_name"]])
        if body["model_name"] == "b":
            return exceptions.UnprocessableEntity("litellm_params.tpm: bad", http_status=422)
        return {"model_id": "id-" + body["model_name"]}

    error, rows, err = _run_import(tmp_path, {"model_list": MODEL_LIST}, ["--workers", "3"],
                                   _proxy(create=create))
    assert str(error) == "1 of 3 models failed to import"
    assert [(r["name"], r["id"], r["status"], r["reason"]) for r in rows] == [
        ("a", "id-a", "created", None), ("b", None, "failed", "litellm_params.tpm: bad (HTTP 422)"),
        ("c", "id-c", "created", None)]
    assert "Failed to import model b: litellm_params.tpm: bad (HTTP 422)\n" in err
    assert err.endswith("Models: 2 created, 0 skipped, 1 failed\n")


def test_a_failed_credential_is_counted_in_the_error(tmp_path):
    session = _proxy()
    session.answers[("POST", "/credentials")] = exceptions.BadRequest("no", http_status=400)
    config = {"model_list": MODEL_LIST[:1],
              "credential_list": [{"credential_name": "x", "credential_values": {"k": 1}}]}
    error, rows, err = _run_import(tmp_path, config, [], session)
    assert str(error) == "1 of 1 credentials failed to import"
    assert "Failed to import credential x: no (HTTP 400)" in err
    assert _statuses(rows)[0] == ("credential", "x", "failed")


def test_import_stops_at_the_first_connection_failure_and_reports_what_was_done(tmp_path):
    session = _proxy(create=exceptions.ConnectionFailure("down"))
    config = {"model_list": [dict(MODEL_LIST[0], model_name=f"m{i}") for i in range(10)]}
    error, rows, err = _run_import(tmp_path, config, ["--workers", "1"], session)
    assert isinstance(error, exceptions.ConnectionFailure)
    assert sum(1 for call in session.calls if call[:2] == ("POST", "/model/new")) == 1
    assert [row["status"] for row in rows] == ["unknown"] + ["not imported"] * 9
    assert "Stopped early" in err


@pytest.mark.parametrize("value", ["0", "11", "two"])
def test_workers_must_be_between_1_and_10(value):
    with pytest.raises(exceptions.UsageError, match="--workers"):
        run(plugin.ImportModel, ["f.yaml", "--workers", value], FakeSession())
