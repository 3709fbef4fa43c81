"""Teams on the proxy and their members.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.teams import TeamsAPI

    teams = TeamsAPI(Session("http://localhost:4000", api_key="sk-master"))
    team = teams.create({"team_alias": "research", "models": ["gpt-4o"], "max_budget": 50})
    teams.add_member(team["team_id"], {"user_id": "alice", "role": "user"})
    teams.delete(team["team_id"])
"""

from litellm_cli import exceptions
from litellm_cli.api import API
from litellm_cli.api.paging import PagedAPI


def _not_found(error):
    """The proxy answers 400 for an unknown team or member in some calls."""
    return exceptions.not_found(error, "not found", "does not exist")


class TeamsAPI(API):
    def list(self, user_id=None, organization_id=None):
        """Every team, each with its ``keys`` and ``team_memberships`` (``GET /team/list``)."""
        params = {"user_id": user_id, "organization_id": organization_id}
        return self.session.get_json("/team/list", params=params)

    def get(self, team_id):
        """``{"team_id", "team_info", "keys", "team_memberships"}`` (``GET /team/info``)."""
        return self.session.get_json("/team/info", params={"team_id": team_id})

    def create(self, body):
        """Create a team (``POST /team/new``); returns the stored team."""
        return self.session.post_json("/team/new", body)

    def delete(self, team_id):
        """Delete one team (NotFound if there is none)."""
        return self.session.post_json("/team/delete", {"team_ids": [team_id]})

    def add_member(self, team_id, member, max_budget_in_team=None):
        """Add a member (``{"user_id"|"user_email", "role"}``); returns the team
        with ``updated_users``. A user id the proxy does not know is created."""
        body = {"team_id": team_id, "member": member}
        if max_budget_in_team is not None:
            body["max_budget_in_team"] = max_budget_in_team
        return self.session.post_json("/team/member_add", body)

    def remove_member(self, team_id, user_id=None, user_email=None):
        """Remove a member by user id or email (NotFound if not in the team)."""
        body = {"team_id": team_id, "user_id": user_id, "user_email": user_email}
        try:
            return self.session.post_json(
                "/team/member_delete", {k: v for k, v in body.items() if v is not None})
        except exceptions.BadRequest as exc:
            raise _not_found(exc) from None

    def update(self, team_id, changes, merge_metadata=True):
        """Change only the given fields of a team (``POST /team/update``);
        returns the stored team. NotFound if there is no such team.

        ``changes["metadata"]`` is merged into the team's metadata as
        ``KeysAPI.update`` merges a key's (the proxy itself replaces it, losing
        the owner a state file marked the team with); with
        ``merge_metadata=False`` the caller sends the whole metadata."""
        if merge_metadata and changes.get("metadata") is not None:
            from litellm_cli.utils import merge_patch

            current = (self.get(team_id).get("team_info") or {}).get("metadata")
            changes = {**changes, "metadata": merge_patch(current, changes["metadata"])}
        return self.session.post_json("/team/update", {**changes, "team_id": team_id})["data"]

    def block(self, team_id):
        """Block a team: calls with any of its keys are refused until unblocked."""
        return self.session.post_json("/team/block", {"team_id": team_id})

    def unblock(self, team_id):
        return self.session.post_json("/team/unblock", {"team_id": team_id})

    def update_member(self, team_id, changes, user_id=None, user_email=None):
        """Change a member's role, budget or limits in a team (``POST /team/member_update``).

        The proxy answers with the new settings even for a user who is not a
        member (and stores a budget for them), so callers check membership first.
        A None in ``changes`` is sent as null: it clears that budget field.
        """
        who = {k: v for k, v in (("user_id", user_id), ("user_email", user_email))
               if v is not None}
        try:
            return self.session.post_json("/team/member_update",
                                          {**changes, "team_id": team_id, **who})
        except exceptions.BadRequest as exc:
            raise _not_found(exc) from None

    def available(self):
        """The teams the caller may join by itself (``GET /team/available``);
        the proxy's ``default_team_settings`` decide which, often none."""
        return self.session.get_json("/team/available")


class TeamPagesAPI(PagedAPI):
    """Teams a page at a time (``GET /v2/team/list``, every supported release):
    the teams' own fields and ``members_with_roles``, without the ``keys`` and
    ``team_memberships`` of ``/team/list``, which reads every team's keys one
    query a team and so costs seconds on a proxy with many."""

    ITEMS, ID, PAGE_SIZE_MAX = "teams", "team_id", 100

    def list(self, page=None, size=None):
        # In team_id order: offset paging over a stable order.
        return self.session.get_json("/v2/team/list", params={
            "page": page, "page_size": size, "sort_by": "team_id", "sort_order": "asc"})
