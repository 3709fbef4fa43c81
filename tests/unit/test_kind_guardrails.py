"""The guardrails adapter of state files (litellm_cli.api.kinds.guardrails)."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api.kinds.base import OWNER_FIELD
from litellm_cli.api.kinds.guardrails import Guardrails
from litellm_cli.api.state_sync import request_fields
from tests.unit.conftest import FakeSession

# As /v2/guardrails/list shows one: the proxy's defaults filled in, secrets masked.
STORED = {"guardrail_id": "uuid-1", "guardrail_name": "g1",
          "litellm_params": {"guardrail": "lakera_v2", "mode": "pre_call",
                             "api_key": "sk****56", "api_base": "http://lakera",
                             "keyword_redaction_tag": "[R****D]", "default_on": False,
                             "fail_on_error": True, "version": 2, "patterns": None,
                             "extra_headers": {"Authorization": "Be****er", "X-Team": "a"}},
          "guardrail_info": {"description": "d", OWNER_FIELD: "o"},
          "created_at": "2026", "guardrail_definition_location": "db"}
CONFIG = {"guardrail_id": "c1", "guardrail_name": "from-config",
          "litellm_params": {"guardrail": "presidio", "mode": "pre_call"},
          "guardrail_info": {}, "guardrail_definition_location": "config"}


def guardrails(answers=()):
    session = FakeSession({("GET", "/v2/guardrails/list"): {"guardrails": [STORED, CONFIG]},
                           ("PATCH", "/guardrails/uuid-1"): {}, **dict(answers)})
    return Guardrails(session, request_fields("1.108.7", "guardrail_list")), session


def test_export_has_no_secret_no_owner_no_default_and_no_null():
    adapter, _ = guardrails()
    assert adapter.export(STORED) == {
        "guardrail_name": "g1", "guardrail_info": {"description": "d"},
        "litellm_params": {"guardrail": "lakera_v2", "mode": "pre_call",
                           "api_base": "http://lakera", "extra_headers": {"X-Team": "a"}}}
    assert "****" not in repr(adapter.export(STORED))


def test_an_export_plans_unchanged_and_defaults_or_secrets_written_out_change_nothing():
    adapter, _ = guardrails()
    [item] = adapter.plan([adapter.export(STORED)], "o")
    assert (item.status, item.reason) == ("unchanged", None)
    given = {**adapter.export(STORED), "litellm_params": {
        **adapter.export(STORED)["litellm_params"], "fail_on_error": True, "default_on": False,
        "api_key": "sk-new", "timeout": None}}
    [item] = adapter.plan([given], "o")
    assert item.status == "unchanged" and "litellm_params.api_key" in item.reason


def test_an_update_patches_only_the_entries_changed_and_replaces_the_info_with_the_owner():
    adapter, session = guardrails()
    [item] = adapter.plan([{"guardrail_name": "g1", "litellm_params": {
        "guardrail": "lakera_v2", "api_base": "http://other", "api_key": "sk-new"}}], "mine")
    assert item.status == "would update"
    assert {c["field"] for c in item.changes} == {"litellm_params.api_base",
                                                  f"guardrail_info.{OWNER_FIELD}"}
    adapter.send(item, "mine")
    assert session.calls[-1][:2] == ("PATCH", "/guardrails/uuid-1")
    assert session.calls[-1][2]["body"] == {
        "litellm_params": {"api_base": "http://other"},
        "guardrail_info": {"description": "d", OWNER_FIELD: "mine"}}


def test_force_secrets_sends_the_files_secret_and_shows_it_masked():
    adapter, session = guardrails()
    [item] = adapter.plan([{"guardrail_name": "g1", "litellm_params": {"api_key": "sk-new"}}],
                          "o", force_secrets=True)
    assert item.changes == [{"field": "litellm_params.api_key", "old": "***", "new": "***"}]
    adapter.send(item, "o")
    assert session.calls[-1][2]["body"]["litellm_params"] == {"api_key": "sk-new"}


def test_a_null_clears_an_entry_and_the_info_given_is_the_truth():
    adapter, session = guardrails()
    [item] = adapter.plan([{"guardrail_name": "g1", "guardrail_info": {"team": "t"},
                            "litellm_params": {"api_base": None}}], "o")
    adapter.send(item, "o")
    assert session.calls[-1][2]["body"] == {"litellm_params": {"api_base": None},
                                            "guardrail_info": {"team": "t", OWNER_FIELD: "o"}}


def test_a_create_carries_the_owner_and_a_delete_uses_the_proxys_id():
    adapter, session = guardrails({("POST", "/guardrails"): {},
                                   ("DELETE", "/guardrails/uuid-1"): {}})
    wanted = {"guardrail_name": "new", "litellm_params": {"guardrail": "x", "mode": "pre_call"}}
    [item] = adapter.plan([wanted], "mine")
    adapter.send(item, "mine")
    assert session.calls[-1][2]["body"] == {"guardrail": {
        **wanted, "guardrail_info": {OWNER_FIELD: "mine"}}}
    [item] = [i for i in adapter.plan([], "o", prune=True) if i.name == "g1"]
    adapter.send(item, "o")
    assert session.calls[-1][:2] == ("DELETE", "/guardrails/uuid-1")


def test_prune_deletes_the_owners_only_never_a_config_guardrail():
    adapter, _ = guardrails()
    items = adapter.plan([], "o", prune=True)
    assert {(i.name, i.status) for i in items} == {("g1", "would delete"),
                                                    ("from-config", "unmanaged")}
    assert {i.name for i in adapter.plan([], "other", prune=True)
            if i.status == "would delete"} == set()


def test_a_config_guardrail_is_never_changed():
    adapter, _ = guardrails()
    [same] = adapter.plan([{"guardrail_name": "from-config",
                            "litellm_params": {"mode": "pre_call"}}], "o")
    assert same.status == "unchanged" and "config" in same.reason
    [other] = adapter.plan([{"guardrail_name": "from-config",
                             "litellm_params": {"mode": "post_call"}}], "o")
    assert other.status == "failed" and "config" in other.reason


def test_a_create_that_another_run_made_meanwhile_is_updated_in_place():
    made = {**STORED, "guardrail_info": {"description": "d", OWNER_FIELD: "x"}}
    answers = iter([{"guardrails": []}, {"guardrails": [made]}])
    adapter, session = guardrails({
        ("GET", "/v2/guardrails/list"): lambda **kw: next(answers),
        ("POST", "/guardrails"): exceptions.ServerError("Unique constraint failed")})
    [item] = adapter.plan([{"guardrail_name": "g1", "guardrail_info": {"description": "d"}}],
                          "o")
    adapter.send(item, "o")
    assert item.reason == "created meanwhile by another run; updated in place"
    assert session.calls[-1][:2] == ("PATCH", "/guardrails/uuid-1")


def test_a_refused_create_with_nothing_there_stays_refused():
    adapter, _ = guardrails({("GET", "/v2/guardrails/list"): {"guardrails": []},
                             ("POST", "/guardrails"): exceptions.BadRequest("bad config")})
    [item] = adapter.plan([{"guardrail_name": "g9"}], "o")
    with pytest.raises(exceptions.BadRequest):
        adapter.send(item, "o")


def test_a_proxy_without_the_route_fails_the_plan():
    adapter, _ = guardrails({("GET", "/v2/guardrails/list"): exceptions.MissingRoute(
        "this proxy (LiteLLM 1.0) has no GET /v2/guardrails/list")})
    with pytest.raises(exceptions.MissingRoute, match="has no GET /v2/guardrails/list"):
        adapter.plan([{"guardrail_name": "g"}], "o")


def test_validate_takes_provider_fields_names_a_typo_and_refuses_a_marker():
    from litellm_cli.api.state import validate

    report = validate({"guardrail_list": [{
        "guardrail_name": "g", "guardrail_nfo": {}, "guardrail_info": {OWNER_FIELD: "me"},
        "litellm_params": {"guardrail": "x", "mode": "pre_call", "provider_field": 1,
                           "api_key": "cli.environ/X"}}]})
    assert {(p.field, p.problem) for p in report.problems} == {
        ("guardrail_nfo", "unknown field; did you mean guardrail_info?"),
        (f"guardrail_info.{OWNER_FIELD}",
         "is written by apply from the file's owner: set owner: at the top instead")}
