"""Agents in a state file (``agent_list:``), by ``agent_name``: what ``POST
/v1/agents`` takes (the proxy's AgentConfig; [beta] in the proxy). A
config.yaml's ``agent_list`` holds the same objects in the same shape. The
proxy's id is a uuid of its own, used only in URL paths.

No owner: an agent has no metadata, and its ``litellm_params`` are passed to
the upstream call (an unknown key there would reach the provider) and its
``agent_card_params`` keep only the A2A card's own keys. So prune never
deletes one. Agents of the proxy's config.yaml (their id is the sha256 of the
name) cannot be changed through the API: a change to one is "failed".

Secrets: entries of ``litellm_params`` the proxy redacts (shown as its marker,
kept by an update that leaves them out), ``static_headers`` (shown in clear
but holding API keys) and ``kill_switch`` (its auth): never exported,
compared only with ``--force-secrets``. ``identity`` (an Entra identity, which
needs the proxy's JWT set-up) is sent by a create only.

The proxy rewrites an agent card (``merge_agent_card``): it adds its own
interfaces and security, fills in defaults (name, version, skills, modes,
provider) and drops what it does not serve. A card is compared, and exported,
without those. Updates are partial (``PATCH``): a field left out keeps its
value; ``litellm_params`` given replace the stored ones but for their secrets.
"""

import hashlib

from litellm_cli.api import path_segment
from litellm_cli.api.kinds._view import ViewKind, empty
from litellm_cli.api.kinds.base import Item, same

REDACTED = "REDACTED_BY_LITELM"  # the proxy's stand-in for a secret it never shows
FILLED_PARAMS = ("is_public",)  # litellm_params the listing computes
FIELDS = ("agent_name", "enabled", "execution_mode", "agent_card_params", "litellm_params",
          "object_permission", "tpm_limit", "rpm_limit", "session_tpm_limit",
          "session_rpm_limit", "static_headers", "extra_headers", "access_group_ids",
          "kill_switch")
# The card's keys the proxy keeps (litellm/proxy/a2a/agent_card.py), less the
# ones it always writes itself.
CARD_KEYS = ("protocolVersion", "name", "description", "version", "capabilities",
             "defaultInputModes", "defaultOutputModes", "skills", "preferredTransport",
             "iconUrl", "provider", "documentationUrl", "supportsAuthenticatedExtendedCard",
             "signatures", "url")
CARD_DEFAULTS = {
    "protocolVersion": "1.0", "version": "1.0.0", "capabilities": {},
    "defaultInputModes": ["text"], "defaultOutputModes": ["text"],
    "skills": [{"id": "chat", "name": "Chat", "tags": ["chat"],
                "description": "Conversational interaction with the agent."}]}
PROXY_ORGANIZATION = "LiteLLM Proxy"  # the provider the proxy names when a card has none


def without_redacted(value):
    """``value`` without the entries the proxy shows as its redaction marker."""
    if isinstance(value, dict):
        return {k: without_redacted(v) for k, v in value.items() if v != REDACTED}
    if isinstance(value, list):
        return [without_redacted(v) for v in value if v != REDACTED]
    return value


def card_view(card, agent_name):
    """An agent card as an operator writes it: without what the proxy adds or
    drops when it stores one."""
    if not isinstance(card, dict):
        return card
    out = {}
    for key in CARD_KEYS:
        value = card.get(key)
        if key == "capabilities" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k == "streaming" and v}
        if key == "provider" and isinstance(value, dict) and \
                value.get("organization") == PROXY_ORGANIZATION and set(value) <= {"organization",
                                                                                   "url"}:
            continue
        if value is None or same(value, CARD_DEFAULTS.get(key)) or \
                (key == "name" and value == agent_name):
            continue
        out[key] = value
    return out


def from_config(current):
    """An agent of the proxy's config.yaml: its id is the sha256 of its name."""
    name = current.get("agent_name") or ""
    return current.get("agent_id") == hashlib.sha256(name.encode()).hexdigest()


class Agents(ViewKind):
    section, identity, order = "agent_list", "agent_name", 92
    since = "1.108"  # before 1.108 the proxy requires agent_card_params (tools/compat.sh)
    markable = False
    owner_in = None
    secret_fields = frozenset({"static_headers", "kill_switch"})
    not_compared = frozenset({"identity"})
    defaults = {"enabled": True, "execution_mode": "autonomous"}

    def read(self):
        return self.session.get_json("/v1/agents") or []

    def view(self, current):
        out = {field: current.get(field) for field in FIELDS}
        params = without_redacted(current.get("litellm_params") or {})
        out["litellm_params"] = {k: v for k, v in params.items() if k not in FILLED_PARAMS}
        out["agent_card_params"] = card_view(current.get("agent_card_params"),
                                             current.get("agent_name"))
        permission = current.get("object_permission") or {}
        out["object_permission"] = {k: v for k, v in permission.items()
                                    if k != "object_permission_id" and not empty(v)}
        return out

    def compared(self, wanted):
        card = wanted.get("agent_card_params")
        if card is None:
            return wanted
        return {**wanted, "agent_card_params": card_view(card, wanted.get("agent_name"))}

    def plan_update(self, obj, current, owner, force_secrets=False):
        item = super().plan_update(obj, current, owner, force_secrets)
        if item.action and from_config(current):
            return Item(self.section, item.name, "failed", wanted=obj, current=current,
                        changes=item.changes,
                        reason="defined in the proxy's config.yaml: the API cannot change it")
        return item

    def path(self, item):
        return f"/v1/agents/{path_segment(item.current['agent_id'])}"

    def send_create(self, item, owner):
        self.session.post_json("/v1/agents", item.wanted)

    def update(self, item, owner):
        # The name names the card when the card gives none (as on create).
        body = {"agent_name": item.name}
        for row in item.changes:
            field = row["field"].partition(".")[0]
            body[field] = item.wanted.get(field)
        self.session.patch(self.path(item), json=body)

    def delete(self, item):
        self.session.delete(self.path(item))
