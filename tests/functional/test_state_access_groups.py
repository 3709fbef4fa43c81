"""Access groups in a state file (access_group_list) against a real proxy,
through the engine (litellm_cli.api.state_sync) and the CLI."""

import uuid

import pytest
import yaml

from litellm_cli.api.kinds.access_groups import AccessGroups
from tests.functional.conftest import RELEASE, older, apply_state as apply

# An older proxy refuses the kind (test_state_apply checks that).
pytestmark = pytest.mark.skipif(older(RELEASE, AccessGroups.since),
                                reason=f"{AccessGroups.section} needs LiteLLM >= {AccessGroups.since}")

ROUTE = "/v1/access_group"


@pytest.fixture
def name():
    return f"kaccess-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def groups(api, name):
    """Deletes, after the test, every access group whose name starts with ``name``."""
    yield
    for group in api.ok("GET", ROUTE):
        if group["access_group_name"].startswith(name):
            api.call("DELETE", f"{ROUTE}/{group['access_group_id']}")


@pytest.fixture
def team(api, name):
    team_id = f"{name}-team"
    api.ok("POST", "/team/new", json={"team_id": team_id})
    yield team_id
    api.call("POST", "/team/delete", json={"team_ids": [team_id]})


def stored(api, name):
    return {g["access_group_name"]: g for g in api.ok("GET", ROUTE)
            if g["access_group_name"].startswith(name)}


def statuses(plan, name):
    return {i.name: i.status for i in plan.items if i.name.startswith(name)}



def test_access_groups_round_trip_and_update_in_place(sync, api, groups, team, name):
    hostile = f"{name}-$(touch x);\u00e9\u6f22\u200b"
    data = {"access_group_list": [
        {"access_group_name": name, "description": "first", "access_model_names": ["m1"],
         "mcp_tool_permissions": {"srv": ["tool_a"]}, "assigned_team_ids": [team]},
        {"access_group_name": hostile, "description": "x" * 100_000}]}
    plan = apply(sync, data)
    assert statuses(plan, name) == {name: "created", hostile: "created"}
    before = stored(api, name)
    assert before[hostile]["description"] == "x" * 100_000
    assert before[name]["assigned_team_ids"] == [team]
    assert set(statuses(sync.plan(data), name).values()) == {"unchanged"}

    exported = [g for g in sync.export(["access_group_list"])["access_group_list"]
                if g["access_group_name"].startswith(name)]
    assert {g["access_group_name"] for g in exported} == {name, hostile}
    mine = next(g for g in exported if g["access_group_name"] == name)
    assert mine == {"access_group_name": name, "description": "first",
                    "access_model_names": ["m1"], "mcp_tool_permissions": {"srv": ["tool_a"]},
                    "assigned_team_ids": [team]}
    assert set(statuses(sync.plan({"access_group_list": exported}), name).values()) \
        == {"unchanged"}

    plan = apply(sync, {"access_group_list": [
        {"access_group_name": name, "description": None, "access_model_names": ["m2"]}]})
    [item] = plan.items
    assert item.status == "updated"
    assert {c["field"] for c in item.changes} == {"description", "access_model_names"}
    after = stored(api, name)[name]
    assert after["access_group_id"] == before[name]["access_group_id"]  # in place
    assert after["description"] is None and after["access_model_names"] == ["m2"]
    assert after["assigned_team_ids"] == [team]  # left out: kept


def test_access_groups_are_never_pruned(sync, api, groups, name):
    apply(sync, {"access_group_list": [{"access_group_name": name}]})
    plan = sync.plan({"access_group_list": []}, prune=True)
    assert statuses(plan, name) == {name: "unmanaged"}
    assert not [i for i in plan.writes if i.name.startswith(name)]


def test_an_access_group_created_by_another_run_meanwhile_is_not_created_twice(
        sync, api, groups, name):
    plan = sync.plan({"access_group_list": [{"access_group_name": name, "description": "file"}]})
    made = api.call("POST", ROUTE, json={"access_group_name": name, "description": "other run"})
    assert made.status_code == 201, made.text
    sync.execute(plan)
    [item] = plan.items
    assert item.status == "updated" and "created meanwhile" in item.reason
    assert [g["description"] for g in stored(api, name).values()] == ["file"]


def test_the_cli_applies_and_diffs_an_access_group(cli, api, groups, name, tmp_path):
    state = tmp_path / "state.yaml"
    state.write_text(yaml.safe_dump({"access_group_list": [
        {"access_group_name": name, "access_model_names": ["m1"]}]}))
    res = cli("state", "apply", str(state), "-f", "json")
    assert res.rc == 0, res
    assert [(r["kind"], r["status"]) for r in res.json()] == [("access_group_list", "created")]
    res = cli("state", "diff", str(state), "-f", "json")
    assert res.rc == 0 and [r["action"] for r in res.json()] == ["unchanged"], res
