"""Budgets on the proxy: reusable limits that keys, teams, customers and
organizations can point at by ``budget_id``.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.budgets import BudgetsAPI

    budgets = BudgetsAPI(Session("http://localhost:4000", api_key="sk-master"))
    budgets.create({"budget_id": "free-tier", "max_budget": 5, "budget_duration": "30d"})
    budgets.update({"budget_id": "free-tier", "max_budget": 10})
    budgets.delete("free-tier")
"""

from litellm_cli import exceptions
from litellm_cli.api import API


def _found(budget, budget_id):
    # The proxy answers 200 with a bare null for a budget id it does not know.
    if budget is None:
        raise exceptions.NotFound(f"Budget {budget_id!r} not found")
    return budget


class BudgetsAPI(API):
    def list(self):
        """Every budget (``GET /budget/list``, not paged)."""
        return self.session.get_json("/budget/list") or []

    def create(self, body):
        """Create a budget (``POST /budget/new``); returns it. Without a
        ``budget_id`` the proxy makes one up."""
        return self.session.post_json("/budget/new", body)

    def update(self, body):
        """Change the fields given in ``body`` of budget ``body["budget_id"]``
        (``POST /budget/update``); returns the budget, NotFound if there is none."""
        return _found(self.session.post_json("/budget/update", body), body["budget_id"])

    def delete(self, budget_id):
        """Delete one budget (NotFound if there is none)."""
        return _found(self.session.post_json("/budget/delete", {"id": budget_id}), budget_id)
