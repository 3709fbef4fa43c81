"""``users list/get/create/delete`` against the real proxy; effects checked through its API."""

import pytest


@pytest.fixture
def users(api):
    """User ids a test may create; each is deleted afterwards."""
    made = []
    yield made
    if made:
        api.call("POST", "/user/delete", json={"user_ids": made})


@pytest.fixture
def teams(api, unique):
    """Two fresh teams."""
    made = [f"{unique}-team{i}" for i in (1, 2)]
    for team_id in made:
        api.ok("POST", "/team/new", json={"team_id": team_id})
    yield made
    api.call("POST", "/team/delete", json={"team_ids": made})


def _user(api, user_id):
    response = api.call("GET", "/user/info", user_id=user_id)
    return response.json() if response.status_code == 200 else None


def _create(cli, users, user_id, *args):
    users.append(user_id)
    res = cli("users", "create", "--user-id", user_id, *args, "-f", "json")
    assert res.rc == 0, res
    return res.json()


def test_documented_create_example(cli, api, users, unique, teams):
    email = f"{unique}@example.com"
    res = cli("users", "create", "--email", email, "--role", "internal_user", "--alias", "Alice",
              "--team", teams[0], "--max-budget", "100.0", "-f", "json")
    assert res.rc == 0, res
    user_id = res.json()["user_id"]
    users.append(user_id)
    # LiteLLM before 1.101 (1.100.5) answers /user/new with no teams although
    # it added the user: the CLI reads them back rather than report a failure.
    assert res.json()["teams"] == [teams[0]]
    info = _user(api, user_id)["user_info"]
    assert info["user_email"] == email and info["user_role"] == "internal_user"
    assert info["user_alias"] == "Alice" and info["max_budget"] == 100.0
    assert info["teams"] == [teams[0]]
    members = api.ok("GET", "/team/info", team_id=teams[0])["team_info"]["members_with_roles"]
    assert user_id in [m["user_id"] for m in members]


def test_team_is_repeatable(cli, api, users, unique, teams):
    _create(cli, users, unique, "--team", teams[0], "--team", teams[1])
    assert sorted(_user(api, unique)["user_info"]["teams"]) == sorted(teams)


def test_unknown_team_is_not_found_and_creates_no_user(cli, api, unique):
    res = cli("users", "create", "--user-id", unique, "--team", f"{unique}-nope")
    assert res.rc == 5, res
    assert _user(api, unique) is None


def test_unknown_role_is_a_usage_error_naming_the_roles(cli, api, unique):
    res = cli("users", "create", "--user-id", unique, "--role", "superuser")
    assert res.rc == 2, res
    assert "internal_user_viewer" in res.err and len(res.err.strip().splitlines()) == 1
    assert _user(api, unique) is None


def test_duplicate_email_is_one_line_rejection(cli, users, unique):
    email = f"{unique}@example.com"
    _create(cli, users, f"{unique}-1", "--email", email)
    res = cli("users", "create", "--user-id", f"{unique}-2", "--email", email)
    assert res.rc == 6, res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and "already exists" in lines[0]


def test_create_makes_no_key_and_prints_no_secret_by_default(cli, api, users, unique):
    created = _create(cli, users, unique, "--models", "gpt-4o")
    assert "key" not in created and "sk-" not in str(created)
    info = _user(api, unique)
    assert info["keys"] == [] and info["user_info"]["models"] == ["gpt-4o"]


def test_create_key_prints_a_working_key_for_the_user(cli, api, users, unique):
    users.append(unique)
    res = cli("users", "create", "--user-id", unique, "--create-key", "-f", "value", "-c", "key")
    assert res.rc == 0, res
    key = res.out.strip()
    assert api.ok("GET", "/key/info", key=key)["info"]["user_id"] == unique


def test_list_filters_by_user_ids_with_summary_columns(cli, users, unique):
    _create(cli, users, f"{unique}-a", "--role", "internal_user_viewer")
    res = cli("users", "list", "--user-ids", f"{unique}-a", "-f", "csv")
    assert res.rc == 0, res
    header, row = res.out.strip().splitlines()
    assert header == ('"user_id","user_email","user_alias","user_role","teams","spend",'
                      '"max_budget","key_count"')
    assert row.startswith(f'"{unique}-a",') and "internal_user_viewer" in row


def test_list_filters_by_role_team_and_email(cli, users, unique, teams):
    _create(cli, users, f"{unique}-a", "--email", f"{unique}-a@example.com",
            "--role", "internal_user", "--team", teams[0])
    _create(cli, users, f"{unique}-b", "--email", f"{unique}-b@example.com",
            "--role", "internal_user_viewer")

    def listed(*args):
        res = cli("users", "list", "--email", unique, *args, "-f", "json")
        assert res.rc == 0, res
        return sorted(u["user_id"] for u in res.json())

    assert listed() == [f"{unique}-a", f"{unique}-b"]
    assert listed("--role", "internal_user_viewer") == [f"{unique}-b"]
    assert listed("--team", teams[0]) == [f"{unique}-a"]


