"""The keys adapter of ``state apply`` (litellm_cli/api/kinds/keys.py) against a
real proxy, through the engine (StateSync). Objects are named "kkeys-..." and
applied with owner "kkeys-test", so prune never touches anyone else's keys."""

import hashlib
import json
import threading
import uuid

import pytest

from litellm_cli import exceptions
from litellm_cli.api.state_sync import StateSync
from litellm_cli.session import Session

OWNER = "kkeys-test"


@pytest.fixture
def sync(proxy):
    return StateSync(Session(proxy.url, api_key=proxy.key))


@pytest.fixture
def prefix(api):
    name = f"kkeys-{uuid.uuid4().hex[:8]}"
    yield name
    for key in api.ok("GET", "/key/list", return_full_object="true", size=100)["keys"]:
        if (key.get("key_alias") or "").startswith(name):
            api.call("POST", "/key/delete", json={"keys": [key["token"]]})


def keys_of(api, alias):
    """The keys with ``alias``, as full objects."""
    return api.ok("GET", "/key/list", key_alias=alias, return_full_object="true")["keys"]


def apply(sync, keys, prune=False, owner=OWNER):
    saved = []
    plan = sync.plan({"owner": owner, "keys": keys}, prune=prune)
    sync.execute(plan, save_secret=saved.append)
    return {item.name: item for item in plan.items}, saved


def statuses(items):
    return {name: item.status for name, item in items.items()}


def test_apply_creates_keys_with_saved_secrets_then_reapply_is_unchanged(sync, api, prefix):
    a, b = f"{prefix}-a", f"{prefix}-b"
    keys = [{"key_alias": a, "max_budget": 5, "models": ["m1"], "metadata": {"env": "ci"},
             "model_rpm_limit": {"m1": 3}},
            {"key_alias": b, "budget_duration": "30d", "rpm_limit": 7}]
    items, saved = apply(sync, keys)
    assert statuses(items) == {a: "created", b: "created"}
    assert sorted(s["key_alias"] for s in saved) == [a, b]
    for entry in saved:
        found = keys_of(api, entry["key_alias"])
        assert [k["token"] for k in found] == [hashlib.sha256(entry["key"].encode()).hexdigest()]
        assert found[0]["metadata"]["litellm_cli_owner"] == OWNER
    info = keys_of(api, a)[0]
    assert info["metadata"]["model_rpm_limit"] == {"m1": 3}
    items, saved = apply(sync, keys)
    assert statuses(items) == {a: "unchanged", b: "unchanged"} and saved == []


def test_changing_max_budget_updates_in_place_and_null_clears(sync, api, prefix):
    name = f"{prefix}-u"
    apply(sync, [{"key_alias": name, "max_budget": 5, "rpm_limit": 3, "models": ["m1"],
                  "metadata": {"team": "x"}, "model_rpm_limit": {"m1": 2}}])
    token = keys_of(api, name)[0]["token"]
    items, saved = apply(sync, [{"key_alias": name, "max_budget": 9, "rpm_limit": None,
                                 "models": None, "metadata": {"team": "y"}}])
    assert items[name].status == "updated", items[name].reason
    assert {c["field"] for c in items[name].changes} == {"max_budget", "rpm_limit", "models",
                                                          "metadata"}
    assert saved == []
    [key] = keys_of(api, name)
    assert key["token"] == token  # in place: the same key, the same secret
    assert (key["max_budget"], key["rpm_limit"], key["models"]) == (9, None, [])
    # metadata replaced by the file's, the owner and the field the file did not give kept
    assert key["metadata"] == {"team": "y", "model_rpm_limit": {"m1": 2},
                               "litellm_cli_owner": OWNER}
    items, _ = apply(sync, [{"key_alias": name, "max_budget": 9, "rpm_limit": None,
                             "models": None, "metadata": {"team": "y"}}])
    assert items[name].status == "unchanged"


