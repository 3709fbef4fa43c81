"""Prompts in a state file (``prompt_list``) against a real proxy, through
the engine (litellm_cli.api.state_sync): one object per prompt and
environment, an update adds a version."""

import uuid

import pytest

from litellm_cli.api.kinds.prompts import Prompts
from tests.functional.conftest import RELEASE, older

# An older proxy refuses the kind (test_state_apply checks that).
pytestmark = pytest.mark.skipif(older(RELEASE, Prompts.since),
                                reason=f"{Prompts.section} needs LiteLLM >= {Prompts.since}")

OWNER = "kvector-test"
SECRET = "sk-kvector-prompt-sekrit-123"


@pytest.fixture
def name():
    return f"kvp-{uuid.uuid4().hex[:8]}"  # no "_v" nor ".v": the proxy reads those as versions


@pytest.fixture
def prompts(api):
    made = []
    yield made
    for prompt in made:
        api.call("DELETE", f"/prompts/{prompt}")


def listed(api, prompt_id):
    return {p["environment"]: p for p in api.ok("GET", "/prompts/list")["prompts"]
            if p["prompt_id"] == prompt_id}


def mine(plan, name):
    return {i.name: i.status for i in plan.items if i.name.startswith(name)}


def prompt(prompt_id, content, environment=None, **info):
    if environment:
        info["environment"] = environment
    out = {"prompt_id": prompt_id,
           "litellm_params": {"prompt_id": prompt_id, "prompt_integration": "dotprompt",
                              "prompt_data": {"content": content,
                                              "metadata": {"model": "gpt-4"}}}}
    return {**out, "prompt_info": info} if info else out


def test_round_trip_per_environment_without_secret_or_owner(sync, api, prompts, name):
    prompts.append(name)
    hostile = "$(touch x);\u00e9\u6f22 " + "x" * 100_000
    dev = prompt(name, hostile, team="kv")
    dev["litellm_params"]["api_key"] = SECRET
    data = {"owner": OWNER, "prompt_list": [dev, prompt(name, "Prod", "production")]}
    plan = sync.plan(data)
    sync.execute(plan)
    assert mine(plan, name) == {name: "created", f"{name}@production": "created"}
    found = listed(api, name)
    assert set(found) == {"development", "production"}
    assert found["development"]["prompt_info"]["litellm_cli_owner"] == OWNER
    assert found["development"]["litellm_params"]["prompt_data"]["content"] == hostile

    again = sync.plan(data)
    assert mine(again, name) == {name: "unchanged", f"{name}@production": "unchanged"}

    exported = [o for o in sync.export(["prompt_list"], owner=OWNER)["prompt_list"]
                if o["prompt_id"] == name]
    assert SECRET not in repr(exported) and "litellm_cli_owner" not in repr(exported)
    assert {tuple(o.get("prompt_info", {}).items()) for o in exported} == {
        (("team", "kv"),), (("environment", "production"),)}
    assert mine(sync.plan({"owner": OWNER, "prompt_list": exported}), name) == {
        name: "unchanged", f"{name}@production": "unchanged"}


def test_an_update_adds_a_version_in_its_environment_keeping_the_secret(sync, api, prompts,
                                                                         name):
    prompts.append(name)
    first = prompt(name, "v1 text")
    first["litellm_params"]["api_key"] = SECRET
    both = [first, prompt(name, "P", "production")]
    sync.execute(sync.plan({"owner": OWNER, "prompt_list": both}))
    changed = {"owner": OWNER, "prompt_list": [prompt(name, "v2 text")]}
    plan = sync.plan(changed)
    sync.execute(plan)
    assert [(i.name, i.status, [c["field"] for c in i.changes]) for i in plan.items] == [
        (name, "updated", ["litellm_params"])]
    versions = api.ok("GET", f"/prompts/{name}/versions", environment="development")["prompts"]
    assert len(versions) == 2
    now = listed(api, name)
    assert now["development"]["litellm_params"]["prompt_data"]["content"] == "v2 text"
    assert now["development"]["litellm_params"]["api_key"] == SECRET  # kept
    assert now["production"]["litellm_params"]["prompt_data"]["content"] == "P"  # untouched
    assert mine(sync.plan(changed), name) == {name: "unchanged"}


def test_prune_deletes_only_the_owners_environment_and_refuses_version_names(sync, api,
                                                                             prompts, name):
    foreign = f"{name}-foreign"
    prompts += [name, foreign]
    sync.execute(sync.plan({"owner": OWNER, "prompt_list": [
        prompt(name, "D"), prompt(name, "S", "staging")]}))
    api.ok("POST", "/prompts", json={**prompt(foreign, "F"), "prompt_info": {"prompt_type": "db"}})
    plan = sync.plan({"owner": OWNER, "prompt_list": [prompt(name, "D")]}, prune=True)
    assert mine(plan, name) == {name: "unchanged", f"{name}@staging": "would delete",
                                foreign: "unmanaged"}
    plan.items[:] = [i for i in plan.items if i.name.startswith(name)]
    sync.execute(plan)
    assert set(listed(api, name)) == {"development"} and set(listed(api, foreign))

    plan = sync.plan({"prompt_list": [prompt(f"{name}_v2", "X")]})
    [item] = plan.items
    assert item.status == "failed" and "as a version" in item.reason and not plan.writes
