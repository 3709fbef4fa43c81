"""``keys import`` between two real proxies (two databases); effects checked through
both proxies' APIs."""

import json
import os
import stat

import pytest

from tests.functional.conftest import ProxyAPI, closed_port, run_cli

CHAT = '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]}'


@pytest.fixture
def dest(second_proxy):
    return ProxyAPI(second_proxy)


@pytest.fixture
def world(api, dest, unique):
    """On the source: a team, a user in it, and a key of both with many settings.
    Everything with this prefix is removed from both proxies afterwards."""
    team, user = f"{unique}-team", f"{unique}-user"
    api.ok("POST", "/team/new", json={"team_id": team, "team_alias": f"{unique} alias",
                                      "max_budget": 50, "models": ["gpt-4o"]})
    api.ok("POST", "/user/new", json={"user_id": user, "user_email": f"{unique}@example.com",
                                      "user_role": "internal_user", "max_budget": 20,
                                      "teams": [team], "auto_create_key": False})
    key = api.generate(key_alias=f"{unique}-k1", team_id=team, user_id=user, max_budget=5,
                       rpm_limit=7, tpm_limit=700, budget_duration="30d", duration="7d",
                       metadata={"env": "prod"}, models=["gpt-4o"])["key"]
    api.ok("POST", "/key/update", json={"key": key, "spend": 1.5})
    yield {"team": team, "user": user, "key": key, "alias": f"{unique}-k1"}
    for proxy in (api, dest):
        proxy.delete_keys(f"{unique}-k1", f"{unique}-k2")
        proxy.call("POST", "/team/delete", json={"team_ids": [team]})
        proxy.call("POST", "/user/delete", json={"user_ids": [user, f"{unique}-other"]})


def _import(proxy, second_proxy, *args, input=None):
    """Run ``keys import`` on the second proxy, reading from the first."""
    return run_cli(["keys", "import", "--source-base-url", proxy.url, "--source-api-key", "@-",
                    *args], second_proxy.url, key=second_proxy.key, input=proxy.key + "\n"
                   if input is None else input)


def _rows(res):
    return {(row["object"], row["name"]): row for row in res.json()}


def test_import_brings_team_and_user_first_and_copies_every_setting(
        proxy, second_proxy, api, dest, world, tmp_path):
    secrets = tmp_path / "secrets.jsonl"
    res = _import(proxy, second_proxy, "--team-id", world["team"], "--secrets-out",
                  str(secrets), "-f", "json")
    assert res.rc == 0, res
    rows = _rows(res)
    assert rows[("team", world["team"])]["status"] == "created"
    assert rows[("user", world["user"])]["status"] == "created"
    assert rows[("key", world["alias"])]["status"] == "created"
    assert "NEW secret" in res.err

    team = dest.ok("GET", "/team/info", team_id=world["team"])["team_info"]
    assert team["team_alias"].endswith("alias") and team["max_budget"] == 50.0
    user = dest.ok("GET", "/user/info", user_id=world["user"])["user_info"]
    assert user["user_email"].endswith("@example.com") and user["max_budget"] == 20.0
    assert user["teams"] == [world["team"]]

    assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o600
    [entry] = [json.loads(line) for line in secrets.read_text().splitlines()]
    assert entry["key_alias"] == world["alias"]
    new_key = entry["key"]
    assert new_key not in res.out + res.err  # only in the file
    source = api.key_info(world["key"])
    copied = dest.key_info(new_key)
    for field in ("key_alias", "team_id", "user_id", "max_budget", "rpm_limit", "tpm_limit",
                  "budget_duration", "models", "spend"):
        assert copied[field] == source[field], field
    assert copied["metadata"]["env"] == "prod"
    assert copied["expires"][:16] == source["expires"][:16]

    # A new secret works on the destination; the source's does not.
    assert run_cli(["http", "request", "POST", "/chat/completions", "-j", CHAT],
                   second_proxy.url, key=new_key).rc == 0
    old = run_cli(["http", "request", "POST", "/chat/completions", "-j", CHAT],
                  second_proxy.url, key=world["key"])
    assert old.rc == 4, old


