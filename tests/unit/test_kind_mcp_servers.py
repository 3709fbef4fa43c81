"""The MCP servers adapter of state files (litellm_cli.api.kinds.mcp_servers)."""

from litellm_cli.api.kinds.base import OWNER_FIELD
from litellm_cli.api.kinds.mcp_servers import MCPServers
from tests.unit.conftest import FakeSession

FIELDS = ("server_id", "server_name", "alias", "description", "transport", "url",
          "credentials", "static_headers", "env", "mcp_info", "allow_all_keys",
          "available_on_public_internet", "subject_token_type", "approval_status", "args")
STORED = {"server_id": "s1", "server_name": "s1", "alias": "s1", "description": "d",
          "transport": "http", "url": "http://mcp", "credentials": {"scopes": ["a"]},
          "static_headers": {"X-Api-Key": "sekrit"}, "env": {}, "args": [],
          "allow_all_keys": False, "available_on_public_internet": True,
          "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
          "approval_status": "active", "created_at": "2026", "is_config": False,
          "mcp_info": {"team": "x", OWNER_FIELD: "o", "server_name": "s1", "description": "d",
                       "is_public": False, "is_public_explicit": False}}
CONFIG = {"server_id": "from-config", "is_config": True, "mcp_info": {OWNER_FIELD: "o"}}


def servers(answers=()):
    session = FakeSession({("GET", "/v1/mcp/server"): [STORED, CONFIG],
                           ("PUT", "/v1/mcp/server"): {}, **dict(answers)})
    return MCPServers(session, FIELDS), session


def test_export_has_no_secret_no_owner_and_nothing_the_proxy_filled_in():
    adapter, _ = servers()
    assert adapter.export(STORED) == {"server_id": "s1", "server_name": "s1",
                                      "description": "d", "transport": "http",
                                      "url": "http://mcp", "mcp_info": {"team": "x"}}
    assert "sekrit" not in repr(adapter.export(STORED))


def test_an_export_and_defaults_written_out_plan_unchanged_secrets_not_compared():
    adapter, _ = servers()
    exported = adapter.export(STORED)
    [item] = [i for i in adapter.plan([exported], "o")]
    assert item.status == "unchanged"
    [item] = adapter.plan([{**exported, "allow_all_keys": False, "alias": None,
                            "static_headers": {"X-Api-Key": "new"}}], "o")
    assert item.status == "unchanged" and "static_headers" in item.reason


def test_an_update_is_partial_in_place_keeps_the_transport_and_marks_the_owner():
    adapter, session = servers()
    [item] = adapter.plan([{"server_id": "s1", "description": "e"}], "mine")
    assert item.status == "would update"
    assert {c["field"] for c in item.changes} == {"description", f"mcp_info.{OWNER_FIELD}"}
    adapter.send(item, "mine")
    body = session.calls[-1][2]["body"]
    assert body == {"server_id": "s1", "description": "e", "transport": "http",
                    "url": "http://mcp", "mcp_info": {"team": "x", OWNER_FIELD: "mine"}}


def test_a_create_carries_the_owner_and_a_delete_quotes_the_id():
    adapter, session = servers({("POST", "/v1/mcp/server"): {},
                                 ("DELETE", "/v1/mcp/server/a%20b"): {}})
    [item] = adapter.plan([{"server_id": "new", "url": "http://x"}], "mine")
    adapter.send(item, "mine")
    assert session.calls[-1][2]["body"]["mcp_info"] == {OWNER_FIELD: "mine"}
    item.action, item.name = "delete", "a b"
    adapter.send(item, "mine")
    assert session.calls[-1][:2] == ("DELETE", "/v1/mcp/server/a%20b")


def test_the_name_the_proxy_copies_into_mcp_info_from_the_id_is_not_exported():
    adapter, _ = servers()
    stored = {**STORED, "server_name": None, "alias": None,
              "mcp_info": {"server_name": "s1", "is_public": False}}
    assert "mcp_info" not in adapter.export(stored)


def test_prune_deletes_the_owners_only_never_a_config_server():
    adapter, _ = servers()
    items = adapter.plan([], "o", prune=True)
    assert {(i.name, i.status) for i in items} == {("s1", "would delete"),
                                                    ("from-config", "unmanaged")}
