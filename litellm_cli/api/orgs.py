"""Organizations on the proxy: groups of teams with their own budget.

The proxy offers organizations to LiteLLM Enterprise users only: without a
licence every call here fails with Forbidden (HTTP 403) and the proxy's
message saying so.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.orgs import OrgsAPI

    orgs = OrgsAPI(Session("http://localhost:4000", api_key="sk-master"))
    org = orgs.create({"organization_alias": "research", "max_budget": 100})
    orgs.add_member(org["organization_id"], {"user_id": "alice", "role": "internal_user"})
    orgs.delete(org["organization_id"])
"""

from litellm_cli.api import API


class OrgsAPI(API):
    def list(self, organization_id=None, alias=None):
        """Every organization, or those matching an id or (part of) an alias
        (``GET /organization/list``)."""
        params = {"org_id": organization_id, "org_alias": alias}
        return self.session.get_json("/organization/list", params=params) or []

    def create(self, body):
        """Create an organization (``POST /organization/new``);
        ``body["organization_alias"]`` is required."""
        return self.session.post_json("/organization/new", body)

    def delete(self, organization_id):
        """Delete one organization (``DELETE /organization/delete``)."""
        from litellm_cli.session import decode_json

        return decode_json(self.session.delete(
            "/organization/delete", json={"organization_ids": [organization_id]}))

    def add_member(self, organization_id, member, max_budget_in_organization=None):
        """Add a member (``{"user_id"|"user_email", "role"}``); a user the proxy
        does not know is created."""
        body = {"organization_id": organization_id, "member": member}
        if max_budget_in_organization is not None:
            body["max_budget_in_organization"] = max_budget_in_organization
        return self.session.post_json("/organization/member_add", body)
