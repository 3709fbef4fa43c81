"""The access groups adapter of state files (litellm_cli.api.kinds.access_groups)."""

from litellm_cli import exceptions
from litellm_cli.api.kinds.access_groups import AccessGroups
from tests.unit.conftest import FakeSession

STORED = {"access_group_id": "uuid-1", "access_group_name": "gold", "description": "d",
          "access_model_names": ["m1"], "access_mcp_server_ids": [],
          "mcp_tool_permissions": {"s1": ["t"]}, "access_agent_ids": [],
          "access_skill_names": [], "assigned_team_ids": ["team-a"],
          "assigned_key_ids": ["hash-1"], "access_mcp_servers": [], "access_agents": [],
          "assigned_teams": [{"id": "team-a", "name": "A"}],
          "assigned_keys": [{"id": "hash-1", "name": "k"}],
          "created_at": "2026", "created_by": "admin", "updated_at": "2026", "updated_by": "x"}
PATH = "/v1/access_group/uuid-1"


def groups(*answers):
    session = FakeSession({("GET", "/v1/access_group"): [STORED], ("PUT", PATH): {},
                           **dict(answers)})
    return AccessGroups(session), session


def test_export_writes_the_operators_fields_no_key_hashes_nothing_the_proxy_adds():
    adapter, _ = groups()
    assert adapter.export(STORED) == {
        "access_group_name": "gold", "description": "d", "access_model_names": ["m1"],
        "mcp_tool_permissions": {"s1": ["t"]}, "assigned_team_ids": ["team-a"]}


def test_an_export_plans_unchanged_and_an_empty_list_is_no_change():
    adapter, _ = groups()
    exported = adapter.export(STORED)
    [item] = adapter.plan([{**exported, "access_agent_ids": []}], "o")
    assert item.status == "unchanged"


def test_an_update_is_partial_in_place_by_id_and_a_null_clears():
    adapter, session = groups()
    [item] = adapter.plan([{"access_group_name": "gold", "description": None,
                            "access_model_names": ["m1", "m2"]}], "o")
    assert item.status == "would update"
    adapter.send(item, "o")
    assert session.calls[-1][:2] == ("PUT", PATH)
    assert session.calls[-1][2]["body"] == {"description": None,
                                            "access_model_names": ["m1", "m2"]}


def test_key_hashes_are_compared_only_when_a_file_gives_them():
    adapter, _ = groups()
    [item] = adapter.plan([{"access_group_name": "gold", "assigned_key_ids": []}], "o")
    assert [c["field"] for c in item.changes] == ["assigned_key_ids"]


def test_a_create_sends_the_file_and_a_delete_quotes_the_id():
    weird = {**STORED, "access_group_id": "a/b", "access_group_name": "weird"}
    adapter, session = groups((("POST", "/v1/access_group"), {}),
                              (("DELETE", "/v1/access_group/a%2Fb"), {}))
    session.answers[("GET", "/v1/access_group")] = [STORED, weird]
    [item] = adapter.plan([{"access_group_name": "new", "description": "x"}], "o")
    adapter.send(item, "o")
    assert session.calls[-1][2]["body"] == {"access_group_name": "new", "description": "x"}
    [_, item] = adapter.plan([], "o", prune=True)
    assert item.status == "unmanaged"  # never pruned: no metadata to hold an owner
    item.action = "delete"
    adapter.send(item, "o")
    assert session.calls[-1][:2] == ("DELETE", "/v1/access_group/a%2Fb")


def test_a_create_refused_because_another_run_made_it_updates_it_in_place():
    made = []

    def create(body):
        made.append({**STORED, "access_group_name": "new", "access_group_id": "uuid-2"})
        raise exceptions.Conflict("Access group 'new' already exists")

    adapter, session = groups((("POST", "/v1/access_group"), create),
                              (("PUT", "/v1/access_group/uuid-2"), {}))
    session.answers[("GET", "/v1/access_group")] = lambda **kwargs: [STORED] + made
    [item] = adapter.plan([{"access_group_name": "new", "description": "file"}], "o")
    adapter.send(item, "o")
    assert item.action == "update" and "created meanwhile" in item.reason
    assert session.calls[-1][2]["body"] == {"description": "file"}
