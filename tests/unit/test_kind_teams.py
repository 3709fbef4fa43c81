"""The teams adapter (litellm_cli/api/kinds/teams.py) on a fake proxy."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api.kinds.teams import MEMBERS_ORDER, Memberships, Teams
from litellm_cli.api.state_sync import request_fields
from tests.unit.conftest import FakeSession

OWNER = "kteams-test"


def _team(**fields):
    return {"team_id": "t1", "team_alias": "one", "blocked": False, "models": [], "spend": 3.0,
            "created_at": "2026-01-01", "router_settings": {},
            "metadata": {"x": 1, "model_rpm_limit": {"gpt": 3}, "litellm_cli_owner": OWNER,
                         "team_member_budget_id": "tmb"},
            "members_with_roles": [{"user_id": "default_user_id", "role": "admin"},
                                   {"user_id": "alice", "role": "user"},
                                   {"user_id": "bob", "role": "user"}],
            "team_memberships": [{"user_id": "alice", "budget_id": "tmb",
                                  "litellm_budget_table": {"max_budget": 4.0}},
                                 {"user_id": "bob", "budget_id": "own",
                                  "litellm_budget_table": {"max_budget": 2.0}}],
            **fields}


def _info(team):
    return {"team_id": team["team_id"], "team_memberships": team["team_memberships"],
            "team_info": {**team, "team_member_budget_table": {"max_budget": 4.0}}}


def _paged(teams):
    """/v2/team/list's page: the teams without keys and memberships."""
    return {"teams": [{k: v for k, v in t.items() if k not in ("keys", "team_memberships")}
                      for t in teams], "total_pages": 1}


def _session(team, **answers):
    state = {"team": team}
    return FakeSession({
        ("GET", "/v2/team/list"): lambda **kw: _paged([state["team"]] if state["team"] else []),
        ("GET", "/team/list"): lambda **kw: [state["team"]] if state["team"] else [],
        ("GET", "/team/info"): lambda params, **kw: _info(state["team"]) if state["team"]
        else exceptions.NotFound("Team not found"),
        **answers}), state


def _adapter(session, release="1.108.7"):
    teams = Teams(session, request_fields(release, "teams"))
    teams.release = release
    return teams


def test_read_lifts_metadata_fields_and_leaves_out_what_the_proxy_fills():
    teams = _adapter(_session(_team())[0])
    [current] = teams.read()
    assert teams.export(current) == {
        "team_id": "t1", "metadata": {"x": 1}, "model_rpm_limit": {"gpt": 3},
        "team_alias": "one", "team_member_budget": 4.0,
        # the creator the proxy adds is not listed; alice's budget is the team's default
        "members": [{"user_id": "alice", "role": "user"},
                    {"user_id": "bob", "role": "user", "max_budget_in_team": 2.0}]}
    assert teams.owner(current) == OWNER


@pytest.mark.parametrize("count", [3, 40])
def test_memberships_are_read_for_teams_with_members_only_and_from_one_list_when_many(count):
    """/team/list reads every team's keys (a query a team): the teams come from
    /v2/team/list, memberships from /team/info for the few teams with members."""
    from litellm_cli.api.kinds.teams import INFO_READS_MAX

    alone = [{"user_id": "default_user_id", "role": "admin"}]
    teams = [_team(team_id=f"t{i}", metadata={}) for i in range(count)]
    teams += [_team(team_id="solo", metadata={}, members_with_roles=alone,
                    team_memberships=[])]
    by_id = {t["team_id"]: t for t in teams}
    session = FakeSession({
        ("GET", "/v2/team/list"): lambda **kw: _paged(teams),
        ("GET", "/team/list"): lambda **kw: teams,
        ("GET", "/team/info"): lambda params, **kw: _info(by_id[params["team_id"]])})
    found = _adapter(session).read()
    assert [t["team_id"] for t in found] == [t["team_id"] for t in teams]
    assert all(t["members"][1] == {"user_id": "bob", "role": "user", "max_budget_in_team": 2.0}
               for t in found[:-1]) and found[-1]["members"] == []
    infos = [c[2]["params"]["team_id"] for c in session.calls if c[1] == "/team/info"]
    lists = [c for c in session.calls if c[1] == "/team/list"]
    if count > INFO_READS_MAX:
        assert (len(infos), len(lists)) == (0, 1)
    else:
        assert sorted(infos) == sorted(f"t{i}" for i in range(count)) and lists == []


