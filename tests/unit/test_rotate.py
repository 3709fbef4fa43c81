"""keys rotate: the rotation engine against an in-memory proxy, interrupted at
every step and re-run; the command's checks before any write."""

import datetime
import hashlib
import json
import os

import pytest

from litellm_cli import exceptions
from litellm_cli.clientmanager import ClientManager
from litellm_cli.api.rotate import MARK, Rotation, mark
from litellm_cli.plugins import keys as plugin
from tests.unit.conftest import FakeSession, run

NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class Stop(BaseException):
    """Stands for Ctrl-C."""


class MemoryKeys:
    """The key endpoints of a proxy, in memory; ``stop_at`` interrupts the Nth write."""

    def __init__(self, *keys):
        self.keys = {key["token"]: dict(key) for key in keys}
        self.events, self.stop_at, self.refuse = [], None, None

    def _write(self, event):
        if self.stop_at is not None and len(self.events) == self.stop_at:
            raise Stop()
        self.events.append(event)

    def with_budget_ids(self, keys):
        return keys  # a listing of LiteLLM >= 1.90 has them

    def iter_all(self, **_):
        return [dict(key) for key in self.keys.values()]

    def generate(self, body, check=True):
        self._write(("generate", body.get("key")))
        if any(k.get("key_alias") == body.get("key_alias") for k in self.keys.values()
               if body.get("key_alias")):
            raise exceptions.BadRequest("Key with alias already exists")
        token = _hash(body["key"])
        fields = {k: v for k, v in body.items() if k not in ("key", "duration")}
        self.keys[token] = {"token": token, "key_alias": None, **fields}
        return {"key": body["key"], "token": token}

    def update(self, token, changes):
        self._write(("update", token, tuple(sorted(changes))))
        changes = dict(changes)
        if "duration" in changes:
            changes["expires"] = "in " + changes.pop("duration")
        self.keys[token].update(changes)
        return self.keys[token]

    def block(self, token):
        self._write(("block", token))
        self.keys[token]["blocked"] = True

    def regenerate(self, token, changes):
        self._write(("regenerate", token, changes.get("grace_period")))
        if self.refuse:
            raise exceptions.ServerError(self.refuse)
        key = self.keys.pop(token)
        key["token"] = _hash(changes["new_key"])
        self.keys[key["token"]] = key

    def delete(self, token):
        self._write(("delete", token))
        del self.keys[token]


OLD = {"token": "o" * 64, "key_alias": "billing", "models": ["gpt-4o"], "max_budget": 5.0,
       "spend": 1.25, "team_id": "t1", "user_id": "u1", "metadata": {"owner": "ops"},
       "rpm_limit": 7, "expires": (NOW + 10 * DAY).isoformat(), "created_at": "2026-01-01"}


def _rotate(proxy, saved, grace=DAY, pending=None):
    rotation = Rotation(proxy, now=NOW)
    all_keys = proxy.iter_all()
    old = [k for k in all_keys if k["token"] == OLD["token"]]
    return list(rotation.run(old, all_keys, grace, saved.append, pending))


def test_rotation_copies_every_setting_and_hands_the_alias_over():
    proxy, saved = MemoryKeys(OLD), []
    [result] = _rotate(proxy, saved)
    new = proxy.keys[result["replacement"]]
    assert result["status"] == "rotated" and new["token"] == saved[0]["token"]
    for field in ("models", "max_budget", "spend", "team_id", "user_id", "rpm_limit"):
        assert new[field] == OLD[field], field
    assert new["key_alias"] == "billing" and new["metadata"]["owner"] == "ops"
    assert mark(new)["replaces"] == OLD["token"]
    old = proxy.keys[OLD["token"]]
    assert old["key_alias"] == "billing-rotated-oooooooo"
    assert mark(old) == {"replaced_by": new["token"], "stops_at": "2026-06-02T00:00:00Z",
                         "key_alias": "billing"}
    assert old["expires"] == "in 86400s" and not old.get("blocked")


