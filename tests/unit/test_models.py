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
    app = types.SimpleNamespace(stdout=io.StringIO(), stderr=io.StringIO(),
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


def test_find_returns_every_deployment_with_that_name():
    other = dict(DEPLOYMENT, model_name="other")
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT, other, DEPLOYMENT]}})
    assert ModelsAPI(session).find("my-gpt") == [DEPLOYMENT, DEPLOYMENT]


# -- commands -----------------------------------------------------------------

def test_add_uses_the_name_as_upstream_model_unless_given_and_masks_the_api_key():
    session = FakeSession({("POST", "/model/new"): lambda body: {
        "model_id": "new-id", "model_name": body["model_name"],
        "litellm_params": {"model": "ENCRYPTED"}, "model_info": {"db_model": False}}})
    result, _ = run(plugin.AddModel, ["gpt-4", "-p", "api_key=sk-123", "-i", "tier=paid"],
                    session)
    body = session.calls[0][2]["body"]
    assert body == {"model_name": "gpt-4",
                    "litellm_params": {"model": "gpt-4", "api_key": "sk-123"},
                    "model_info": {"tier": "paid"}}
    out = shown(result)
    assert out["id"] == "new-id" and out["upstream_model"] == "gpt-4"
    assert out["litellm_params"] == {"model": "gpt-4", "api_key": "***"}
    assert "sk-123" not in json.dumps(out)

    run(plugin.AddModel, ["pub", "-p", "model=openai/gpt-4o"], session)
    assert session.calls[1][2]["body"]["litellm_params"] == {"model": "openai/gpt-4o"}


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
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT, twin]}})
    with pytest.raises(exceptions.UsageError, match="id-1, id-2"):
        run(plugin.ShowModel, ["--name", "my-gpt"], session)


def test_get_by_unknown_name_exits_not_found():
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT]}})
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
    ("model_list: [", "not valid YAML"),
    ("something_else: 1", "'model_list'"),
    ("model_list: {a: 1}", "'model_list'"),
    ("model_list:\n  - model_name: x\n    litellm_params: {}\n", "model_list[0]"),
    ("model_list:\n  - model_name: x\n    litellm_params: {model: m}\n    model_info: [1]\n",
     "model_list[0]"),
])
def test_load_model_list_rejects_bad_files(tmp_path, text, message):
    with pytest.raises(exceptions.UsageError) as caught:
        plugin.load_model_list(_yaml_file(tmp_path, text))
    assert message in str(caught.value)


def test_dry_run_sends_nothing_and_summarises_by_provider(tmp_path):
    import yaml

    path = _yaml_file(tmp_path, yaml.safe_dump({"model_list": MODEL_LIST}))
    session = FakeSession()
    (columns, rows), app = run(plugin.ImportModel, [path, "--dry-run"], session)
    assert session.calls == []
    assert [(r[0], r[2], r[-1]) for r in rows] == [
        ("a", "openai", "would import"), ("b", "azure", "would import"),
        ("c", "mistral", "would import")]
    assert app.stderr.getvalue() == "Would import 3 models (azure: 1, mistral: 1, openai: 1)\n"


def test_import_keeps_file_order_reports_failures_and_fails_with_a_count(tmp_path):
    import yaml

    path = _yaml_file(tmp_path, yaml.safe_dump({"model_list": MODEL_LIST}))

    def create(body):
        time.sleep({"a": 0.05, "b": 0.0, "c": 0.02}[body["model_name"]])
        if body["model_name"] == "b":
            return exceptions.UnprocessableEntity("litellm_params.tpm: bad", http_status=422)
        return {"model_id": "id-" + body["model_name"]}

    session = FakeSession({("POST", "/model/new"): create})
    app = types.SimpleNamespace(stdout=io.StringIO(), stderr=io.StringIO(),
                                client_manager=types.SimpleNamespace(session=session))
    cmd = plugin.ImportModel(app, None)
    parsed = cmd.get_parser("x").parse_args([path, "-f", "json", "--concurrency", "3"])
    with pytest.raises(exceptions.CLIError, match="1 of 3 models failed to import"):
        cmd.run(parsed)  # run(), not take_action(): it sets up the -f formatter
    printed = json.loads(app.stdout.getvalue())
    assert [(r["model_name"], r["id"], r["status"]) for r in printed] == [
        ("a", "id-a", "imported"), ("b", None, "failed"), ("c", "id-c", "imported")]
    err = app.stderr.getvalue()
    assert "failed to import b: litellm_params.tpm: bad (HTTP 422)" in err
    assert "Imported 2 of 3 models (mistral: 1, openai: 1)" in err


def test_import_stops_at_the_first_connection_failure(tmp_path):
    import yaml

    path = _yaml_file(tmp_path, yaml.safe_dump({"model_list": MODEL_LIST * 10}))
    session = FakeSession({("POST", "/model/new"): exceptions.ConnectionFailure("down")})
    with pytest.raises(exceptions.ConnectionFailure):
        run(plugin.ImportModel, [path, "--concurrency", "1"], session)
    assert len(session.calls) < 30


@pytest.mark.parametrize("value", ["0", "11", "two"])
def test_concurrency_must_be_between_1_and_10(tmp_path, value):
    with pytest.raises(exceptions.UsageError, match="--concurrency"):
        run(plugin.ImportModel, ["f.yaml", "--concurrency", value], FakeSession())