def test_list_all_walks_every_page_once(cli, users, unique):
    ids = [f"{unique}-{i}" for i in range(5)]
    for user_id in ids:
        _create(cli, users, user_id, "--email", f"{user_id}@example.com")
    res = cli("users", "list", "--all", "--size", "2", "--email", unique, "-f", "value",
              "-c", "user_id")
    assert res.rc == 0, res
    assert sorted(res.out.split()) == ids
    page = cli("users", "list", "--page", "3", "--size", "2", "--email", unique,
               "-f", "value", "-c", "user_id")
    assert len(page.out.split()) == 1


def test_get_shows_the_user_with_teams_and_key_hashes(cli, api, users, unique, teams):
    _create(cli, users, unique, "--alias", "Bob", "--team", teams[1])
    token = api.ok("POST", "/key/generate", json={"user_id": unique})["token"]
    res = cli("users", "get", "--id", unique, "-f", "json")
    assert res.rc == 0, res
    user = res.json()
    assert user["user_id"] == unique and user["user_alias"] == "Bob"
    assert user["teams"] == [teams[1]] and user["keys"] == [token]


def test_get_unknown_user_is_not_found(cli, unique):
    res = cli("users", "get", "--id", unique)
    assert res.rc == 5, res
    assert res.err.strip() == f"Error: User {unique} not found (HTTP 404)"


def test_documented_delete_example_deletes_both(cli, api, users, unique):
    for suffix in ("u1", "u2"):
        _create(cli, users, f"{unique}-{suffix}")
    res = cli("users", "delete", f"{unique}-u1", f"{unique}-u2")
    assert res.rc == 0, res
    assert _user(api, f"{unique}-u1") is None and _user(api, f"{unique}-u2") is None


def test_delete_reports_each_failure_and_deletes_the_rest(cli, api, users, unique):
    _create(cli, users, f"{unique}-a")
    _create(cli, users, f"{unique}-b")
    res = cli("users", "delete", f"{unique}-a", f"{unique}-nope", f"{unique}-b")
    assert res.rc == 1, res
    assert f"Failed to delete user {unique}-nope: " in res.err
    assert res.err.strip().endswith("Error: 1 of 3 users failed to delete")
    assert _user(api, f"{unique}-a") is None and _user(api, f"{unique}-b") is None


def test_delete_needs_at_least_one_id(cli):
    assert cli("users", "delete").rc == 2


def test_update_changes_only_the_given_fields(cli, api, users, unique):
    _create(cli, users, unique, "--email", f"{unique}@example.com", "--max-budget", "10",
            "--models", "gpt-4o")
    res = cli("users", "update", unique, "--alias", "Bob", "--role", "internal_user",
              "--max-budget", "25", "--budget-duration", "30d", "--rpm-limit", "6",
              "--metadata", '{"dept": "ml"}', "-f", "json")
    assert res.rc == 0, res
    assert res.json()["user_alias"] == "Bob"
    info = _user(api, unique)["user_info"]
    assert info["user_alias"] == "Bob" and info["user_role"] == "internal_user"
    assert info["max_budget"] == 25.0 and info["budget_duration"] == "30d"
    assert info["rpm_limit"] == 6 and info["metadata"] == {"dept": "ml"}
    assert info["user_email"] == f"{unique}@example.com" and info["models"] == ["gpt-4o"]


def test_update_unknown_user_is_not_found_and_creates_nobody(cli, api, users, unique):
    users.append(unique)  # in case the proxy's upsert slipped through
    res = cli("users", "update", unique, "--max-budget", "3")
    assert res.rc == 5, res
    assert res.err.count("\n") == 1
    assert _user(api, unique) is None


def test_update_with_nothing_to_change_is_a_usage_error(cli, users, unique):
    _create(cli, users, unique)
    res = cli("users", "update", unique)
    assert res.rc == 2, res
    assert "nothing to change" in res.err


def test_update_metadata_keeps_the_other_fields_and_the_owner(cli, api, users, unique):
    _create(cli, users, unique)
    res = cli("users", "update", unique, "--metadata", '{"litellm_cli_owner": "platform", "old": 1}')
    assert res.rc == 0, res
    res = cli("users", "update", unique, "--metadata", '{"dept": "ml", "old": null}')
    assert res.rc == 0, res
    assert _user(api, unique)["user_info"]["metadata"] == {"litellm_cli_owner": "platform",
                                                           "dept": "ml"}
