"""budgets commands against a fake session."""

import pytest

from litellm_cli import exceptions
from litellm_cli.plugins import budgets as plugin
from tests.unit.conftest import FakeSession, run, shown


def test_create_sends_only_the_given_options():
    session = FakeSession({("POST", "/budget/new"): lambda body: dict(body)})
    result, _ = run(plugin.CreateBudget, ["--budget-id", "b", "--max-budget", "5",
                                          "--budget-duration", "30d", "--tpm-limit", "100",
                                          "--model-max-budget", '{"gpt-4o": {"max_budget": 1}}'],
                    session)
    assert session.calls[0][2]["body"] == {"budget_id": "b", "max_budget": 5.0,
                                           "budget_duration": "30d", "tpm_limit": 100,
                                           "model_max_budget": {"gpt-4o": {"max_budget": 1}}}
    assert shown(result)["budget_id"] == "b"


def test_update_of_unknown_budget_is_not_found():
    # The proxy answers 200 with a bare null.
    session = FakeSession({("POST", "/budget/update"): None})
    with pytest.raises(exceptions.NotFound) as error:
        run(plugin.UpdateBudget, ["--budget-id", "nope", "--max-budget", "1"], session)
    assert session.calls[0][2]["body"] == {"budget_id": "nope", "max_budget": 1.0}
    assert "'nope' not found" in str(error.value)


def test_delete_reports_an_unknown_budget():
    session = FakeSession({("POST", "/budget/delete"):
                           lambda body: {"budget_id": "b"} if body["id"] == "b" else None})
    with pytest.raises(exceptions.CLIError) as error:
        run(plugin.DeleteBudget, ["-y", "b", "nope"], session)
    assert error.value.exit_code == exceptions.EXIT_FAILURE
    assert str(error.value) == "1 of 2 budgets failed to delete"


@pytest.mark.parametrize("argv", [["--model-max-budget", "[]"], ["--max-budget", "-1"],
                                  ["--budget-duration", "1y"], ["--max-parallel-requests", "0"]])
def test_bad_input_is_a_usage_error(argv):
    with pytest.raises(exceptions.UsageError):
        run(plugin.CreateBudget, argv, FakeSession())