def test_export_applies_back_unchanged_and_holds_no_secret(sync, api, prefix):
    name = f"{prefix}-e"
    wanted = {"key_alias": name, "max_budget": 2.5, "models": ["m1", "m2"],
              "metadata": {"note": "a\u00e9\u2603"}, "budget_duration": "1d",
              "rpm_limit_type": "best_effort_throughput", "router_settings": {"num_retries": 2},
              "soft_budget": 1.0, "aliases": {"x": "m1"}, "blocked": True,
              "object_permission": {"vector_stores": ["v1"]}}
    _, saved = apply(sync, [wanted])
    exported = [k for k in sync.export(["keys"])["keys"] if k["key_alias"] == name]
    assert exported == [wanted]
    text = json.dumps(exported)
    assert saved[0]["key"] not in text and "sk-" not in text
    assert "litellm_cli_owner" not in text
    items, saved = apply(sync, exported)
    assert items[name].status == "unchanged", items[name].changes
    assert name in [k["key_alias"] for k in sync.export(["keys"], owner=OWNER)["keys"]]
    assert name not in [k["key_alias"] for k in sync.export(["keys"], owner="else")["keys"]]


def test_prune_deletes_only_the_owners_dropped_keys(sync, api, prefix):
    mine, kept = f"{prefix}-mine", f"{prefix}-kept"
    other = api.generate(key_alias=f"{prefix}-other", metadata={"litellm_cli_owner": "else"})
    apply(sync, [{"key_alias": mine}, {"key_alias": kept}])
    items, _ = apply(sync, [{"key_alias": kept}], prune=True)
    assert items[mine].status == "deleted"
    assert items[f"{prefix}-other"].status == "unmanaged"
    assert keys_of(api, mine) == []
    assert [k["token"] for k in keys_of(api, f"{prefix}-other")] == [other["token"]]


def test_an_alias_two_keys_share_fails_naming_both_without_a_secret(sync, api, prefix):
    name = f"{prefix}-dup"
    # The proxy checks an alias is free before it inserts, with no database
    # constraint: creates sent at once can make two keys of one alias.
    from concurrent.futures import ThreadPoolExecutor

    made = []
    for _ in range(5):
        with ThreadPoolExecutor(10) as pool:
            made += [r.json() for r in pool.map(
                lambda _: api.call("POST", "/key/generate", json={"key_alias": name}),
                range(10)) if r.status_code == 200]
        if len(made) > 1:
            break
    if len(made) < 2:
        pytest.skip("the proxy made one key of the alias in 50 creates sent at once")
    plan = sync.plan({"owner": OWNER, "keys": [{"key_alias": name, "max_budget": 1}]})
    [item] = plan.items
    assert item.status == "failed"
    assert all(key["token"][:8] in item.reason for key in made), item.reason
    assert not any(key["key"] in item.reason for key in made)


def test_the_proxy_refuses_a_second_key_of_an_alias_and_apply_says_so_truthfully(
        sync, api, prefix):
    name = f"{prefix}-race"
    plan = sync.plan({"owner": OWNER, "keys": [{"key_alias": name, "max_budget": 3}]})
    made = api.generate(key_alias=name, max_budget=3, metadata={"litellm_cli_owner": OWNER})
    saved = []
    sync.execute(plan, save_secret=saved.append)
    [item] = plan.items
    assert item.status == "unchanged", (item.status, item.reason)
    assert "created meanwhile by another run" in item.reason
    assert [k["token"] for k in keys_of(api, name)] == [made["token"]]


def test_two_applies_at_once_make_one_key(proxy, api, prefix):
    names = [f"{prefix}-c{i}" for i in range(5)]
    results, errors = [], []

    def run():
        try:
            results.append(apply(StateSync(Session(proxy.url, api_key=proxy.key)),
                                 [{"key_alias": n, "max_budget": 1} for n in names])[0])
        except exceptions.CLIError as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for name in names:
        assert len(keys_of(api, name)) == 1
        assert sorted(r[name].status for r in results) == ["created", "unchanged"]
