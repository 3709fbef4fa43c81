"""The agents adapter of state files (litellm_cli.api.kinds.agents)."""

import hashlib

from litellm_cli import exceptions
from litellm_cli.api.kinds.agents import Agents
from tests.unit.conftest import FakeSession

# What GET /v1/agents answers for an agent created with the card
# {description: hello, url: ..., capabilities: {streaming: true, pushNotifications: true}}.
CARD = {"url": "http://upstream/", "name": "helper", "description": "hello",
        "version": "1.0.0", "protocolVersion": "1.0", "capabilities": {"streaming": True},
        "skills": [{"id": "chat", "name": "Chat", "tags": ["chat"],
                    "description": "Conversational interaction with the agent."}],
        "provider": {"url": "http://127.0.0.1:4000", "organization": "LiteLLM Proxy"},
        "security": [{"LiteLLMKey": []}],
        "securitySchemes": {"LiteLLMKey": {"type": "http", "scheme": "bearer"}},
        "defaultInputModes": ["text"], "defaultOutputModes": ["text"],
        "supportedInterfaces": [{"url": "http://127.0.0.1:4000/a2a/uuid-1"}]}
STORED = {"agent_id": "uuid-1", "agent_name": "helper", "enabled": True,
          "execution_mode": "autonomous", "identity": None, "identity_managed": False,
          "jwt_auth_configured": False, "agent_card_params": CARD,
          "litellm_params": {"custom": {"x": 1}, "api_key": "REDACTED_BY_LITELM",
                             "is_public": False},
          "object_permission": {"object_permission_id": "p1", "models": ["m1"],
                                "mcp_servers": None, "agents": []},
          "spend": 1.5, "tpm_limit": 5, "rpm_limit": None, "static_headers": {"X-Key": "sekrit"},
          "extra_headers": ["x-h"], "access_group_ids": [], "kill_switch": None, "keys": None,
          "created_at": "2026", "updated_at": "2026", "created_by": "a", "updated_by": "a"}
FROM_CONFIG = {"agent_id": hashlib.sha256(b"cfg").hexdigest(), "agent_name": "cfg",
               "agent_card_params": {"url": "http://c/"}, "litellm_params": {}}
PATH = "/v1/agents/uuid-1"


def agents(*answers):
    session = FakeSession({("GET", "/v1/agents"): [STORED, FROM_CONFIG], ("PATCH", PATH): {},
                           **dict(answers)})
    return Agents(session), session


def test_export_has_no_secret_and_nothing_the_proxy_filled_in():
    adapter, _ = agents()
    exported = adapter.export(STORED)
    assert exported == {
        "agent_name": "helper",
        "agent_card_params": {"url": "http://upstream/", "description": "hello",
                              "capabilities": {"streaming": True}},
        "litellm_params": {"custom": {"x": 1}}, "object_permission": {"models": ["m1"]},
        "tpm_limit": 5, "extra_headers": ["x-h"]}
    assert "sekrit" not in repr(exported) and "REDACTED" not in repr(exported)


def test_an_export_plans_unchanged_and_what_the_proxy_drops_is_no_change():
    adapter, _ = agents()
    exported = adapter.export(STORED)
    [item] = adapter.plan([exported], "o")
    assert item.status == "unchanged"
    card = {**exported["agent_card_params"], "name": "helper",
            "capabilities": {"streaming": True, "pushNotifications": True},
            "securitySchemes": {"mine": {}}}
    [item] = adapter.plan([{**exported, "agent_card_params": card, "enabled": True,
                            "static_headers": {"X-Key": "new"},
                            "litellm_params": {"custom": {"x": 1}, "api_key": "sk-new"}}], "o")
    assert item.status == "unchanged"
    assert "static_headers" in item.reason and "litellm_params" in item.reason


def test_an_update_is_a_patch_of_the_changes_with_the_name_secrets_kept_by_the_proxy():
    adapter, session = agents()
    wanted = {"agent_name": "helper", "tpm_limit": None,
              "litellm_params": {"custom": {"x": 2}, "api_key": "sk-new"}}
    [item] = adapter.plan([wanted], "o")
    assert item.status == "would update"
    assert {c["field"] for c in item.changes} == {"tpm_limit", "litellm_params"}
    adapter.send(item, "o")
    assert session.calls[-1][:2] == ("PATCH", PATH)
    assert session.calls[-1][2]["body"] == wanted


def test_secrets_are_sent_only_when_forced():
    adapter, session = agents()
    [item] = adapter.plan([{"agent_name": "helper", "static_headers": {"X-Key": "new"}}], "o",
                          force_secrets=True)
    assert item.changes == [{"field": "static_headers", "old": "***", "new": "***"}]
    adapter.send(item, "o")
    assert session.calls[-1][2]["body"] == {"agent_name": "helper",
                                            "static_headers": {"X-Key": "new"}}


def test_agents_are_never_pruned_and_one_of_the_config_cannot_be_changed():
    adapter, _ = agents()
    assert {i.status for i in adapter.plan([], "o", prune=True)} == {"unmanaged"}
    [item] = adapter.plan([{"agent_name": "cfg", "tpm_limit": 1}], "o")
    assert item.status == "failed" and "config.yaml" in item.reason and item.action is None
    [item] = adapter.plan([{"agent_name": "cfg", "agent_card_params": {"url": "http://c/"}}], "o")
    assert item.status == "unchanged"


def test_a_create_refused_because_another_run_made_it_updates_it_in_place():
    made = []

    def create(body):
        made.append({**STORED, "agent_name": "new", "agent_id": "uuid-2"})
        raise exceptions.BadRequest("Agent with name new already exists")

    adapter, session = agents((("POST", "/v1/agents"), create),
                              (("PATCH", "/v1/agents/uuid-2"), {}))
    session.answers[("GET", "/v1/agents")] = lambda **kwargs: [STORED] + made
    [item] = adapter.plan([{"agent_name": "new", "tpm_limit": 9}], "o")
    assert item.status == "would create"
    adapter.send(item, "o")
    assert item.action == "update" and "created meanwhile" in item.reason
    assert session.calls[-1][2]["body"] == {"agent_name": "new", "tpm_limit": 9}


def test_force_secrets_sends_the_secret_named_entries_of_litellm_params():
    adapter, session = agents()
    wanted = {"agent_name": "helper", "litellm_params": {"custom": {"x": 1}, "api_key": "rotated"}}
    [item] = adapter.plan([wanted], "o")
    assert item.status == "unchanged" and "litellm_params" in item.reason
    [item] = adapter.plan([wanted], "o", force_secrets=True)
    assert item.changes == [{"field": "litellm_params", "old": "***", "new": "***"}]
    adapter.send(item, "o")
    assert session.calls[-1][2]["body"]["litellm_params"]["api_key"] == "rotated"
