"""Customers (the proxy's end users) in a state file (``customers:``), by
``user_id``.

The proxy keeps no metadata on a customer: none carries an owner and prune
never deletes one. A customer's limits live in a budget: one the proxy made
for the customer (its id is a UUID it made up) is written as the customer's
own fields (``max_budget``, ``rpm_limit``...); a shared budget as
``budget_id`` alone. ``/customer/update`` takes only some fields (UPDATABLE)
and ignores nulls: a change it cannot make is refused (the item fails,
nothing sent).
"""

import re

from litellm_cli import exceptions
from litellm_cli.api.customers import CustomersAPI
from litellm_cli.api.kinds.common import Managed

BUDGET_FIELDS = ("max_budget", "soft_budget", "max_parallel_requests", "tpm_limit",
                 "rpm_limit", "tpd_limit", "model_max_budget", "budget_duration")
# What /customer/update takes (UpdateCustomerRequest, 1.108.7); it ignores the rest.
UPDATABLE = frozenset({"alias", "blocked", "max_budget", "budget_id", "allowed_model_region",
                       "default_model", "models", "object_permission"})
_MADE_UP = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


class Customers(Managed):
    section, identity, order = "customers", "user_id", 40
    markable = False
    defaults = {"blocked": False}
    not_exported = frozenset({"spend", "budget_reset_at"})

    def __init__(self, session, request_fields=()):
        super().__init__(session, request_fields)
        self.api = CustomersAPI(session)

    def read(self):
        return [self.normalize(customer) for customer in self.api.list()]

    def read_one(self, name):
        try:
            return self.normalize(self.api.get(name))
        except exceptions.NotFound:
            return None

    def normalize(self, current):
        out = dict(current)
        budget = current.get("litellm_budget_table") or {}
        if _MADE_UP.match(str(current.get("budget_id") or budget.get("budget_id") or "")):
            out["budget_id"] = None
            for field in BUDGET_FIELDS:
                if out.get(field) is None:
                    out[field] = budget.get(field)
        return out

    def plan_update(self, obj, current, owner, force_secrets=False):
        item = super().plan_update(obj, current, owner, force_secrets)
        fixed = [c["field"] for c in item.changes if c["field"] not in UPDATABLE]
        if fixed:
            return self.failed(obj, current, f"the proxy cannot change a customer's "
                                             f"{', '.join(fixed)} once created (/customer/update "
                                             f"does not take it)")
        cleared = [c["field"] for c in item.changes if c["new"] is None]
        if cleared:
            return self.failed(obj, current, f"the proxy cannot clear a customer's "
                                             f"{', '.join(cleared)} (it ignores null); give a value")
        return item

    def send_create(self, body):
        return self.api.create(body)

    def send_update(self, name, body):
        return self.api.update({**body, "user_id": name})

    def delete(self, item):
        self.api.delete(item.name)