def test_model_aliases_left_out_of_the_paged_list_are_read_from_team_info():
    # /v2/team/list before 1.108 has no litellm_model_table: a team with
    # aliases (model_id set) is read again.
    team = _team(members_with_roles=[], team_memberships=[], model_id=7,
                 litellm_model_table={"model_aliases": {"gpt": "gpt-4o"}})
    listed = {k: v for k, v in team.items() if k != "litellm_model_table"}
    session = FakeSession({("GET", "/v2/team/list"): lambda **kw: _paged([listed]),
                           ("GET", "/team/info"): lambda params, **kw: _info(team)})
    [found] = _adapter(session).read()
    assert found["model_aliases"] == {"gpt": "gpt-4o"}


def test_before_1_90_teams_come_from_team_list_alone():
    # There /v2/team/list shows a proxy_admin_viewer key only its own teams.
    session, _ = _session(_team())
    [found] = _adapter(session, "1.80.17").read()
    assert found["members"][1]["max_budget_in_team"] == 2.0
    assert [c[1] for c in session.calls if c[1].startswith("/team") or "list" in c[1]] == [
        "/team/list", "/team/info"]  # /team/info: the team's default member budget


def test_the_export_plans_unchanged_with_members_as_items_after_users():
    teams = _adapter(_session(_team())[0])
    exported = teams.export(teams.read()[0])
    items = teams.plan([exported], OWNER)
    assert [(i.kind, i.name, i.status) for i in items] == [
        ("teams", "t1", "unchanged"), ("team_members", "t1/alice", "unchanged"),
        ("team_members", "t1/bob", "unchanged")]
    assert all(MEMBERS_ORDER <= i.order < MEMBERS_ORDER + 1 and isinstance(i.adapter, Memberships)
               for i in items[1:])


def test_members_are_added_updated_and_removed_only_when_the_entry_has_members():
    teams = _adapter(_session(_team())[0])
    items = teams.plan([{"team_id": "t1", "members": [
        {"user_id": "bob", "role": "user", "max_budget_in_team": None},
        {"user_id": "carol", "role": "user"}]}], OWNER)
    assert {(i.name, i.status) for i in items[1:]} == {
        ("t1/bob", "would update"), ("t1/carol", "would create"), ("t1/alice", "would delete")}
    bob = next(i for i in items if i.name == "t1/bob")
    assert bob.changes == [{"field": "max_budget_in_team", "old": 2.0, "new": None}]
    assert [i.kind for i in teams.plan([{"team_id": "t1", "max_budget": 1}], OWNER)] == ["teams"]


def test_update_keeps_the_marker_and_the_fields_the_proxy_keeps_in_metadata():
    sent = []
    session, state = _session(_team())

    def update(body, **kw):
        sent.append(body)
        meta = {**body["metadata"], "team_member_budget_id": "tmb"}
        state["team"] = {**state["team"], **{k: v for k, v in body.items() if k != "metadata"},
                         "metadata": meta}
        return {"data": state["team"]}

    session.answers[("POST", "/team/update")] = update
    teams = _adapter(session)
    [item] = teams.plan([{"team_id": "t1", "team_alias": "renamed"}], OWNER)
    teams.send(item, OWNER)
    assert sent == [{"team_alias": "renamed", "team_id": "t1", "metadata": {
        "x": 1, "litellm_cli_owner": OWNER, "model_rpm_limit": {"gpt": 3}}}]
    # A null for a metadata-backed field: left out of metadata, never sent as a column.
    [item] = teams.plan([{"team_id": "t1", "model_rpm_limit": None}], OWNER)
    teams.send(item, OWNER)
    assert sent[-1] == {"team_id": "t1", "metadata": {"x": 1, "litellm_cli_owner": OWNER}}


