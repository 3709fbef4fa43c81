"""The models API client and commands, against a fake session (see conftest)."""

import io
import json
import threading
import time
import types

import pytest

from litellm_cli import exceptions
from litellm_cli.clientmanager import ClientManager
from litellm_cli.api.models import ModelsAPI
from litellm_cli.api import model_config
from litellm_cli.plugins import models as plugin
from tests.unit.conftest import PINNED, FakeSession, release, run, shown
from tests.unit.output import render


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
                           ("POST", "/model/delete"): {"message": "deleted"}, **release(PINNED)})
    with pytest.raises(exceptions.HttpError) as caught:
        ModelsAPI(session).create("x", {"model": "x"})
    assert caught.value.exit_code == exceptions.EXIT_SERVER  # a 500, whatever the message says
    assert "cannot serve it" in str(caught.value)
    assert str(caught.value).endswith("the stored copy was removed (HTTP 500)")
    assert session.calls[-1] == ("POST", "/model/delete", {"body": {"id": "new-1"}})


def test_create_names_a_stored_row_it_could_not_remove():
    session = FakeSession({("POST", "/model/new"): UNSERVED,
                           ("POST", "/model/delete"): exceptions.ServerError("db down"),
                           **release(PINNED)})
    with pytest.raises(exceptions.HttpError, match="models delete new-1"):
        ModelsAPI(session).create("x", {"model": "x"})


def test_other_server_errors_of_create_are_left_alone():
    session = FakeSession({("POST", "/model/new"): exceptions.ServerError("boom"),
                           **release(PINNED)})
    with pytest.raises(exceptions.ServerError, match="boom"):
        ModelsAPI(session).create("x", {"model": "x"})
    assert [c[0] for c in session.calls] == ["GET", "POST"]  # the version, then the create


def _create_on(version, served):
    """LiteLLM ``version`` answering /model/new with 200 and an id, and
    /model/info?litellm_model_id= as 1.90.7 does for a deployment it has not loaded."""
    missing = exceptions.BadRequest("Model id = new-1 not found on litellm proxy")
    return FakeSession({("POST", "/model/new"): {"model_id": "new-1", "model_name": "x"},
                        ("GET", "/model/info"): {"data": [DEPLOYMENT]} if served else missing,
                        ("POST", "/model/delete"): {"message": "deleted"}, **release(version)})


def test_create_on_a_release_that_answers_200_for_an_unserved_row_removes_it():
    session = _create_on("1.90.7", served=False)
    with pytest.raises(exceptions.CLIError) as caught:
        ModelsAPI(session).create("x", {"model": "x"})
    assert caught.value.exit_code == exceptions.EXIT_SERVER
    assert str(caught.value) == (
        "the proxy saved the model but cannot serve it (most often litellm_params.model lacks "
        "a provider prefix such as openai/); the stored copy was removed (LiteLLM 1.90.7 "
        "answered success)")
    assert session.calls[-1] == ("POST", "/model/delete", {"body": {"id": "new-1"}})


def test_create_on_an_old_release_returns_a_deployment_it_serves():
    session = _create_on("1.90.7", served=True)
    assert ModelsAPI(session).create("x", {"model": "openai/x"})["model_id"] == "new-1"
    assert session.calls[-1][:2] == ("GET", "/model/info")
    assert session.calls[-1][2] == {"params": {"litellm_model_id": "new-1"}}


