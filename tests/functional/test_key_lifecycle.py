"""``keys update/regenerate/block/unblock/reset-spend`` and ``teams assign-key`` against
the real proxy; effects checked through its API."""

import hashlib

import pytest

from tests.functional.conftest import older, wait_for

CHAT = '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]}'


@pytest.fixture
def keys(api, unique):
    """Two fresh keys (raw secrets), deleted afterwards."""
    made = [api.generate(key_alias=f"{unique}-{i}")["key"] for i in (1, 2)]
    yield made
    api.delete_keys(f"{unique}-1", f"{unique}-2", f"{unique}-renamed")


@pytest.fixture
def team(api, unique):
    team_id = f"{unique}-team"
    api.ok("POST", "/team/new", json={"team_id": team_id, "models": ["gpt-4o"]})
    yield team_id
    api.call("POST", "/team/delete", json={"team_ids": [team_id]})


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _chat(cli, key):
    return cli("--api-key", key, "http", "request", "POST", "/chat/completions", "-j", CHAT)


def test_update_changes_only_the_given_settings(cli, api, keys, unique):
    api.ok("POST", "/key/update", json={"key": keys[0], "tpm_limit": 500})
    res = cli("keys", "update", keys[0], "--models", "gpt-4o", "--max-budget", "12.5",
              "--duration", "7d", "--key-alias", f"{unique}-renamed",
              "--metadata", '{"team": "infra"}', "--rpm-limit", "9", "-f", "json")
    assert res.rc == 0, res
    info = api.key_info(keys[0])
    assert info["models"] == ["gpt-4o"] and info["max_budget"] == 12.5
    assert info["key_alias"] == f"{unique}-renamed" and info["rpm_limit"] == 9
    assert info["metadata"] == {"team": "infra"} and info["expires"]
    assert info["tpm_limit"] == 500  # not given, so unchanged
    shown = res.json()
    assert [row["token"] for row in shown] == [_hash(keys[0])]
    assert keys[0] not in res.out + res.err  # the proxy echoes the secret; we do not


def test_update_metadata_merges_and_null_removes_a_field(cli, api, keys):
    api.ok("POST", "/key/update", json={"key": keys[0], "metadata": {
        "litellm_cli_imported_from": "h-source", "env": "prod", "old": 1}})
    res = cli("keys", "update", keys[0], "--metadata", '{"env": "dev", "old": null}')
    assert res.rc == 0, res
    assert api.key_info(keys[0])["metadata"] == {"litellm_cli_imported_from": "h-source",
                                                 "env": "dev"}


def test_update_of_several_keys_reports_each_and_counts_failures(cli, api, keys):
    res = cli("keys", "update", keys[0], "sk-h13b-no-such-key", keys[1], "--tpm-limit", "77",
              "-f", "json")
    assert res.rc == 1, res
    assert [row["token"] for row in res.json()] == [_hash(keys[0]), _hash(keys[1])]
    assert "Failed to update key sk-...-key" in res.err
    assert "1 of 3 keys failed to update" in res.err
    assert api.key_info(keys[0])["tpm_limit"] == 77 and api.key_info(keys[1])["tpm_limit"] == 77


def test_update_of_one_unknown_key_is_not_found(cli, proxy_version):
    res = cli("keys", "update", "sk-h13b-no-such-key", "--rpm-limit", "1")
    assert res.err.count("\n") == 1, res
    if older(proxy_version, "1.90"):
        # LiteLLM 1.80.17 answers 401 (1.90.7: 404); the key in use is not blamed.
        assert res.rc == 4 and "user key does not exist in db" in res.err, res
        assert "API key in use" not in res.err
        return
    assert res.rc == 5, res
    assert "Key not found" in res.err


def test_update_with_nothing_to_change_is_a_usage_error(cli, keys):
    res = cli("keys", "update", keys[0])
    assert res.rc == 2, res
    assert "nothing to change" in res.err


def test_update_tags_is_enterprise_and_shows_the_proxys_message(cli, api, keys):
    res = cli("keys", "update", keys[0], "--tags", "a,b")
    assert res.rc == 4, res
    assert "Enterprise" in res.err and res.err.count("\n") == 1
    assert not api.key_info(keys[0])["metadata"].get("tags")


def test_regenerate_is_enterprise_and_leaves_the_old_key_working(cli, keys):
    res = cli("--debug", "keys", "regenerate", keys[0], "--max-budget", "3")
    assert res.rc == 7, res  # the proxy refuses with HTTP 500
    assert "Enterprise" in res.err.splitlines()[-1]
    assert "Traceback" in res.err  # --debug shows it; the secret is still masked
    assert keys[0] not in res.out + res.err
    assert _chat(cli, keys[0]).rc == 0


def test_block_refuses_calls_until_unblock(cli, api, keys):
    res = cli("keys", "block", keys[0])
    assert res.rc == 0, res
    assert api.key_info(keys[0])["blocked"] is True
    refused = _chat(cli, keys[0])
    assert refused.rc != 0 and "blocked" in refused.err.lower()
    res = cli("keys", "unblock", _hash(keys[0]))  # by hash, as `keys list` shows it
    assert res.rc == 0, res
    assert api.key_info(keys[0])["blocked"] is False
    assert _chat(cli, keys[0]).rc == 0


def test_block_several_reports_each_and_blocks_the_rest(cli, api, keys):
    res = cli("keys", "block", keys[0], "sk-h13b-no-such-key", keys[1])
    assert res.rc == 1, res
    assert "1 of 3 keys failed to block" in res.err
    assert api.key_info(keys[0])["blocked"] and api.key_info(keys[1])["blocked"]
    assert keys[0] not in res.err and keys[1] not in res.err


