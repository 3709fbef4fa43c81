"""``keys list/generate/info/delete`` against the real proxy; effects checked through its API."""

import datetime
import hashlib

import pytest

from tests.functional.conftest import older

CHAT = '{"model": "%s", "messages": [{"role": "user", "content": "Hi"}]}'


@pytest.fixture
def aliases(api):
    """Key aliases a test may create; every key with one of them is deleted afterwards."""
    made = []
    yield made
    api.delete_keys(*made)


@pytest.fixture
def team(api, unique):
    team_id = f"{unique}-team"
    api.ok("POST", "/team/new", json={"team_id": team_id})
    yield team_id
    api.call("POST", "/team/delete", json={"team_ids": [team_id]})


def _generate(cli, aliases, alias, *args):
    aliases.append(alias)
    res = cli("keys", "generate", "--key-alias", alias, *args, "-f", "json")
    assert res.rc == 0, res
    return res.json()


def _chat(cli, key, model):
    return cli("--api-key", key, "http", "request", "POST", "/chat/completions",
               "-j", CHAT % model)


def test_generated_key_with_models_and_spend_answers_only_its_models(cli, api, aliases, unique,
                                                                    proxy_version):
    new = _generate(cli, aliases, unique, "--models", "gpt-4o", "--spend", "100")
    info = api.key_info(new["key"])
    assert info["models"] == ["gpt-4o"]
    assert info["max_budget"] == 100.0 and info["spend"] == 0.0
    allowed = _chat(cli, new["key"], "gpt-4o")
    assert allowed.rc == 0, allowed
    assert allowed.json()["choices"][0]["message"]["content"] == "hello"
    refused = _chat(cli, new["key"], "mistral-mock")
    assert refused.rc == 4, refused
    # LiteLLM 1.80.17 answers 401 (1.90.7: 403); the key in use is not blamed either way.
    assert f"(HTTP {401 if older(proxy_version, '1.90') else 403})" in refused.err
    assert "API key in use" not in refused.err


def test_spend_is_the_budget_limit_not_the_current_spend(cli, api, aliases, unique):
    # With --spend sent as the current spend (the official CLI's bug) a zero
    # would change nothing; as the budget limit, the key can spend nothing.
    new = _generate(cli, aliases, unique, "--spend", "0")
    assert api.key_info(new["key"])["max_budget"] == 0.0
    res = _chat(cli, new["key"], "gpt-4o")
    assert res.rc == 6, res
    assert "Budget has been exceeded" in res.err


def test_max_budget_is_the_same_as_spend(cli, api, aliases, unique):
    new = _generate(cli, aliases, unique, "--max-budget", "12.5")
    assert api.key_info(new["key"])["max_budget"] == 12.5


def test_spend_and_max_budget_together_are_a_usage_error(cli, api, unique):
    res = cli("keys", "generate", "--key-alias", unique, "--spend", "1", "--max-budget", "2")
    assert res.rc == 2, res
    assert api.keys_with_alias(unique) == []


def test_duration_sets_the_expiry(cli, api, aliases, unique):
    new = _generate(cli, aliases, unique, "--duration", "24h")
    expires = datetime.datetime.fromisoformat(api.key_info(new["key"])["expires"])
    expected = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=24)
    assert abs((expires - expected).total_seconds()) < 300


def test_key_without_duration_never_expires(cli, api, aliases, unique):
    new = _generate(cli, aliases, unique)
    assert api.key_info(new["key"])["expires"] is None


@pytest.mark.parametrize("bad", ["24", "1y", "h24", "24 h"])
def test_invalid_duration_is_a_usage_error_and_creates_nothing(cli, api, unique, bad):
    res = cli("keys", "generate", "--key-alias", unique, "--duration", bad)
    assert res.rc == 2, res
    assert "--duration" in res.err and len(res.err.strip().splitlines()) == 1
    assert api.keys_with_alias(unique) == []


def test_aliases_and_config_are_stored_and_the_alias_routes_chat(cli, api, aliases, unique):
    new = _generate(cli, aliases, unique, "--aliases", '{"my-fast": "gpt-4o"}',
                    "--config", '{"team": "research"}')
    info = api.key_info(new["key"])
    assert info["aliases"] == {"my-fast": "gpt-4o"}
    assert info["config"] == {"team": "research"}
    res = _chat(cli, new["key"], "my-fast")
    assert res.rc == 0, res
    assert res.json()["choices"][0]["message"]["content"] == "hello"