def test_creates_on_an_old_release_go_one_at_a_time_so_none_hides_another():
    # LiteLLM 1.80.17: a /model/new reloads the router from its own read of the
    # database; one sent meanwhile disappears from /model/info until the next sync,
    # and its look-up would delete a good deployment.
    import threading
    import time

    state = {"active": 0, "most": 0}
    lock = threading.Lock()

    def model_new(**kwargs):
        with lock:
            state["active"] += 1
            state["most"] = max(state["most"], state["active"])
        time.sleep(0.02)  # widens the window two overlapping creates would share
        with lock:
            state["active"] -= 1
        return {"model_id": "new-1", "model_name": "x"}

    session = _create_on("1.80.17", served=True)
    session.answers[("POST", "/model/new")] = model_new
    api = ModelsAPI(session)
    threads = [threading.Thread(target=api.create, args=("x", {"model": "openai/x"}))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state["most"] == 1
    assert [c[0] for c in session.calls].count("POST") == 4


@pytest.mark.parametrize("version, most", [("1.80.17", 1), ("1.108.7", 4)])
def test_updates_on_an_old_release_go_one_at_a_time_so_none_is_lost(version, most):
    # LiteLLM 1.80.17: of two PATCH /model/{id}/update at once, one change is
    # missing from /model/info afterwards (seen by tools/compat.sh).
    import threading
    import time

    state = {"active": 0, "most": 0}
    lock = threading.Lock()
    started = threading.Barrier(4, timeout=0.5)

    def patch(**kwargs):
        with lock:
            state["active"] += 1
            state["most"] = max(state["most"], state["active"])
        try:
            started.wait()  # released when all four overlap; times out when they cannot
        except threading.BrokenBarrierError:
            pass
        time.sleep(0.02)
        with lock:
            state["active"] -= 1
        return {"model_id": "m"}

    session = FakeSession({("PATCH", "/model/m/update"): patch, **release(version)})
    api = ModelsAPI(session)

    def update():
        with api.one_at_a_time():  # as the models adapter sends each
            api.update("m", {"rpm": 1})

    threads = [threading.Thread(target=update) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state["most"] == most


def test_create_on_a_release_that_reports_unserved_rows_reads_nothing_back():
    session = _create_on("1.96.0", served=False)
    ModelsAPI(session).create("x", {"model": "openai/x"})
    assert [c[:2] for c in session.calls] == [("GET", "/public/model_hub/info"),
                                             ("POST", "/model/new")]


def _patch_on(version):
    return FakeSession({("PATCH", "/model/id-1/update"): {}, **release(version)})


def test_update_removes_null_params_with_litellm_params_to_remove_from_1_109():
    # LiteLLM 1.109's PatchModelRequest: litellm_params_to_remove, top-level keys to drop.
    session = _patch_on("1.109.0")
    ModelsAPI(session).update("id-1", {"rpm": None, "tpm": 9})
    assert session.calls[-1][2]["body"] == {"litellm_params": {"tpm": 9},
                                            "litellm_params_to_remove": ["rpm"],
                                            "model_info": {"id": "id-1"}}


def test_update_refuses_a_removal_the_release_would_ignore_and_sends_nothing():
    # Before 1.109 the proxy merges params without None: rpm=null keeps the old rpm.
    session = _patch_on(PINNED)
    with pytest.raises(exceptions.CLIError) as caught:
        ModelsAPI(session).update("id-1", {"rpm": None, "tpm": 9})
    assert str(caught.value) == ("removing a param needs LiteLLM >= 1.109; this proxy is "
                                 "LiteLLM 1.108.7")
    assert caught.value.exit_code == exceptions.EXIT_REJECTED
    assert [c[0] for c in session.calls] == ["GET"]


@pytest.mark.parametrize("version, key, needed", [
    # 1.80.17 and 1.86.0 ignore every null; 1.87 clears prices (SPECIAL_MODEL_INFO_PARAMS),
    # 1.103 cache_control_injection_points, 1.106 litellm_credential_name, 1.108 tiered_pricing.
    ("1.80.17", "input_cost_per_token", "1.87"),
    ("1.100.5", "cache_control_injection_points", "1.103"),
    ("1.100.5", "litellm_credential_name", "1.106"),
    ("1.106.0", "tiered_pricing", "1.108"),
])
def test_a_null_the_release_would_ignore_is_refused_naming_the_release(version, key, needed):
    session = _patch_on(version)
    with pytest.raises(exceptions.CLIError) as caught:
        ModelsAPI(session).update("id-1", {key: None})
    assert str(caught.value) == (f"removing {key} needs LiteLLM >= {needed}; this proxy is "
                                 f"LiteLLM {version}")
    assert caught.value.exit_code == exceptions.EXIT_REJECTED
    assert "PATCH" not in [c[0] for c in session.calls]


@pytest.mark.parametrize("version, key", [("1.90.7", "input_cost_per_token"),
                                          ("1.106.0", "litellm_credential_name"),
                                          (PINNED, "tiered_pricing")])
def test_a_null_the_release_clears_is_sent_as_null(version, key):
    session = _patch_on(version)
    ModelsAPI(session).update("id-1", {key: None})
    assert session.calls[-1][2]["body"]["litellm_params"] == {key: None}


def test_update_without_a_removal_asks_no_version():
    session = _patch_on(PINNED)
    ModelsAPI(session).update("id-1", {"tpm": 9})
    assert [c[0] for c in session.calls] == ["PATCH"]


def test_models_update_with_a_null_param_is_refused_on_an_old_release():
    session = _patch_on("1.100.5")
    with pytest.raises(exceptions.CLIError, match="this proxy is LiteLLM 1.100.5"):
        run(plugin.UpdateModel, ["id-1", "-p", "rpm=null"], session)
    assert ("PATCH", "/model/id-1/update") not in [c[:2] for c in session.calls]


def test_create_learns_the_release_before_it_writes():
    session = FakeSession({("GET", "/public/model_hub/info"): exceptions.ConnectionFailure("gone")})
    with pytest.raises(exceptions.ConnectionFailure):
        ModelsAPI(session).create("x", {"model": "openai/x"})
    assert [c[0] for c in session.calls] == ["GET"]  # no row created behind a lost answer


def test_find_asks_the_proxy_for_that_name_only():
    session = FakeSession({("GET", "/v2/model/info"): {"data": [DEPLOYMENT, DEPLOYMENT]}})
    assert ModelsAPI(session).find("my-gpt") == [DEPLOYMENT, DEPLOYMENT]
    assert session.calls[0][2] == {"params": {"model": "my-gpt", "size": 100}}


# -- commands -----------------------------------------------------------------

def test_add_without_model_param_uses_the_name_says_so_and_masks_the_api_key():
    session = FakeSession({("POST", "/model/new"): lambda body: {
        "model_id": "new-id", "model_name": body["model_name"],
        "litellm_params": {"model": "ENCRYPTED"}, "model_info": {"db_model": False}},
        **release(PINNED)})
    result, app = run(plugin.AddModel, ["gpt-4", "-p", "api_key=sk-123", "-i", "tier=paid"],
                      session)
    assert app.stderr.getvalue() == ("note: no -p model=... given; using 'gpt-4' as the "
                                     "upstream model\n")
    body = session.calls[1][2]["body"]
    assert body == {"model_name": "gpt-4",
                    "litellm_params": {"model": "gpt-4", "api_key": "sk-123"},
                    "model_info": {"tier": "paid"}}
    out = shown(result)
    assert out["id"] == "new-id" and out["upstream_model"] == "gpt-4"
    printed = render(plugin.AddModel, ["gpt-4", "-p", "api_key=sk-123", "-f", "json"],
                     session)[1]
    assert json.loads(printed)["litellm_params"] == {"model": "gpt-4", "api_key": "***"}
    assert "sk-123" not in printed

    _, app = run(plugin.AddModel, ["pub", "-p", "model=openai/gpt-4o"], session)
    assert session.calls[-1][2]["body"]["litellm_params"] == {"model": "openai/gpt-4o"}
    assert app.stderr.getvalue() == ""


def test_add_rejects_a_param_without_equals_sign():
    with pytest.raises(exceptions.UsageError, match="--param"):
        run(plugin.AddModel, ["m", "-p", "api_key"], FakeSession())


def test_info_returns_requested_columns_in_order_with_costs_per_1000_tokens():
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT]}})
    _, out, _ = render(plugin.ListModelInfo, ["--columns", "id, input_cost,output_cost,"
                                          "credential_name", "-f", "json"], session)
    assert json.loads(out) == [{"id": "id-1", "input_cost": 0.0025, "output_cost": 0.01,
                                "credential_name": "azure-prod"}]
    assert list(json.loads(out)[0]) == ["id", "input_cost", "output_cost", "credential_name"]


