"""The keys adapter of state files (litellm_cli/api/kinds/keys.py) on a fake proxy."""

import copy
import datetime
import hashlib

import pytest

from litellm_cli import exceptions
from litellm_cli.api.kinds.common import METADATA_FIELDS
from litellm_cli.api.kinds.keys import Keys
from litellm_cli.api.state_sync import StateSync, request_fields
from litellm_cli.redact import REDACTOR
from tests.unit.conftest import PINNED, FakeSession, release

OWNER = "ops"


class FakeKeys:
    """A proxy's keys: /key/list (with key_alias), /key/generate (refusing an
    alias in use, as _enforce_unique_key_alias does), /key/update (metadata
    replaced wholesale), /key/info, /key/delete."""

    def __init__(self, *keys):
        self.keys = {key["token"]: key for key in keys}
        self.session = FakeSession({
            **release(PINNED),
            ("GET", "/key/list"): self.list, ("POST", "/key/generate"): self.generate,
            ("POST", "/key/update"): self.update, ("GET", "/key/info"): self.info,
            ("POST", "/key/delete"): self.delete, ("GET", "/team/info"): self.team})
        self.before_insert = None  # another run's create, between the check and the insert

    def list(self, params):
        keys = [k for k in self.keys.values()
                if not params.get("key_alias") or k.get("key_alias") == params["key_alias"]]
        return {"keys": keys, "total_pages": 1}

    def generate(self, body):
        if any(k.get("key_alias") == body.get("key_alias") for k in self.keys.values()):
            return exceptions.BadRequest(f"Key with alias {body['key_alias']!r} already exists. "
                                         "Unique key aliases across all keys are required.")
        if self.before_insert:
            self.before_insert(), setattr(self, "before_insert", None)
        token = hashlib.sha256(body["key"].encode()).hexdigest()
        self.keys[token] = {"token": token,
                            "created_at": f"2026-01-01T00:00:{len(self.keys):02d}Z"}
        self.update({**body, "key": token})
        return {"key": body["key"], "token": token}

    def update(self, body):
        """As the proxy: metadata replaced, metadata-backed fields set in it."""
        key = self.keys[body["key"]]
        body = dict(body)
        if "duration" in body:  # as the proxy: expires counted from now (null: never)
            duration = body.pop("duration")
            key["expires"] = duration and (
                datetime.datetime.now(datetime.timezone.utc)
                + datetime.timedelta(seconds=int(duration.rstrip("s")))).isoformat()
        for field, value in body.items():
            if field not in METADATA_FIELDS and field != "key":
                key[field] = copy.deepcopy(value)  # the request stays as it was sent
        for field in METADATA_FIELDS & set(body):
            if body[field] is not None:
                key.setdefault("metadata", {})[field] = body[field]
        return key

    def info(self, params):
        return {"info": self.keys[params["key"]]}

    def delete(self, body):
        for token in body["keys"]:
            del self.keys[token]
        return {"deleted_keys": body["keys"]}

    def team(self, params):
        return {"team_id": params["team_id"], "team_info": {}}

    def writes(self):
        return [(path, kw["body"]) for method, path, kw in self.session.calls
                if method == "POST" and path in ("/key/generate", "/key/update", "/key/delete")]


def key(token, alias, **fields):
    return {"token": token * 8, "key_alias": alias, "created_at": "2025-01-01T00:00:00Z",
            "models": [], "aliases": {}, "config": {}, "permissions": {},
            "allowed_routes": [], "key_type": "default", "auto_rotate": False,
            "spend": 3.5, "expires": None, "router_settings": {}, **fields}


def apply(proxy, keys, prune=False):
    saved = []
    sync = StateSync(proxy.session)
    plan = sync.plan({"owner": OWNER, "keys": keys}, prune=prune)
    sync.execute(plan, save_secret=saved.append)
    return {item.name: item for item in plan.items}, saved


def adapter(proxy):
    return Keys(proxy.session, request_fields(PINNED, "keys"))


