"""spend logs / spend report against the real proxy, on a known workload of chat calls."""

import csv
import datetime
import io
import time
import uuid

import pytest
import requests

from tests.functional.conftest import RELEASE, ProxyAPI, older, run_cli

CALLS = {"gpt-4o": 3, "mistral-mock": 2}
WAIT_FOR_LOGS = 120  # seconds; the proxy writes spend logs in background batches


def _utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)


@pytest.fixture(scope="module")
def workload(proxy):
    """A team, a key in it, and five chat calls with that key for one customer;
    waits (bounded) until the proxy has written all five spend logs."""
    api = ProxyAPI(proxy)
    name = f"t-{uuid.uuid4().hex[:10]}"
    start = (_utc_now() - datetime.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    api.ok("POST", "/team/new", json={"team_id": name, "team_alias": name})
    key = api.generate(key_alias=name, team_id=name)
    ids = set()
    try:
        for model, count in CALLS.items():
            for _ in range(count):
                reply = requests.post(
                    f"{proxy.url}/chat/completions", timeout=60,
                    headers={"Authorization": f"Bearer {key['key']}"},
                    json={"model": model, "user": f"{name}-cust",
                          "messages": [{"role": "user", "content": "hi"}]})
                assert reply.status_code == 200, reply.text
                ids.add(reply.json()["id"])
        args = ["spend", "logs", "--key", key["key"], "--start", start, "--all", "-f", "json"]
        deadline = time.monotonic() + WAIT_FOR_LOGS
        while True:
            res = run_cli(args, proxy.url, key=proxy.key)
            assert res.rc == 0, res
            if {log["request_id"] for log in res.json()} >= ids:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"the proxy wrote {len(res.json())} of {len(ids)} spend logs "
                            f"within {WAIT_FOR_LOGS} s")
            time.sleep(2)
        yield {"name": name, "key": key["key"], "hash": key["token"], "start": start,
               "ids": ids, "logs": res.json()}
    finally:
        api.call("POST", "/key/delete", json={"keys": [key["key"]]})
        api.call("POST", "/team/delete", json={"team_ids": [name]})
        api.call("POST", "/customer/delete", json={"user_ids": [f"{name}-cust"]})


def _spend(cli, workload, *args):
    res = cli("spend", *args, "--start", workload["start"], "-f", "json")
    assert res.rc == 0, res
    return res.json()


def test_logs_hold_exactly_the_calls_made_with_the_key(workload):
    logs = workload["logs"]
    assert {log["request_id"] for log in logs} == workload["ids"]
    assert len(logs) == len(workload["ids"])
    assert {log["api_key"] for log in logs} == {workload["hash"]}
    assert {log["team_id"] for log in logs} == {workload["name"]}
    assert {log["end_user"] for log in logs} == {f"{workload['name']}-cust"}
    assert all(isinstance(log["spend"], float) and log["spend"] > 0 for log in logs)
    assert all(isinstance(log["total_tokens"], int) for log in logs)
    # --all reads oldest first
    times = [log["start_time"] for log in logs]
    assert times == sorted(times)


def test_all_reads_every_page_once_with_small_pages(cli, workload):
    logs = _spend(cli, workload, "logs", "--key", workload["hash"], "--all", "--size", "2")
    assert sorted(log["request_id"] for log in logs) == sorted(workload["ids"])


def test_one_page_is_the_newest_logs_first(cli, workload):
    logs = _spend(cli, workload, "logs", "--key", workload["key"], "--size", "2")
    newest = sorted(workload["logs"], key=lambda log: log["start_time"], reverse=True)[:2]
    assert [log["request_id"] for log in logs] == [log["request_id"] for log in newest]
    second = _spend(cli, workload, "logs", "--key", workload["key"], "--size", "2", "--page", "2")
    assert not {log["request_id"] for log in second} & {log["request_id"] for log in logs}


@pytest.mark.parametrize("option,value,expected", [
    ("--model", "mistral-mock", CALLS["mistral-mock"]),
    ("--model", "gpt-4o", CALLS["gpt-4o"]),
    ("--team", "{name}", sum(CALLS.values())),
    ("--customer", "{name}-cust", sum(CALLS.values())),
    ("--customer", "{name}-nobody", 0),
])
def test_logs_filters(cli, workload, option, value, expected):
    if option == "--model" and older(RELEASE, "1.89"):
        # No model_group filter before LiteLLM 1.89: refused, never every model's logs.
        res = cli("spend", "logs", "--key", workload["key"], option, value)
        assert res.rc == 6 and "filtering spend logs by model needs LiteLLM >= 1.89" in res.err
        return
    # Always with --key as well: other tests make calls in the same minutes.
    logs = _spend(cli, workload, "logs", "--all", "--key", workload["key"], option,
                  value.format(**workload))
    assert len(logs) == expected
    assert {log["request_id"] for log in logs} <= workload["ids"]


