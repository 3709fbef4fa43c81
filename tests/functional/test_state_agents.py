"""Agents in a state file (agent_list) against a real proxy, through the
engine (litellm_cli.api.state_sync) and the CLI."""

import uuid

import pytest
import yaml

from litellm_cli.api.kinds.agents import Agents
from tests.functional.conftest import RELEASE, older, apply_state as apply

# An older proxy refuses the kind (test_state_apply checks that).
pytestmark = pytest.mark.skipif(older(RELEASE, Agents.since),
                                reason=f"{Agents.section} needs LiteLLM >= {Agents.since}")

ROUTE = "/v1/agents"
SECRET = "kaccess-sekrit-value-123"


@pytest.fixture
def name():
    return f"kaccess-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def agents(api, name):
    """Deletes, after the test, every agent whose name starts with ``name``."""
    if api.call("GET", ROUTE).status_code == 404:
        pytest.skip(f"this proxy has no {ROUTE}")
    yield
    for agent in api.ok("GET", ROUTE):
        if agent["agent_name"].startswith(name):
            api.call("DELETE", f"{ROUTE}/{agent['agent_id']}")


def stored(api, name):
    return {a["agent_name"]: a for a in api.ok("GET", ROUTE) if a["agent_name"].startswith(name)}


def statuses(plan, name):
    return {i.name: i.status for i in plan.items if i.name.startswith(name)}



def agent(agent_name, **fields):
    return {"agent_name": agent_name,
            "agent_card_params": {"description": "first", "url": "http://127.0.0.1:9/",
                                  "capabilities": {"streaming": True}},
            "litellm_params": {"api_key": SECRET, "custom": {"x": 1}},
            "static_headers": {"X-Api-Key": SECRET}, "extra_headers": ["x-trace"],
            "tpm_limit": 5, **fields}


def test_agents_round_trip_without_secrets(sync, api, agents, name):
    hostile = f"{name}-$(touch x);\u00e9\u6f22"
    data = {"agent_list": [agent(name), agent(hostile, agent_card_params={
        "description": "x" * 100_000, "url": "http://127.0.0.1:9/"})]}
    plan = apply(sync, data)
    assert statuses(plan, name) == {name: "created", hostile: "created"}
    before = stored(api, name)
    assert before[hostile]["agent_card_params"]["description"] == "x" * 100_000
    # What the proxy filled in (its interfaces, the card's name...) is no change.
    again = sync.plan(data)
    assert set(statuses(again, name).values()) == {"unchanged"}
    assert "secrets not compared" in again.items[0].reason

    exported = [a for a in sync.export(["agent_list"])["agent_list"]
                if a["agent_name"].startswith(name)]
    assert SECRET not in repr(exported) and "REDACTED" not in repr(exported)
    mine = next(a for a in exported if a["agent_name"] == name)
    assert mine == {"agent_name": name,
                    "agent_card_params": {"description": "first", "url": "http://127.0.0.1:9/",
                                          "capabilities": {"streaming": True}},
                    "litellm_params": {"custom": {"x": 1}}, "extra_headers": ["x-trace"],
                    "tpm_limit": 5}
    assert set(statuses(sync.plan({"agent_list": exported}), name).values()) == {"unchanged"}


def test_an_agent_updates_in_place_and_keeps_its_secrets(sync, api, agents, name):
    apply(sync, {"agent_list": [agent(name)]})
    before = stored(api, name)[name]
    changed = {"agent_name": name, "tpm_limit": None, "litellm_params": {"custom": {"x": 2}},
               "agent_card_params": {"description": "second", "url": "http://127.0.0.1:9/"}}
    plan = apply(sync, {"agent_list": [changed]})
    [item] = plan.items
    assert item.status == "updated"
    assert {c["field"] for c in item.changes} == {"tpm_limit", "litellm_params",
                                                  "agent_card_params"}
    after = stored(api, name)[name]
    assert after["agent_id"] == before["agent_id"]  # in place
    assert after["tpm_limit"] is None and after["litellm_params"]["custom"] == {"x": 2}
    assert after["agent_card_params"]["description"] == "second"
    assert after["agent_card_params"]["name"] == name  # named as on create
    assert after["litellm_params"]["api_key"] == "REDACTED_BY_LITELM"  # kept, still hidden
    assert after["static_headers"] == {"X-Api-Key": SECRET}  # left out: kept
    assert set(statuses(sync.plan({"agent_list": [changed]}), name).values()) == {"unchanged"}


def test_agents_are_never_pruned(sync, api, agents, name):
    apply(sync, {"agent_list": [{"agent_name": name}]})
    plan = sync.plan({"agent_list": []}, prune=True)
    assert statuses(plan, name) == {name: "unmanaged"}
    assert not [i for i in plan.writes if i.name.startswith(name)]


def test_an_agent_created_by_another_run_meanwhile_is_not_created_twice(sync, api, agents, name):
    plan = sync.plan({"agent_list": [{"agent_name": name, "tpm_limit": 7}]})
    made = api.call("POST", ROUTE, json={"agent_name": name, "tpm_limit": 1})
    assert made.status_code == 200, made.text
    sync.execute(plan)
    [item] = plan.items
    assert item.status == "updated" and "created meanwhile" in item.reason
    assert [a["tpm_limit"] for a in stored(api, name).values()] == [7]


def test_the_cli_never_shows_an_agents_secret(cli, api, agents, name, tmp_path):
    state = tmp_path / "state.yaml"
    state.write_text(yaml.safe_dump({"agent_list": [agent(name)]}))
    res = cli("state", "apply", str(state), "-f", "json")
    assert res.rc == 0, res
    assert [(r["kind"], r["status"]) for r in res.json()] == [("agent_list", "created")]
    state.write_text(yaml.safe_dump({"agent_list": [agent(name, litellm_params={
        "api_key": SECRET, "custom": {"x": 3}})]}))
    for rc, command in ((1, ("state", "diff", str(state), "-f", "yaml")),  # 1: changes
                        (0, ("state", "apply", str(state), "--dry-run", "--force-secrets")),
                        (0, ("state", "export", "--kind", "agent_list"))):
        res = cli(*command)
        assert res.rc == rc, res
        assert name in res.out and SECRET not in res.out + res.err