def test_block_unknown_key_is_not_found(cli, proxy_version):
    res = cli("keys", "block", "sk-h13b-no-such-key")
    if older(proxy_version, "1.90"):
        # LiteLLM 1.80.17 answers 401 (1.90.7: 404); the key in use is not blamed.
        assert res.rc == 4 and "API key in use" not in res.err, res
        return
    assert res.rc == 5, res


def test_reset_spend_on_a_release_without_it_is_refused_naming_both(cli, keys, proxy_version):
    if not older(proxy_version, "1.81.7"):
        pytest.skip("this release has POST /key/{key}/reset_spend")
    res = cli("keys", "reset-spend", keys[0])
    assert res.rc == 6, res
    assert res.err.strip() == (f"Error: keys reset-spend needs LiteLLM >= 1.81.7; this proxy "
                               f"is LiteLLM {proxy_version}")


def test_reset_spend_sets_spend_back_and_reports_before_and_after(cli, api, keys, proxy_version):
    if older(proxy_version, "1.81.7"):
        pytest.skip("no POST /key/{key}/reset_spend before LiteLLM 1.81.7 (refused, above)")
    assert _chat(cli, keys[0]).rc == 0
    # The proxy adds the call's cost to the key in a later batch: let it land
    # first, or it would land on top of the reset.
    assert wait_for(lambda: api.key_info(keys[0])["spend"] > 0)
    api.ok("POST", "/key/update", json={"key": keys[0], "spend": 2.5})
    res = cli("keys", "reset-spend", keys[0], "--to", "1", "-f", "json")
    assert res.rc == 0, res
    assert res.json() == [{"token": _hash(keys[0]), "previous_spend": 2.5, "spend": 1.0,
                           "max_budget": None}]
    assert api.key_info(keys[0])["spend"] == 1.0


def test_reset_spend_above_the_current_spend_is_rejected(cli, api, keys, proxy_version):
    if older(proxy_version, "1.81.7"):
        pytest.skip("no POST /key/{key}/reset_spend before LiteLLM 1.81.7 (refused, above)")
    res = cli("keys", "reset-spend", keys[0], "--to", "5")
    assert res.rc == 6, res
    assert "must be <= current spend" in res.err


def test_assign_key_moves_the_given_key_into_the_team(cli, api, keys, team):
    res = cli("teams", "assign-key", "--team-id", team, "--key", "@-", "-f", "json",
              input=keys[0] + "\n")
    assert res.rc == 0, res
    assert res.json()["team_id"] == team and res.json()["team_models"] == ["gpt-4o"]
    assert api.key_info(keys[0])["team_id"] == team


def test_assign_key_defaults_to_the_key_the_cli_uses(cli, api, team, unique):
    # An admin who is in the team moves their own key into it, as in the official CLI
    # (the proxy lets only admins call /key/update).
    user = f"{unique}-user"
    api.ok("POST", "/user/new", json={"user_id": user, "user_role": "proxy_admin",
                                      "auto_create_key": False})
    try:
        api.ok("POST", "/team/member_add", json={"team_id": team,
                                                  "member": {"user_id": user, "role": "user"}})
        own = api.generate(key_alias=f"{unique}-own", user_id=user)["key"]
        res = cli("teams", "assign-key", "--team-id", team, "-f", "json", key=own)
        assert res.rc == 0, res
        assert res.json()["token"] == _hash(own)
        assert api.key_info(own)["team_id"] == team
    finally:
        api.delete_keys(f"{unique}-own")
        api.call("POST", "/user/delete", json={"user_ids": [user]})


def test_assign_key_by_a_key_outside_the_team_is_refused(cli, api, keys, team):
    res = cli("teams", "assign-key", "--team-id", team, key=keys[1])
    assert res.rc == 4, res
    assert res.err.count("\n") == 1 and "not authorized" in res.err
    assert api.key_info(keys[1])["team_id"] is None


def test_assign_key_with_the_master_key_explains(cli, team, proxy_version):
    res = cli("teams", "assign-key", "--team-id", team)
    if older(proxy_version, "1.90"):
        # LiteLLM 1.80.17 answers 401 "user key does not exist in db" (1.90.7: 404).
        assert res.rc == 4 and "API key in use" not in res.err, res
        return
    assert res.rc == 5, res
    assert "master key" in res.err


def test_assign_key_to_unknown_team_is_not_found_and_changes_nothing(cli, api, keys, unique):
    res = cli("teams", "assign-key", "--team-id", f"{unique}-nope", "--key", keys[0])
    assert res.rc == 5, res
    assert api.key_info(keys[0])["team_id"] is None


def test_keys_are_named_by_their_unique_alias(cli, api, keys, unique):
    res = cli("keys", "block", f"{unique}-1")
    assert res.rc == 0, res
    assert api.key_info(keys[0])["blocked"] is True
    assert api.key_info(keys[1])["blocked"] is not True
    res = cli("keys", "info", "--key", f"{unique}-2", "-f", "value", "-c", "token")
    assert (res.rc, res.out.strip()) == (0, _hash(keys[1])), res
    res = cli("teams", "assign-key", "--key", f"{unique}-2", f"{unique}-nope")
    assert res.rc == 5, res


def test_a_key_alias_no_key_has_is_not_found(cli, unique):
    res = cli("keys", "block", f"{unique}-nobody")
    assert res.rc == 5, res
    assert f"no key has the id or key_alias '{unique}-nobody'" in res.err


def test_update_reads_the_key_from_stdin_with_a_new_alias(cli, api, keys, unique):
    res = cli("keys", "update", "@-", "--key-alias", f"{unique}-renamed", input=keys[0] + "\n")
    assert res.rc == 0, res
    assert api.key_info(keys[0])["key_alias"] == f"{unique}-renamed"
