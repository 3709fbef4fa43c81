"""customers commands against a fake session, and the one-by-one reporting they share."""

import pytest

from litellm_cli import exceptions, utils
from litellm_cli.plugins import customers as plugin
from tests.unit.conftest import FakeSession, run, shown


def test_create_sends_the_options_and_shows_the_budget():
    def create(body):
        return {**body, "litellm_budget_table": {"max_budget": body["max_budget"]}}

    session = FakeSession({("POST", "/customer/new"): create})
    result, _ = run(plugin.CreateCustomer, ["--id", "c1", "--alias", "ACME", "--models", "a,b",
                                            "--region", "eu", "--max-budget", "3",
                                            "--rpm-limit", "5"], session)
    assert session.calls[0][2]["body"] == {"user_id": "c1", "alias": "ACME",
                                           "allowed_model_region": "eu", "max_budget": 3.0,
                                           "rpm_limit": 5, "models": ["a", "b"]}
    assert shown(result)["max_budget"] == 3.0


def test_update_offers_only_what_the_proxy_updates():
    parser = plugin.UpdateCustomer(None, None).get_parser("x")
    options = {o for action in parser._actions for o in action.option_strings}
    assert "--max-budget" in options and "--budget-id" in options
    assert "--rpm-limit" not in options and "--budget-duration" not in options


@pytest.mark.parametrize("cls,blocked,done", [(plugin.BlockCustomer, True, "Blocked"),
                                              (plugin.UnblockCustomer, False, "Unblocked")])
def test_block_and_unblock_update_each_customer(cls, blocked, done):
    def update(body):
        if body["user_id"] == "gone":
            raise exceptions.NotFound("End User Id=gone does not exist in db")
        return body

    session = FakeSession({("POST", "/customer/update"): update})
    with pytest.raises(exceptions.CLIError) as error:
        run(cls, ["c1", "gone", "c2"], session)
    assert [c[2]["body"] for c in session.calls] == [
        {"user_id": u, "blocked": blocked} for u in ("c1", "gone", "c2")]
    assert str(error.value) == f"1 of 3 customers failed to {cls.verb}"
    assert error.value.exit_code == exceptions.EXIT_FAILURE


def test_one_by_one_reports_in_the_actions_words():
    def gone():
        raise exceptions.NotFound("nope")

    reports = []
    with pytest.raises(exceptions.CLIError) as error:
        utils.delete_each([("a", gone), ("b", lambda: None)], reports.append, "things",
                          verb="block", done="Blocked")
    assert reports == ["Failed to block a: nope (HTTP 404)", "Blocked b"]
    assert str(error.value) == "1 of 2 things failed to block"
    assert error.value.exit_code == exceptions.EXIT_FAILURE


def test_delete_asks_nothing_without_a_terminal_and_reports():
    session = FakeSession({("POST", "/customer/delete"): {"deleted_customers": 1}})
    _, app = run(plugin.DeleteCustomer, ["c1"], session)
    assert session.calls[0][2]["body"] == {"user_ids": ["c1"]}
    assert app.stderr.getvalue() == "Deleted customer c1\n"
