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
from litellm_cli.utils import parse_yaml
from tests.functional.conftest import BEFORE_1_108

OWNER = "kkeys-test"


@pytest.fixture
def prefix(api):
    name = f"kkeys-{uuid.uuid4().hex[:8]}"
    yield name
    page, mine = 1, []
    while True:
        body = api.ok("GET", "/key/list", return_full_object="true", size=100, page=page)
        mine += [k["token"] for k in body["keys"] if (k.get("key_alias") or "").startswith(name)]
        if page >= (body.get("total_pages") or 0):
            break
        page += 1
    for token in mine:
        api.call("POST", "/key/delete", json={"keys": [token]})


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


def _file(tmp_path, keys, name="state.yaml", owner=OWNER):
    path = tmp_path / name
    path.write_text(json.dumps({"owner": owner, "keys": keys}))  # YAML reads JSON
    return str(path)


def _rows(res):
    return {row["name"]: row for row in json.loads(res.out)}


def test_apply_creates_keys_with_saved_secrets_then_reapply_is_unchanged(
        cli, api, prefix, tmp_path):
    a, b = f"{prefix}-a", f"{prefix}-b"
    path = _file(tmp_path, [
        {"key_alias": a, "max_budget": 5, "models": ["m1"], "metadata": {"env": "ci"},
         "model_rpm_limit": {"m1": 3}},
        {"key_alias": b, "budget_duration": "30d", "rpm_limit": 7}])
    secrets_out = tmp_path / "secrets.jsonl"
    res = cli("state", "apply", path, "--secrets-out", str(secrets_out), "-f", "json")
    assert res.rc == 0, res
    assert {n: r["status"] for n, r in _rows(res).items()} == {a: "created", b: "created"}
    saved = [json.loads(line) for line in secrets_out.read_text().splitlines()]
    assert sorted(s["key_alias"] for s in saved) == [a, b]
    assert oct(secrets_out.stat().st_mode & 0o777) == "0o600"
    for entry in saved:
        assert entry["key"] not in res.out + res.err
        found = keys_of(api, entry["key_alias"])
        assert [k["token"] for k in found] == [hashlib.sha256(entry["key"].encode()).hexdigest()]
        assert found[0]["metadata"]["litellm_cli_owner"] == OWNER
    assert keys_of(api, a)[0]["metadata"]["model_rpm_limit"] == {"m1": 3}
    again = cli("state", "apply", path, "-f", "json")  # nothing to create: no --secrets-out
    assert again.rc == 0, again
    assert {r["status"] for r in _rows(again).values()} == {"unchanged"}


def test_changing_max_budget_updates_in_place_and_null_clears(cli, api, prefix, tmp_path):
    name = f"{prefix}-u"
    first = _file(tmp_path, [{"key_alias": name, "max_budget": 5, "rpm_limit": 3,
                              "models": ["m1"], "metadata": {"team": "x"},
                              "model_rpm_limit": {"m1": 2}}])
    assert cli("state", "apply", first, "--secrets-out", str(tmp_path / "s")).rc == 0
    token = keys_of(api, name)[0]["token"]
    second = _file(tmp_path, [{"key_alias": name, "max_budget": 9, "rpm_limit": None,
                               "models": None, "metadata": {"team": "y"}}], "second.yaml")
    res = cli("state", "apply", second, "-f", "json")
    assert res.rc == 0, res
    row = _rows(res)[name]
    assert row["status"] == "updated", row
    assert {c["field"] for c in row["changes"]} == {"max_budget", "rpm_limit", "models",
                                                     "metadata"}
    [key] = keys_of(api, name)
    assert key["token"] == token  # in place: the same key, the same secret
    assert (key["max_budget"], key["rpm_limit"], key["models"]) == (9, None, [])
    # metadata replaced by the file's; the owner and the field the file did not give kept
    assert key["metadata"] == {"team": "y", "model_rpm_limit": {"m1": 2},
                               "litellm_cli_owner": OWNER}
    assert cli("state", "diff", second).rc == 0