def test_an_update_the_proxy_did_not_store_fails_with_the_field_named():
    session, _ = _session(_team())
    session.answers[("POST", "/team/update")] = lambda **kw: {"data": {}}
    teams = _adapter(session)
    [item] = teams.plan([{"team_id": "t1", "max_budget": 5}], OWNER)
    with pytest.raises(exceptions.CLIError, match="did not store max_budget"):
        teams.send(item, OWNER)


def test_a_create_refused_because_another_run_made_it_is_not_reported_twice():
    session, state = _session(None)

    def create(body, **kw):
        state["team"] = _team(team_alias=body["team_alias"])  # the other run won
        return exceptions.BadRequest("Team id = t1 already exists.")

    session.answers[("POST", "/team/new")] = create
    teams = _adapter(session)
    [item] = teams.plan([{"team_id": "t1", "team_alias": "one"}], OWNER)
    assert item.status == "would create"
    teams.send(item, OWNER)
    assert item.action == "update" and "created meanwhile" in item.reason
    assert item.status == "unchanged"
    assert not any(c[1] == "/team/update" for c in session.calls)


def test_a_member_add_refused_because_the_member_is_there_checks_and_updates():
    session, _ = _session(_team())
    session.answers[("POST", "/team/member_add")] = exceptions.BadRequest("already in team")
    session.answers[("POST", "/team/member_update")] = lambda body, **kw: {}
    teams = _adapter(session)
    item = teams.memberships.item("t1", {"user_id": "bob"}, "would create", "create",
                                  wanted={"team_id": "t1", "user_id": "bob", "role": "user"})
    teams.memberships.send(item, OWNER)
    assert item.reason == "added meanwhile by another run, as the file says: nothing sent"
    assert item.status == "unchanged"
    assert not any(c[1] == "/team/member_update" for c in session.calls)


def test_one_teams_membership_changes_run_one_after_another_others_side_by_side():
    from litellm_cli.api import state_sync

    session, _ = _session(_team())
    teams = _adapter(session)
    items = [teams.memberships.item(team, {"user_id": user}, "would create", "create",
                                    wanted={"team_id": team, "user_id": user})
             for team, user in (("t1", "a"), ("t1", "b"), ("t2", "c"), ("t2", "d"))]
    steps = [[i.name for i in step] for step in state_sync._steps(items)]
    assert steps == [["t1/a", "t2/c"], ["t1/b", "t2/d"]]


def _reads(session):
    return [c for c in session.calls if c[0] == "GET"]


def test_a_create_whose_answer_shows_the_file_needs_no_read_back():
    session, state = _session(None)

    def create(body, **kw):
        state["team"] = _team(team_id=body["team_id"], team_alias=body["team_alias"],
                              max_budget=body["max_budget"], metadata=body["metadata"])
        return state["team"]

    session.answers[("POST", "/team/new")] = create
    teams = _adapter(session)
    [item] = teams.plan([{"team_id": "t1", "team_alias": "one", "max_budget": 5}], OWNER)
    before = len(_reads(session))
    teams.send(item, OWNER)
    assert len(_reads(session)) == before  # the answer was the check


@pytest.mark.parametrize("answer, stored, fails", [
    ({"team_id": "t1"}, 5, False),            # the answer lacks max_budget: read, and it is there
    ({"team_id": "t1", "max_budget": 5}, 7, False),  # the answer is taken as it is
    ({"team_id": "t1"}, 7, True),             # read back, and the proxy has another value
    ({"status": "ok"}, 7, True),              # not the object: read back
])
def test_a_create_whose_answer_does_not_show_the_file_is_read_back(answer, stored, fails):
    session, state = _session(None)

    def create(body, **kw):
        state["team"] = _team(max_budget=stored, metadata=body["metadata"])
        return answer

    session.answers[("POST", "/team/new")] = create
    teams = _adapter(session)
    [item] = teams.plan([{"team_id": "t1", "max_budget": 5}], OWNER)
    before = len(_reads(session))
    if fails:
        with pytest.raises(exceptions.CLIError, match="did not store max_budget"):
            teams.send(item, OWNER)
    else:
        teams.send(item, OWNER)
    read = [c[1] for c in _reads(session)[before:]]
    assert read == ([] if "max_budget" in answer else ["/team/info"])