@pytest.mark.parametrize("option,value", [("--aliases", "{not json"), ("--config", "[1, 2]")])
def test_aliases_and_config_must_be_json_objects(cli, api, unique, option, value):
    res = cli("keys", "generate", "--key-alias", unique, option, value)
    assert res.rc == 2, res
    assert option in res.err
    assert api.keys_with_alias(unique) == []


def test_documented_generate_example(cli, api, aliases, unique, team):
    new = _generate(cli, aliases, unique, "--models", "gpt-4,gpt-3.5-turbo", "--spend", "100",
                    "--duration", "24h", "--team-id", team)
    info = api.key_info(new["key"])
    assert info["key_alias"] == unique and info["team_id"] == team
    assert info["models"] == ["gpt-4", "gpt-3.5-turbo"]
    assert info["max_budget"] == 100.0 and info["expires"]


def test_generate_for_unknown_team_is_not_found_and_creates_nothing(cli, api, unique):
    res = cli("keys", "generate", "--key-alias", unique, "--team-id", f"{unique}-nope")
    assert res.rc == 5, res
    assert api.keys_with_alias(unique) == []


def test_budget_id_links_the_key_to_the_budget(cli, api, aliases, unique):
    budget = f"{unique}-budget"
    api.ok("POST", "/budget/new", json={"budget_id": budget, "max_budget": 5})
    try:
        new = _generate(cli, aliases, unique, "--budget-id", budget)
        assert api.key_info(new["key"])["budget_id"] == budget
    finally:
        api.delete_keys(unique)
        api.call("POST", "/budget/delete", json={"id": budget})


def test_unknown_budget_id_is_not_found_instead_of_a_server_error(cli, api, unique):
    res = cli("keys", "generate", "--key-alias", unique, "--budget-id", f"{unique}-nope")
    assert res.rc == 5, res
    assert api.keys_with_alias(unique) == []


def test_user_id_owns_the_key(cli, api, aliases, unique):
    new = _generate(cli, aliases, unique, "--user-id", f"{unique}-user")
    assert api.key_info(new["key"])["user_id"] == f"{unique}-user"


def test_value_format_prints_only_the_new_key(cli, api, aliases, unique):
    aliases.append(unique)
    res = cli("keys", "generate", "--key-alias", unique, "-f", "value", "-c", "key")
    assert res.rc == 0, res
    key = res.out.strip()
    assert res.out == f"{key}\n" and key.startswith("sk-")
    assert api.key_info(key)["key_alias"] == unique


def test_duplicate_alias_is_one_line_rejection(cli, aliases, unique):
    _generate(cli, aliases, unique)
    res = cli("keys", "generate", "--key-alias", unique)
    assert res.rc == 6, res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and "already exists" in lines[0]


def test_list_filters_by_alias_with_summary_columns_in_csv(cli, aliases, unique):
    new = _generate(cli, aliases, unique, "--spend", "3")
    res = cli("keys", "list", "--key-alias", unique, "-f", "csv")
    assert res.rc == 0, res
    header, row, *rest = res.out.strip().splitlines()
    assert header == ('"token","key_name","key_alias","user_id","team_id","spend",'
                      '"max_budget","expires"')
    assert row.startswith(f'"{new["token"]}","sk-...') and f'"{unique}"' in row and rest == []


def test_list_json_gives_full_key_objects(cli, aliases, unique):
    new = _generate(cli, aliases, unique, "--models", "gpt-4o")
    res = cli("keys", "list", "--key-alias", unique, "-f", "json")
    assert res.rc == 0, res
    [key] = res.json()
    assert key["token"] == new["token"] and key["models"] == ["gpt-4o"]
    assert "created_at" in key and "metadata" in key


def test_no_return_full_object_lists_only_hashes(cli, aliases, unique):
    new = _generate(cli, aliases, unique)
    res = cli("keys", "list", "--key-alias", unique, "--no-return-full-object", "-f", "json")
    assert res.rc == 0, res
    assert res.json() == [{"token": new["token"]}]
    full = cli("keys", "list", "--key-alias", unique, "--return-full-object", "-f", "json")
    assert full.json()[0]["key_alias"] == unique


