"""The prompts adapter of state files (litellm_cli.api.kinds.prompts)."""

from litellm_cli.api.kinds.base import OWNER_FIELD
from litellm_cli.api.kinds.prompts import Prompts
from litellm_cli.api.state import validate
from tests.unit.conftest import FakeSession


def stored(prompt_id="p1", environment="development", content="Hi {{name}}", **info):
    """A prompt as /prompts/list answers (1.108.7): the latest version, defaults filled in."""
    return {"prompt_id": prompt_id, "environment": environment, "version": None,
            "created_by": "default_user_id", "created_at": "2026",
            "litellm_params": {"prompt_id": prompt_id, "prompt_integration": "dotprompt",
                               "api_base": None, "api_key": "sk-prompt-sekrit",
                               "provider_specific_query_params": None,
                               "ignore_prompt_manager_model": False,
                               "ignore_prompt_manager_optional_params": False,
                               "dotprompt_content": None,
                               "prompt_data": {"content": content}},
            "prompt_info": {"prompt_type": "db", "environment": environment, **info}}


LISTED = [stored(team="x", **{OWNER_FIELD: "o"}),
          stored(environment="production", content="Prod", **{OWNER_FIELD: "o"}),
          stored("from-config", prompt_type="config", **{OWNER_FIELD: "o"})]


def prompts(answers=()):
    session = FakeSession({("GET", "/prompts/list"): {"prompts": LISTED},
                           ("PUT", "/prompts/p1"): {}, **dict(answers)})
    return Prompts(session), session


def test_export_has_no_secret_no_owner_no_default_and_names_the_environment():
    adapter, _ = prompts()
    assert adapter.export(LISTED[0]) == {
        "prompt_id": "p1", "prompt_info": {"team": "x"},
        "litellm_params": {"prompt_id": "p1", "prompt_integration": "dotprompt",
                           "prompt_data": {"content": "Hi {{name}}"}}}
    assert adapter.export(LISTED[1])["prompt_info"] == {"environment": "production"}
    assert "sekrit" not in repr([adapter.export(p) for p in LISTED])


def test_one_prompt_per_environment_exports_plan_unchanged():
    adapter, _ = prompts()
    items = adapter.plan([adapter.export(p) for p in LISTED[:2]], "o")
    assert [(i.name, i.status) for i in items] == [("p1", "unchanged"),
                                                  ("p1@production", "unchanged")]
    written_out = {**adapter.export(LISTED[0]),
                   "prompt_info": {"team": "x", "prompt_type": "db",
                                   "environment": "development"}}
    written_out["litellm_params"] = {**written_out["litellm_params"], "api_key": "other",
                                     "ignore_prompt_manager_model": False}
    [item] = adapter.plan([written_out], "o")
    assert item.status == "unchanged" and "litellm_params" in item.reason


def test_an_update_puts_a_new_version_whole_keeping_the_secret_and_marking_the_owner():
    adapter, session = prompts()
    wanted = {"prompt_id": "p1", "litellm_params": {"prompt_integration": "dotprompt",
                                                    "prompt_data": {"content": "New"}}}
    [item] = adapter.plan([wanted], "mine")
    assert item.status == "would update"
    assert {c["field"] for c in item.changes} == {"litellm_params",
                                                  f"prompt_info.{OWNER_FIELD}"}
    adapter.send(item, "mine")
    assert session.calls[-1][:2] == ("PUT", "/prompts/p1")
    assert session.calls[-1][2]["body"] == {
        "prompt_id": "p1",
        "litellm_params": {"prompt_integration": "dotprompt", "prompt_data": {"content": "New"},
                           "api_key": "sk-prompt-sekrit"},
        "prompt_info": {"prompt_type": "db", "environment": "development", "team": "x",
                        OWNER_FIELD: "mine"}}


def test_a_create_in_another_environment_sends_it_and_a_delete_names_it():
    adapter, session = prompts({("POST", "/prompts"): {}, ("DELETE", "/prompts/p1"): {}})
    [item] = adapter.plan([{"prompt_id": "p1", "prompt_info": {"environment": "staging"},
                            "litellm_params": {"prompt_integration": "dotprompt"}}], "mine")
    assert (item.name, item.status) == ("p1@staging", "would create")
    adapter.send(item, "mine")
    assert session.calls[-1][2]["body"]["prompt_info"] == {
        "prompt_type": "db", "environment": "staging", OWNER_FIELD: "mine"}
    [gone] = [i for i in adapter.plan([], "o", prune=True) if i.name == "p1@production"]
    adapter.send(gone, "o")
    assert session.calls[-1] == ("DELETE", "/prompts/p1",
                                 {"body": None, "params": {"environment": "production"}})


def test_prune_deletes_the_owners_in_each_environment_never_a_config_prompt():
    adapter, _ = prompts()
    items = adapter.plan([adapter.export(LISTED[0])], "o", prune=True)
    assert {(i.name, i.status) for i in items} == {
        ("p1", "unchanged"), ("p1@production", "would delete"), ("from-config", "unmanaged")}


def test_a_prompt_id_the_proxy_reads_as_a_version_fails():
    adapter, _ = prompts()
    items = adapter.plan([{"prompt_id": name, "litellm_params": {"prompt_integration": "x"}}
                          for name in ("chat_v2", "my.vision")], "o")
    assert [(i.status, i.action) for i in items] == [("failed", None)] * 2
    assert "as a version" in items[0].reason


def test_validate_allows_one_prompt_per_environment_not_twice_in_one():
    params = {"prompt_integration": "dotprompt"}
    report = validate({"prompt_list": [
        {"prompt_id": "p", "litellm_params": params},
        {"prompt_id": "p", "litellm_params": params, "prompt_info": {"environment": "prod"}},
        {"prompt_id": "p", "litellm_params": params,
         "prompt_info": {"environment": "development"}}]})
    assert [(p.field, p.problem) for p in report.problems] == [
        ("prompt_id", "given more than once (prompt_list[0] and prompt_list[2])")]


def test_an_update_of_prompt_info_keeps_its_secret_named_entries():
    listed = [stored(team="x", client_secret="info-sekrit", **{OWNER_FIELD: "o"})]
    adapter, session = prompts({("GET", "/prompts/list"): {"prompts": listed}})
    [item] = adapter.plan([{"prompt_id": "p1", "prompt_info": {"team": "y"}}], "o")
    assert item.status == "would update"
    adapter.send(item, "o")
    assert session.calls[-1][2]["body"]["prompt_info"]["client_secret"] == "info-sekrit"


def test_a_prompt_id_with_an_at_sign_fails_it_would_clash_with_another_environments_name():
    adapter, _ = prompts()
    # "p1@production" in development and p1 in production would both be named p1@production.
    [item] = adapter.plan([{"prompt_id": "p1@production",
                            "litellm_params": {"prompt_integration": "dotprompt"}}], "o")
    assert item.status == "failed" and item.action is None and "'@'" in item.reason
