"""The customers adapter (litellm_cli/api/kinds/customers.py) on a fake proxy."""

from litellm_cli.api.kinds.customers import Customers
from litellm_cli.api.state_sync import request_fields
from tests.unit.conftest import PINNED, FakeSession, release

MADE_UP = "2f5cbd7a-e96d-426c-9cd8-482023f2d3c6"


def _customer(user_id, budget_id, **budget):
    return {"user_id": user_id, "blocked": False, "alias": "C", "spend": 0.0, "models": [],
            "budget_id": budget_id, "litellm_budget_table": {
                "budget_id": budget_id, "max_budget": None, "rpm_limit": None, **budget}}


def _adapter(*customers, **answers):
    return Customers(FakeSession({("GET", "/customer/list"): lambda **kw: list(customers),
                                  **release(PINNED), **answers}),
                     request_fields("1.108.7", "customers"))


def test_a_budget_the_proxy_made_is_written_as_the_customers_own_fields():
    adapter = _adapter(_customer("c1", MADE_UP, max_budget=3.0, rpm_limit=7),
                       _customer("c2", "paid-tier", max_budget=50.0))
    assert [adapter.export(c) for c in adapter.read()] == [
        {"user_id": "c1", "alias": "C", "max_budget": 3.0, "rpm_limit": 7},
        {"user_id": "c2", "alias": "C", "budget_id": "paid-tier"}]


def test_what_customer_update_cannot_do_fails_at_plan_with_a_reason():
    adapter = _adapter(_customer("c1", MADE_UP, max_budget=3.0, rpm_limit=7))
    [item] = adapter.plan([{"user_id": "c1", "rpm_limit": 8}], None)
    assert item.status == "failed" and "cannot change a customer's rpm_limit" in item.reason
    [item] = adapter.plan([{"user_id": "c1", "alias": None}], None)
    assert item.status == "failed" and "cannot clear a customer's alias" in item.reason
    [item] = adapter.plan([{"user_id": "c1", "max_budget": 4}], None)
    assert item.status == "would update"


def test_customers_carry_no_owner_and_are_never_pruned():
    adapter = _adapter(_customer("c1", MADE_UP))
    [item] = adapter.plan([], "kteams-test", prune=True)
    assert item.status == "unmanaged" and "no metadata" in item.reason