@pytest.fixture
def owner_with_keys(api, unique):
    """A user owning 25 keys (three pages of 10); the user and keys go afterwards."""
    user = f"{unique}-owner"
    api.ok("POST", "/user/new", json={"user_id": user, "auto_create_key": False})
    tokens = {api.generate(user_id=user, key_alias=f"{unique}-{i}")["token"] for i in range(25)}
    yield user, tokens
    api.call("POST", "/key/delete", json={"keys": sorted(tokens)})
    api.call("POST", "/user/delete", json={"user_ids": [user]})


def test_list_all_returns_every_key_exactly_once_across_pages(cli, owner_with_keys):
    user, tokens = owner_with_keys
    res = cli("keys", "list", "--all", "--size", "10", "--user-id", user, "-f", "value",
              "-c", "token")
    assert res.rc == 0, res
    listed = res.out.split()
    assert len(listed) == 25 and set(listed) == tokens
    as_json = cli("keys", "list", "--all", "--size", "10", "--user-id", user, "-f", "json")
    assert sorted(k["token"] for k in as_json.json()) == sorted(tokens)


def test_list_page_and_size_pick_one_page(cli, owner_with_keys):
    user, tokens = owner_with_keys
    pages = [cli("keys", "list", "--user-id", user, "--page", str(n), "--size", "10",
                 "-f", "value", "-c", "token").out.split() for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [10, 10, 5]
    assert set().union(*pages) == tokens


def test_info_by_key_or_hash_shows_the_hash_not_the_key(cli, aliases, unique):
    new = _generate(cli, aliases, unique, "--spend", "7")
    for given in (new["key"], new["token"]):
        res = cli("keys", "info", "--key", given, "-f", "json")
        assert res.rc == 0, res
        info = res.json()
        assert info["token"] == hashlib.sha256(new["key"].encode()).hexdigest()
        assert info["key_alias"] == unique and info["max_budget"] == 7.0
        assert new["key"] not in res.out


def test_info_of_unknown_key_is_not_found(cli, unique):
    res = cli("keys", "info", "--key", f"sk-{unique}")
    assert res.rc == 5, res
    assert res.err.strip() == "Error: Key not found in database (HTTP 404)"


def _deleted(api, proxy_version, token):
    """True when the proxy has the key as deleted: archived from LiteLLM 1.103 (its /key/info
    says status "deleted"), gone before (404)."""
    if older(proxy_version, "1.103"):
        return api.call("GET", "/key/info", key=token).status_code == 404
    return api.key_info(token).get("status") == "deleted"


def test_delete_mix_of_existing_and_unknown_reports_each(cli, api, aliases, unique,
                                                         proxy_version):
    by_key = _generate(cli, aliases, f"{unique}-a")
    by_alias = _generate(cli, aliases, f"{unique}-b")
    res = cli("keys", "delete", "--keys", f"{by_key['key']},sk-{unique}-unknown",
              "--key-aliases", f"{unique}-b,{unique}-unknown")
    assert res.rc == 1, res
    assert res.out == ""
    assert "Deleted key sk-..." in res.err and f"Deleted key alias '{unique}-b'" in res.err
    assert f"Failed to delete key alias '{unique}-unknown'" in res.err
    assert res.err.strip().endswith("Error: 2 of 4 keys failed to delete")
    assert by_key["key"] not in res.err
    assert _deleted(api, proxy_version, by_key["token"])
    assert _deleted(api, proxy_version, by_alias["token"])


def test_documented_delete_example_deletes_keys_and_aliases(cli, api, aliases, unique):
    keys = [_generate(cli, aliases, f"{unique}-k{i}")["key"] for i in (1, 2)]
    for i in (1, 2):
        _generate(cli, aliases, f"{unique}-alias{i}")
    res = cli("keys", "delete", "--keys", ",".join(keys),
              "--key-aliases", f"{unique}-alias1,{unique}-alias2")
    assert res.rc == 0, res
    assert res.err.count("Deleted ") == 4
    for alias in (f"{unique}-k1", f"{unique}-k2", f"{unique}-alias1", f"{unique}-alias2"):
        assert api.keys_with_alias(alias) == []


def test_delete_needs_keys_or_aliases(cli):
    res = cli("keys", "delete")
    assert res.rc == 2, res
    assert "--keys" in res.err


def test_key_without_admin_rights_gets_the_auth_error(cli, aliases, unique):
    plain = _generate(cli, aliases, unique)["key"]
    for command in (("keys", "list"), ("users", "list"), ("teams", "create", "--alias", unique)):
        res = cli("--api-key", plain, *command)
        assert res.rc == 4, (command, res)
        lines = res.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in res.err
        assert plain not in res.err
