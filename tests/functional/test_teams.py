"""``teams list/get/create/delete`` and ``teams member add/remove`` against the real proxy."""

import pytest


@pytest.fixture
def cleanup(api):
    """Team and user ids a test may create; each is deleted afterwards."""
    made = {"teams": [], "users": []}
    yield made
    if made["teams"]:
        api.call("POST", "/team/delete", json={"team_ids": made["teams"]})
    if made["users"]:
        api.call("POST", "/user/delete", json={"user_ids": made["users"]})


def _team(api, team_id):
    response = api.call("GET", "/team/info", team_id=team_id)
    return response.json() if response.status_code == 200 else None


def _create(cli, cleanup, team_id, *args):
    cleanup["teams"].append(team_id)
    res = cli("teams", "create", "--team-id", team_id, *args, "-f", "json")
    assert res.rc == 0, res
    return res.json()


def _member_ids(api, team_id):
    return [m["user_id"] for m in _team(api, team_id)["team_info"]["members_with_roles"]]


def test_create_stores_alias_models_and_limits(cli, api, cleanup, unique):
    created = _create(cli, cleanup, unique, "--alias", f"{unique} research",
                      "--models", "gpt-4o,mistral-mock", "--max-budget", "50",
                      "--budget-duration", "30d", "--tpm-limit", "1000", "--rpm-limit", "10",
                      "--metadata", '{"cost_center": "42"}')
    assert created["team_id"] == unique
    info = _team(api, unique)["team_info"]
    assert info["team_alias"] == f"{unique} research"
    assert info["models"] == ["gpt-4o", "mistral-mock"] and info["max_budget"] == 50.0
    assert info["budget_duration"] == "30d"
    assert (info["tpm_limit"], info["rpm_limit"]) == (1000, 10)
    assert info["metadata"]["cost_center"] == "42"


def test_create_without_id_gets_a_new_id(cli, api, cleanup, unique):
    res = cli("teams", "create", "--alias", unique, "-f", "value", "-c", "team_id")
    assert res.rc == 0, res
    team_id = res.out.strip()
    cleanup["teams"].append(team_id)
    assert _team(api, team_id)["team_info"]["team_alias"] == unique


def test_duplicate_team_id_is_one_line_rejection(cli, cleanup, unique):
    _create(cli, cleanup, unique)
    res = cli("teams", "create", "--team-id", unique)
    assert res.rc == 6, res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and "already exists" in lines[0]


def test_list_shows_the_team_and_filters_by_member(cli, api, cleanup, unique):
    _create(cli, cleanup, f"{unique}-a", "--alias", f"{unique}-alias", "--max-budget", "9")
    _create(cli, cleanup, f"{unique}-b")
    user = f"{unique}-user"
    cleanup["users"].append(user)
    api.ok("POST", "/team/member_add",
           json={"team_id": f"{unique}-b", "member": {"user_id": user, "role": "user"}})
    res = cli("teams", "list", "-f", "json")
    assert res.rc == 0, res
    mine = {t["team_id"]: t for t in res.json() if t["team_id"].startswith(unique)}
    assert set(mine) == {f"{unique}-a", f"{unique}-b"}
    assert mine[f"{unique}-a"]["max_budget"] == 9.0
    table = cli("teams", "list", "-f", "csv")
    assert table.out.splitlines()[0] == ('"team_id","team_alias","organization_id","models",'
                                         '"max_budget","spend","blocked"')
    assert f'"{unique}-a","{unique}-alias"' in table.out
    by_user = cli("teams", "list", "--user-id", user, "-f", "value", "-c", "team_id")
    assert by_user.out.split() == [f"{unique}-b"]


def test_get_shows_members_memberships_and_key_hashes(cli, api, cleanup, unique):
    _create(cli, cleanup, unique, "--models", "gpt-4o")
    token = api.ok("POST", "/key/generate", json={"team_id": unique})["token"]
    res = cli("teams", "get", "--id", unique, "-f", "json")
    assert res.rc == 0, res
    team = res.json()
    assert team["team_id"] == unique and team["models"] == ["gpt-4o"]
    assert team["keys"] == [token]
    assert "members_with_roles" in team and "team_memberships" in team
    api.call("POST", "/key/delete", json={"keys": [token]})


def test_get_unknown_team_is_not_found(cli, unique):
    res = cli("teams", "get", "--id", unique)
    assert res.rc == 5, res
    assert unique in res.err


def test_member_add_and_remove_change_the_team(cli, api, cleanup, unique):
    _create(cli, cleanup, unique)
    user = f"{unique}-user"
    cleanup["users"].append(user)
    res = cli("teams", "member", "add", "--team-id", unique, "--user-id", user,
              "--max-budget-in-team", "5", "-f", "json")
    assert res.rc == 0, res
    assert res.json() == {"team_id": unique, "user_id": user, "user_email": None,
                          "role": "user", "max_budget_in_team": 5.0}
    assert user in _member_ids(api, unique)
    [membership] = [m for m in _team(api, unique)["team_memberships"] if m["user_id"] == user]
    assert membership["litellm_budget_table"]["max_budget"] == 5.0

    res = cli("teams", "member", "remove", "--team-id", unique, "--user-id", user)
    assert res.rc == 0, res
    assert res.out == "" and f"Removed {user} from team {unique}" in res.err
    assert user not in _member_ids(api, unique)


