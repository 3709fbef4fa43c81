"""budgets list/create/update/delete against the real proxy; effects read back
with /budget/info."""

import pytest

from tests.functional.conftest import closed_port, older, run_cli


def _budget(api, budget_id):
    response = api.call("POST", "/budget/info", json={"budgets": [budget_id]})
    assert response.status_code == 200, response.text
    found = response.json()
    return found[0] if found else None


@pytest.fixture
def budget_ids(api):
    created = []
    yield created
    for budget_id in created:
        api.call("POST", "/budget/delete", json={"id": budget_id})


def test_create_update_list_delete(cli, api, unique, budget_ids):
    budget_ids.append(unique)
    res = cli("budgets", "create", "--budget-id", unique, "--max-budget", "5",
              "--budget-duration", "30d", "--rpm-limit", "10", "-f", "json")
    assert res.rc == 0, res
    assert res.json()["budget_id"] == unique
    stored = _budget(api, unique)
    assert (stored["max_budget"], stored["budget_duration"],
            stored["rpm_limit"]) == (5.0, "30d", 10)

    res = cli("budgets", "update", "--budget-id", unique, "--max-budget", "7.5", "-f", "json")
    assert res.rc == 0, res
    stored = _budget(api, unique)
    assert stored["max_budget"] == 7.5
    assert (stored["budget_duration"], stored["rpm_limit"]) == ("30d", 10)  # untouched

    listed = cli("budgets", "list", "-f", "json")
    assert listed.rc == 0, listed
    assert {"budget_id": unique, "max_budget": 7.5}.items() <= next(
        b for b in listed.json() if b["budget_id"] == unique).items()

    res = cli("budgets", "delete", unique)
    assert res.rc == 0, res
    assert res.err.strip() == f"Deleted budget {unique}"
    assert _budget(api, unique) is None


def test_table_shows_the_summary_columns(cli, unique, budget_ids):
    budget_ids.append(unique)
    res = cli("budgets", "create", "--budget-id", unique, "--max-budget", "1", "-f", "value",
              "-c", "budget_id", "-c", "max_budget")
    assert res.rc == 0, res
    assert res.out.split() == [unique, "1.0"]


def test_duplicate_id_is_rejected(cli, unique, budget_ids, proxy_version):
    budget_ids.append(unique)
    assert cli("budgets", "create", "--budget-id", unique).rc == 0
    res = cli("budgets", "create", "--budget-id", unique)
    if older(proxy_version, "1.90"):
        # LiteLLM 1.80.17 fails the duplicate insert with HTTP 500 (1.90.7: 400).
        assert res.rc == 7 and res.err.strip() == "Error: Internal Server Error (HTTP 500)", res
        return
    assert res.rc == 6, res
    assert res.err.strip() == f"Error: Budget with id '{unique}' already exists. (HTTP 400)"


def test_model_max_budget_shows_the_licence_message(cli, api, unique, budget_ids,
                                                   proxy_version):
    budget_ids.append(unique)
    res = cli("budgets", "create", "--budget-id", unique, "--model-max-budget",
              '{"gpt-4o": {"max_budget": 1, "budget_duration": "1d"}}')
    if older(proxy_version, "1.90"):
        # LiteLLM 1.80.17 needs no licence for it (1.90.7 does): stored as given.
        assert res.rc == 0, res
        assert _budget(api, unique)["model_max_budget"] == {
            "gpt-4o": {"max_budget": 1.0, "budget_duration": "1d"}}
        return
    assert res.rc == 4, res  # every licence refusal exits 4, whatever the HTTP status
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and "enterprise license" in lines[0]
    assert _budget(api, unique) is None


def test_unknown_budget_is_not_found(cli, unique):
    res = cli("budgets", "update", "--budget-id", f"{unique}-nope", "--max-budget", "1")
    assert res.rc == 5, res
    assert len(res.err.strip().splitlines()) == 1
    res = cli("budgets", "delete", "-y", f"{unique}-nope")
    assert res.rc == 5, res
    assert len(res.err.strip().splitlines()) == 1, res


def test_delete_reports_each_id(cli, api, unique, budget_ids):
    budget_ids.append(unique)
    cli("budgets", "create", "--budget-id", unique)
    res = cli("budgets", "delete", unique, f"{unique}-nope")
    assert res.rc == 1, res
    assert f"Deleted budget {unique}" in res.err
    assert f"Failed to delete budget {unique}-nope" in res.err
    assert _budget(api, unique) is None


@pytest.mark.parametrize("argv", [["--max-budget", "lots"], ["--budget-duration", "soon"],
                                  ["--model-max-budget", "[1]"], ["--rpm-limit", "0"]])
def test_bad_input_is_a_usage_error(cli, argv):
    res = cli("budgets", "create", *argv)
    assert res.rc == 2, res
    assert len(res.err.strip().splitlines()) == 1


def test_unreachable_proxy_and_wrong_key(proxy):
    res = run_cli(["budgets", "list"], f"http://127.0.0.1:{closed_port()}", key="sk-x")
    assert res.rc == 3 and len(res.err.strip().splitlines()) == 1, res
    res = run_cli(["budgets", "list"], proxy.url, key="sk-wrong-key-4242")
    assert res.rc == 4 and len(res.err.strip().splitlines()) == 1, res
    assert "sk-wrong-key-4242" not in res.err
