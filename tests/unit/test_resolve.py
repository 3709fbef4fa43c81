"""One way to name what a command acts on: positionally (old option spellings
still accepted), by id or by a unique alias (litellm_cli.resolve)."""

import io
import sys

import pytest

from litellm_cli import exceptions
from litellm_cli.plugins import budgets, customers, keys, orgs, teams, users
from tests.unit.conftest import FakeSession, run, shown

HASH = "a" * 64


def _parser(command_class):
    return command_class(None, None).get_parser("litellm-proxy test")


# (command, the positional form, the old option form, where the object lands)
FORMS = [
    (budgets.UpdateBudget, ["b1", "--max-budget", "2"], ["--budget-id", "b1", "--max-budget", "2"],
     "budget_id"),
    (budgets.CreateBudget, ["b1"], ["--budget-id", "b1"], "budget_id"),
    (customers.UpdateCustomer, ["c1", "--alias", "A"], ["--id", "c1", "--alias", "A"], "id"),
    (customers.CreateCustomer, ["c1"], ["--id", "c1"], "id"),
    (teams.ShowTeam, ["t1"], ["--id", "t1"], "id"),
    (teams.CreateTeam, ["t1", "--alias", "A"], ["--team-id", "t1", "--alias", "A"], "team_id"),
    (teams.AddTeamMember, ["t1", "--user-id", "u"], ["--team-id", "t1", "--user-id", "u"],
     "team_id"),
    (teams.UpdateTeamMember, ["t1", "--user-id", "u", "--role", "user"],
     ["--team-id", "t1", "--user-id", "u", "--role", "user"], "team_id"),
    (teams.RemoveTeamMember, ["t1", "--email", "e"], ["--team-id", "t1", "--email", "e"],
     "team_id"),
    (teams.AssignTeamKey, ["t1"], ["--team-id", "t1"], "team_id"),
    (orgs.AddOrgMember, ["o1", "--user-id", "u"], ["--organization-id", "o1", "--user-id", "u"],
     "organization_id"),
    (orgs.CreateOrg, ["o1", "--alias", "A"], ["--organization-id", "o1", "--alias", "A"],
     "organization_id"),
]


@pytest.mark.parametrize("command, positional, option, dest", FORMS)
def test_the_object_is_positional_and_the_old_option_still_works(command, positional, option,
                                                                 dest):
    assert getattr(_parser(command).parse_args(positional), dest) == positional[0]
    assert vars(_parser(command).parse_args(option)) == vars(
        _parser(command).parse_args(positional))


@pytest.mark.parametrize("command, positional, option, dest", FORMS)
def test_help_shows_the_positional_form_only(command, positional, option, dest):
    parser = _parser(command)
    usage, text = parser.format_usage(), parser.format_help()
    metavar = next(a.metavar for a in parser._actions if a.dest == dest and not a.option_strings)
    assert usage.rstrip().endswith(metavar) or f"[{metavar}]" in usage
    assert f"{option[0]} " not in text and f"{option[0]}\n" not in text


@pytest.mark.parametrize("command, positional, option, dest", FORMS)
def test_naming_the_object_twice_is_a_usage_error(command, positional, option, dest):
    with pytest.raises(exceptions.UsageError, match="give it once"):
        _parser(command).parse_args(option + [positional[0]])


@pytest.mark.parametrize("command", [budgets.UpdateBudget, customers.UpdateCustomer,
                                     teams.ShowTeam, teams.AddTeamMember, orgs.AddOrgMember])
def test_a_required_object_left_out_is_a_usage_error(command):
    with pytest.raises(exceptions.UsageError, match="arguments are required"):
        _parser(command).parse_args(["--user-id", "u"] if "Member" in command.__name__ else [])


def test_objects_that_may_be_left_out_get_a_new_id_from_the_proxy():
    assert _parser(teams.CreateTeam).parse_args([]).team_id is None
    assert _parser(budgets.CreateBudget).parse_args([]).budget_id is None


def test_users_get_keeps_its_documented_id_option():
    parser = _parser(users.ShowUser)
    assert parser.parse_args(["--id", "u1"]).id == "u1"
    assert "--id USER_ID" in parser.format_usage()
    with pytest.raises(exceptions.UsageError):
        parser.parse_args(["u1"])


def test_budgets_update_sends_the_positional_budget():
    session = FakeSession({("POST", "/budget/update"): lambda body: body})
    run(budgets.UpdateBudget, ["b1", "--max-budget", "2"], session)
    assert session.calls[0][2]["body"] == {"budget_id": "b1", "max_budget": 2.0}


def test_customers_update_sends_the_positional_customer():
    session = FakeSession({("POST", "/customer/update"): lambda body: body})
    run(customers.UpdateCustomer, ["c1", "--alias", "A"], session)
    assert session.calls[0][2]["body"] == {"user_id": "c1", "alias": "A"}


# Teams by id or unique alias.

def _teams_session(teams_list, known_ids):
    def info(params):
        if params["team_id"] not in known_ids:
            return exceptions.NotFound(f"Team not found, passed team id: {params['team_id']}")
        return {"team_id": params["team_id"], "team_info": {"team_id": params["team_id"]}}

    return FakeSession({("GET", "/team/info"): info, ("GET", "/team/list"): teams_list,
                        ("POST", "/team/update"): lambda body: {"data": body},
                        ("POST", "/team/block"): lambda body: body})


