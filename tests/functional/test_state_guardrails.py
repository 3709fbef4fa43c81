"""Guardrails in a state file (guardrail_list) against a real proxy, through
the engine (litellm_cli.api.state_sync)."""

import uuid

import pytest

from litellm_cli.api.kinds.guardrails import Guardrails
from tests.functional.conftest import RELEASE, older, apply_state as apply

# An older proxy refuses the kind (test_state_apply checks that).
pytestmark = pytest.mark.skipif(older(RELEASE, Guardrails.since),
                                reason=f"{Guardrails.section} needs LiteLLM >= {Guardrails.since}")

OWNER = "kguard-test"
SECRET = "kguard-sekrit-value-123"
KIND = "guardrail_list"


@pytest.fixture
def name():
    return f"kguard-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def made(api):
    """Names whose guardrails are deleted after the test."""
    names = []
    yield names
    for guardrail in stored(api).values():
        if guardrail["guardrail_name"] in names:
            api.call("DELETE", f"/guardrails/{guardrail['guardrail_id']}")


def stored(api):
    return {g["guardrail_name"]: g for g in api.ok("GET", "/v2/guardrails/list")["guardrails"]}


def guardrail(name, **params):
    return {"guardrail_name": name, "litellm_params": {
        "guardrail": "lakera_v2", "mode": "pre_call", "api_base": "http://127.0.0.1:9", **params}}


def mine(plan, prefix):
    return {i.name: i.status for i in plan.items if i.kind == KIND and i.name.startswith(prefix)}



def test_round_trip_without_secrets_defaults_or_owner_and_update_in_place(sync, api, made,
                                                                          name):
    hostile = f"{name}-$(touch x);\u00e9\u6f22"
    made += [name, hostile]
    data = {"owner": OWNER, KIND: [
        {**guardrail(name, api_key=SECRET), "guardrail_info": {"team": "kguard"}},
        {**guardrail(hostile), "guardrail_info": {"description": "x" * 100_000}}]}
    assert mine(apply(sync, data), name) == {name: "created", hostile: "created"}
    first = stored(api)[name]
    assert first["guardrail_info"]["litellm_cli_owner"] == OWNER
    assert SECRET not in repr(first)  # the proxy masks it

    again = sync.plan(data)
    assert mine(again, name) == {name: "unchanged", hostile: "unchanged"}
    assert "litellm_params.api_key" in [i for i in again.items if i.name == name][0].reason

    exported = {o["guardrail_name"]: o for o in sync.export([KIND], owner=OWNER)[KIND]}
    assert exported[name] == {**guardrail(name), "guardrail_info": {"team": "kguard"}}
    assert len(exported[hostile]["guardrail_info"]["description"]) == 100_000
    assert SECRET not in repr(exported) and "****" not in repr(exported)
    back = sync.plan({"owner": OWNER, KIND: [exported[name], exported[hostile]]})
    assert mine(back, name) == {name: "unchanged", hostile: "unchanged"}

    changed = {**guardrail(name, api_base="http://127.0.0.1:10", default_on=True)}
    plan = apply(sync, {"owner": OWNER, KIND: [changed]})
    [item] = [i for i in plan.items if i.name == name]
    assert item.status == "updated"
    assert {c["field"] for c in item.changes} == {"litellm_params.api_base",
                                                  "litellm_params.default_on"}
    after = stored(api)[name]
    assert after["guardrail_id"] == first["guardrail_id"]
    assert after["litellm_params"]["api_base"] == "http://127.0.0.1:10"
    assert after["litellm_params"]["default_on"] is True
    assert after["litellm_params"]["api_key"] == first["litellm_params"]["api_key"]  # kept
    assert after["guardrail_info"] == first["guardrail_info"]  # left out: kept
    assert mine(sync.plan({"owner": OWNER, KIND: [changed]}), name) == {name: "unchanged"}


def test_force_secrets_sends_the_secret_and_never_shows_it(sync, api, made, name):
    made.append(name)
    apply(sync, {"owner": OWNER, KIND: [guardrail(name, api_key=SECRET)]})
    other = "kguard-other-secret-987"
    data = {"owner": OWNER, KIND: [guardrail(name, api_key=other)]}
    assert mine(sync.plan(data), name) == {name: "unchanged"}
    plan = sync.plan(data, force_secrets=True)
    sync.execute(plan)
    [item] = [i for i in plan.items if i.name == name]
    assert item.status == "updated" and other not in repr(item.changes)
    assert stored(api)[name]["litellm_params"]["api_key"].endswith(other[-2:])


def test_prune_deletes_only_the_owners_guardrails(sync, api, made, name):
    kept, dropped, foreign = f"{name}-kept", f"{name}-dropped", f"{name}-foreign"
    made += [kept, dropped, foreign]
    apply(sync, {"owner": OWNER, KIND: [guardrail(kept), guardrail(dropped)]})
    api.ok("POST", "/guardrails", json={"guardrail": guardrail(foreign)})  # no owner
    plan = sync.plan({"owner": OWNER, KIND: [guardrail(kept)]}, prune=True)
    assert mine(plan, name) == {kept: "unchanged", dropped: "would delete",
                                foreign: "unmanaged"}
    plan.items[:] = [i for i in plan.items if i.name.startswith(name)]  # others' are not ours
    sync.execute(plan)
    assert mine(plan, name) == {kept: "unchanged", dropped: "deleted", foreign: "unmanaged"}
    left = stored(api)
    assert kept in left and foreign in left and dropped not in left


def test_a_guardrail_created_by_another_run_meanwhile_is_updated_in_place(sync, api, made,
                                                                          name):
    made.append(name)
    plan = sync.plan({"owner": OWNER, KIND: [{**guardrail(name),
                                              "guardrail_info": {"by": "file"}}]})
    api.ok("POST", "/guardrails", json={"guardrail": {**guardrail(name),
                                                      "guardrail_info": {"by": "other"}}})
    sync.execute(plan)
    [item] = [i for i in plan.items if i.name == name]
    assert item.status == "updated" and "created meanwhile" in item.reason
    assert stored(api)[name]["guardrail_info"] == {"by": "file", "litellm_cli_owner": OWNER}
