"""Users commands against a fake session."""


import pytest

from litellm_cli import exceptions
from litellm_cli.api.users import UsersAPI
from litellm_cli.plugins import users as plugin
from tests.unit.conftest import FakeSession, run, shown


def _created(body):
    return {"user_id": body.get("user_id", "new-id"), "key": "sk-user-key",
            "teams": body.get("teams"), **body}


def test_create_sends_the_documented_options_and_no_key_by_default():
    session = FakeSession({("POST", "/user/new"): _created,
                       ("GET", "/team/info"): {"team_id": "t"}})
    result, _ = run(plugin.CreateUser, ["--email", "a@b.com", "--role", "internal_user",
                                        "--alias", "Alice", "--team", "t1", "--team", "t2,t3",
                                        "--max-budget", "100.0"], session)
    body = session.calls[-1][2]["body"]
    assert body == {"auto_create_key": False, "user_email": "a@b.com",
                    "user_role": "internal_user", "user_alias": "Alice",
                    "teams": ["t1", "t2", "t3"], "max_budget": 100.0}
    assert [c[2]["params"] for c in session.calls[:3]] == [
        {"team_id": "t1"}, {"team_id": "t2"}, {"team_id": "t3"}]
    out = shown(result)
    assert "key" not in out and out["user_email"] == "a@b.com"


def test_create_key_shows_the_new_key():
    session = FakeSession({("POST", "/user/new"): _created})
    result, _ = run(plugin.CreateUser, ["--create-key", "-f", "value", "-c", "key"], session)
    assert session.calls[-1][2]["body"]["auto_create_key"] is True
    assert shown(result)["key"] == "sk-user-key"


def test_create_with_an_unknown_team_creates_nothing():
    session = FakeSession({("GET", "/team/info"): exceptions.NotFound("Team not found")})
    with pytest.raises(exceptions.NotFound):
        run(plugin.CreateUser, ["--team", "nope"], session)
    assert [c[:2] for c in session.calls] == [("GET", "/team/info")]


def test_create_reports_teams_the_proxy_silently_skipped(monkeypatch):
    session = FakeSession({("GET", "/team/info"): {},
                       ("POST", "/user/new"): lambda body: {"user_id": "u", "teams": []},
                       ("GET", "/user/info"): {"user_id": "u", "user_info": {"teams": []},
                                               "teams": []}})
    shown_first = []
    monkeypatch.setattr(plugin.CreateUser, "produce_output",
                        lambda self, args, columns, values: shown_first.append(columns))
    with pytest.raises(exceptions.CLIError) as error:
        run(plugin.CreateUser, ["--team", "t1"], session)
    assert str(error.value) == "user u was created but not added to team(s) t1"
    assert shown_first == [plugin.CREATE_COLUMNS]  # the created user is still shown


def test_create_reads_back_teams_the_answer_leaves_out():
    # LiteLLM 1.100.5: /user/new adds the user to the team but answers with
    # teams null; /user/info lists the team (user row and membership).
    session = FakeSession({("GET", "/team/info"): {},
                           ("POST", "/user/new"): lambda body: {"user_id": "u", "teams": None},
                           ("GET", "/user/info"): {"user_id": "u",
                                                   "user_info": {"user_id": "u", "teams": ["t1"]},
                                                   "teams": [{"team_id": "t1"}, {"team_id": "t2"}]}})
    result, _ = run(plugin.CreateUser, ["--team", "t1", "--team", "t2"], session)
    assert shown(result)["teams"] == ["t1", "t2"]
    assert session.calls[-1][:2] == ("GET", "/user/info")
    assert session.calls[-1][2]["params"] == {"user_id": "u"}


def test_create_reads_nothing_back_when_the_answer_lists_the_teams():
    session = FakeSession({("GET", "/team/info"): {}, ("POST", "/user/new"): _created})
    result, _ = run(plugin.CreateUser, ["--team", "t1"], session)
    assert shown(result)["teams"] == ["t1"]
    assert ("GET", "/user/info") not in [c[:2] for c in session.calls]


def test_unknown_role_is_a_usage_error():
    with pytest.raises(exceptions.UsageError) as error:
        run(plugin.CreateUser, ["--role", "owner"], FakeSession())
    assert "internal_user_viewer" in str(error.value)


def test_list_all_walks_pages_lazily_with_filters():
    def page(params):
        users = {1: [{"user_id": "a"}, {"user_id": "b"}], 2: [{"user_id": "c"}]}
        return {"users": users.get(params["page"], []), "total_pages": 2}

    session = FakeSession({("GET", "/user/list"): page})
    (columns, rows), _ = run(plugin.ListUser, ["--all", "--size", "2", "--role",
                                               "internal_user", "--team", "t"], session)
    assert session.calls == [] and columns == plugin.LIST_COLUMNS
    assert [r[0] for r in rows] == ["a", "b", "c"]
    assert session.calls[0][2]["params"] == {"page": 1, "page_size": 2, "role": "internal_user",
                                             "user_ids": None, "user_email": None, "team": "t"}


def test_get_merges_user_info_with_key_hashes():
    answer = {"user_id": "u", "user_info": {"user_id": "u", "teams": ["t"]},
              "keys": [{"token": "h1"}, {"token": "h2"}], "teams": [{"team_id": "t"}]}
    result, _ = run(plugin.ShowUser, ["--id", "u"], FakeSession({("GET", "/user/info"): answer}))
    assert shown(result) == {"user_id": "u", "teams": ["t"], "keys": ["h1", "h2"]}


def test_delete_tries_every_id():
    def delete(body):
        return exceptions.NotFound("User not found") if body == {"user_ids": ["x"]} else 1

    session = FakeSession({("POST", "/user/delete"): delete})
    with pytest.raises(exceptions.CLIError) as error:
        run(plugin.DeleteUser, ["a", "x", "b"], session)
    assert [c[2]["body"]["user_ids"] for c in session.calls] == [["a"], ["x"], ["b"]]
    assert str(error.value) == "1 of 3 users failed to delete"


def test_users_api_pages_through_every_user():
    session = FakeSession({("GET", "/user/list"): {"users": [{"user_id": "a"}],
                                                   "total_pages": 1}})
    assert [u["user_id"] for u in UsersAPI(session).iter_all(user_email="x")] == ["a"]
    assert session.calls[0][2]["params"]["user_email"] == "x"


def test_update_merges_metadata_so_a_state_files_owner_stays():
    info = {"user_id": "u", "user_info": {"user_id": "u", "metadata": {
        "litellm_cli_owner": "platform", "old": 1, "x": 2}}}
    session = FakeSession({("GET", "/user/info"): info,
                           ("POST", "/user/update"): lambda body: {"data": body}})
    run(plugin.UpdateUser, ["u", "--metadata", '{"new": 3, "x": null}'], session)
    assert session.calls[-1][2]["body"] == {
        "user_id": "u", "metadata": {"litellm_cli_owner": "platform", "old": 1, "new": 3}}
    assert [c[1] for c in session.calls] == ["/user/info", "/user/update"]