def test_member_add_by_email(cli, api, cleanup, unique):
    _create(cli, cleanup, unique)
    email = f"{unique}@example.com"
    res = cli("teams", "member", "add", "--team-id", unique, "--email", email, "-f", "json")
    assert res.rc == 0, res
    cleanup["users"].append(res.json()["user_id"])
    members = _team(api, unique)["team_info"]["members_with_roles"]
    assert email in [m["user_email"] for m in members]


def test_member_add_twice_is_one_line_rejection(cli, api, cleanup, unique):
    _create(cli, cleanup, unique)
    user = f"{unique}-user"
    cleanup["users"].append(user)
    assert cli("teams", "member", "add", "--team-id", unique, "--user-id", user).rc == 0
    res = cli("teams", "member", "add", "--team-id", unique, "--user-id", user)
    assert res.rc == 6, res
    assert len(res.err.strip().splitlines()) == 1 and "already in team" in res.err


def test_member_commands_on_unknown_team_or_member_are_not_found(cli, cleanup, unique):
    _create(cli, cleanup, unique)
    cases = [("add", f"{unique}-nope", f"{unique}-user"),
             ("remove", f"{unique}-nope", f"{unique}-user"),
             ("remove", unique, f"{unique}-not-a-member")]
    for verb, team_id, user in cases:
        res = cli("teams", "member", verb, "--team-id", team_id, "--user-id", user)
        assert res.rc == 5, (verb, team_id, res)
        assert len(res.err.strip().splitlines()) == 1


def test_member_needs_a_user_id_or_email(cli, unique):
    assert cli("teams", "member", "add", "--team-id", unique).rc == 2


def test_delete_reports_each_failure_and_deletes_the_rest(cli, api, cleanup, unique):
    _create(cli, cleanup, f"{unique}-a")
    _create(cli, cleanup, f"{unique}-b")
    res = cli("teams", "delete", f"{unique}-a", f"{unique}-nope", f"{unique}-b")
    assert res.rc == 1, res
    assert f"Deleted team {unique}-a" in res.err and f"Deleted team {unique}-b" in res.err
    assert f"Failed to delete team {unique}-nope: " in res.err
    assert res.err.strip().endswith("Error: 1 of 3 teams failed to delete")
    assert _team(api, f"{unique}-a") is None and _team(api, f"{unique}-b") is None


def test_delete_all_existing_exits_0(cli, api, cleanup, unique):
    _create(cli, cleanup, unique)
    res = cli("teams", "delete", unique)
    assert res.rc == 0, res
    assert _team(api, unique) is None


def test_a_team_is_named_by_its_unique_alias(cli, api, cleanup, unique):
    alias = f"{unique} alias"
    _create(cli, cleanup, unique, "--alias", alias)
    res = cli("teams", "update", alias, "--max-budget", "7", "-f", "json")
    assert res.rc == 0, res
    assert res.json()["team_id"] == unique
    assert _team(api, unique)["team_info"]["max_budget"] == 7.0
    res = cli("teams", "get", alias, "-f", "value", "-c", "team_id")
    assert (res.rc, res.out.strip()) == (0, unique), res
    user = f"{unique}-user"
    cleanup["users"].append(user)
    assert cli("teams", "member", "add", alias, "--user-id", user).rc == 0
    assert user in _member_ids(api, unique)


def test_an_alias_of_several_teams_is_a_usage_error_listing_their_ids(cli, api, cleanup, unique):
    alias = f"{unique} shared"
    _create(cli, cleanup, f"{unique}-a", "--alias", alias)
    _create(cli, cleanup, f"{unique}-b", "--alias", alias)
    res = cli("teams", "update", alias, "--max-budget", "7")
    assert res.rc == 2, res
    assert len(res.err.strip().splitlines()) == 1
    assert f"{unique}-a" in res.err and f"{unique}-b" in res.err
    assert _team(api, f"{unique}-a")["team_info"]["max_budget"] is None


def test_a_name_no_team_has_as_id_or_alias_is_not_found(cli, unique):
    res = cli("teams", "update", f"{unique} nobody", "--max-budget", "7")
    assert res.rc == 5, res
    assert f"no team has the id or team_alias '{unique} nobody'" in res.err


def test_update_metadata_keeps_the_other_fields_and_the_owner(cli, api, cleanup, unique):
    _create(cli, cleanup, unique, "--metadata",
            '{"litellm_cli_owner": "platform", "cost_center": "42", "old": 1}')
    res = cli("teams", "update", unique, "--metadata", '{"env": "dev", "old": null}')
    assert res.rc == 0, res
    assert _team(api, unique)["team_info"]["metadata"] == {
        "litellm_cli_owner": "platform", "cost_center": "42", "env": "dev"}
