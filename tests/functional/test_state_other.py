"""The other kinds of a state file (tags, MCP servers; organizations refused)
against a real proxy, through the engine (litellm_cli.api.state_sync)."""

import uuid

import pytest

from litellm_cli import exceptions
from tests.functional.conftest import BEFORE_1_108, apply_state as apply

OWNER = "kother-test"
SECRET = "kother-sekrit-value-123"


@pytest.fixture
def name():
    return f"kother-{uuid.uuid4().hex[:8]}"


def statuses(plan):
    return {(i.kind, i.name): i.status for i in plan.items}



# -- tags ---------------------------------------------------------------------

@pytest.fixture
def tags(api, name):
    made = []
    yield made
    for tag in made:
        api.call("POST", "/tag/delete", json={"name": tag})


@BEFORE_1_108
def test_tags_apply_export_round_trip_and_update_in_place(sync, api, tags, name):
    hostile = f"{name}-$(touch x);\u00e9\u6f22"
    tags += [name, hostile]
    data = {"owner": OWNER, "tags": [
        {"name": name, "description": "first", "max_budget": 3},
        {"name": hostile, "description": "x" * 100_000}]}
    first = apply(sync, data)
    assert statuses(first)[("tags", name)] == "created"
    assert statuses(sync.plan(data)) == {("tags", name): "unchanged", ("tags", hostile): "unchanged"}

    exported = [o for o in sync.export(["tags"])["tags"] if o["name"] in (name, hostile)]
    assert {o["name"] for o in exported} == {name, hostile}
    assert all("created_at" not in o and "model_info" not in o for o in exported)
    again = sync.plan({"owner": OWNER, "tags": exported})
    assert {i.status for i in again.items} == {"unchanged"}

    data["tags"][0]["description"] = "second"
    data["tags"][0]["max_budget"] = None  # the proxy clears a budget field
    plan = apply(sync, {"owner": OWNER, "tags": data["tags"][:1]})
    item = plan.items[0]
    assert item.status == "updated"
    assert {c["field"] for c in item.changes} == {"description", "max_budget"}
    stored = [t for t in api.ok("GET", "/tag/list") if t["name"] == name]
    assert len(stored) == 1 and stored[0]["description"] == "second"
    assert stored[0]["litellm_budget_table"]["max_budget"] is None
    assert statuses(sync.plan({"tags": data["tags"][:1]}))[("tags", name)] == "unchanged"


def test_a_tag_created_by_another_run_meanwhile_is_not_created_twice(sync, api, tags, name):
    tags.append(name)
    plan = sync.plan({"owner": OWNER, "tags": [{"name": name, "description": "file"}]})
    api.ok("POST", "/tag/new", json={"name": name, "description": "other run"})
    sync.execute(plan)
    item = plan.items[0]
    assert item.status == "updated" and "created meanwhile" in item.reason
    stored = [t for t in api.ok("GET", "/tag/list") if t["name"] == name]
    assert [t["description"] for t in stored] == ["file"]


def test_tags_are_never_pruned(sync, api, tags, name):
    tags.append(name)
    api.ok("POST", "/tag/new", json={"name": name})
    plan = sync.plan({"owner": OWNER, "tags": []}, prune=True)
    assert statuses(plan)[("tags", name)] == "unmanaged"
    assert not plan.writes


# -- MCP servers --------------------------------------------------------------

@pytest.fixture
def servers(api):
    made = []
    yield made
    for server in made:
        api.call("DELETE", f"/v1/mcp/server/{server}")


def server(server_id, **fields):
    return {"server_id": server_id, "server_name": server_id.replace("-", "_"),
            "url": "http://127.0.0.1:9/mcp", "transport": "http", **fields}


def test_mcp_servers_round_trip_without_secrets_or_owner(sync, api, servers, name):
    servers.append(name)
    data = {"owner": OWNER, "mcp_server_list": [server(
        name, description="d", auth_type="api_key", credentials={"auth_value": SECRET},
        static_headers={"X-Api-Key": SECRET}, mcp_info={"team": "kother"})]}
    plan = apply(sync, data)
    assert statuses(plan)[("mcp_server_list", name)] == "created"
    stored = [s for s in api.ok("GET", "/v1/mcp/server") if s["server_id"] == name][0]
    assert stored["mcp_info"]["litellm_cli_owner"] == OWNER

    again = sync.plan(data)
    assert statuses(again)[("mcp_server_list", name)] == "unchanged"
    assert "secrets not compared" in again.items[0].reason

    exported = [o for o in sync.export(["mcp_server_list"], owner=OWNER)["mcp_server_list"]
                if o["server_id"] == name]
    assert exported == [{"server_id": name, "server_name": name.replace("-", "_"),
                         "description": "d", "url": "http://127.0.0.1:9/mcp",
                         "transport": "http", "auth_type": "api_key",
                         "mcp_info": {"team": "kother"}}]
    assert SECRET not in repr(exported)
    assert {i.status for i in sync.plan({"owner": OWNER, "mcp_server_list": exported}).items} \
        == {"unchanged"}


def test_mcp_server_update_in_place_and_prune_only_the_owners(sync, api, servers, name):
    kept, dropped, foreign = f"{name}-kept", f"{name}-dropped", f"{name}-foreign"
    servers += [kept, dropped, foreign]
    apply(sync, {"owner": OWNER, "mcp_server_list": [server(kept, description="a"),
                                                      server(dropped)]})
    made = api.call("POST", "/v1/mcp/server", json=server(foreign))  # no owner: not ours
    assert made.status_code == 201, made.text
    plan = sync.plan({"owner": OWNER, "mcp_server_list": [server(kept, description="b")]},
                     prune=True)
    mine_ = {k: v for k, v in statuses(plan).items() if k[1].startswith(name)}
    assert mine_ == {("mcp_server_list", kept): "would update",
                     ("mcp_server_list", dropped): "would delete",
                     ("mcp_server_list", foreign): "unmanaged"}
    plan.items[:] = [i for i in plan.items if i.name.startswith(name)]
    sync.execute(plan)
    assert [i.reason for i in plan.items if i.status == "failed"] == []
    assert {i.name: i.status for i in plan.items} == {kept: "updated", dropped: "deleted",
                                                      foreign: "unmanaged"}
    stored = {s["server_id"]: s for s in api.ok("GET", "/v1/mcp/server")}
    assert dropped not in stored and foreign in stored
    assert stored[kept]["description"] == "b"
    assert stored[kept]["url"] == "http://127.0.0.1:9/mcp"  # left out: kept
    assert stored[kept]["mcp_info"]["litellm_cli_owner"] == OWNER


# -- organizations --------------------------------------------------------------

def test_organizations_are_refused_with_the_proxys_licence_message(sync, api):
    refused = api.call("GET", "/organization/list")
    if refused.status_code == 200:
        pytest.skip("this proxy serves organizations (a licence, or before 1.102)")
    with pytest.raises(exceptions.CLIError) as caught:
        sync.plan({"organizations": [{"organization_alias": "kother-org"}]})
    assert caught.value.exit_code == exceptions.EXIT_REJECTED
    assert "Enterprise" in str(caught.value) and "\n" not in str(caught.value)
    assert sync.plan({"organizations": []}).items == []
