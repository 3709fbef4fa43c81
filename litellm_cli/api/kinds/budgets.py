"""Budgets in a state file (``budgets:``), by ``budget_id``.

The proxy keeps no metadata on a budget, so none carries an owner and prune
never deletes one (a budget the file drops stays, listed as unmanaged).
"""

from litellm_cli.api.budgets import BudgetsAPI
from litellm_cli.api.kinds.base import Kind


class Budgets(Kind):
    section, identity, order = "budgets", "budget_id", 10
    markable = False
    proxy_fields = frozenset({"budget_reset_at", "created_at", "created_by", "updated_at",
                              "updated_by"})

    def __init__(self, session, request_fields=()):
        super().__init__(session, request_fields)
        self.api = BudgetsAPI(session)

    def read(self):
        return self.api.list()

    def create(self, item, owner):
        self.api.create(item.wanted)

    def update(self, item, owner):
        self.api.update({c["field"]: item.wanted.get(c["field"]) for c in item.changes}
                        | {"budget_id": item.name})

    def delete(self, item):
        self.api.delete(item.name)