def test_a_key_with_a_soft_budget_is_imported_with_its_soft_budget(
        proxy, second_proxy, api, dest, world, tmp_path):
    """/key/generate makes a budget row for a key's soft_budget: that row is the
    source's own, and the copy gets a soft budget (and a row) of its own."""
    alias = world["alias"].replace("-k1", "-k2")
    api.generate(key_alias=alias, team_id=world["team"], soft_budget=2.5, max_budget=9)
    res = _import(proxy, second_proxy, "--team-id", world["team"], "--secrets-out",
                  str(tmp_path / "s.jsonl"), "-f", "json")
    assert res.rc == 0, res
    assert _rows(res)[("key", alias)]["status"] == "created"
    [copied], [source] = (side.ok("GET", "/key/list", key_alias=alias,
                                  return_full_object="true")["keys"] for side in (dest, api))
    # /key/info has the budget on every release (/key/list before 1.108 does not)
    budget = dest.ok("GET", "/key/info", key=copied["token"])["info"]["litellm_budget_table"]
    assert budget["soft_budget"] == 2.5 and copied["max_budget"] == 9
    assert copied["budget_id"] != source["budget_id"]


def test_running_the_same_import_again_creates_nothing_twice(
        proxy, second_proxy, dest, world, tmp_path):
    secrets = tmp_path / "secrets.jsonl"
    first = _import(proxy, second_proxy, "--team-id", world["team"], "--secrets-out",
                    str(secrets))
    assert first.rc == 0, first
    again = _import(proxy, second_proxy, "--team-id", world["team"], "--secrets-out",
                    str(secrets), "-f", "json")
    assert again.rc == 0, again
    assert _rows(again)[("key", world["alias"])] == {
        "object": "key", "name": world["alias"], "status": "skipped",
        "detail": "already imported"}
    assert len(dest.keys_with_alias(world["alias"])) == 1
    assert len(secrets.read_text().splitlines()) == 1  # the first run's secret is kept


def test_dry_run_reads_both_proxies_and_changes_nothing(proxy, second_proxy, dest, world,
                                                        tmp_path):
    secrets = tmp_path / "secrets.jsonl"
    res = _import(proxy, second_proxy, "--team-id", world["team"], "--dry-run",
                  "--secrets-out", str(secrets), "-f", "json")
    assert res.rc == 0, res
    assert {row["status"] for row in res.json()} == {"would create"}
    assert len(res.json()) == 3
    assert "Dry run, nothing changed" in res.err
    assert dest.call("GET", "/team/info", team_id=world["team"]).status_code == 404
    assert dest.keys_with_alias(world["alias"]) == []
    assert not secrets.exists()


def test_a_key_whose_user_cannot_be_created_is_not_imported_and_says_why(
        proxy, second_proxy, api, dest, world, unique, tmp_path):
    # The destination already has the user's email under another id.
    dest.ok("POST", "/user/new", json={"user_id": f"{unique}-other",
                                       "user_email": f"{unique}@example.com",
                                       "auto_create_key": False})
    res = _import(proxy, second_proxy, "--user-id", world["user"], "--secrets-out",
                  str(tmp_path / "secrets.jsonl"), "-f", "json")
    assert res.rc == 1, res
    rows = _rows(res)
    assert rows[("user", world["user"])]["status"] == "failed"
    key = rows[("key", world["alias"])]
    assert key["status"] == "failed" and f"user {world['user']}" in key["detail"]
    assert dest.keys_with_alias(world["alias"]) == []
    assert "failed to import" in res.err.splitlines()[-1]


def test_expired_keys_are_skipped_and_old_keys_filtered_by_created_since(
        proxy, second_proxy, api, dest, world, unique, tmp_path):
    import time

    api.generate(key_alias=f"{unique}-k2", user_id=world["user"], duration="1s")
    time.sleep(2)
    res = _import(proxy, second_proxy, "--user-id", world["user"], "--dry-run", "-f", "json")
    assert res.rc == 0, res
    assert _rows(res)[("key", f"{unique}-k2")]["status"] == "skipped"
    assert _rows(res)[("key", f"{unique}-k2")]["detail"] == "expired on the source"
    later = _import(proxy, second_proxy, "--user-id", world["user"], "--created-since",
                    "2999-01-01", "--secrets-out", str(tmp_path / "secrets.jsonl"), "-f", "json")
    assert later.rc == 0, later
    assert later.json() == []


