"""keys rotate against the real proxy: the new key answers, the old one works
during the grace and stops after --finish; an interrupted rotation re-run."""

import datetime
import hashlib
import json
import secrets
import time

import pytest
import requests

MARK = "litellm_cli_rotation"


def _chat(proxy, key):
    return requests.post(f"{proxy.url}/chat/completions", timeout=60,
                         headers={"Authorization": f"Bearer {key}"},
                         json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})


def _keys_marked(api, alias):
    """Every key whose alias is ``alias`` or was it before a rotation."""
    found, page = [], 1
    while True:
        keys = api.ok("GET", "/key/list", return_full_object="true", size=100, page=page)["keys"]
        for key in keys:
            rotation = (key.get("metadata") or {}).get(MARK) or {}
            if (key.get("key_alias") or "").startswith(alias) \
                    or rotation.get("key_alias") == alias:
                found.append(key)
        if len(keys) < 100:
            return found
        page += 1


@pytest.fixture
def old_key(api, unique):
    key = api.generate(key_alias=unique, models=["gpt-4o"], max_budget=5,
                       metadata={"owner": "ops"})
    yield key
    for alias in (unique, f"{unique}-rotated-{key['token'][:8]}"):
        api.delete_keys(alias)


def test_rotation_new_key_answers_old_key_works_in_grace_and_stops_after_finish(
        cli, api, proxy, old_key, unique, tmp_path):
    secrets_out = tmp_path / "secrets.jsonl"
    res = cli("keys", "rotate", "--key-alias", unique, "--grace", "6s",
              "--secrets-out", str(secrets_out), "-f", "json")
    assert res.rc == 0, res
    [row] = res.json()
    assert row["status"] == "rotated" and row["token"] == old_key["token"]
    [entry] = [json.loads(line) for line in secrets_out.read_text().splitlines()]
    assert oct(secrets_out.stat().st_mode & 0o777) == "0o600"
    assert entry["key"] not in res.out + res.err and old_key["key"] not in res.out + res.err
    assert row["replacement"] == entry["token"]

    new = api.key_info(entry["key"])
    assert (new["key_alias"], new["models"], new["max_budget"]) == (unique, ["gpt-4o"], 5)
    assert new["metadata"]["owner"] == "ops"
    assert new["metadata"][MARK]["replaces"] == old_key["token"]
    old = api.key_info(old_key["token"])
    assert old["metadata"][MARK]["replaced_by"] == entry["token"]
    assert _chat(proxy, entry["key"]).status_code == 200
    assert _chat(proxy, old_key["key"]).status_code == 200  # in its grace

    stops = datetime.datetime.fromisoformat(row["stops_at"].replace("Z", "+00:00"))
    time.sleep(max(0.0, (stops - datetime.datetime.now(datetime.timezone.utc))
                   .total_seconds()) + 1)
    finish = cli("keys", "rotate", "--finish", "-f", "json")
    assert finish.rc == 0, finish
    assert {"token": old_key["token"], "status": "blocked"}.items() <= next(
        r for r in finish.json() if r["token"] == old_key["token"]).items()
    assert _chat(proxy, old_key["key"]).status_code in (401, 403)
    assert _chat(proxy, entry["key"]).status_code == 200
    again = cli("keys", "rotate", "--finish", "-f", "json")
    assert again.rc == 0 and old_key["token"] not in again.out


def _pending_entry(old_key, path):
    secret = "sk-" + secrets.token_urlsafe(32)
    entry = {"key_alias": old_key["key_alias"], "old_token": old_key["token"],
             "token": hashlib.sha256(secret.encode()).hexdigest(), "key": secret}
    path.write_text(json.dumps(entry) + "\n")
    path.chmod(0o600)
    return entry


