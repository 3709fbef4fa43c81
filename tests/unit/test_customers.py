"""customers commands against a fake session, and the one-by-one reporting they share."""

import pytest

from litellm_cli import exceptions, utils, versions
from litellm_cli.plugins import customers as plugin
from tests.unit.conftest import PINNED, FakeSession, release, run, shown


def test_create_sends_the_options_and_shows_the_budget():
    def create(body):
        return {**body, "litellm_budget_table": {"max_budget": body["max_budget"]}}

    session = FakeSession({("POST", "/customer/new"): create, **release(PINNED)})
    result, _ = run(plugin.CreateCustomer, ["--id", "c1", "--alias", "ACME", "--models", "a,b",
                                            "--region", "eu", "--max-budget", "3",
                                            "--rpm-limit", "5"], session)
    assert session.calls[-1][2]["body"] == {"user_id": "c1", "alias": "ACME",
                                           "allowed_model_region": "eu", "max_budget": 3.0,
                                           "rpm_limit": 5, "models": ["a", "b"]}
    assert shown(result)["max_budget"] == 3.0


def test_list_shows_the_budget_id_a_release_leaves_out_of_the_customer():
    # LiteLLM 1.90.7: budget_id only inside litellm_budget_table.
    listed = [{"user_id": "c1", "litellm_budget_table": {"budget_id": "b1", "max_budget": 9}}]
    session = FakeSession({("GET", "/customer/list"): listed, **release("1.90.7")})
    columns, rows = run(plugin.ListCustomer, [], session)[0]
    row = dict(zip(columns, list(rows)[0]))
    assert (row["budget_id"], row["max_budget"]) == ("b1", 9)


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

    session = FakeSession({("POST", "/customer/update"): update, **release(PINNED)})
    with pytest.raises(exceptions.CLIError) as error:
        run(cls, ["c1", "gone", "c2"], session)
    assert [c[2]["body"] for c in session.calls if c[0] == "POST"] == [
        {"user_id": u, "blocked": blocked} for u in ("c1", "gone", "c2")]
    assert str(error.value) == f"1 of 3 customers failed to {cls.verb}"
    assert error.value.exit_code == exceptions.EXIT_FAILURE


@pytest.mark.parametrize("cls,argv,message", [
    (plugin.CreateCustomer, ["c1", "--models", "a"], "a customer's models"),
    (plugin.UpdateCustomer, ["c1", "--models", "a"], "a customer's models"),
    (plugin.UpdateCustomer, ["c1", "--max-budget", "0"], "setting a customer's max_budget to 0.0"),
    (plugin.UnblockCustomer, ["c1"], "unblocking a customer"),
])
def test_what_a_release_before_1_106_would_drop_is_refused_and_not_sent(cls, argv, message):
    # LiteLLM 1.100.5: no customer models; /customer/update skips false, zero and empty values.
    session = FakeSession(release("1.100.5"))
    with pytest.raises(exceptions.CLIError) as error:
        run(cls, argv, session)
    assert str(error.value) == f"{message} needs LiteLLM >= 1.106; this proxy is LiteLLM 1.100.5"
    assert error.value.exit_code == exceptions.EXIT_REJECTED
    assert [c[:2] for c in session.calls] == [("GET", "/public/model_hub/info")]


def test_block_and_plain_updates_ask_no_version():
    session = FakeSession({("POST", "/customer/update"): lambda body: body})
    run(plugin.BlockCustomer, ["c1"], session)
    run(plugin.UpdateCustomer, ["c1", "--alias", "A", "--max-budget", "2"], session)
    assert [c[:2] for c in session.calls] == [("POST", "/customer/update")] * 2


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


def _customers_of(version, count):
    """``/customer/list`` of LiteLLM ``version`` holding ``count`` customers: from
    1.109 (1.110.2's source) pages of ``page_size`` (default 50, at most 100)
    ordered by user_id, a bare list with no count; before, every customer at once."""
    customers = [{"user_id": f"c{n:04d}", "alias": None, "spend": 0.0, "blocked": False,
                  "litellm_budget_table": {"max_budget": 1.0}} for n in range(count)]

    def answer(params):
        if versions.parse(version) < (1, 109):
            return customers
        page, size = (params or {}).get("page", 1), (params or {}).get("page_size", 50)
        assert 1 <= size <= 100, "the proxy answers 422"
        return customers[(page - 1) * size:page * size]

    return FakeSession({("GET", "/customer/list"): answer, **release(version)})


@pytest.mark.parametrize("count", [0, 99, 100, 230])
def test_list_reads_every_page_where_the_proxy_pages(count):
    session = _customers_of("1.110.2", count)
    (columns, rows), _ = run(plugin.ListCustomer, ["-f", "json"], session)
    assert [row[columns.index("user_id")] for row in rows] == [
        f"c{n:04d}" for n in range(count)]
    pages = [c[2]["params"] for c in session.calls if c[1] == "/customer/list"]
    assert pages == [{"page": n, "page_size": 100} for n in range(1, count // 100 + 2)]


def test_list_asks_once_where_the_proxy_does_not_page():
    session = _customers_of(PINNED, 230)
    (_, rows), _ = run(plugin.ListCustomer, [], session)
    assert len(list(rows)) == 230
    assert [c[2]["params"] for c in session.calls if c[1] == "/customer/list"] == [None]