@pytest.mark.parametrize("argv", [["--columns", "output_cost,id"],
                                  ["-c", "output_cost", "-c", "id"],
                                  ["--columns", "output_cost", "-c", "id"]])
def test_info_columns_option_and_c_pick_the_same_columns(argv):
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT]}})
    assert render(plugin.ListModelInfo, argv + ["-f", "csv"], session)[1].splitlines() == [
        '"output_cost","id"', '0.01,"id-1"']


def test_info_default_columns_are_ones_every_proxy_fills():
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT]}})
    out = render(plugin.ListModelInfo, ["-f", "csv"], session)[1]
    assert out.splitlines() == [
        '"public_model","upstream_model","id","input_cost","output_cost"',
        '"my-gpt","openai/gpt-4o","id-1",0.0025,0.01']


def test_info_json_shows_every_column():
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT]}})
    out = json.loads(render(plugin.ListModelInfo, ["-f", "json"], session)[1])
    assert list(out[0]) == list(plugin.INFO_COLUMNS)


def test_info_unknown_column_is_a_usage_error_before_any_request():
    session = FakeSession()
    with pytest.raises(exceptions.UsageError, match="bogus"):
        run(plugin.ListModelInfo, ["--columns", "id,bogus"], session)
    with pytest.raises(exceptions.UsageError, match="bogus"):
        run(plugin.ListModelInfo, ["-c", "bogus"], session)
    assert session.calls == []


def test_get_shows_params_masked_and_drops_null_info():
    session = FakeSession({("GET", "/model/info"): {"data": [DEPLOYMENT]}})
    out = json.loads(render(plugin.ShowModel, ["--id", "id-1", "-f", "json"], session)[1])
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


def test_delete_tries_every_id_and_reports_each():
    def delete(body):
        return exceptions.NotFound("no such model") if body["id"] == "bad" else {"message": "ok"}

    session = FakeSession({("POST", "/model/delete"): delete})
    with pytest.raises(exceptions.CLIError, match="1 of 3 models failed to delete"):
        run(plugin.DeleteModel, ["a", "bad", "c"], session)
    assert [call[2]["body"]["id"] for call in session.calls] == ["a", "bad", "c"]


# -- import, diff, apply, export (the engine: tests/unit/test_model_config.py) -------

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


