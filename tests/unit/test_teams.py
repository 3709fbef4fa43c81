"""Teams commands against a fake session."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api.teams import TeamsAPI
from litellm_cli.plugins import teams as plugin
from tests.unit.conftest import FakeSession, run, shown


@pytest.mark.parametrize("message", ["User not found in team",
                                     "Team id=t does not exist in db"])
def test_member_remove_400_for_unknown_team_or_member_is_not_found(message):
    api = TeamsAPI(FakeSession({("POST", "/team/member_delete"):
                                exceptions.BadRequest(message, http_status=400)}))
    with pytest.raises(exceptions.NotFound) as error:
        api.remove_member("t", user_id="u")
    assert error.value.exit_code == exceptions.EXIT_NOT_FOUND
    assert str(error.value) == f"{message} (HTTP 400)"


def test_member_remove_other_400_stays_a_rejection():
    api = TeamsAPI(FakeSession({("POST", "/team/member_delete"):
                                exceptions.BadRequest("bad role", http_status=400)}))
    with pytest.raises(exceptions.BadRequest):
        api.remove_member("t", user_email="a@b.com")


def test_create_sends_only_the_given_options():
    session = FakeSession({("POST", "/team/new"): lambda body: {"team_id": "new", **body}})
    result, _ = run(plugin.CreateTeam, ["--alias", "research", "--models", "gpt-4o,o1",
                                        "--max-budget", "50", "--rpm-limit", "10",
                                        "--metadata", '{"a": 1}'], session)
    assert session.calls[0][2]["body"] == {"team_alias": "research", "max_budget": 50.0,
                                           "rpm_limit": 10, "models": ["gpt-4o", "o1"],
                                           "metadata": {"a": 1}}
    assert shown(result)["team_id"] == "new"


@pytest.mark.parametrize("argv", [["--metadata", "[1]"], ["--budget-duration", "soon"],
                                  ["--tpm-limit", "0"]])
def test_create_bad_input_is_a_usage_error(argv):
    with pytest.raises(exceptions.UsageError):
        run(plugin.CreateTeam, argv, FakeSession())


def test_member_add_shows_the_new_membership():
    session = FakeSession({("GET", "/team/info"): {"team_id": "t"},
                           ("POST", "/team/member_add"): {
        "team_id": "t", "updated_users": [{"user_id": "u1", "user_email": "a@b.com"}]}})
    result, _ = run(plugin.AddTeamMember, ["t", "--email", "a@b.com",
                                           "--max-budget-in-team", "5"], session)
    assert session.calls[1][2]["body"] == {"team_id": "t", "max_budget_in_team": 5.0,
                                           "member": {"role": "user", "user_email": "a@b.com"}}
    assert shown(result) == {"team_id": "t", "user_id": "u1", "user_email": "a@b.com",
                             "role": "user", "max_budget_in_team": 5.0}


def test_member_needs_exactly_one_of_user_id_and_email():
    for argv in (["t"], ["t", "--user-id", "u", "--email", "e"]):
        with pytest.raises(exceptions.UsageError):
            run(plugin.RemoveTeamMember, argv, FakeSession())


def test_get_adds_memberships_and_key_hashes():
    answer = {"team_id": "t", "team_info": {"team_id": "t", "models": []},
              "keys": [{"token": "h"}], "team_memberships": [{"user_id": "u"}]}
    result, _ = run(plugin.ShowTeam, ["t"], FakeSession({("GET", "/team/info"): answer}))
    assert shown(result) == {"team_id": "t", "models": [], "team_memberships": [{"user_id": "u"}],
                             "keys": ["h"]}


def test_list_table_shows_the_summary_and_json_every_field():
    teams = [{"team_id": "t", "team_alias": "a", "keys": [], "members_with_roles": []}]
    session = FakeSession({("GET", "/team/list"): teams})
    (columns, rows), _ = run(plugin.ListTeam, ["--user-id", "u"], session)
    assert columns == plugin.LIST_COLUMNS and list(rows)[0][:2] == ("t", "a")
    assert session.calls[0][2]["params"] == {"user_id": "u", "organization_id": None}
    (columns, _), _ = run(plugin.ListTeam, ["-f", "yaml"], session)
    assert columns == ("team_id", "team_alias", "keys", "members_with_roles")


def test_delete_reports_n_of_m():
    def info(params):
        return exceptions.NotFound("Team not found") if params["team_id"] == "x" else params

    session = FakeSession({("GET", "/team/info"): info, ("GET", "/team/list"): [],
                           ("POST", "/team/delete"): {}})
    with pytest.raises(exceptions.CLIError) as error:
        run(plugin.DeleteTeam, ["x", "y"], session)
    assert str(error.value) == "1 of 2 teams failed to delete"


def test_update_merges_metadata_so_a_state_files_owner_stays():
    stored = {"team_id": "t", "metadata": {"litellm_cli_owner": "platform", "old": 1, "x": 2}}
    session = FakeSession({("GET", "/team/info"): {"team_id": "t", "team_info": stored},
                           ("POST", "/team/update"): lambda body: {"data": {**stored, **body}}})
    run(plugin.UpdateTeam, ["t", "--metadata", '{"new": 3, "x": null}'], session)
    body = [c for c in session.calls if c[1] == "/team/update"][0][2]["body"]
    assert body == {"team_id": "t",
                    "metadata": {"litellm_cli_owner": "platform", "old": 1, "new": 3}}
