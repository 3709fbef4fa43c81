"""Search tools in a state file (search_tool_list) against a real proxy,
through the engine (litellm_cli.api.state_sync)."""

import uuid

import pytest
from tests.functional.conftest import apply_state as apply


OWNER = "kguard-test"
SECRET = "tvly-kguard-sekrit-123"
KIND = "search_tool_list"


@pytest.fixture
def name():
    return f"kguard-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def made(api):
    """Names whose search tools are deleted after the test."""
    names = []
    yield names
    for tool in stored(api).values():
        if tool["search_tool_name"] in names:
            api.call("DELETE", f"/search_tools/{tool['search_tool_id']}")


def stored(api):
    return {t["search_tool_name"]: t for t in api.ok("GET", "/search_tools/list")["search_tools"]}


def tool(name, **params):
    return {"search_tool_name": name,
            "litellm_params": {"search_provider": "tavily", "api_base": "http://127.0.0.1:9",
                               **params}}


def mine(plan, prefix):
    return {i.name: i.status for i in plan.items if i.kind == KIND and i.name.startswith(prefix)}



def test_round_trip_without_secrets_or_owner_and_update_in_place(sync, api, made, name):
    hostile = f"{name}-$(touch x);\u00e9\u6f22"
    made += [name, hostile]
    data = {"owner": OWNER, KIND: [
        {**tool(name, api_key=SECRET), "search_tool_info": {"team": "kguard"}},
        {**tool(hostile), "search_tool_info": {"description": "x" * 100_000}}]}
    assert mine(apply(sync, data), name) == {name: "created", hostile: "created"}
    first = stored(api)[name]
    assert first["search_tool_info"]["litellm_cli_owner"] == OWNER

    again = sync.plan(data)
    assert mine(again, name) == {name: "unchanged", hostile: "unchanged"}

    exported = {o["search_tool_name"]: o for o in sync.export([KIND], owner=OWNER)[KIND]}
    assert exported[name] == {**tool(name), "search_tool_info": {"team": "kguard"}}
    assert SECRET not in repr(exported) and "****" not in repr(exported)
    back = sync.plan({"owner": OWNER, KIND: [exported[name], exported[hostile]]})
    assert mine(back, name) == {name: "unchanged", hostile: "unchanged"}

    # The proxy replaces a tool whole: an update needs the file's api_key...
    changed = {**tool(name, api_base="http://127.0.0.1:10")}
    refused = sync.plan({"owner": OWNER, KIND: [changed]})
    [item] = [i for i in refused.items if i.name == name]
    assert item.status == "failed" and "api_key" in item.reason and not refused.writes

    # ...and with it, changes in place, keeping what the file leaves out.
    changed["litellm_params"]["api_key"] = SECRET
    plan = apply(sync, {"owner": OWNER, KIND: [changed]})
    [item] = [i for i in plan.items if i.name == name]
    assert item.status == "updated"
    assert [c["field"] for c in item.changes] == ["litellm_params.api_base"]
    assert SECRET not in repr(item.changes)
    after = stored(api)[name]
    assert after["search_tool_id"] == first["search_tool_id"]
    assert after["litellm_params"]["api_base"] == "http://127.0.0.1:10"
    assert after["litellm_params"]["api_key"] == first["litellm_params"]["api_key"]
    assert after["search_tool_info"] == first["search_tool_info"]
    assert mine(sync.plan({"owner": OWNER, KIND: [changed]}), name) == {name: "unchanged"}


def test_prune_deletes_only_the_owners_tools(sync, api, made, name):
    kept, dropped, foreign = f"{name}-kept", f"{name}-dropped", f"{name}-foreign"
    made += [kept, dropped, foreign]
    apply(sync, {"owner": OWNER, KIND: [tool(kept), tool(dropped)]})
    api.ok("POST", "/search_tools", json={"search_tool": tool(foreign)})  # no owner
    plan = sync.plan({"owner": OWNER, KIND: [tool(kept)]}, prune=True)
    assert mine(plan, name) == {kept: "unchanged", dropped: "would delete",
                                foreign: "unmanaged"}
    plan.items[:] = [i for i in plan.items if i.name.startswith(name)]  # others' are not ours
    sync.execute(plan)
    assert mine(plan, name) == {kept: "unchanged", dropped: "deleted", foreign: "unmanaged"}
    left = stored(api)
    assert kept in left and foreign in left and dropped not in left


def test_a_tool_created_by_another_run_meanwhile_is_updated_in_place(sync, api, made, name):
    made.append(name)
    plan = sync.plan({"owner": OWNER, KIND: [{**tool(name), "search_tool_info": {"by": "file"}}]})
    api.ok("POST", "/search_tools", json={"search_tool": {**tool(name),
                                                          "search_tool_info": {"by": "other"}}})
    sync.execute(plan)
    [item] = [i for i in plan.items if i.name == name]
    assert item.status == "updated" and "created meanwhile" in item.reason
    assert stored(api)[name]["search_tool_info"] == {"by": "file", "litellm_cli_owner": OWNER}
