"""MCP servers in a state file (``mcp_server_list:``), by ``server_id``: what
``POST /v1/mcp/server`` takes (the proxy's NewMCPServerRequest).

The section is not ``mcp_servers``: a LiteLLM config.yaml uses that name for
a mapping of its own servers, and a config stays a valid state file. The
owner marker goes in ``mcp_info`` (the proxy keeps any key there). Servers
of the proxy's config.yaml (``is_config``) cannot be changed through the
API: they are never owned, so never pruned.

Secrets: ``credentials`` (the proxy never shows their secret part), and
``static_headers`` and ``env``, which the proxy shows in clear but which
hold API keys: never exported, compared only with ``--force-secrets``.
Updates are partial (``PUT /v1/mcp/server``): a field left out keeps its
value, a null clears it.
"""

from litellm_cli.api import path_segment
from litellm_cli.api.kinds._view import ViewKind, empty
from litellm_cli.api.kinds.base import owner_of, without_owner

# What the proxy adds to mcp_info by itself: is_public from its settings,
# server_name (its name, alias or id) and description copied from the server's own.
FILLED_INFO = ("is_public", "is_public_explicit")
# Fields the proxy fills in when a file leaves them out (its read answers them).
FILLED = {"subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
          "token_exchange_profile": "rfc8693"}
# The request model's own fields that are no operator's setting: the proxy
# sets them itself (submissions of non-admins), whatever a create sends.
SERVER_MANAGED = ("approval_status", "submitted_by", "submitted_at")
# What the proxy requires beside a transport in a request (url or spec_path
# for http and sse, command and args for stdio).
TRANSPORT_FIELDS = ("url", "spec_path", "command", "args")


class MCPServers(ViewKind):
    section, identity, order = "mcp_server_list", "server_id", 90
    owner_in = "mcp_info"
    secret_fields = frozenset({"credentials", "static_headers", "env"})
    defaults = {"transport": "sse", "allow_all_keys": False,
                "available_on_public_internet": True, "delegate_auth_to_upstream": False,
                "oauth_passthrough": False, "per_server_oauth_discovery": False,
                "is_byok": False, **FILLED}

    def read(self):
        return self.session.get_json("/v1/mcp/server") or []

    def owner(self, current):
        return None if current.get("is_config") else owner_of(current.get("mcp_info"))

    def view(self, current):
        fields = self.request_fields or current.keys()
        out = {f: current.get(f) for f in fields if f not in SERVER_MANAGED}
        info = without_owner(current.get("mcp_info")) or {}
        names = (current.get("server_name"), current.get("alias"), current.get("server_id"))
        out["mcp_info"] = {k: v for k, v in info.items()
                           if k not in FILLED_INFO
                           and not (k == "server_name" and v in names)
                           and not (k == "description" and v == current.get("description"))}
        if out.get("alias") == current.get("server_name"):
            out["alias"] = None  # the proxy's default alias is the name
        return out

    def send_create(self, item, owner):
        self.session.post_json("/v1/mcp/server", self.marked(item.wanted, owner))

    def update(self, item, owner):
        body = {"server_id": item.name}
        for row in item.changes:
            field = row["field"].partition(".")[0]
            if field in item.wanted:  # else only the owner marker: marked() adds it
                body[field] = item.wanted[field]
        body = self.marked(body, owner, item.current)
        if "transport" not in body:
            # The proxy checks mcp_info's protocol against the transport (the
            # request's default is sse whatever the server's is)...
            body["transport"] = item.current.get("transport")
        for field in TRANSPORT_FIELDS:
            # ...and a transport's endpoint fields whenever a transport is sent.
            if field not in body and not empty(item.current.get(field)):
                body[field] = item.current[field]
        self.session.put("/v1/mcp/server", json=body)

    def delete(self, item):
        self.session.delete(f"/v1/mcp/server/{path_segment(item.name)}")