@pytest.mark.parametrize("group_by,field", [("model", "model_group"), ("key", "api_key"),
                                            ("team", "team_id"), ("customer", "end_user"),
                                            ("day", "day"), ("user", "user")])
def test_report_totals_add_up_to_the_logs(cli, workload, group_by, field):
    rows = _spend(cli, workload, "report", "--group-by", group_by, "--key", workload["key"])
    logs = workload["logs"]
    expected = {}
    for log in logs:
        value = log["start_time"][:10] if field == "day" else log[field]
        total = expected.setdefault(value, {"requests": 0, "spend": 0.0, "total_tokens": 0})
        total["requests"] += 1
        total["spend"] += log["spend"]
        total["total_tokens"] += log["total_tokens"]
    got = {row[field]: row for row in rows}
    assert set(got) == set(expected)
    for value, total in expected.items():
        assert got[value]["requests"] == total["requests"]
        assert got[value]["total_tokens"] == total["total_tokens"]
        assert got[value]["spend"] == pytest.approx(total["spend"], rel=1e-9)
    assert sum(row["spend"] for row in rows) == pytest.approx(
        sum(log["spend"] for log in logs), rel=1e-9)
    if group_by == "key":
        assert rows[0]["key_alias"] == workload["name"]


def test_report_by_model_shows_each_model_of_the_workload(cli, workload):
    rows = _spend(cli, workload, "report", "--group-by", "model", "--team", workload["name"])
    assert {row["model_group"]: row["requests"] for row in rows} == CALLS


def test_csv_has_numbers_as_numbers(cli, workload):
    res = cli("spend", "report", "--group-by", "model", "--key", workload["key"],
              "--start", workload["start"], "-f", "csv")
    assert res.rc == 0, res
    lines = res.out.strip().splitlines()
    assert lines[0] == ('"model_group","requests","failed_requests","prompt_tokens",'
                        '"completion_tokens","total_tokens","spend"')
    for line in lines[1:]:
        fields = next(csv.reader(io.StringIO(line)))
        assert line.startswith('"') and not line.endswith('"'), line
        assert float(fields[-1]) > 0 and int(fields[1]) > 0
    logs = cli("spend", "logs", "--key", workload["key"], "--start", workload["start"],
               "-c", "request_id", "-c", "spend", "-f", "csv")
    assert logs.rc == 0, logs
    assert all(not line.endswith('"') for line in logs.out.strip().splitlines()[1:])


def test_end_before_start_is_a_usage_error(cli):
    res = cli("spend", "logs", "--start", "2025-02-01", "--end", "2025-01-31")
    assert res.rc == 2, res
    assert len(res.err.strip().splitlines()) == 1 and "is not before the end" in res.err


def test_bad_time_is_a_usage_error(cli):
    res = cli("spend", "report", "--start", "last tuesday")
    assert res.rc == 2, res
    assert "expected a UTC time" in res.err and "Traceback" not in res.err


def test_a_date_alone_as_end_means_the_whole_day(cli, workload):
    today = workload["logs"][0]["start_time"][:10]
    logs = _spend(cli, workload, "logs", "--all", "--key", workload["key"], "--end", today)
    assert {log["request_id"] for log in logs} == workload["ids"]


def test_wrong_key_is_an_auth_error(cli):
    res = cli("spend", "logs", key="sk-wrong-key-for-spend")
    assert res.rc == 4, res
    assert "sk-wrong-key-for-spend" not in res.err


def test_report_by_month_and_key_is_csv_a_spreadsheet_sums(cli, workload):
    res = cli("spend", "report", "--period", "month", "--group-by", "key", "--key",
              workload["key"], "--start", workload["start"], "-f", "csv")
    assert res.rc == 0, res
    [header, *lines] = list(csv.reader(io.StringIO(res.out)))
    assert header[:3] == ["month", "api_key", "key_alias"]
    assert header[-2:] == ["max_budget", "budget_used"]
    months = {log["start_time"][:7] for log in workload["logs"]}
    assert {line[0] for line in lines} == months and {line[1] for line in lines} == {
        workload["hash"]}
    assert sum(int(line[header.index("requests")]) for line in lines) == len(workload["ids"])
    # Read back as a spreadsheet does: unquoted cells are numbers, quoted ones text.
    for row in list(csv.reader(io.StringIO(res.out), quoting=csv.QUOTE_NONNUMERIC))[1:]:
        totals = row[header.index("requests"):header.index("spend") + 1]
        assert all(isinstance(value, float) for value in totals), row
        assert isinstance(row[0], str) and row[-2:] == ["", ""]  # no budget: empty cells