def test_source_problems_are_one_line_with_their_exit_codes(proxy, second_proxy):
    wrong_key = _import(proxy, second_proxy, "--dry-run", input="sk-h13b-wrong-key\n")
    assert wrong_key.rc == 4, wrong_key
    assert wrong_key.err.splitlines()[-1].startswith(
        f"Error: the source proxy {proxy.url} refused the key given with --source-api-key")
    down = run_cli(["keys", "import", "--source-base-url", f"http://127.0.0.1:{closed_port()}",
                    "--dry-run"], second_proxy.url, key=second_proxy.key)
    assert down.rc == 3, down
    assert "Traceback" not in down.err
    assert down.err.splitlines()[-1].startswith("Error: cannot reach")
    bad_url = run_cli(["keys", "import", "--source-base-url", "127.0.0.1:4000"],
                      second_proxy.url, key=second_proxy.key)
    assert bad_url.rc == 2, bad_url
    bad_date = run_cli(["keys", "import", "--source-base-url", proxy.url, "--created-since",
                        "yesterday"], second_proxy.url, key=second_proxy.key)
    assert bad_date.rc == 2, bad_date


def test_a_wrong_destination_key_says_the_destination_refused(proxy, second_proxy):
    res = run_cli(["keys", "import", "--source-base-url", proxy.url, "--source-api-key", "@-",
                   "--dry-run"], second_proxy.url, key="sk-h13b-wrong-key", input=proxy.key)
    assert res.rc == 4, res
    assert res.err.splitlines()[-1].startswith(
        f"Error: the destination proxy {second_proxy.url} refused the key from LITELLM_PROXY_API_KEY")


def test_a_key_whose_budget_is_missing_on_the_destination_would_fail_in_the_plan(
        proxy, second_proxy, api, dest, world, unique, tmp_path):
    budget = f"{unique}-budget"
    api.ok("POST", "/budget/new", json={"budget_id": budget, "max_budget": 3})
    try:
        api.generate(key_alias=f"{unique}-k2", user_id=world["user"], budget_id=budget)
        plan = _import(proxy, second_proxy, "--user-id", world["user"], "--dry-run", "-f",
                       "json")
        assert plan.rc == 1, plan
        row = _rows(plan)[("key", f"{unique}-k2")]
        assert row["status"] == "would fail" and f"budget {budget} is not" in row["detail"]
        assert "would fail to import" in plan.err.splitlines()[-1]
    finally:
        api.delete_keys(f"{unique}-k2")  # the key holds on to the budget
        api.call("POST", "/budget/delete", json={"id": budget})


# -- with one proxy: what is refused before anything is written --------------------


def test_import_without_secrets_out_is_refused_before_anything_is_sent(proxy, tmp_path):
    res = run_cli(["--debug", "keys", "import", "--source-base-url",
                   f"http://127.0.0.1:{closed_port()}"], proxy.url, key=proxy.key)
    assert res.rc == 2, res
    assert "--secrets-out FILE is required" in res.err
    assert "curl" not in res.err  # --debug logs every request: none was sent


@pytest.mark.parametrize("spelling", ["same", "trailing-slash", "other-host-name"])
def test_a_source_that_is_the_destination_itself_is_refused(proxy, api, unique, tmp_path,
                                                            spelling):
    from urllib.parse import urlsplit

    api.generate(key_alias=f"{unique}-self")
    try:
        parts = urlsplit(proxy.url)
        source = {"same": proxy.url, "trailing-slash": proxy.url + "/",
                  "other-host-name": parts._replace(netloc=parts.netloc.replace(
                      "127.0.0.1", "localhost")).geturl()}[spelling]
        res = run_cli(["keys", "import", "--source-base-url", source, "--source-api-key", "@-",
                       "--secrets-out", str(tmp_path / "s.jsonl")], proxy.url, key=proxy.key,
                      input=proxy.key)
        assert res.rc == 2, res
        assert "the source proxy is the destination itself" in res.err.splitlines()[-1]
        assert not (tmp_path / "s.jsonl").read_text()
        assert len(api.keys_with_alias(f"{unique}-self")) == 1
    finally:
        api.delete_keys(f"{unique}-self")
