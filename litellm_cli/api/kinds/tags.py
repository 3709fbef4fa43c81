"""Tags in a state file (``tags:``), by ``name``: what ``/tag/new`` takes.

The proxy keeps no metadata on a tag, so none carries an owner and prune
never deletes one. A tag's budget: the file names one with ``budget_id``
(export writes it: the budget is in the budgets export too) or gives the
budget's fields (``max_budget``, ``tpm_limit``...), which the proxy keeps in
the tag's own budget. ``/tag/list`` also lists spend tags that requests
passed without a stored tag: they are no objects and are left out.

``/tag/update`` writes description and models whatever the request gives
(left out: cleared), so an update sends them as the file or the proxy has
them. The proxy cannot unlink a tag's budget (``budget_id: null``): such an
update fails, saying so.
"""

from litellm_cli.api.kinds._view import ViewKind
from litellm_cli.api.kinds.base import Item

BUDGET_FIELDS = ("max_budget", "soft_budget", "max_parallel_requests", "tpm_limit",
                 "rpm_limit", "model_max_budget", "budget_duration")


class Tags(ViewKind):
    section, identity, order = "tags", "name", 80
    markable = False
    owner_in = None

    def read(self):
        tags = self.session.get_json("/tag/list") or []
        return [tag for tag in tags if isinstance(tag, dict) and "model_info" in tag]

    def view(self, current):
        budget = current.get("litellm_budget_table") or {}
        out = {"name": current.get("name"), "description": current.get("description"),
               "models": current.get("models"), "budget_id": budget.get("budget_id")}
        return out | {field: budget.get(field) for field in BUDGET_FIELDS}

    def export(self, current):
        # The budget's fields live in the budget that budget_id names.
        return {k: v for k, v in super().export(current).items() if k not in BUDGET_FIELDS}

    def plan_update(self, obj, current, owner, force_secrets=False):
        item = super().plan_update(obj, current, owner, force_secrets)
        if ("budget_id" in obj and obj["budget_id"] is None
                and self.view(current)["budget_id"] is not None):
            return Item(self.section, item.name, "failed", wanted=obj, current=current,
                        changes=item.changes,
                        reason="the proxy cannot unlink a tag's budget (budget_id: null); "
                               "give the budget's fields, or delete and recreate the tag")
        return item

    def send_create(self, item, owner):
        self.session.post_json("/tag/new", item.wanted)

    def update(self, item, owner):
        view = self.view(item.current)
        body = {"name": item.name}
        for field in ("description", "models"):
            body[field] = item.wanted[field] if field in item.wanted else view[field]
        for row in item.changes:
            body[row["field"]] = item.wanted.get(row["field"])
        self.session.post_json("/tag/update", body)

    def delete(self, item):
        self.session.post_json("/tag/delete", {"name": item.name})