def _proxy(deployed=(), credentials=(), create=None):
    """A fake proxy already holding ``deployed`` models and ``credentials``."""
    return FakeSession({
        ("GET", "/model/info"): {"data": list(deployed)},
        ("GET", "/credentials"): {"credentials": [{"credential_name": n} for n in credentials]},
        ("POST", "/model/new"): create or (lambda body: {"model_id": body["model_info"]["id"]}),
        ("POST", "/credentials"): {"success": True},
        ("POST", "/model/delete"): {"message": "ok"},
        **release(PINNED),
    })


def _run_sync(command_class, tmp_path, config, argv, session, stdin=""):
    """Run like the shell does (run(), so -f applies); return (result or error, rows, stderr)."""
    import yaml

    path = _yaml_file(tmp_path, yaml.safe_dump(config)) if config is not None else "-"
    app = types.SimpleNamespace(stdin=io.StringIO(stdin), stdout=io.StringIO(),
                                stderr=io.StringIO(),
                                client_manager=ClientManager(session=session))
    cmd = command_class(app, None)
    parsed = cmd.get_parser("x").parse_args([path, "-f", "json", *argv])
    try:
        outcome = cmd.run(parsed)
    except exceptions.CLIError as exc:
        outcome = exc
    return outcome, json.loads(app.stdout.getvalue()), app.stderr.getvalue()


def _run_import(tmp_path, config, argv, session, stdin=""):
    outcome, rows, err = _run_sync(plugin.ImportModel, tmp_path, config, argv, session, stdin)
    return (outcome if isinstance(outcome, Exception) else None), rows, err


def _statuses(rows):
    return [(r["kind"], r["name"], r["status"]) for r in rows]


def _created(session):
    return [c[2]["body"] for c in session.calls if c[:2] == ("POST", "/model/new")]


def test_dry_run_only_reads_and_shows_what_would_be_created_and_skipped(tmp_path):
    existing = {"model_name": "a", "litellm_params": {"model": "openai/gpt-4o"},
                "model_info": {"id": "old-a", "db_model": True}}
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
    # An entry without an id has a derived one, shown before it is created.
    assert rows[3]["id"] == model_config.derived_id("litellm-cli", "b", 0)
    assert err == ("Dry run, nothing changed. Credentials: 1 would be created, "
                   "1 would be skipped; models: 2 would be created, 1 would be skipped\n")


def test_import_reads_stdin_for_dash(tmp_path):
    session = _proxy()
    text = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o}\n"
    error, rows, _ = _run_import(tmp_path, None, [], session, stdin=text)
    assert error is None and _statuses(rows) == [("model", "a", "created")]
    assert _created(session)[0]["model_name"] == "a"


def test_import_of_load_balanced_entries_creates_both_then_skips_both(tmp_path):
    twins = [{"model_name": "lb", "litellm_params": {"model": "openai/gpt-4o", "api_key": key}}
             for key in ("key-A", "key-B")]
    session = _proxy()
    error, rows, _ = _run_import(tmp_path, {"model_list": twins}, [], session)
    assert error is None and [r["status"] for r in rows] == ["created", "created"]
    stored = [{"model_name": b["model_name"], "litellm_params": {"model": "openai/gpt-4o"},
               "model_info": {**b["model_info"], "db_model": True}} for b in _created(session)]
    assert len({s["model_info"]["id"] for s in stored}) == 2

    again = _proxy(stored)
    error, rows, err = _run_import(tmp_path, {"model_list": twins}, [], again)
    assert error is None
    assert [(r["status"], r["id"]) for r in rows] == [
        ("skipped", s["model_info"]["id"]) for s in stored]
    assert _created(again) == [] and "0 created, 2 skipped" in err


def test_import_judges_entries_one_by_one_and_defaults_a_missing_model(tmp_path):
    config = {"model_list": [{"model_name": "gpt-4o"}, {"litellm_params": {"model": "x"}},
                             {"model_name": "c", "litellm_params": {"model": "m"},
                              "model_info": [1]}, MODEL_LIST[0]]}
    session = _proxy()
    error, rows, err = _run_import(tmp_path, config, [], session)
    assert str(error) == "2 of 4 models failed to import"
    assert [(r["name"], r["status"], r["reason"]) for r in rows] == [
        ("gpt-4o", "created", None),
        ("model_list[1]", "failed", "model_list[1] needs a model_name"),
        ("c", "failed", "model_list[2] model_info must be a mapping"),
        ("a", "created", None)]
    assert "note: model_list[0] (gpt-4o) has no litellm_params.model; using 'gpt-4o'" in err
    assert _created(session)[0]["litellm_params"] == {"model": "gpt-4o"}