def test_the_secret_is_saved_before_the_key_is_made_and_the_old_key_touched():
    proxy, order = MemoryKeys(OLD), []
    rotation = Rotation(proxy, now=NOW)
    proxy_write = proxy._write
    proxy._write = lambda event: (order.append(event[0]), proxy_write(event))
    list(rotation.run([OLD], [OLD], DAY, lambda entry: order.append(("saved", entry["key"]))))
    assert order[0][0] == "saved" and order[1] == "generate"
    assert proxy.events[0] == ("generate", order[0][1])  # the saved secret is the key's


@pytest.mark.parametrize("stop_at", [0, 1, 2])
def test_an_interrupted_rotation_re_run_makes_no_second_replacement(stop_at):
    # 0: after the secret was saved, before the key was made; 1: after the key
    # was made; 2: after the old key was marked, before the alias moved.
    proxy, saved = MemoryKeys(OLD), []
    proxy.stop_at = stop_at
    with pytest.raises(Stop):
        _rotate(proxy, saved)
    proxy.stop_at = None
    [result] = _rotate(proxy, [], pending={e["old_token"]: e for e in saved})
    assert result["status"] == "resumed"
    replacements = [k for k in proxy.keys.values() if mark(k).get("replaces")]
    assert len(replacements) == 1 and replacements[0]["token"] == saved[0]["token"]
    assert replacements[0]["key_alias"] == "billing"
    assert mark(proxy.keys[OLD["token"]])["replaced_by"] == saved[0]["token"]
    [again] = _rotate(proxy, [])
    assert again["status"] == "already rotated" and len(proxy.keys) == 2


def test_grace_zero_blocks_the_old_key_at_once():
    proxy = MemoryKeys(OLD)
    _rotate(proxy, [], grace=datetime.timedelta(0))
    assert proxy.keys[OLD["token"]]["blocked"] is True


def test_an_old_key_expiring_within_the_grace_keeps_its_expiry():
    proxy = MemoryKeys(OLD)
    _rotate(proxy, [], grace=30 * DAY)
    assert proxy.keys[OLD["token"]]["expires"] == OLD["expires"]


def test_a_replacement_keeps_the_expiry_left():
    proxy, saved = MemoryKeys(OLD), []
    rotation = Rotation(proxy, now=NOW)
    bodies = []
    generate = proxy.generate
    proxy.generate = lambda body, check=True: (bodies.append(body), generate(body))[1]
    list(rotation.run([OLD], [OLD], DAY, saved.append))
    assert bodies[0]["duration"] == f"{10 * 86400}s" and "key_alias" not in bodies[0]


def _rotated(stops_at, blocked=None):
    return {"token": "r" * 64, "key_alias": "x-rotated", "blocked": blocked,
            "metadata": {MARK: {"replaced_by": "n" * 64, "stops_at": stops_at}}}


def test_finish_blocks_or_deletes_only_old_keys_whose_grace_passed():
    passed, waiting = _rotated("2026-05-31T00:00:00Z"), {**_rotated("2026-06-02T00:00:00Z"),
                                                         "token": "w" * 64}
    proxy = MemoryKeys(passed, waiting, OLD)
    rotation = Rotation(proxy, now=NOW)
    assert [r["status"] for r in rotation.finish(proxy.iter_all(), dry_run=True)] == [
        "would be blocked"]
    assert proxy.events == []
    assert [r["token"] for r in rotation.finish(proxy.iter_all())] == ["r" * 64]
    assert list(rotation.finish(proxy.iter_all())) == []  # cron: nothing twice
    assert [r["status"] for r in rotation.finish(proxy.iter_all(), delete=True)] == ["deleted"]
    assert set(proxy.keys) == {"w" * 64, OLD["token"]}


def test_use_regenerate_gives_the_key_the_secret_saved_first_and_resumes():
    proxy, saved = MemoryKeys(OLD), []
    rotation = Rotation(proxy, now=NOW)
    [result] = rotation.regenerate([OLD], proxy.iter_all(), DAY, saved.append)
    assert result["status"] == "regenerated" and result["replacement"] == saved[0]["token"]
    assert proxy.events == [("regenerate", OLD["token"], "86400s")]
    assert set(proxy.keys) == {saved[0]["token"]}
    [again] = Rotation(proxy, now=NOW).regenerate(
        [OLD], proxy.iter_all(), DAY, saved.append, {OLD["token"]: saved[0]})
    assert again["status"] == "already rotated" and len(saved) == 1