def test_a_team_is_found_by_its_unique_alias():
    session = _teams_session([{"team_id": "t1", "team_alias": "ops"},
                              {"team_id": "t2", "team_alias": "dev"}], {"t1", "t2"})
    result, _ = run(teams.UpdateTeam, ["ops", "--max-budget", "5"], session)
    assert session.calls[-1][2]["body"] == {"team_id": "t1", "max_budget": 5.0}
    assert shown(result)["team_id"] == "t1"


def test_a_team_id_wins_over_another_teams_alias():
    session = _teams_session([{"team_id": "t1", "team_alias": "t2"},
                              {"team_id": "t2", "team_alias": "dev"}], {"t1", "t2"})
    run(teams.UpdateTeam, ["t2", "--max-budget", "5"], session)
    assert [c[1] for c in session.calls] == ["/team/info", "/team/update"]
    assert session.calls[-1][2]["body"]["team_id"] == "t2"


def test_an_alias_of_several_teams_is_a_usage_error_listing_them():
    session = _teams_session([{"team_id": "t1", "team_alias": "ops"},
                              {"team_id": "t2", "team_alias": "ops"}], {"t1", "t2"})
    with pytest.raises(exceptions.UsageError) as error:
        run(teams.UpdateTeam, ["ops", "--max-budget", "5"], session)
    assert "2 teams have the team_alias 'ops'" in str(error.value)
    assert "t1 (team_alias 'ops'), t2 (team_alias 'ops')" in str(error.value)
    assert error.value.exit_code == 2
    assert "/team/update" not in [c[1] for c in session.calls]


def test_a_name_that_is_no_team_id_or_alias_is_not_found():
    session = _teams_session([{"team_id": "t1", "team_alias": "ops"}], {"t1"})
    with pytest.raises(exceptions.NotFound, match="no team has the id or team_alias 'nope'") as e:
        run(teams.ShowTeam, ["nope"], session)
    assert e.value.exit_code == 5


def test_each_team_of_a_block_is_found_on_its_own():
    session = _teams_session([{"team_id": "t1", "team_alias": "ops"}], {"t1"})
    with pytest.raises(exceptions.CLIError, match="1 of 2 teams failed to block"):
        run(teams.BlockTeam, ["ops", "nope"], session)
    assert [c[2]["body"] for c in session.calls if c[1] == "/team/block"] == [{"team_id": "t1"}]


def test_teams_delete_deletes_the_team_an_alias_names():
    session = _teams_session([{"team_id": "t1", "team_alias": "ops"}], {"t1"})
    session.answers[("POST", "/team/delete")] = {}
    run(teams.DeleteTeam, ["ops"], session)
    assert session.calls[-1][2]["body"] == {"team_ids": ["t1"]}


# Keys by key, hash or unique alias.

def _keys_session(listed):
    return FakeSession({
        ("GET", "/key/list"): lambda params: {"keys": [k for k in listed if k["key_alias"]
                                                       == params.get("key_alias")]},
        ("POST", "/key/block"): lambda body: body,
        ("GET", "/key/info"): lambda params: {"key": params["key"],
                                              "info": {"key_alias": "ci"}}})


def test_a_key_is_found_by_its_unique_alias():
    session = _keys_session([{"token": HASH, "key_alias": "ci"}])
    result, _ = run(keys.ShowKey, ["--key", "ci"], session)
    assert session.calls[0][2]["params"]["key_alias"] == "ci"
    assert session.calls[1][2]["params"] == {"key": HASH}
    assert shown(result)["token"] == HASH


def test_keys_and_hashes_are_used_as_given_without_a_lookup():
    session = _keys_session([])
    run(keys.BlockKey, ["sk-secret-1", HASH], session)
    assert [c[1] for c in session.calls] == ["/key/block", "/key/block"]


def test_a_key_alias_of_several_keys_is_a_usage_error_listing_their_hashes():
    session = _keys_session([{"token": HASH, "key_alias": "ci"},
                             {"token": "b" * 64, "key_alias": "ci"}])
    with pytest.raises(exceptions.UsageError, match=f"2 keys have the key_alias 'ci': {HASH}"):
        run(keys.BlockKey, ["ci"], session)
    assert "/key/block" not in [c[1] for c in session.calls]


def test_a_key_alias_no_key_has_is_not_found():
    with pytest.raises(exceptions.NotFound, match="no key has the id or key_alias 'gone'"):
        run(keys.BlockKey, ["gone"], _keys_session([]))


def test_keys_update_reads_its_key_from_stdin_once_with_a_new_alias(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("sk-from-stdin\n"))
    session = FakeSession({("POST", "/key/update"): lambda body: dict(body, token=HASH)})
    run(keys.UpdateKey, ["@-", "--key-alias", "renamed"], session)
    assert session.calls[0][2]["body"] == {"key_alias": "renamed", "key": "sk-from-stdin"}


def test_two_options_reading_stdin_is_a_usage_error(monkeypatch):
    from litellm_cli.utils import read_argument

    monkeypatch.setattr("sys.stdin", io.StringIO("text"))
    assert read_argument("@-", "--values") == "text"
    assert read_argument("@-", "--values") == "text"  # the same option, again
    with pytest.raises(exceptions.UsageError, match="stdin was already read for --values"):
        read_argument("@-", "--info")


def test_stdin_given_twice_as_keys_is_a_usage_error_before_anything_is_read(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("sk-a\n"))
    with pytest.raises(exceptions.UsageError, match="@- .stdin. can be given once"):
        run(keys.BlockKey, ["@-", "@-"], FakeSession())
    assert sys.stdin.read() == "sk-a\n"