def test_import_creates_credentials_first_and_never_overwrites_one(tmp_path):
    config = {"model_list": MODEL_LIST[:1], "credential_list": [
        {"credential_name": "old", "credential_values": {"api_key": "k0"}},
        {"credential_name": "new", "credential_values": {"api_key": "k1"},
         "credential_info": {"custom_llm_provider": "azure"}}]}
    session = _proxy(credentials=["old"])
    error, rows, _ = _run_import(tmp_path, config, [], session)
    assert error is None
    writes = [(c[1], c[2]["body"]) for c in session.calls if c[0] == "POST"]
    assert writes[0][0] == "/credentials"
    body = writes[0][1]
    assert body["credential_name"] == "new" and body["credential_values"] == {"api_key": "k1"}
    assert body["credential_info"]["custom_llm_provider"] == "azure"
    assert "k1" not in json.dumps(body["credential_info"])  # only a hash is recorded
    assert [w[0] for w in writes] == ["/credentials", "/model/new"]
    assert _statuses(rows) == [("credential", "old", "skipped"), ("credential", "new", "created"),
                               ("model", "a", "created")]


def test_filters_import_only_the_credentials_the_selected_models_use(tmp_path):
    models = [{"model_name": "a", "litellm_params": {"model": "gpt",
                                                     "litellm_credential_name": "x"}},
              {"model_name": "b", "litellm_params": {"model": "claude",
                                                     "litellm_credential_name": "y"}}]
    config = {"model_list": models, "credential_list": [
        {"credential_name": n, "credential_values": {"api_key": "k"}} for n in ("x", "y")]}
    _, rows, _ = _run_import(tmp_path, config, ["--dry-run", "--only-models-matching-regex", "gp"],
                             _proxy())
    assert _statuses(rows) == [("credential", "x", "would create"), ("model", "a", "would create")]


@pytest.mark.parametrize("model_regex, group_regex, expected", [
    ([], [], ["a", "b", "c"]),
    (["--only-models-matching-regex", "gpt"], [], ["a", "b"]),
    ([], ["--only-access-groups-matching-regex", "beta"], ["a"]),
    (["--only-models-matching-regex", "^azure"], ["--only-access-groups-matching-regex", "beta"],
     []),
    ([], ["--only-access-groups-matching-regex", "3"], []),  # non-string groups are ignored
])
def test_import_filters(tmp_path, model_regex, group_regex, expected):
    _, rows, _ = _run_import(tmp_path, {"model_list": MODEL_LIST},
                             ["--dry-run", *model_regex, *group_regex], _proxy())
    assert [r["name"] for r in rows] == expected


def test_bad_regex_is_a_usage_error(tmp_path):
    with pytest.raises(exceptions.UsageError, match="invalid regular expression"):
        run(plugin.ImportModel, ["f.yaml", "--only-models-matching-regex", "("], FakeSession())


def test_import_keeps_file_order_reports_failures_and_fails_with_a_count(tmp_path):
    def create(body):
        time.sleep({"a": 0.05, "b": 0.0, "c": 0.02}[body["model_name"]])
        if body["model_name"] == "b":
            return exceptions.UnprocessableEntity("litellm_params.tpm: bad", http_status=422)
        return {"model_id": body["model_info"]["id"]}

    error, rows, err = _run_import(tmp_path, {"model_list": MODEL_LIST}, ["--workers", "3"],
                                   _proxy(create=create))
    assert str(error) == "1 of 3 models failed to import"
    assert [(r["name"], r["status"], r["reason"]) for r in rows] == [
        ("a", "created", None), ("b", "failed", "litellm_params.tpm: bad (HTTP 422)"),
        ("c", "created", None)]
    assert [r["id"] for r in rows] == [model_config.derived_id("litellm-cli", n, 0) for n in "abc"]
    assert err.endswith("Models: 2 created, 0 skipped, 1 failed\n")


def test_a_failed_credential_is_counted_in_the_error(tmp_path):
    session = _proxy()
    session.answers[("POST", "/credentials")] = exceptions.BadRequest("no", http_status=400)
    config = {"model_list": MODEL_LIST[:1],
              "credential_list": [{"credential_name": "x", "credential_values": {"k": 1}}]}
    error, rows, err = _run_import(tmp_path, config, [], session)
    assert str(error) == "1 of 1 credentials failed to import"
    assert _statuses(rows)[0] == ("credential", "x", "failed")


def test_import_stops_at_the_first_connection_failure_and_checks_what_was_sent(tmp_path):
    session = _proxy(create=exceptions.ConnectionFailure("down"))
    # The check after the stop: the proxy does not have it.
    session.answers[("GET", "/model/info")] = lambda params: (
        exceptions.NotFound("gone", http_status=400) if params else {"data": []})
    config = {"model_list": [dict(MODEL_LIST[0], model_name=f"m{i}") for i in range(10)]}
    error, rows, err = _run_import(tmp_path, config, ["--workers", "1"], session)
    assert isinstance(error, exceptions.ConnectionFailure)
    assert sum(1 for call in session.calls if call[:2] == ("POST", "/model/new")) == 1
    assert [row["status"] for row in rows] == ["not imported"] * 10
    assert "the proxy does not have it" in rows[0]["reason"]
    assert "Stopped early" in err


