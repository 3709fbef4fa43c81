"""customers list/create/update/block/unblock/delete against the real proxy;
effects read back with /customer/info."""

import pytest

from tests.functional.conftest import closed_port, older, run_cli

# Before LiteLLM 1.106 a customer has no models and /customer/update drops false values
# (blocked=False): the CLI refuses both there, naming the release.
FULL_UPDATE_FROM = "1.106"


def _refused(res, feature, proxy_version):
    assert res.rc == 6 and res.out == "", res
    assert res.err.strip() == (f"Error: {feature} needs LiteLLM >= {FULL_UPDATE_FROM}; this "
                               f"proxy is LiteLLM {proxy_version}")


def _customer(api, user_id):
    response = api.call("GET", "/customer/info", end_user_id=user_id)
    return response.json() if response.status_code == 200 else None


@pytest.fixture
def customer(api, unique):
    """A customer id; the customer and any budget made for it are removed afterwards."""
    yield unique
    found = _customer(api, unique)
    api.call("POST", "/customer/delete", json={"user_ids": [unique]})
    if found and found.get("budget_id"):
        api.call("POST", "/budget/delete", json={"id": found["budget_id"]})


def test_create_with_its_own_budget_then_update(cli, api, customer, proxy_version):
    models = ["--models", "gpt-4o"]
    if older(proxy_version, FULL_UPDATE_FROM):
        res = cli("customers", "create", "--id", customer, *models)
        _refused(res, "a customer's models", proxy_version)
        assert _customer(api, customer) is None
        models = []
    res = cli("customers", "create", "--id", customer, "--alias", "ACME", "--max-budget", "3",
              "--budget-duration", "30d", *models, "-f", "json")
    assert res.rc == 0, res
    assert res.json()["max_budget"] == 3.0
    stored = _customer(api, customer)
    assert stored["alias"] == "ACME" and stored.get("models") == (["gpt-4o"] if models else None)
    assert stored["litellm_budget_table"]["max_budget"] == 3.0
    assert stored["litellm_budget_table"]["budget_duration"] == "30d"

    res = cli("customers", "update", "--id", customer, "--max-budget", "4", "--alias", "ACME 2",
              "-f", "json")
    assert res.rc == 0, res
    stored = _customer(api, customer)
    assert stored["alias"] == "ACME 2" and stored["litellm_budget_table"]["max_budget"] == 4.0
    assert stored.get("models") == (["gpt-4o"] if models else None)
    assert stored["blocked"] is False


def test_create_with_a_shared_budget(cli, api, customer, unique):
    budget = f"{unique}-b"
    api.ok("POST", "/budget/new", json={"budget_id": budget, "max_budget": 9})
    try:
        res = cli("customers", "create", "--id", customer, "--budget-id", budget, "-f", "json")
        assert res.rc == 0 and res.json()["budget_id"] == budget, res
        # The link as the proxy stores it (LiteLLM 1.90.7 shows it only in the budget).
        assert _customer(api, customer)["litellm_budget_table"]["budget_id"] == budget
        listed = cli("customers", "list", "-f", "json", "-c", "user_id", "-c", "budget_id")
        assert {"user_id": customer, "budget_id": budget} in listed.json()
    finally:
        api.call("POST", "/customer/delete", json={"user_ids": [customer]})
        api.call("POST", "/budget/delete", json={"id": budget})


def test_list_shows_every_customer_past_a_page(cli, api, unique):
    # From LiteLLM 1.109 /customer/list pages (at most 100 a page): more than a
    # page of customers must all be listed, on every release.
    ids = [f"{unique}-{n:03d}" for n in range(101)]
    try:
        for user_id in ids:
            api.ok("POST", "/customer/new", json={"user_id": user_id})
        res = cli("customers", "list", "-f", "json", "-c", "user_id")
        assert res.rc == 0, res
        assert set(ids) <= {row["user_id"] for row in res.json()}
    finally:
        api.call("POST", "/customer/delete", json={"user_ids": ids})


def test_list_shows_the_customer_with_spend_and_budget(cli, customer):
    cli("customers", "create", "--id", customer, "--max-budget", "2")
    res = cli("customers", "list", "-f", "json")
    assert res.rc == 0, res
    row = next(c for c in res.json() if c["user_id"] == customer)
    assert row["max_budget"] == 2.0 and row["spend"] == 0.0 and row["blocked"] is False
    table = cli("customers", "list", "-f", "csv")
    assert table.out.splitlines()[0] == ('"user_id","alias","blocked","spend","max_budget",'
                                         '"budget_id","default_model","models"')


def test_block_and_unblock_set_the_stored_flag(cli, api, customer, proxy_version):
    cli("customers", "create", "--id", customer)
    res = cli("customers", "block", customer)
    assert res.rc == 0, res
    assert res.err.strip() == f"Blocked customer {customer}"
    assert _customer(api, customer)["blocked"] is True
    res = cli("customers", "unblock", customer)
    if older(proxy_version, FULL_UPDATE_FROM):
        _refused(res, "unblocking a customer", proxy_version)
        assert _customer(api, customer)["blocked"] is True
    else:
        assert res.rc == 0 and res.err.strip() == f"Unblocked customer {customer}", res
        assert _customer(api, customer)["blocked"] is False


def test_block_of_unknown_id_creates_nothing_and_exits_not_found(cli, api, customer):
    res = cli("customers", "block", customer)
    assert res.rc == 5, res  # as keys block and teams block
    assert len(res.err.strip().splitlines()) == 1 and customer in res.err, res
    assert _customer(api, customer) is None


def test_delete(cli, api, customer):
    cli("customers", "create", "--id", customer)
    res = cli("customers", "delete", customer, f"{customer}-nope")
    assert res.rc == 1, res
    assert f"Deleted customer {customer}" in res.err
    assert f"Failed to delete customer {customer}-nope" in res.err
    assert _customer(api, customer) is None


def test_duplicate_and_unknown(cli, customer):
    assert cli("customers", "create", "--id", customer).rc == 0
    res = cli("customers", "create", "--id", customer)
    assert res.rc == 6, res
    assert "Customer already exists" in res.err
    res = cli("customers", "update", "--id", f"{customer}-nope", "--alias", "x")
    assert res.rc == 5, res
    assert len(res.err.strip().splitlines()) == 1


def test_id_is_required(cli):
    res = cli("customers", "create", "--alias", "x")
    assert res.rc == 2, res


def test_unreachable_proxy_and_wrong_key(proxy):
    res = run_cli(["customers", "list"], f"http://127.0.0.1:{closed_port()}", key="sk-x")
    assert res.rc == 3 and len(res.err.strip().splitlines()) == 1, res
    res = run_cli(["customers", "block", "someone"], proxy.url, key="sk-wrong-key-4242")
    assert res.rc == 4 and "(HTTP 401)" in res.err, res  # one id fails as its error does
    assert "sk-wrong-key-4242" not in res.err
