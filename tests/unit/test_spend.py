"""spend logs / spend report: time options, paging past the proxy's count cap,
and totals, against a fake session."""

import datetime
import hashlib

import pytest

from litellm_cli import exceptions
from litellm_cli.api.spend import SpendAPI
from litellm_cli.plugins import spend as plugin
from tests.unit.conftest import PINNED, FakeSession, release, run

END = "2025-02-01 00:00:00"


def _log(n, **fields):
    return {"request_id": f"r{n}", "startTime": f"2025-01-0{1 + n % 3}T10:00:00.000+00:00",
            "api_key": "h1", "user": "u1", "team_id": "t1", "end_user": None,
            "model_group": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 2,
            "total_tokens": 3, "spend": 0.1, "metadata": {"user_api_key_alias": "ci"},
            **fields}


def paged(logs, capped_at=None, version=PINNED):
    """A fake /spend/logs/v2 of LiteLLM ``version`` over ``logs``; like the
    proxy, its total stops at ``capped_at``."""

    def answer(params):
        size, page = params["page_size"] or 50, params["page"] or 1
        total = len(logs) if capped_at is None else min(len(logs), capped_at)
        return {"data": logs[(page - 1) * size:page * size], "total": total,
                "total_pages": -(-total // size), "page": page, "page_size": size}

    return FakeSession({("GET", "/spend/logs/v2"): answer, **release(version)})


def test_all_reads_past_the_proxys_capped_total():
    logs = [_log(n) for n in range(23)]
    session = paged(logs, capped_at=10)
    got = list(SpendAPI(session).iter_logs("2025-01-01 00:00:00", "2025-01-31 00:00:00", size=5))
    assert [log["request_id"] for log in got] == [log["request_id"] for log in logs]
    reads = [c[2]["params"] for c in session.calls if c[1] == "/spend/logs/v2"]
    assert [params["page"] for params in reads] == [1, 2, 3, 4, 5]
    assert {params["sort_order"] for params in reads} == {"asc"}


def test_all_stops_after_a_full_last_page_with_one_more_read():
    session = paged([_log(n) for n in range(10)])
    got = list(SpendAPI(session).iter_logs("a", END, size=5))
    assert len(got) == 10 and [c[1] for c in session.calls].count("/spend/logs/v2") == 3


def test_all_drops_a_log_shown_again_when_new_logs_shift_the_pages():
    pages = {1: [_log(1), _log(2)], 2: [_log(2), _log(3)], 3: []}
    session = FakeSession({("GET", "/spend/logs/v2"):
                           lambda params: {"data": pages[params["page"]]}, **release(PINNED)})
    got = list(SpendAPI(session).iter_logs("a", END, size=2))
    assert [log["request_id"] for log in got] == ["r1", "r2", "r3"]


@pytest.mark.parametrize("version,size", [("1.90.7", 100), ("1.94.3", 100), ("1.95.0", 1000),
                                          (PINNED, 1000)])
def test_reading_every_log_uses_the_largest_page_the_release_accepts(version, size):
    # /spend/logs/v2 takes page_size <= 100 before LiteLLM 1.95 (422 above it), <= 1000 from it.
    session = paged([_log(n) for n in range(3)], version=version)
    assert len(list(SpendAPI(session).iter_logs("a", END))) == 3
    assert [c[2]["params"]["page_size"] for c in session.calls if c[1] == "/spend/logs/v2"] == [
        size]


def test_a_release_that_sorts_no_logs_is_read_newest_first_and_turned_round():
    # LiteLLM 1.80.17's /spend/logs/v2 has no sort_order: newest first, always.
    logs = [_log(n) for n in range(7)]
    session = paged(logs[::-1], version="1.80.17")
    got = list(SpendAPI(session).iter_logs("a", END, size=3))
    assert [log["request_id"] for log in got] == [log["request_id"] for log in logs]


def test_filtering_by_model_before_1_89_is_refused_naming_both():
    # LiteLLM 1.88.0's /spend/logs/v2 has no model_group: it would answer every model's logs.
    session = paged([], version="1.88.0")
    with pytest.raises(exceptions.CLIError) as caught:
        SpendAPI(session).list("s", "e", model="gpt-4o")
    assert str(caught.value) == ("filtering spend logs by model needs LiteLLM >= 1.89; this "
                                 "proxy is LiteLLM 1.88.0")
    assert "/spend/logs/v2" not in [c[1] for c in session.calls]


def test_filters_become_the_proxys_parameters_and_raw_keys_are_hashed():
    session = paged([])
    SpendAPI(session).list("s", "e", key="sk-abc", user="u", team="t", model="gpt-4o",
                           customer="c")
    params = [c for c in session.calls if c[1] == "/spend/logs/v2"][0][2]["params"]
    assert params["api_key"] == hashlib.sha256(b"sk-abc").hexdigest()
    assert (params["user_id"], params["team_id"], params["model_group"], params["end_user"]) == (
        "u", "t", "gpt-4o", "c")
    assert (params["start_date"], params["end_date"], params["sort_order"]) == ("s", "e", "desc")


def test_report_totals_each_group_exactly():
    logs = [_log(n, spend=0.1, model_group="a" if n % 2 else "b") for n in range(10)]
    rows = SpendAPI(paged(logs)).report("s", END, "model")
    assert [(row["model_group"], row["requests"]) for row in rows] == [("a", 5), ("b", 5)]
    # 0.1 added five times as floats is 0.5000000000000001; summed as decimals it is 0.5.
    assert [row["spend"] for row in rows] == [0.5, 0.5]
    assert rows[0]["total_tokens"] == 15 and rows[0]["prompt_tokens"] == 5


def test_report_by_day_is_in_date_order_and_by_key_names_the_alias():
    logs = [_log(n) for n in range(6)]
    days = SpendAPI(paged(logs)).report("s", END, "day")
    assert [(row["day"], row["requests"]) for row in days] == [
        ("2025-01-01", 2), ("2025-01-02", 2), ("2025-01-03", 2)]
    [key] = SpendAPI(paged(logs)).report("s", END, "key")
    assert list(key)[:2] == ["api_key", "key_alias"] and key["key_alias"] == "ci"


def test_report_orders_groups_by_spend_and_keeps_a_group_without_value():
    logs = [_log(1, team_id=None, spend=0.5), _log(2, team_id="t2", spend=0.2),
            _log(3, team_id="t3", spend=0.9)]
    rows = SpendAPI(paged(logs)).report("s", END, "team")
    assert [row["team_id"] for row in rows] == ["t3", None, "t2"]


@pytest.mark.parametrize("text,expected", [
    ("2025-01-02", (datetime.datetime(2025, 1, 2), True)),
    ("2025-01-02 03:04", (datetime.datetime(2025, 1, 2, 3, 4), False)),
    ("2025-01-02T03:04:05Z", (datetime.datetime(2025, 1, 2, 3, 4, 5), False)),
])
def test_utc_time_forms(text, expected):
    assert plugin.utc_time(text) == expected


def _sent_range(argv):
    session = paged([])
    run(plugin.ListSpendLog, argv, session)
    params = session.calls[0][2]["params"]
    return params["start_date"], params["end_date"]


def test_a_date_alone_as_end_runs_up_to_the_next_days_start():
    assert _sent_range(["--start", "2025-01-01", "--end", "2025-01-31"]) == (
        "2025-01-01 00:00:00", "2025-02-01 00:00:00")


def test_a_call_in_the_last_second_of_a_day_is_in_that_days_report_only():
    # The proxy compares whole seconds and keeps the end: a call at 23:59:59.5
    # was in no daily range when a day ended at 23:59:59; a call at exactly
    # the next midnight belongs to the next day only.
    logs = [_log(1, startTime="2025-01-31T23:59:59.500000+00:00"),
            _log(2, startTime="2025-02-01T00:00:00Z")]
    session = FakeSession({("GET", "/spend/logs/v2"): lambda params: {"data": logs},
                           **release(PINNED)})
    result, _ = run(plugin.ReportSpend, ["--start", "2025-01-31", "--end", "2025-01-31"],
                    session)
    assert [row[:2] for row in result[1]] == [("2025-01-31", 1)]


@pytest.mark.parametrize("argv", [[], ["--all"]])
def test_logs_drop_a_call_that_started_exactly_at_the_end(argv):
    logs = [_log(1, startTime="2025-01-31T10:00:00"), _log(2, startTime="2025-02-01T00:00:00")]
    session = FakeSession({("GET", "/spend/logs/v2"): lambda params: {"data": logs},
                           **release(PINNED)})
    result, _ = run(plugin.ListSpendLog, ["--end", "2025-01-31", "-f", "json"] + argv, session)
    assert [row[0] for row in result[1]] == ["r1"]


def test_default_range_is_the_last_seven_days_up_to_now_rounded_up():
    before = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    start, end = _sent_range([])
    end = datetime.datetime.strptime(end, plugin.PROXY_TIME)
    assert before < end <= before + datetime.timedelta(seconds=2)
    assert datetime.datetime.strptime(start, plugin.PROXY_TIME) == end - datetime.timedelta(days=7)


@pytest.mark.parametrize("argv", [["--start", "yesterday"], ["--size", "1001"],
                                  ["--start", "2025-02-01", "--end", "2025-01-01"],
                                  ["--start", "2025-02-01", "--end", "2025-01-31"]])
def test_bad_input_is_a_usage_error(argv):
    with pytest.raises(exceptions.UsageError):
        run(plugin.ListSpendLog, argv, paged([]))


def _with_objects(logs):
    session = paged(logs)
    session.answers.update({
        ("GET", "/key/list"): {"keys": [{"token": "h1", "max_budget": 0.4}], "total_pages": 1},
        ("GET", "/team/list"): [{"team_id": "t1", "max_budget": None}],
        ("GET", "/customer/list"): [{"user_id": "c1", "litellm_budget_table": {"max_budget": 2}}],
    })
    return session


def test_report_columns_follow_the_group_and_show_the_budget_and_share_used():
    result, _ = run(plugin.ReportSpend, ["--group-by", "key"], _with_objects([_log(1)]))
    columns, rows = result
    assert columns == ("api_key", "key_alias", "requests", "failed_requests", "prompt_tokens",
                       "completion_tokens", "total_tokens", "spend", "max_budget",
                       "budget_used")
    assert list(rows) == [("h1", "ci", 1, 0, 1, 2, 3, 0.1, 0.4, 0.25)]


def test_a_group_without_budget_shows_empty_budget_and_share():
    result, _ = run(plugin.ReportSpend, ["--group-by", "team"], _with_objects([_log(1)]))
    assert list(result[1])[0][-2:] == (None, None)


def test_a_customers_budget_comes_from_its_linked_budget():
    rows = SpendAPI(_with_objects([_log(1, end_user="c1", spend=0.5)])).report(
        "s", END, "customer", budgets=True)
    assert (rows[0]["max_budget"], rows[0]["budget_used"]) == (2, 0.25)


def test_report_by_week_and_team_has_iso_periods_in_order():
    logs = [_log(1, startTime="2025-01-06T10:00:00Z", team_id="a", spend=0.1),  # week 2
            _log(2, startTime="2025-01-05T10:00:00Z", team_id="a", spend=0.2),  # week 1
            _log(3, startTime="2025-01-07T10:00:00Z", team_id="b", spend=0.3)]  # week 2
    result, _ = run(plugin.ReportSpend, ["--period", "week", "--group-by", "team"],
                    _with_objects(logs))
    columns, rows = result
    assert columns[:2] == ("week", "team_id")
    assert [row[:2] for row in rows] == [("2025-W01", "a"), ("2025-W02", "b"),
                                         ("2025-W02", "a")]


def test_report_by_month_alone_totals_each_month():
    logs = [_log(1, startTime="2025-01-31T23:00:00Z"), _log(2, startTime="2025-02-01T01:00:00Z"),
            _log(3, startTime="2025-02-11T01:00:00Z")]
    result, _ = run(plugin.ReportSpend, ["--period", "month", "--end", "2025-02-28"],
                    paged(logs))
    columns, rows = result
    assert columns[0] == "month" and "max_budget" not in columns
    assert [row[:2] for row in rows] == [("2025-01", 1), ("2025-02", 2)]


def test_group_by_day_with_another_period_is_a_usage_error():
    with pytest.raises(exceptions.UsageError, match="choose one"):
        run(plugin.ReportSpend, ["--group-by", "day", "--period", "week"], paged([]))


def test_report_csv_has_numbers_unquoted_and_iso_periods(capsys, monkeypatch):
    from litellm_cli import clientmanager, shell

    session = _with_objects([_log(1, startTime="2025-01-06T10:00:00Z")])
    monkeypatch.setattr(clientmanager.ClientManager, "session", property(lambda self: session))
    code = shell.main(["spend", "report", "--period", "month", "--group-by", "key",
                       "--start", "2025-01-01", "--end", "2025-01-31", "-f", "csv"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0].startswith('"month","api_key","key_alias","requests"')
    assert lines[1] == '"2025-01","h1","ci",1,0,1,2,3,0.1,0.4,0.25'


def test_report_counts_failed_calls_apart_from_the_requests():
    logs = [_log(1, status="success"), _log(2, status="failure", spend=0.0), _log(3)]
    [row] = SpendAPI(paged(logs)).report("s", "2025-02-01 00:00:00", "team")
    assert (row["requests"], row["failed_requests"]) == (2, 1)
