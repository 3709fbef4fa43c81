"""Credentials and models in a state file (``credential_list`` by
``credential_name``, ``model_list`` by ``model_info.id``): adapters over the
engine of ``models apply / diff / export`` (litellm_cli.api.model_sync), which
does the planning, matching, comparing, writing and exporting for both, so a
state file means exactly what the same lists mean to ``models apply``.

See model_sync's docstring for the rules: an entry without ``model_info.id``
is the deployment of its *derived id* (owner, model_name and position among
the id-less entries of that model_name); ownership is recorded in
``model_info.litellm_cli_sync.owner`` / ``credential_info.litellm_cli_sync.owner``
(not in ``metadata``: neither object has one); a credential that a deployment
on the proxy uses is never pruned. A model's row is named by its model_name
(its id is ``item.id``).
"""

from litellm_cli.api import model_config, model_sync
from litellm_cli.api.kinds.base import Item, Kind

# ModelSync's writes, as the engine's actions.
ACTIONS = {"create": "create", "update": "update", "delete": "delete",
           "create_credential": "create", "update_credential": "update",
           "delete_credential": "delete"}


class _Synced(Kind):
    """What both kinds share: a ModelSync doing the work, and its items wrapped."""

    def __init__(self, session, request_fields=()):
        super().__init__(session, request_fields)
        self.sync = model_sync.ModelSync(session)

    def wrap(self, planned):
        action = ACTIONS[planned.request[0]] if planned.request else None
        item = Item(self.section, planned.name, planned.status, action,
                        wanted=planned.entry.data if planned.entry else None,
                        current=planned.deployment, changes=planned.changes,
                        reason=planned.reason)
        item.planned, item.id = planned, planned.id
        item.pruned = action == "delete"  # deletes are prunes here
        return item

    def config(self, wanted, owner):
        """The section's entries as model_sync reads them (None: not managed)."""
        managed = () if wanted is None else (self.kind,)
        lists = {"credential": [], "model": [], self.kind: wanted or []}
        return model_config.make_config(lists["credential"], lists["model"], self.section,
                                      owner, managed)

    def send(self, item, owner):
        outcome = self.sync.send(item.planned)
        if outcome:  # nothing to do after all (made meanwhile by another run): the engine
            item.status, item.reason = outcome  # keeps this status

    def landed(self, item):
        return self.sync.landed(item.planned)


class Credentials(_Synced):
    section, identity, order = "credential_list", "credential_name", 50
    kind = "credential"

    def read(self):
        return self.sync.credentials.list()

    def owner(self, current):
        return model_sync.credential_owner(current)

    def export(self, current):
        return model_sync.export_credential(current)

    def plan(self, wanted, owner, prune=False, force_secrets=False):
        config = self.config(wanted, owner)
        # Never prune a credential a deployment uses (whoever owns the deployment).
        used = {(d.get("litellm_params") or {}).get("litellm_credential_name")
                for d in self.sync.models.info()} if prune and wanted is not None else set()
        planned = self.sync.plan_credentials(config, "apply", prune, force_secrets, used,
                                             self.read())
        return [self.wrap(p) for p in planned]


class Models(_Synced):
    section, identity, order = "model_list", "model_info.id", 60
    kind = "model"

    def read(self):
        """The database deployments (a config file's cannot be managed); for an
        export, so it needs an admin key (others see only some models)."""
        self._export = self.sync.export()
        return [d for d in self.sync.models.info() if model_sync.in_db(d)]

    def ident(self, current):
        return (current.get("model_info") or {}).get("id")

    def owner(self, current):
        return model_sync.deployment_owner(current)

    def export(self, current):
        if getattr(self, "_export", None) is None:
            self._export = self.sync.export()
        return model_sync.export_entry(current, self._export.priced(current))

    def plan(self, wanted, owner, prune=False, force_secrets=False):
        planned = self.sync.plan_models(self.config(wanted, owner), "apply", prune,
                                        force_secrets, self.sync.models.info())
        return [self.wrap(p) for p in planned]