def test_use_regenerate_on_an_unlicensed_proxy_fails_the_key_with_the_proxys_message():
    proxy, saved = MemoryKeys(OLD), []
    proxy.refuse = "Regenerating Virtual Keys is an Enterprise feature"
    [result] = Rotation(proxy, now=NOW).regenerate([OLD], proxy.iter_all(), DAY, saved.append)
    assert result["status"] == "failed" and "Enterprise" in result["detail"]
    assert set(proxy.keys) == {OLD["token"]}


# -- the command ---------------------------------------------------------------

@pytest.mark.parametrize("argv,message", [
    (["--key-alias", "billing"], "--secrets-out FILE is required"),
    ([], "name the keys to rotate"),
    (["--key-alias", "b", "--delete", "--secrets-out", "x"], "--delete goes with --finish"),
    (["--finish", "--team-id", "t1"], "takes no KEY, filter"),
    (["--finish", "--use-regenerate"], "takes no KEY, filter"),
])
def test_bad_combinations_fail_before_any_request(argv, message):
    session = FakeSession()
    with pytest.raises(exceptions.UsageError, match=message):
        run(plugin.RotateKey, argv, session)
    assert session.calls == []


def test_an_unwritable_secrets_file_fails_before_any_request(tmp_path):
    session = FakeSession()
    with pytest.raises(exceptions.UsageError, match="--secrets-out"):
        run(plugin.RotateKey, ["--key-alias", "b", "--secrets-out",
                               str(tmp_path / "no" / "such" / "dir")], session)
    assert session.calls == []


def test_the_command_writes_the_secret_synced_and_private(tmp_path, monkeypatch):
    synced = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    secrets_out = tmp_path / "secrets.jsonl"
    proxy = MemoryKeys(OLD)
    monkeypatch.setattr(ClientManager, "keys", property(lambda manager: proxy), raising=False)
    version = FakeSession({("GET", "/public/model_hub/info"): {"litellm_version": "1.108.7"}})
    result, app = run(plugin.RotateKey, ["--key-alias", "billing", "--secrets-out",
                                         str(secrets_out)], version)
    columns, rows = result
    [row] = rows
    assert row[2] == "rotated"
    assert oct(secrets_out.stat().st_mode & 0o777) == "0o600" and synced
    [entry] = [json.loads(line) for line in secrets_out.read_text().splitlines()]
    assert entry["old_token"] == OLD["token"] and entry["key"].startswith("sk-")
    assert entry["token"] == _hash(entry["key"]) == row[3]
    assert entry["key"] not in app.stderr.getvalue() + repr(rows)



@pytest.mark.parametrize("named, rotated", [("billing", True), ("o" * 64, True),
                                             ("nobody", False)])
def test_a_key_is_named_by_its_hash_or_an_alias_only_it_has(monkeypatch, named, rotated):
    from tests.unit.output import render

    proxy = MemoryKeys(OLD)
    monkeypatch.setattr(ClientManager, "keys", property(lambda manager: proxy), raising=False)
    try:
        status, out, _ = render(plugin.RotateKey, [named, "--dry-run", "-f", "json"],
                                FakeSession())
    except exceptions.CLIError:
        status, out = 1, None
    if rotated:
        [row] = json.loads(out)
        assert status == 0 and row["token"] == OLD["token"] and row["status"] != "failed"
    else:
        assert status == 1


@pytest.mark.parametrize("argv, rotated", [
    (["--older-than", "1d"], ["billing"]),
    (["--user-id", "u1"], ["billing"]),
    (["--team-id", "litellm-dashboard"], ["ui"]),
    (["ui"], ["ui"]),
])
def test_the_admin_ui_s_session_keys_are_rotated_only_when_named(monkeypatch, argv, rotated):
    from tests.unit.output import render

    ui = {**OLD, "token": "u" * 64, "key_alias": "ui", "team_id": "litellm-dashboard"}
    proxy = MemoryKeys(OLD, ui)
    monkeypatch.setattr(ClientManager, "keys", property(lambda manager: proxy), raising=False)
    status, out, _ = render(plugin.RotateKey, [*argv, "--dry-run", "-f", "json"], FakeSession())
    assert status == 0
    assert [row["key_alias"] for row in json.loads(out)] == rotated
