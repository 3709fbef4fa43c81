"""Vector stores in a state file (``vector_store_list``) against a real proxy,
through the engine (litellm_cli.api.state_sync)."""

import uuid

import pytest

from litellm_cli.api.kinds.vector_stores import VectorStores
from tests.functional.conftest import RELEASE, older

# An older proxy refuses the kind (test_state_apply checks that).
pytestmark = pytest.mark.skipif(older(RELEASE, VectorStores.since),
                                reason=f"{VectorStores.section} needs LiteLLM >= {VectorStores.since}")

OWNER = "kvector-test"
SECRET = "sk-kvector-sekrit-value-123"


@pytest.fixture
def name():
    return f"kvector-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def stores(api):
    made = []
    yield made
    for store in made:
        api.call("POST", "/vector_store/delete", json={"vector_store_id": store})


def listed(api, *ids):
    return {s["vector_store_id"]: s for s in api.ok("GET", "/vector_store/list")["data"]
            if s["vector_store_id"] in ids}


def mine(plan, name):
    return {i.name: i.status for i in plan.items if i.name.startswith(name)}


def store(store_id, **fields):
    return {"vector_store_id": store_id, "custom_llm_provider": "bedrock", **fields}


def test_round_trip_without_credentials_or_owner_then_update_in_place(sync, api, stores, name):
    hostile = f"{name}-$(touch x);\u00e9\u6f22"
    stores += [name, hostile]
    data = {"owner": OWNER, "vector_store_list": [
        store(name, vector_store_name="first", vector_store_metadata={"team": "kv"},
              litellm_params={"api_key": SECRET, "aws_region_name": "us-east-1"}),
        store(hostile, vector_store_description="x" * 100_000)]}
    plan = sync.plan(data)
    sync.execute(plan)
    assert mine(plan, name) == {name: "created", hostile: "created"}
    found = listed(api, name, hostile)
    assert found[name]["vector_store_metadata"] == {"team": "kv", "litellm_cli_owner": OWNER}
    assert SECRET not in repr(found)  # the proxy keeps it, never shows it

    again = sync.plan(data)
    assert mine(again, name) == {name: "unchanged", hostile: "unchanged"}
    assert "litellm_params" in next(i.reason for i in again.items if i.name == name)

    exported = [o for o in sync.export(["vector_store_list"], owner=OWNER)["vector_store_list"]
                if o["vector_store_id"] in (name, hostile)]
    assert sorted(exported, key=lambda o: o["vector_store_id"])[0] == store(
        name, vector_store_name="first", vector_store_metadata={"team": "kv"},
        litellm_params={"aws_region_name": "us-east-1"})
    assert SECRET not in repr(exported) and "REDACTED" not in repr(exported)
    assert mine(sync.plan({"owner": OWNER, "vector_store_list": exported}), name) == {
        name: "unchanged", hostile: "unchanged"}

    changed = {"owner": OWNER, "vector_store_list": [store(name, vector_store_name="second")]}
    plan = sync.plan(changed)
    sync.execute(plan)
    assert [(i.status, [c["field"] for c in i.changes]) for i in plan.items] == [
        ("updated", ["vector_store_name"])]
    after = listed(api, name)[name]
    assert after["vector_store_name"] == "second"
    assert after["vector_store_metadata"] == {"team": "kv", "litellm_cli_owner": OWNER}
    assert after["litellm_params"]["api_key"] == "REDACTED_BY_LITELM"  # still held
    assert mine(sync.plan(changed), name) == {name: "unchanged"}


def test_changed_litellm_params_fail_the_proxy_cannot_update_them(sync, api, stores, name):
    stores.append(name)
    plan = sync.plan({"owner": OWNER, "vector_store_list": [
        store(name, litellm_params={"aws_region_name": "us-east-1"})]})
    sync.execute(plan)
    plan = sync.plan({"owner": OWNER, "vector_store_list": [
        store(name, litellm_params={"aws_region_name": "eu-west-1"})]})
    [item] = plan.items
    assert item.status == "failed" and "/vector_store/update ignores them" in item.reason
    assert not plan.writes


def test_prune_deletes_only_the_owners_and_a_create_race_updates(sync, api, stores, name):
    kept, dropped, foreign = f"{name}-kept", f"{name}-dropped", f"{name}-foreign"
    stores += [kept, dropped, foreign]
    sync.execute(sync.plan({"owner": OWNER, "vector_store_list": [store(kept), store(dropped)]}))
    api.ok("POST", "/vector_store/new", json=store(foreign))  # no owner: not ours
    plan = sync.plan({"owner": OWNER, "vector_store_list": [store(kept)]}, prune=True)
    assert mine(plan, name) == {kept: "unchanged", dropped: "would delete", foreign: "unmanaged"}
    plan.items[:] = [i for i in plan.items if i.name.startswith(name)]
    sync.execute(plan)
    assert set(listed(api, kept, dropped, foreign)) == {kept, foreign}

    raced = f"{name}-raced"
    stores.append(raced)
    plan = sync.plan({"owner": OWNER, "vector_store_list": [
        store(raced, vector_store_name="file")]})
    api.ok("POST", "/vector_store/new", json=store(raced, vector_store_name="other run"))
    sync.execute(plan)
    [item] = plan.items
    assert item.status == "updated" and "created meanwhile" in item.reason
    assert listed(api, raced)[raced]["vector_store_name"] == "file"