def test_create_sends_a_local_secret_saved_first_and_marks_the_owner():
    proxy = FakeKeys()
    order = []
    proxy.session.answers[("POST", "/key/generate")] = lambda body: (
        order.append("sent"), proxy.generate(body))[1]
    sync = StateSync(proxy.session)
    plan = sync.plan({"owner": OWNER, "keys": [{"key_alias": "ci", "max_budget": 5,
                                                "model_rpm_limit": {"m": 2}}]})
    [item] = plan.items
    sync.execute(plan, save_secret=lambda secret: order.append(("saved", dict(secret))))
    assert item.status == "created", item.reason
    saved = order[0][1]
    assert order[1] == "sent" and saved["key_alias"] == "ci"
    assert saved["key"].startswith("sk-") and len(saved["key"]) == 46
    assert saved["key"] not in REDACTOR.text(f"x {saved['key']} y")
    [(path, body)] = proxy.writes()
    assert body == {"key_alias": "ci", "max_budget": 5, "model_rpm_limit": {"m": 2},
                    "key": saved["key"], "metadata": {"litellm_cli_owner": OWNER}}


def test_a_file_holding_a_secret_is_refused_and_nothing_is_sent():
    proxy = FakeKeys(key("a", "ci"))
    items, _ = apply(proxy, [{"key_alias": "ci", "key": "sk-inthefile"},
                             {"key_alias": "new", "key": "sk-inthefile2"}])
    assert {i.status for i in items.values()} == {"failed"}
    assert all("never holds a key's secret" in i.reason for i in items.values())
    assert proxy.writes() == []


def test_export_leaves_out_what_the_proxy_fills_in_secrets_and_marks():
    current = key("a", "ci", max_budget=5, org_id="o1", spend=9,
                  metadata={"env": "p", "model_rpm_limit": {"m": 1},
                            "litellm_cli_owner": "x", "litellm_cli_imported_from": "h"},
                  budget_limits=[{"max_budget": 1, "budget_duration": "1d",
                                  "reset_at": "2026-01-02T00:00:00Z"}],
                  object_permission={"object_permission_id": "p1", "vector_stores": ["v"],
                                     "mcp_servers": []},
                  litellm_budget_table={"budget_id": "b", "max_budget": 5})
    assert adapter(FakeKeys()).export(current) == {
        "key_alias": "ci", "max_budget": 5, "organization_id": "o1",
        "metadata": {"env": "p"}, "model_rpm_limit": {"m": 1},
        "budget_limits": [{"max_budget": 1, "budget_duration": "1d"}],
        "object_permission": {"vector_stores": ["v"]}}


def test_the_budget_the_proxy_made_for_a_soft_budget_is_not_exported():
    made = key("a", "ci", budget_id="uuid-1", created_at="2026-01-01T00:00:01.200Z",
               litellm_budget_table={"budget_id": "uuid-1", "soft_budget": 2.0,
                                     "created_at": "2026-01-01T00:00:01.190Z"})
    shared = key("b", "cj", budget_id="team-budget",
                 litellm_budget_table={"budget_id": "team-budget", "max_budget": 10,
                                       "soft_budget": 2.0,
                                       "created_at": "2024-01-01T00:00:00Z"})
    keys = adapter(FakeKeys())
    assert keys.export(made) == {"key_alias": "ci", "soft_budget": 2.0}
    assert keys.export(shared) == {"key_alias": "cj", "budget_id": "team-budget"}


def test_export_leaves_out_keys_without_alias_ui_keys_and_retired_ones_and_counts_them():
    proxy = FakeKeys(key("a", "ci"), key("b", None), key("c", None),
                     key("d", "ui", team_id="litellm-dashboard"),
                     key("e", "ci-rotated-eeeeeeee", metadata={"litellm_cli_rotation": {
                         "replaced_by": "a" * 8, "key_alias": "ci"}}))
    keys = adapter(proxy)
    assert [keys.export(k) for k in keys.read()] == [{"key_alias": "ci"}]
    assert keys.skipped["no alias"] == 2
    assert keys.skipped == {"no alias": 2, "admin UI session key": 1,
                            "retired by keys rotate": 1}


def test_reapply_of_an_export_is_unchanged_and_sends_nothing():
    proxy = FakeKeys(key("a", "ci", max_budget=5, blocked=False, metadata={
        "litellm_cli_owner": OWNER, "tags": ["x"], "litellm_cli_rotation": {"replaces": "z"}}))
    keys = adapter(proxy)
    exported = [keys.export(k) for k in keys.read()]
    assert exported == [{"key_alias": "ci", "max_budget": 5, "tags": ["x"]}]
    items, saved = apply(proxy, exported)
    assert items["ci"].status == "unchanged" and saved == [] and proxy.writes() == []
    # the same written the other way: in the metadata, empty values given
    items, _ = apply(proxy, [{"key_alias": "ci", "max_budget": 5.0, "models": [],
                              "blocked": False, "metadata": {"tags": ["x"]}}])
    assert items["ci"].status == "unchanged", items["ci"].changes