def _stop_at_second_create(stop):
    """A fake proxy whose second /model/new stores the model, then ``stop()`` happens."""
    stored = []

    def create(body):
        stored.append(body["model_info"]["id"])
        if len(stored) == 2:
            return stop()
        return {"model_id": body["model_info"]["id"]}

    def info(params):
        if params and params["litellm_model_id"] not in stored:
            return exceptions.NotFound("not found", http_status=400)
        return {"data": [{"model_info": {"id": params["litellm_model_id"]}}] if params else []}

    session = _proxy(create=create)
    session.answers[("GET", "/model/info")] = info
    return session, stored


def _import_until_stopped(tmp_path, session, expected):
    import yaml

    config = {"model_list": [dict(MODEL_LIST[0], model_name=f"m{i}") for i in range(4)]}
    path = _yaml_file(tmp_path, yaml.safe_dump(config))
    app = types.SimpleNamespace(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                client_manager=ClientManager(session=session))
    cmd = plugin.ImportModel(app, None)
    with pytest.raises(expected):
        cmd.run(cmd.get_parser("x").parse_args([path, "-f", "json", "--workers", "1"]))
    return json.loads(app.stdout.getvalue()), app.stderr.getvalue()


def test_ctrl_c_while_a_model_is_sent_waits_for_its_answer_and_reports_it_created(tmp_path):
    import signal

    main = threading.main_thread().ident

    def ctrl_c():
        signal.pthread_kill(main, signal.SIGINT)  # Ctrl-C, mid-request
        time.sleep(1)  # the answer comes after the interrupt is handled, even on a busy machine
        return {"model_id": "ok"}

    session, stored = _stop_at_second_create(ctrl_c)
    rows, err = _import_until_stopped(tmp_path, session, KeyboardInterrupt)
    assert [r["status"] for r in rows] == ["created", "created", "not imported", "not imported"]
    assert [r["id"] for r in rows[:2]] == stored
    assert rows[2]["reason"] == "stopped before it was sent"
    assert "Models: 2 created, 0 skipped, 0 failed, 2 not imported. Stopped early" in err


def test_a_lost_answer_is_checked_on_the_proxy_before_it_is_reported(tmp_path):
    def lost():
        return exceptions.ConnectionFailure("connection reset")  # may have been received

    session, stored = _stop_at_second_create(lost)
    rows, _ = _import_until_stopped(tmp_path, session, exceptions.ConnectionFailure)
    assert [r["status"] for r in rows] == ["created", "created", "not imported", "not imported"]
    assert rows[1]["reason"] == "checked after the stop" and rows[1]["id"] == stored[1]
    assert ("GET", "/model/info", {"params": {"litellm_model_id": stored[1]}}) in session.calls


def test_a_lost_answer_that_cannot_be_checked_is_unknown(tmp_path):
    session, stored = _stop_at_second_create(lambda: exceptions.ConnectionFailure("reset"))
    session.answers[("GET", "/model/info")] = lambda params: (
        exceptions.ConnectionFailure("down") if params else {"data": []})
    rows, _ = _import_until_stopped(tmp_path, session, exceptions.ConnectionFailure)
    assert [r["status"] for r in rows] == ["created", "unknown", "not imported", "not imported"]
    assert rows[1]["id"] == stored[1]


@pytest.mark.parametrize("value", ["0", "11", "two"])
def test_workers_must_be_between_1_and_10(value):
    with pytest.raises(exceptions.UsageError, match="--workers"):
        run(plugin.ImportModel, ["f.yaml", "--workers", value], FakeSession())


def _db(name, ident, params=None, **info):
    """A database deployment that models apply made (owned by the default owner)."""
    info.setdefault(model_config.META, {"v": 2, "owner": "litellm-cli"})
    return {"model_name": name, "litellm_params": params or {"model": "openai/gpt-4o"},
            "model_info": {"id": ident, "db_model": True, **info}}


def test_diff_exits_0_when_nothing_differs_and_1_with_differences(tmp_path):
    deployed = [_db("a", "id-a", {"model": "openai/gpt-4o", "rpm": 5})]
    same = {"model_list": [{"model_name": "a", "litellm_params": {"model": "openai/gpt-4o",
                                                                  "rpm": 5},
                            "model_info": {"id": "id-a"}}]}
    code, rows, err = _run_sync(plugin.DiffModel, tmp_path, same, [], _proxy(deployed))
    assert code == 0 and rows[0]["action"] == "unchanged"
    changed = {"model_list": [dict(same["model_list"][0],
                                   litellm_params={"model": "openai/gpt-4o", "rpm": 7})]}
    code, rows, err = _run_sync(plugin.DiffModel, tmp_path, changed, [], _proxy(deployed))
    assert code == 1 and rows[0]["action"] == "update"
    assert rows[0]["changes"] == [{"field": "litellm_params.rpm", "old": 5, "new": 7}]
    assert err == "Models: 0 to create, 1 to update, 0 unchanged, 0 to delete\n"