def _days(days):
    import datetime

    return (datetime.datetime.now(datetime.timezone.utc)
            + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_expiry_is_applied_exported_changed_and_cleared_in_place(cli, api, prefix, tmp_path):
    """A key promoted with its expiry stops at the same moment: expires goes
    out as a duration, comes back in the export, and is changed in place."""
    from litellm_cli.api.keyimport import parse_time

    name = f"{prefix}-x"
    first = _file(tmp_path, [{"key_alias": name, "expires": _days(10)}])
    assert cli("state", "apply", first, "--secrets-out", str(tmp_path / "s")).rc == 0
    [key] = keys_of(api, name)
    assert abs((parse_time(key["expires"]) - parse_time(_days(10))).total_seconds()) < 60
    exported = cli("state", "export", "--kind", "keys", "--owner", OWNER)
    [mine] = [k for k in parse_yaml(exported.out, "export")["keys"] if k["key_alias"] == name]
    assert abs((parse_time(mine["expires"]) - parse_time(_days(10))).total_seconds()) < 60
    assert cli("state", "diff", _file(tmp_path, [mine], "exported.yaml")).rc == 0
    for expires in (_days(30), None):
        res = cli("state", "apply", _file(tmp_path, [{"key_alias": name, "expires": expires}],
                                          "changed.yaml"), "-f", "json")
        assert res.rc == 0, res
        assert _rows(res)[name]["status"] == "updated"
        [after] = keys_of(api, name)
        assert after["token"] == key["token"]
        if expires is None:
            assert after["expires"] is None
        else:
            assert abs((parse_time(after["expires"]) - parse_time(expires)).total_seconds()) < 60
    res = cli("state", "apply", _file(tmp_path, [{"key_alias": name, "expires": _days(-1)}],
                                      "past.yaml"), "-f", "json")
    assert res.rc == 1 and "is in the past" in _rows(res)[name]["reason"], res
    assert keys_of(api, name)[0]["expires"] is None


@BEFORE_1_108
def test_export_applies_back_unchanged_and_holds_no_secret(cli, api, prefix, tmp_path):
    name = f"{prefix}-e"
    wanted = {"key_alias": name, "max_budget": 2.5, "models": ["m1", "m2"],
              "metadata": {"note": "a\u00e9\u2603 $(id)\x1b[2J"}, "budget_duration": "1d",
              "rpm_limit_type": "best_effort_throughput", "router_settings": {"num_retries": 2},
              "soft_budget": 1.0, "aliases": {"x": "m1"}, "blocked": True,
              "object_permission": {"vector_stores": ["v1"]}}
    secrets_out = tmp_path / "s.jsonl"
    res = cli("state", "apply", _file(tmp_path, [wanted]), "--secrets-out", str(secrets_out))
    assert res.rc == 0, res
    secret = json.loads(secrets_out.read_text())["key"]
    exported = cli("state", "export", "--kind", "keys", "--owner", OWNER)
    assert exported.rc == 0, exported
    assert secret not in exported.out and "sk-" not in exported.out
    assert "litellm_cli_owner" not in exported.out
    mine = [k for k in parse_yaml(exported.out, "the export")["keys"] if k["key_alias"] == name]
    assert mine == [wanted]
    back = _file(tmp_path, mine, "exported.yaml")
    diff = cli("state", "diff", back, "-f", "json")
    assert diff.rc == 0, diff
    others = cli("state", "export", "--kind", "keys", "--owner", "kkeys-else")
    assert name not in others.out


def test_prune_deletes_only_the_owners_dropped_keys(cli, api, prefix, tmp_path):
    mine, kept, other = f"{prefix}-mine", f"{prefix}-kept", f"{prefix}-other"
    made = api.generate(key_alias=other, metadata={"litellm_cli_owner": "kkeys-else"})
    both = _file(tmp_path, [{"key_alias": mine}, {"key_alias": kept}])
    assert cli("state", "apply", both, "--secrets-out", str(tmp_path / "s")).rc == 0
    res = cli("state", "apply", _file(tmp_path, [{"key_alias": kept}], "one.yaml"),
              "--prune", "--yes", "-f", "json")
    assert res.rc == 0, res
    rows = _rows(res)
    assert rows[mine]["status"] == "deleted"
    assert rows[other]["status"] == "unmanaged"
    assert keys_of(api, mine) == []
    assert [k["token"] for k in keys_of(api, other)] == [made["token"]]


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
