"""Access groups in a state file (``access_group_list:``), by
``access_group_name``: what ``POST /v1/access_group`` takes (the proxy's
AccessGroupCreateRequest). The proxy's id is a uuid of its own, used only in
URL paths.

The proxy keeps no metadata on an access group, so none carries an owner and
prune never deletes one. Updates are partial (``PUT /v1/access_group/{id}``):
a field left out keeps its value, a null clears it.

A group's teams are read as the proxy shows them (the teams that carry the
group in their ``access_group_ids`` included). ``assigned_key_ids`` are key
hashes, which a state file never holds: never exported, compared only when a
file gives them (a key names its groups in its own ``access_group_ids``).
"""

from litellm_cli.api import path_segment
from litellm_cli.api.kinds._view import ViewKind

FIELDS = ("access_group_name", "description", "access_model_names", "access_mcp_server_ids",
          "mcp_tool_permissions", "access_agent_ids", "access_skill_names",
          "assigned_team_ids", "assigned_key_ids")
NOT_EXPORTED = ("assigned_key_ids",)


class AccessGroups(ViewKind):
    section, identity, order = "access_group_list", "access_group_name", 95
    since = "1.108"  # on 1.90.7 and 1.100.5 a round trip does not settle (tools/compat.sh)
    markable = False
    owner_in = None

    def read(self):
        return self.session.get_json("/v1/access_group") or []

    def view(self, current):
        return {field: current.get(field) for field in self.request_fields or FIELDS}

    def export(self, current):
        return {k: v for k, v in super().export(current).items() if k not in NOT_EXPORTED}

    def path(self, item):
        return f"/v1/access_group/{path_segment(item.current['access_group_id'])}"

    def send_create(self, item, owner):
        self.session.post_json("/v1/access_group", item.wanted)

    def update(self, item, owner):
        body = {row["field"]: item.wanted.get(row["field"]) for row in item.changes}
        self.session.put(self.path(item), json=body)

    def delete(self, item):
        self.session.delete(self.path(item))