def test_diff_with_an_invalid_entry_exits_2_and_says_which(tmp_path):
    code, rows, err = _run_sync(plugin.DiffModel, tmp_path, {"model_list": [7]}, [], _proxy())
    assert code == 2 and rows[0]["action"] == "invalid"
    assert rows[0]["reason"] == "model_list[0] is not a mapping"


def test_diff_table_shows_each_change_on_a_line_with_secrets_masked():
    column = plugin.ChangesColumn([{"field": "litellm_params.rpm", "old": None, "new": 7},
                                   {"field": "litellm_params.api_key", "old": "***",
                                    "new": "***"}])
    assert column.human_readable() == ("litellm_params.rpm: null -> 7\n"
                                       "litellm_params.api_key: *** -> ***")


def test_diff_table_keeps_a_value_with_a_line_break_on_its_own_line():
    # A value holding "\nfield: x -> y" must not look like another change.
    column = plugin.ChangesColumn([{"field": "team_alias", "old": None,
                                    "new": "a\nmetadata: {} -> {}\x1b[31m"}])
    assert column.human_readable() == "team_alias: null -> a\\nmetadata: {} -> {}\\x1b[31m"


def test_apply_updates_in_place_and_prunes_after_the_writes(tmp_path):
    deployed = [_db("a", "id-a", {"model": "openai/gpt-4o", "rpm": 5}), _db("gone", "id-gone"),
                {**_db("from-config", "id-cfg"), "model_info": {"id": "id-cfg"}}]
    session = _proxy(deployed)
    session.answers[("PATCH", "/model/id-a/update")] = {"model_id": "id-a"}
    config = {"model_list": [{"model_name": "a", "model_info": {"id": "id-a"},
                              "litellm_params": {"model": "openai/gpt-4o", "rpm": 7}}]}
    code, rows, err = _run_sync(plugin.ApplyModel, tmp_path, config, ["--prune", "--yes"],
                                session)
    assert code == 0, code
    assert [(r["name"], r["status"], r["id"]) for r in rows] == [
        ("a", "updated", "id-a"), ("gone", "deleted", "id-gone")]
    writes = [c for c in session.calls if c[0] != "GET"]
    assert [c[:2] for c in writes] == [("PATCH", "/model/id-a/update"),
                                       ("POST", "/model/delete")]
    assert writes[0][2]["body"]["litellm_params"] == {"rpm": 7}
    assert writes[1][2]["body"] == {"id": "id-gone"}
    assert err.endswith("Models: 0 created, 1 updated, 0 unchanged, 1 deleted, 0 failed\n")


def _apply_removing_rpm(tmp_path, version):
    session = _proxy([_db("a", "id-a", {"model": "openai/gpt-4o", "rpm": 5})])
    session.answers.update(release(version))
    session.answers[("PATCH", "/model/id-a/update")] = {"model_id": "id-a"}
    config = {"model_list": [{"model_name": "a", "model_info": {"id": "id-a"},
                              "litellm_params": {"model": "openai/gpt-4o", "rpm": None}}]}
    code, rows, _ = _run_sync(plugin.ApplyModel, tmp_path, config, [], session)
    return code, rows, [c for c in session.calls if c[0] == "PATCH"]


def test_apply_removes_a_param_set_to_null_where_the_release_can(tmp_path):
    code, rows, patches = _apply_removing_rpm(tmp_path, "1.110.2")
    assert code == 0 and rows[0]["status"] == "updated"
    body = patches[0][2]["body"]
    assert body["litellm_params_to_remove"] == ["rpm"] and "litellm_params" not in body


def test_apply_refuses_to_remove_a_param_where_the_release_cannot(tmp_path):
    code, rows, patches = _apply_removing_rpm(tmp_path, PINNED)
    assert str(code) == "1 of 1 models failed to apply" and code.exit_code == 1
    assert patches == []  # not reported as updated, nothing sent
    assert rows[0]["status"] == "failed"
    assert rows[0]["reason"].startswith("litellm_params.rpm cannot be removed")
    assert "removing a param needs LiteLLM >= 1.109" in rows[0]["reason"]


def test_apply_prune_on_a_terminal_asks_and_no_deletes_nothing(tmp_path, monkeypatch):
    from litellm_cli import command

    tty = tmp_path / "tty"
    tty.write_text("n\n")
    monkeypatch.setattr(command, "TTY", str(tty))
    session = _proxy([_db("gone", "id-gone")])
    app = types.SimpleNamespace(stdout=io.StringIO(), stderr=io.StringIO(),
                                stdin=io.StringIO(""),  # the file may come on stdin
                                client_manager=ClientManager(session=session))
    cmd = plugin.ApplyModel(app, None)
    path = _yaml_file(tmp_path, "model_list: []\n")
    with pytest.raises(exceptions.CLIError, match="aborted"):
        cmd.run(cmd.get_parser("x").parse_args([path, "--prune"]))
    assert "gone (id-gone)" in tty.read_text()  # asked on the terminal
    assert all(c[0] == "GET" for c in session.calls)