def _in(days):
    return (datetime.datetime.now(datetime.timezone.utc)
            + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_an_expiry_is_exported_and_promoted_as_a_moment_and_then_unchanged():
    """A key made to expire on staging expires at the same moment where it is
    promoted: expires is exported, sent as a duration, and equal after."""
    staging = FakeKeys(key("a", "ci", expires=_in(10)))
    exported = [adapter(staging).export(k) for k in adapter(staging).read()]
    [entry] = exported
    assert entry["expires"].endswith("Z") and len(entry["expires"]) == 20  # whole seconds
    prod = FakeKeys()
    items, _ = apply(prod, exported)
    assert items["ci"].status == "created", items["ci"].reason
    [(_, body)] = [w for w in prod.writes() if w[0] == "/key/generate"]
    assert "expires" not in body and 863900 <= int(body["duration"].rstrip("s")) <= 864000
    items, _ = apply(prod, exported)
    assert items["ci"].status == "unchanged", items["ci"].changes


def test_an_expiry_is_changed_and_cleared_in_place():
    proxy = FakeKeys(key("a", "ci", expires=_in(10), metadata={"litellm_cli_owner": OWNER}))
    items, _ = apply(proxy, [{"key_alias": "ci", "expires": _in(30)}])
    assert items["ci"].status == "updated", items["ci"].reason
    assert [c["field"] for c in items["ci"].changes] == ["expires"]
    items, _ = apply(proxy, [{"key_alias": "ci", "expires": None}])
    assert items["ci"].status == "updated", items["ci"].reason
    assert proxy.writes()[-1][1]["duration"] is None and proxy.keys["a" * 8]["expires"] is None


def test_an_expiry_in_the_past_is_never_sent_but_an_expired_key_stays_unchanged():
    proxy = FakeKeys(key("a", "old", expires=_in(-1), metadata={"litellm_cli_owner": OWNER}))
    items, _ = apply(proxy, [{"key_alias": "new", "expires": _in(-1)},
                             {"key_alias": "old", "expires": _in(-1)},
                             {"key_alias": "both", "expires": _in(1), "duration": "1d"}])
    # dead on arrival (an expired key's export, promoted): skipped, not an error
    assert items["new"].status == "skipped" and "is in the past" in items["new"].reason
    assert items["old"].status == "unchanged"
    assert items["both"].status == "failed" and "not both" in items["both"].reason
    assert proxy.writes() == []
    items, _ = apply(proxy, [{"key_alias": "old", "expires": _in(-2)}])
    assert items["old"].status == "failed" and "is in the past" in items["old"].reason
    assert proxy.writes() == []


def test_update_in_place_by_hash_sends_the_changes_nulls_as_empty_and_whole_metadata():
    proxy = FakeKeys(key("a", "ci", max_budget=5, rpm_limit=3, models=["m"], aliases={"x": "m"},
                         metadata={"env": "p", "model_rpm_limit": {"m": 1},
                                   "litellm_cli_imported_from": "h",
                                   "litellm_cli_owner": OWNER}))
    items, saved = apply(proxy, [{"key_alias": "ci", "max_budget": 9, "rpm_limit": None,
                                  "models": None, "aliases": None, "metadata": {"env": "q"}}])
    assert items["ci"].status == "updated", items["ci"].reason
    assert saved == []
    [(path, body)] = proxy.writes()
    assert path == "/key/update" and body["key"] == "a" * 8  # the hash, not a secret
    assert body == {"key": "a" * 8, "max_budget": 9, "rpm_limit": None, "models": [],
                    "aliases": {}, "metadata": {
                        "env": "q", "model_rpm_limit": {"m": 1},
                        "litellm_cli_imported_from": "h", "litellm_cli_owner": OWNER}}


def test_a_metadata_backed_null_is_cleared_by_leaving_it_out_of_the_metadata():
    proxy = FakeKeys(key("a", "ci", metadata={"env": "p", "model_rpm_limit": {"m": 1},
                                              "litellm_cli_owner": OWNER}))
    items, _ = apply(proxy, [{"key_alias": "ci", "model_rpm_limit": None}])
    assert items["ci"].status == "updated"
    assert proxy.keys["a" * 8]["metadata"] == {"env": "p", "litellm_cli_owner": OWNER}


def test_an_update_the_proxy_does_not_keep_fails_and_says_which_field():
    proxy = FakeKeys(key("a", "ci", max_budget=5, metadata={"litellm_cli_owner": OWNER}))
    real = proxy.update
    proxy.session.answers[("POST", "/key/update")] = lambda body: real(
        {k: v for k, v in body.items() if k != "max_budget"})
    items, _ = apply(proxy, [{"key_alias": "ci", "max_budget": None}])
    assert items["ci"].status == "failed"
    assert "did not take max_budget" in items["ci"].reason


def test_adopting_a_key_of_another_owner_is_an_owner_change():
    proxy = FakeKeys(key("a", "ci", metadata={"litellm_cli_owner": "else", "k": 1}))
    items, _ = apply(proxy, [{"key_alias": "ci"}])
    assert items["ci"].status == "updated"
    assert proxy.keys["a" * 8]["metadata"] == {"k": 1, "litellm_cli_owner": OWNER}


def test_an_alias_two_keys_share_fails_naming_both_by_hash_prefix():
    proxy = FakeKeys(key("a", "ci"), key("b", "ci"))
    items, _ = apply(proxy, [{"key_alias": "ci", "max_budget": 1}])
    reason = items["ci"].reason
    assert items["ci"].status == "failed"
    assert "aaaaaaaa" in reason and "bbbbbbbb" in reason and "'ci'" in reason
    assert proxy.writes() == []


def test_prune_deletes_the_owners_dropped_keys_by_hash_only():
    proxy = FakeKeys(key("a", "keep", metadata={"litellm_cli_owner": OWNER}),
                     key("b", "gone", metadata={"litellm_cli_owner": OWNER}),
                     key("c", "theirs", metadata={"litellm_cli_owner": "else"}),
                     key("d", "ui-made"))
    items, _ = apply(proxy, [{"key_alias": "keep"}], prune=True)
    assert {n: i.status for n, i in items.items()} == {
        "keep": "unchanged", "gone": "deleted", "theirs": "unmanaged", "ui-made": "unmanaged"}
    assert proxy.writes() == [("/key/delete", {"keys": ["b" * 8]})]


def test_a_create_refused_because_another_run_made_the_key_is_unchanged():
    proxy = FakeKeys()
    sync = StateSync(proxy.session)
    plan = sync.plan({"owner": OWNER, "keys": [{"key_alias": "ci", "max_budget": 1}]})
    proxy.keys["z" * 8] = key("z", "ci", max_budget=1, metadata={"litellm_cli_owner": OWNER})
    sync.execute(plan, save_secret=lambda secret: None)
    [item] = plan.items
    assert item.status == "unchanged"
    assert item.reason.startswith("created meanwhile by another run")
    assert list(proxy.keys) == ["z" * 8]


def test_a_create_refused_for_a_key_another_run_made_differently_updates_it_in_place():
    proxy = FakeKeys()
    sync = StateSync(proxy.session)
    plan = sync.plan({"owner": OWNER, "keys": [{"key_alias": "ci", "max_budget": 2}]})
    proxy.keys["z" * 8] = key("z", "ci", max_budget=1, metadata={"litellm_cli_owner": OWNER})
    sync.execute(plan, save_secret=lambda secret: None)
    [item] = plan.items
    assert (item.status, proxy.keys["z" * 8]["max_budget"]) == ("updated", 2)
    assert "updated in place" in item.reason


@pytest.mark.parametrize("older, status", [(True, "unchanged"), (False, "created")])
def test_two_creates_past_the_proxys_check_leave_the_older_key(older, status):
    proxy = FakeKeys()
    stamp = "2000-01-01T00:00:00Z" if older else "2099-01-01T00:00:00Z"
    proxy.before_insert = lambda: proxy.keys.update({"z" * 8: key(
        "z", "ci", created_at=stamp, metadata={"litellm_cli_owner": OWNER})})
    items, saved = apply(proxy, [{"key_alias": "ci"}])
    assert items["ci"].status == status
    mine = hashlib.sha256(saved[0]["key"].encode()).hexdigest()
    assert set(proxy.keys) == ({"z" * 8} if older else {"z" * 8, mine})


def test_hostile_aliases_and_values_pass_through_as_data():
    alias = "kkeys-$(rm -rf /)\x1b[2J\u2603;`id`"
    proxy = FakeKeys()
    items, saved = apply(proxy, [{"key_alias": alias, "metadata": {"blob": "x" * 1_000_000}}])
    assert items[alias].status == "created"
    [stored] = proxy.keys.values()
    assert stored["key_alias"] == alias and len(stored["metadata"]["blob"]) == 1_000_000
    items, _ = apply(proxy, [{"key_alias": alias, "metadata": {"blob": "x" * 1_000_000}}])
    assert items[alias].status == "unchanged"


def test_a_key_being_rotated_away_from_its_alias_is_not_created_again():
    proxy = FakeKeys(key("e", "ci-rotated-eeeeeeee", metadata={"litellm_cli_rotation": {
        "replaced_by": "f" * 8, "key_alias": "ci"}}), key("f", None))
    items, _ = apply(proxy, [{"key_alias": "ci"}])
    assert items["ci"].status == "failed" and "keys rotate again" in items["ci"].reason
    assert proxy.writes() == []


def test_after_a_stop_a_create_landed_only_if_the_key_has_our_secret():
    proxy = FakeKeys()
    keys = adapter(proxy)
    [item] = keys.plan([{"key_alias": "ci"}], OWNER)
    item.adapter = keys
    assert keys.landed(item) is False
    proxy.keys["z" * 8] = key("z", "ci")
    assert keys.landed(item) is False  # another key of the alias: not ours
    token = hashlib.sha256(item.secret["key"].encode()).hexdigest()
    proxy.keys[token] = {**key("q", "ci"), "token": token}
    assert keys.landed(item) is True


def test_apply_refuses_secrets_out_that_is_the_state_file_itself_before_any_write(tmp_path):
    from litellm_cli.plugins.state import ApplyState
    from tests.unit.conftest import run

    path = tmp_path / "state.yaml"
    text = "keys: [{key_alias: new, models: []}]\n"
    path.write_text(text)
    proxy = FakeKeys()
    with pytest.raises(exceptions.UsageError, match="--secrets-out is the state file itself"):
        run(ApplyState, [str(path), "--secrets-out", str(tmp_path / "." / "state.yaml")],
            proxy.session)
    assert path.read_text() == text  # no secret in the file kept in git
    assert proxy.keys == {} and not any(c[0] == "POST" for c in proxy.session.calls)


@pytest.mark.parametrize("release, duration", [("1.80.17", "-1"), ("1.90.7", None),
                                               (PINNED, None)])
def test_never_expires_is_spelled_as_each_release_takes_it(release, duration):
    # LiteLLM 1.80.17's /key/update ignores a null duration (the key kept its
    # expiry); "-1" means never there and is still taken later.
    keys = adapter(FakeKeys())
    keys.release = release
    body = keys.body({"key_alias": "ci", "expires": None}, ["expires"], OWNER,
                     key("a", "ci", expires=_in(3)))
    assert "expires" not in body and body["duration"] == duration


def test_a_copy_keeps_metadata_backed_fields_in_the_metadata():
    # Given as fields of their own, /key/generate checks tags, guardrails...
    # against the licence; inside metadata (where the key keeps them) it does not.
    keys = adapter(FakeKeys())
    stored = key("a", "ci", max_budget=5, metadata={"tags": ["t"], "env": "p",
                                                   "litellm_cli_owner": OWNER})
    body = keys.copy_body(stored, datetime.datetime.now(datetime.timezone.utc))
    assert "tags" not in body and body["max_budget"] == 5
    assert body["metadata"] == {"tags": ["t"], "env": "p", "litellm_cli_owner": OWNER}


@pytest.mark.parametrize("release", ["1.80.17", PINNED])
def test_a_new_key_that_never_expires_is_sent_no_duration(release):
    # 1.80.17's /key/generate refuses "-1" ("Invalid duration format").
    keys = adapter(FakeKeys())
    keys.release = release
    body = keys.body({"key_alias": "ci", "expires": None}, ["expires"], OWNER)
    assert "duration" not in body and "expires" not in body
    assert keys.refused({"key_alias": "ci", "expires": None, "duration": "30d"}) == (
        "give expires or duration, not both")
