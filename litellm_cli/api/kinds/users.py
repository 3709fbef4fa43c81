"""Internal users in a state file (``users:``), by ``user_id``.

``/user/new`` gets ``auto_create_key: false``: a state file makes keys only
through ``keys:``. A user's teams are the teams' ``members`` (export leaves
``teams`` out); the password is a secret, compared only with --force-secrets.
"""

from litellm_cli import exceptions
from litellm_cli.api.kinds.common import Managed
from litellm_cli.api.users import UsersAPI


class Users(Managed):
    section, identity, order = "users", "user_id", 30
    secret_fields = frozenset({"password"})
    not_exported = frozenset({"auto_create_key", "send_invite_email", "duration", "key_alias",
                              "spend", "teams", "team_id", "organizations"})

    def __init__(self, session, request_fields=()):
        super().__init__(session, request_fields)
        self.api = UsersAPI(session)

    def read(self):
        # The proxy's default order (created_at) has ties, so offset pages
        # could skip a user; user_id is unique (sort_by: every release).
        return (self.normalize(user) for user in self.all_pages(self.api, sort_by="user_id",
                                                                 sort_order="asc"))

    def read_one(self, name):
        try:
            info = self.api.get(name).get("user_info")
        except exceptions.NotFound:
            return None
        return self.normalize(info) if info and info.get("user_id") == name else None

    def send_create(self, body):
        return self.api.create({**body, "auto_create_key": False})

    def send_update(self, name, body):
        return self.api.update(name, body, merge_metadata=False)

    def delete(self, item):
        self.api.delete(item.name)