@pytest.mark.parametrize("interrupted_after", ["saving the secret", "creating the key"])
def test_an_interrupted_rotation_re_run_resumes_without_a_second_replacement(
        cli, api, proxy, old_key, unique, tmp_path, interrupted_after):
    secrets_out = tmp_path / "secrets.jsonl"
    entry = _pending_entry(old_key, secrets_out)
    if interrupted_after == "creating the key":
        # What the first run had done: the replacement, made with the saved secret.
        api.generate(key=entry["key"], models=["gpt-4o"], max_budget=5,
                     metadata={"owner": "ops", MARK: {"replaces": old_key["token"]}})
    res = cli("keys", "rotate", "--key-alias", unique, "--secrets-out", str(secrets_out),
              "-f", "json")
    assert res.rc == 0, res
    [row] = [r for r in res.json() if r["token"] == old_key["token"]]
    assert row["status"] == "resumed" and row["replacement"] == entry["token"]
    replacements = [k for k in _keys_marked(api, unique)
                    if (k.get("metadata") or {}).get(MARK, {}).get("replaces")]
    assert [k["token"] for k in replacements] == [entry["token"]]
    assert replacements[0]["key_alias"] == unique
    assert _chat(proxy, entry["key"]).status_code == 200
    rerun = cli("keys", "rotate", "--key-alias", unique, "--secrets-out", str(secrets_out),
                "-f", "json")
    statuses = {r["token"]: r["status"] for r in rerun.json()}
    assert statuses == {old_key["token"]: "already rotated", entry["token"]: "skipped"}
    assert len(secrets_out.read_text().splitlines()) == 1


def test_rotate_without_secrets_out_changes_nothing(cli, api, old_key, unique):
    res = cli("keys", "rotate", "--key-alias", unique)
    assert res.rc == 2 and "--secrets-out" in res.err, res
    assert api.key_info(old_key["token"])["key_alias"] == unique
    assert len(_keys_marked(api, unique)) == 1


def test_rotate_with_debug_never_prints_the_old_or_the_new_secret(cli, api, old_key, unique,
                                                                  tmp_path):
    secrets_out = tmp_path / "secrets.jsonl"
    res = cli("--debug", "keys", "rotate", old_key["key"], "--grace", "0",
              "--secrets-out", str(secrets_out), "-f", "json")
    assert res.rc == 0, res
    [entry] = [json.loads(line) for line in secrets_out.read_text().splitlines()]
    for secret in (entry["key"], old_key["key"]):
        assert secret not in res.out and secret not in res.err
    assert api.key_info(old_key["token"])["blocked"] is True  # --grace 0: stopped at once


def test_use_regenerate_on_the_unlicensed_sandbox_fails_clearly_and_changes_nothing(
        cli, api, proxy, old_key, unique, tmp_path):
    res = cli("keys", "rotate", "--key-alias", unique, "--use-regenerate",
              "--secrets-out", str(tmp_path / "s.jsonl"), "-f", "json")
    assert res.rc == 1, res
    [row] = res.json()
    assert row["status"] == "failed" and "Enterprise" in row["detail"]
    assert "1 of 1 keys failed to rotate" in res.err
    assert api.key_info(old_key["token"])["key_alias"] == unique
    assert _chat(proxy, old_key["key"]).status_code == 200


def test_a_key_with_tags_in_its_metadata_rotates_on_an_unlicensed_proxy(cli, api, unique,
                                                                        tmp_path):
    # The proxy checks tags against the licence when they come as a field of
    # their own, not inside metadata, where the key keeps them.
    old = api.generate(key_alias=unique, metadata={"tags": ["team-a"], "env": "p"})
    try:
        res = cli("keys", "rotate", "--key-alias", unique, "--secrets-out",
                  str(tmp_path / "s.jsonl"), "-f", "json")
        assert res.rc == 0, res
        [row] = res.json()
        assert row["status"] == "rotated", row
        new = api.ok("GET", "/key/info", key=row["replacement"])["info"]
        assert new["metadata"]["tags"] == ["team-a"] and new["metadata"]["env"] == "p"
    finally:
        for alias in (unique, f"{unique}-rotated-{old['token'][:8]}"):
            api.delete_keys(alias)
