"""The search tools adapter of state files (litellm_cli.api.kinds.search_tools)."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api.kinds.base import OWNER_FIELD
from litellm_cli.api.kinds.search_tools import SearchTools
from litellm_cli.api.state_sync import request_fields
from tests.unit.conftest import FakeSession

# As /search_tools/list shows one (LiteLLM 1.80.17 shows the api_key in clear).
STORED = {"search_tool_id": "uuid-1", "search_tool_name": "s1",
          "litellm_params": {"search_provider": "tavily", "api_key": "tvly-clear-secret",
                             "api_base": "http://tavily"},
          "search_tool_info": {"description": "d", OWNER_FIELD: "o"},
          "created_at": "2026", "is_from_config": False}
KEYLESS = {"search_tool_id": "uuid-2", "search_tool_name": "s2",
           "litellm_params": {"search_provider": "searxng", "api_base": "http://searx"},
           "search_tool_info": {}, "is_from_config": False}
CONFIG = {"search_tool_id": None, "search_tool_name": "from-config",
          "litellm_params": {"search_provider": "tavily", "api_key": "tv****ey"},
          "search_tool_info": None, "is_from_config": True}


def tools(answers=()):
    session = FakeSession({("GET", "/search_tools/list"): {"search_tools": [STORED, KEYLESS,
                                                                           CONFIG]},
                           ("PUT", "/search_tools/uuid-1"): {},
                           ("PUT", "/search_tools/uuid-2"): {}, **dict(answers)})
    return SearchTools(session, request_fields("1.108.7", "search_tool_list")), session


def test_export_has_no_secret_not_even_one_shown_in_clear():
    adapter, _ = tools()
    assert adapter.export(STORED) == {
        "search_tool_name": "s1", "search_tool_info": {"description": "d"},
        "litellm_params": {"search_provider": "tavily", "api_base": "http://tavily"}}
    assert "tvly" not in repr(adapter.export(STORED))
    [item] = adapter.plan([adapter.export(KEYLESS)], "o")
    assert item.status == "would update"  # only the owner marker


def test_an_update_replaces_the_tool_with_the_files_secret_and_the_shown_params():
    adapter, session = tools()
    [item] = adapter.plan([{"search_tool_name": "s1", "litellm_params": {
        "api_key": "tvly-new", "max_retries": 2}}], "o")
    assert [c["field"] for c in item.changes] == ["litellm_params.max_retries"]
    adapter.send(item, "o")
    assert session.calls[-1][:2] == ("PUT", "/search_tools/uuid-1")
    assert session.calls[-1][2]["body"] == {"search_tool": {
        "search_tool_name": "s1",
        "litellm_params": {"search_provider": "tavily", "api_base": "http://tavily",
                           "api_key": "tvly-new", "max_retries": 2},
        "search_tool_info": {"description": "d", OWNER_FIELD: "o"}}}


def test_an_update_that_would_lose_the_api_key_fails_and_sends_nothing():
    adapter, session = tools()
    [item] = adapter.plan([{"search_tool_name": "s1", "search_tool_info": {"d": 2}}], "o")
    assert item.status == "failed" and item.action is None
    assert "api_key" in item.reason and "tvly" not in repr(item.changes)
    [same] = adapter.plan([{"search_tool_name": "s1"}], "o")
    assert same.status == "unchanged"  # nothing to send, nothing lost


def test_a_tool_without_a_secret_updates_and_a_null_drops_an_entry():
    adapter, session = tools()
    [item] = adapter.plan([{"search_tool_name": "s2", "litellm_params": {"api_base": None}}],
                          "mine")
    adapter.send(item, "mine")
    assert session.calls[-1][2]["body"]["search_tool"]["litellm_params"] == {
        "search_provider": "searxng"}
    assert session.calls[-1][2]["body"]["search_tool"]["search_tool_info"] == {
        OWNER_FIELD: "mine"}


def test_a_create_carries_the_owner_and_prune_spares_others_and_the_config():
    adapter, session = tools({("POST", "/search_tools"): {},
                              ("DELETE", "/search_tools/uuid-1"): {}})
    wanted = {"search_tool_name": "new", "litellm_params": {"search_provider": "exa_ai"}}
    [item] = adapter.plan([wanted], "mine")
    adapter.send(item, "mine")
    assert session.calls[-1][2]["body"] == {"search_tool": {
        **wanted, "search_tool_info": {OWNER_FIELD: "mine"}}}
    items = adapter.plan([], "o", prune=True)
    assert {(i.name, i.status) for i in items} == {
        ("s1", "would delete"), ("s2", "unmanaged"), ("from-config", "unmanaged")}
    adapter.send([i for i in items if i.name == "s1"][0], "o")
    assert session.calls[-1][:2] == ("DELETE", "/search_tools/uuid-1")


def test_a_tool_made_meanwhile_that_an_update_would_lose_a_secret_of_fails_saying_so():
    answers = iter([{"search_tools": []}, {"search_tools": [STORED]}])
    adapter, session = tools({("GET", "/search_tools/list"): lambda **kw: next(answers),
                              ("POST", "/search_tools"): exceptions.ServerError("Unique")})
    [item] = adapter.plan([{"search_tool_name": "s1", "search_tool_info": {"new": 1}}], "o")
    with pytest.raises(exceptions.CLIError, match="created meanwhile by another run; .*api_key"):
        adapter.send(item, "o")
    assert [c[0] for c in session.calls] == ["GET", "POST", "GET"]  # no PUT
