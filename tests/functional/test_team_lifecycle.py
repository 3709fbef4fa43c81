"""``teams update/block/unblock/info/available`` and ``teams member update`` against the
real proxy; effects checked through its API."""

import pytest

from tests.functional.conftest import older


@pytest.fixture
def team(api, unique):
    """A fresh team with one member (budget 4 in the team)."""
    team_id, user = f"{unique}-team", f"{unique}-user"
    api.ok("POST", "/team/new", json={"team_id": team_id, "team_alias": "before",
                                      "tpm_limit": 1000})
    api.ok("POST", "/team/member_add", json={"team_id": team_id, "max_budget_in_team": 4,
                                             "member": {"user_id": user, "role": "user"}})
    yield {"id": team_id, "user": user}
    api.call("POST", "/team/delete", json={"team_ids": [team_id]})
    api.call("POST", "/user/delete", json={"user_ids": [user]})


def _info(api, team_id):
    return api.ok("GET", "/team/info", team_id=team_id)


def test_update_changes_only_the_given_settings(cli, api, team):
    res = cli("teams", "update", team["id"], "--alias", "after", "--models", "gpt-4o",
              "--max-budget", "30", "--budget-duration", "7d", "--rpm-limit", "5",
              "--metadata", '{"owner": "ops"}', "-f", "json")
    assert res.rc == 0, res
    assert res.json()["team_alias"] == "after"
    info = _info(api, team["id"])["team_info"]
    assert info["team_alias"] == "after" and info["models"] == ["gpt-4o"]
    assert info["max_budget"] == 30.0 and info["budget_duration"] == "7d"
    assert info["rpm_limit"] == 5 and info["metadata"]["owner"] == "ops"
    assert info["tpm_limit"] == 1000  # not given, so unchanged


def test_update_unknown_team_is_not_found(cli, unique):
    res = cli("teams", "update", f"{unique}-nope", "--max-budget", "1")
    assert res.rc == 5, res
    assert res.err.count("\n") == 1


def test_update_with_nothing_to_change_is_a_usage_error(cli, team):
    res = cli("teams", "update", team["id"])
    assert res.rc == 2, res


def test_block_marks_the_team_blocked_until_unblock_and_says_the_cache_delays_it(
        cli, api, team):
    # The proxy refuses the team's keys once its auth cache expires (about a
    # minute); the stored flag is what the command changes, and it says so.
    res = cli("teams", "block", team["id"])
    assert res.rc == 0, res
    assert _info(api, team["id"])["team_info"]["blocked"] is True
    assert "cached copy of a team" in res.err and "may keep working" in res.err
    res = cli("teams", "unblock", team["id"])
    assert res.rc == 0, res
    assert _info(api, team["id"])["team_info"]["blocked"] is False
    assert "cached copy of a team" in res.err and "may stay refused" in res.err


def test_block_several_reports_each_and_blocks_the_rest(cli, api, team, unique):
    res = cli("teams", "block", f"{unique}-nope", team["id"])
    assert res.rc == 1, res
    assert f"Failed to block team {unique}-nope" in res.err
    assert "1 of 2 teams failed to block" in res.err
    assert _info(api, team["id"])["team_info"]["blocked"] is True


def test_info_lists_members_with_role_budget_and_spend(cli, api, team):
    res = cli("teams", "info", team["id"], "-f", "json")
    assert res.rc == 0, res
    member = next(m for m in res.json() if m["user_id"] == team["user"])
    assert member["role"] == "user" and member["max_budget_in_team"] == 4.0
    assert member["spend"] == 0.0


def test_info_unknown_team_is_not_found(cli, unique):
    res = cli("teams", "info", f"{unique}-nope")
    assert res.rc == 5, res


def test_member_update_changes_budget_and_limits_in_the_team(cli, api, team):
    res = cli("teams", "member", "update", "--team-id", team["id"], "--user-id", team["user"],
              "--max-budget-in-team", "9", "--rpm-limit", "3", "-f", "json")
    assert res.rc == 0, res
    assert res.json()["max_budget_in_team"] == 9.0 and res.json()["role"] == "user"
    membership = next(m for m in _info(api, team["id"])["team_memberships"]
                      if m["user_id"] == team["user"])
    assert membership["litellm_budget_table"]["max_budget"] == 9.0
    assert membership["litellm_budget_table"]["rpm_limit"] == 3


def test_member_update_of_a_non_member_is_not_found_and_stores_nothing(cli, api, team, unique):
    res = cli("teams", "member", "update", "--team-id", team["id"], "--user-id",
              f"{unique}-stranger", "--max-budget-in-team", "9")
    assert res.rc == 5, res
    assert "not a member" in res.err
    assert f"{unique}-stranger" not in [m["user_id"] for m in
                                        _info(api, team["id"])["team_memberships"]]


def test_member_update_to_admin_is_enterprise(cli, api, team):
    res = cli("teams", "member", "update", "--team-id", team["id"], "--user-id", team["user"],
              "--role", "admin")
    assert res.rc == 4, res
    assert "Enterprise" in res.err and res.err.count("\n") == 1


def test_available_lists_what_the_proxy_offers(cli, api, proxy_version):
    if older(proxy_version, "1.90"):
        # LiteLLM 1.80.17 answers 400 when no team is offered (1.90.7: an empty list).
        res = cli("teams", "available")
        assert res.rc == 6 and "No available teams for user to join" in res.err, res
        return
    expected = api.ok("GET", "/team/available")
    res = cli("teams", "available", "-f", "json")
    assert res.rc == 0, res
    assert [t["team_id"] for t in res.json()] == [t["team_id"] for t in expected]