def test_apply_prune_without_a_terminal_refuses_unless_yes(tmp_path, monkeypatch):
    from litellm_cli import command

    monkeypatch.setattr(command, "TTY", str(tmp_path / "no-such-terminal"))
    session = _proxy([_db("gone", "id-gone")])
    app = types.SimpleNamespace(stdout=io.StringIO(), stderr=io.StringIO(), stdin=io.StringIO(),
                                client_manager=ClientManager(session=session))
    cmd = plugin.ApplyModel(app, None)
    path = _yaml_file(tmp_path, "model_list: []\n")
    with pytest.raises(exceptions.UsageError, match="no terminal to ask on: give --yes"):
        cmd.run(cmd.get_parser("x").parse_args([path, "--prune"]))
    assert all(c[0] == "GET" for c in session.calls)


def test_progress_bar_only_on_a_terminal_and_for_long_runs():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    for stream, total, drawn in ((Tty(), 10, True), (io.StringIO(), 10, False), (Tty(), 3, False)):
        progress = plugin._Progress(stream, total)
        for _ in range(total):
            progress.step(None)
        progress.end()
        assert ("10/10" in stream.getvalue()) is drawn
        assert stream.getvalue() == "" or drawn


def test_export_writes_a_private_file_replacing_it_only_when_complete(tmp_path):
    import os
    import stat

    import yaml

    session = _proxy([_db("a", "id-a", {"model": "openai/gpt-4o", "api_key": "masked"},
                          description="d", input_cost_per_token=1e-06)])
    out = tmp_path / "out.yaml"
    out.write_text("old\n")
    os.chmod(out, 0o644)
    _, app = run(plugin.ExportModel, ["-o", str(out)], session)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert yaml.safe_load(out.read_text()) == {"model_list": [
        {"model_name": "a", "litellm_params": {"model": "openai/gpt-4o"},
         "model_info": {"id": "id-a", "description": "d"}}]}
    assert "Exported 1 deployments" in app.stderr.getvalue()

    session.answers[("GET", "/model/info")] = exceptions.ConnectionFailure("lost")
    with pytest.raises(exceptions.ConnectionFailure):
        run(plugin.ExportModel, ["-o", str(out)], session)
    assert yaml.safe_load(out.read_text())["model_list"][0]["model_name"] == "a"
    assert sorted(os.listdir(tmp_path)) == ["out.yaml"]
    with pytest.raises(exceptions.UsageError, match="cannot write in"):
        run(plugin.ExportModel, ["-o", str(tmp_path / "no" / "such.yaml")], session)


def test_deleting_a_config_file_model_says_it_lives_in_the_proxys_config_file():
    refused = exceptions.BadRequest("Model with id=cfg-1 not found in db", http_status=400)
    session = FakeSession({("POST", "/model/delete"): refused,
                           ("GET", "/model/info"): {"data": [
                               {"model_name": "gpt-4o", "model_info": {"id": "cfg-1"}}]}})
    with pytest.raises(exceptions.BadRequest) as caught:
        ModelsAPI(session).delete("cfg-1")
    assert not isinstance(caught.value, exceptions.NotFound)
    assert "config file" in str(caught.value) and "config.yaml" in str(caught.value)


def test_deleting_an_unknown_model_is_still_not_found():
    refused = exceptions.BadRequest("Model with id=nope not found in db", http_status=400)
    session = FakeSession({("POST", "/model/delete"): refused,
                           ("GET", "/model/info"): exceptions.NotFound("no such model")})
    with pytest.raises(exceptions.NotFound):
        ModelsAPI(session).delete("nope")


def test_an_import_refused_for_its_key_says_to_use_an_admin_key_not_just_to_run_again(tmp_path):
    session = _proxy(create=exceptions.Forbidden("not allowed", http_status=403))
    session.answers[("GET", "/model/info")] = lambda params: (
        exceptions.NotFound("gone", http_status=400) if params else {"data": []})
    config = {"model_list": [dict(MODEL_LIST[0], model_name=f"m{i}") for i in range(3)]}
    error, rows, err = _run_import(tmp_path, config, ["--workers", "1"], session)
    assert isinstance(error, exceptions.Forbidden)
    assert "Stopped early: the key may not make these changes" in err
    assert "admin key" in err and "run the same import again" not in err


def test_a_table_shortens_a_long_changed_value_and_escapes_every_control():
    column = plugin.ChangesColumn([{"field": "description", "old": "x" * 100_000,
                                    "new": {"a": "\u202e\x85"}}])
    line = column.human_readable()
    assert line.startswith("description: " + "x" * plugin.VALUE_CHARS + "... (100000 characters)")
    assert "\u202e" not in line and "\x85" not in line and "\\u202e" in line
    assert column.machine_readable()[0]["old"] == "x" * 100_000  # json/yaml: whole
