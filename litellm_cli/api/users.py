"""Internal users of the proxy.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.users import UsersAPI

    users = UsersAPI(Session("http://localhost:4000", api_key="sk-master"))
    user = users.create({"user_email": "a@example.com", "user_role": "internal_user"})
    print(users.get(user["user_id"])["user_info"]["user_email"])
    users.delete(user["user_id"])
"""

from litellm_cli.api.paging import PagedAPI

PAGE_SIZE_MAX = 100  # the proxy rejects larger pages with 422

# The roles /user/new accepts (NewUserRequest.user_role).
ROLES = ("proxy_admin", "proxy_admin_viewer", "internal_user", "internal_user_viewer")


class UsersAPI(PagedAPI):
    ITEMS, ID, PAGE_SIZE_MAX = "users", "user_id", PAGE_SIZE_MAX

    def list(self, page=None, size=None, **filters):
        """One page of users (``GET /user/list``): ``{"users", "total", "page",
        "page_size", "total_pages"}``. Filters: role, user_ids (comma-separated;
        a single id matches as a substring), user_email (substring), team."""
        params = {"page": page, "page_size": size, **filters}
        return self.session.get_json("/user/list", params=params)

    def get(self, user_id):
        """``{"user_id", "user_info", "keys", "teams"}`` (``GET /user/info``)."""
        return self.session.get_json("/user/info", params={"user_id": user_id})

    def create(self, body, check=True):
        """Create a user (``POST /user/new``). Unless ``auto_create_key`` is
        false the proxy also makes a key for the user and returns it in ``key``.

        The proxy creates the user even when it cannot add it to a team, so
        unless ``check`` is false the teams in ``body["teams"]`` are looked up
        first (NotFound if one is missing), each once for the life of this client.
        """
        if check:
            from litellm_cli.api.teams import TeamsAPI

            teams = TeamsAPI(self.session)
            for team in body.get("teams") or ():
                self.look_up_once("team", team, lambda team=team: teams.get(team))
        user = self.session.post_json("/user/new", body)
        wanted = set(body.get("teams") or ())
        if not wanted <= set(user.get("teams") or ()):
            # Before LiteLLM 1.101 the answer's teams stay empty although the
            # proxy added the user: the stored user says which it joined.
            user["teams"] = self.team_ids(user["user_id"])
        return user

    def team_ids(self, user_id):
        """The ids of the teams a user belongs to, as the proxy stores them."""
        answer = self.get(user_id)
        stored = (answer.get("user_info") or {}).get("teams") or []
        listed = [team.get("team_id") for team in answer.get("teams") or []
                  if isinstance(team, dict)]
        return list(dict.fromkeys(stored + listed))

    def delete(self, user_id):
        """Delete one user and the user's keys (NotFound if there is none)."""
        # The proxy answers with the bare body "1", not an object.
        self.session.post("/user/delete", json={"user_ids": [user_id]})

    def update(self, user_id, changes, merge_metadata=True):
        """Change only the given fields of a user (``POST /user/update``).

        The proxy creates a user it does not know instead of failing, so this
        checks that the user exists first (NotFound otherwise).
        ``changes["metadata"]`` is merged into the user's metadata as
        ``TeamsAPI.update`` merges a team's; with ``merge_metadata=False`` the
        caller sends the whole metadata.
        """
        current = (self.get(user_id).get("user_info") or {}).get("metadata")
        if merge_metadata and changes.get("metadata") is not None:
            from litellm_cli.utils import merge_patch

            changes = {**changes, "metadata": merge_patch(current, changes["metadata"])}
        return self.session.post_json("/user/update", {**changes, "user_id": user_id})["data"]
