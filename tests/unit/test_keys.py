"""Keys commands and the shared paging/listing/delete helpers, against a fake session."""

import hashlib

import pytest

from litellm_cli import exceptions, utils
from litellm_cli.api.keys import KeysAPI
from litellm_cli.api.paging import walk_pages
from litellm_cli.plugins import keys as plugin
from tests.unit.conftest import FakeSession, run, shown

NOT_FOUND = exceptions.NotFound("No keys found", http_status=404)


def _pages(pages):
    """A /key/list answer per page number, from lists of tokens."""
    def answer(params):
        page = params["page"] or 1
        keys = pages[page - 1] if page <= len(pages) else []
        return {"keys": [{"token": t, "key_alias": f"a-{t}"} for t in keys],
                "total_pages": len(pages)}
    return answer


# -- helpers in utils ---------------------------------------------------------

def test_walk_pages_drops_items_pushed_onto_the_next_page_by_new_objects():
    pages = {1: (["c", "b"], 2), 2: (["b", "a"], 2)}  # "d" was created between the pages
    assert list(walk_pages(pages.__getitem__, lambda x: x)) == ["c", "b", "a"]


def test_walk_pages_fetches_a_page_only_when_the_previous_is_consumed():
    fetched = []

    def fetch(page):
        fetched.append(page)
        return [page], 3

    items = walk_pages(fetch, lambda x: x)
    assert fetched == []
    assert next(items) == 1 and fetched == [1]
    assert list(items) == [2, 3] and fetched == [1, 2, 3]


def test_walk_pages_stops_on_an_empty_page():
    assert list(walk_pages(lambda page: ([], 5), lambda x: x)) == []


def test_parallel_pages_come_in_order_with_at_most_a_few_pages_read_ahead():
    """An export of a large proxy holds a few pages, not the whole listing."""
    from concurrent.futures import ThreadPoolExecutor

    pages = [[f"t{p}-{i}" for i in range(3)] for p in range(12)]
    session = FakeSession({("GET", "/key/list"): _pages(pages)})
    with ThreadPoolExecutor(max_workers=4) as pool:
        items = KeysAPI(session).all_parallel(pool, size=3, ahead=2)
        got = [next(items) for _ in range(4)]  # page 1 and the first of page 2
        fetched = {c[2]["params"]["page"] for c in session.calls}
        assert fetched <= {1, 2, 3, 4}
        got += list(items)
    assert [k["token"] for k in got] == [t for page in pages for t in page]


def test_delete_each_tries_all_reports_each_and_counts_failures():
    reports, done = [], []

    def fail():
        raise NOT_FOUND

    targets = [("key a", lambda: done.append("a")), ("key b", fail),
               ("key c", lambda: done.append("c"))]
    with pytest.raises(exceptions.CLIError) as error:
        utils.delete_each(targets, reports.append, "keys")
    assert done == ["a", "c"]
    assert reports == ["Deleted key a", "Failed to delete key b: No keys found (HTTP 404)",
                       "Deleted key c"]
    assert str(error.value) == "1 of 3 keys failed to delete"
    assert error.value.exit_code == exceptions.EXIT_FAILURE


def test_delete_each_all_good_raises_nothing():
    reports = []
    utils.delete_each([("team t", lambda: None)], reports.append, "teams")
    assert reports == ["Deleted team t"]


# -- keys list ----------------------------------------------------------------

def test_list_all_streams_rows_page_by_page():
    session = FakeSession({("GET", "/key/list"): _pages([["t1", "t2"], ["t3"]])})
    (columns, rows), _ = run(plugin.ListKey, ["--all", "--size", "2"], session)
    assert session.calls == []  # nothing fetched until the formatter asks for rows
    assert columns == plugin.LIST_COLUMNS
    assert next(rows)[0] == "t1" and len(session.calls) == 1
    assert [r[0] for r in rows] == ["t2", "t3"] and len(session.calls) == 2
    assert [c[2]["params"]["page"] for c in session.calls] == [1, 2]
    assert session.calls[0][2]["params"]["size"] == 2


def test_list_all_reads_100_per_page_by_default_and_sends_filters():
    session = FakeSession({("GET", "/key/list"): _pages([["t1"]])})
    (_, rows), _ = run(plugin.ListKey, ["--all", "--user-id", "u1", "--include-team-keys"],
                       session)
    list(rows)
    params = session.calls[0][2]["params"]
    assert params == {"page": 1, "size": 100, "return_full_object": "true", "user_id": "u1",
                      "include_team_keys": "true"}


def test_list_json_shows_every_field_and_table_the_summary():
    session = FakeSession({("GET", "/key/list"): _pages([["t1"]])})
    (columns, rows), _ = run(plugin.ListKey, ["-f", "json"], session)
    assert columns == ("token", "key_alias") and list(rows) == [("t1", "a-t1")]
    (columns, _), _ = run(plugin.ListKey, [], session)
    assert columns == plugin.LIST_COLUMNS


def test_no_return_full_object_asks_for_hashes_only():
    session = FakeSession({("GET", "/key/list"): {"keys": ["h1", "h2"], "total_pages": 1}})
    (columns, rows), _ = run(plugin.ListKey, ["--no-return-full-object"], session)
    assert columns == ("token",) and list(rows) == [("h1",), ("h2",)]
    assert session.calls[0][2]["params"]["return_full_object"] == "false"


@pytest.mark.parametrize("argv", [["--size", "0"], ["--page", "x"]])
def test_list_bad_paging_is_a_usage_error(argv):
    with pytest.raises(exceptions.UsageError):
        run(plugin.ListKey, argv, FakeSession())


# -- keys generate ------------------------------------------------------------

def _generate(argv, answers=None):
    session = FakeSession({("POST", "/key/generate"): lambda body: {"key": "sk-new", **body},
                           **(answers or {})})
    result, _ = run(plugin.GenerateKey, argv, session)
    return shown(result), session


@pytest.mark.parametrize("option", ["--spend", "--max-budget"])
def test_spend_is_sent_as_the_budget_limit(option):
    _, session = _generate([option, "100", "--models", "gpt-4o, mistral-mock"])
    body = session.calls[-1][2]["body"]
    assert body == {"max_budget": 100.0, "models": ["gpt-4o", "mistral-mock"]}


def test_generate_sends_every_option():
    answers = {("GET", "/team/info"): {"team_id": "t"},
               ("POST", "/budget/info"): [{"budget_id": "b"}]}
    out, session = _generate(["--aliases", '{"fast": "gpt-4o"}', "--config", '{"x": 1}',
                              "--duration", "7d", "--key-alias", "k", "--team-id", "t",
                              "--user-id", "u", "--budget-id", "b"], answers)
    assert session.calls[-1][2]["body"] == {
        "aliases": {"fast": "gpt-4o"}, "config": {"x": 1}, "duration": "7d", "key_alias": "k",
        "team_id": "t", "user_id": "u", "budget_id": "b"}
    assert out["key"] == "sk-new"


@pytest.mark.parametrize("argv", [
    ["--spend", "1", "--max-budget", "1"], ["--spend", "-1"], ["--spend", "lots"],
    ["--duration", "24"], ["--duration", "3y"], ["--aliases", "{nope"], ["--config", "[]"]])
def test_generate_bad_input_is_a_usage_error_before_any_call(argv):
    with pytest.raises(exceptions.UsageError):
        _generate(argv)


@pytest.mark.parametrize("value", ["30s", "15m", "24h", "7d", "2w", "1mo", "monthly"])
def test_duration_accepts_the_proxy_forms(value):
    _, session = _generate(["--duration", value])
    assert session.calls[-1][2]["body"] == {"duration": value}


def test_unknown_team_or_budget_stops_before_generating():
    team_gone = {("GET", "/team/info"): exceptions.NotFound("Team not found", http_status=404)}
    with pytest.raises(exceptions.NotFound):
        _generate(["--team-id", "t"], team_gone)
    with pytest.raises(exceptions.NotFound) as error:
        _generate(["--budget-id", "b"], {("POST", "/budget/info"): []})
    assert "'b'" in str(error.value)


# -- keys info / delete -------------------------------------------------------

def test_info_shows_the_hash_instead_of_the_key_it_was_given():
    session = FakeSession({("GET", "/key/info"): {"key": "sk-raw", "info": {"spend": 1.5}}})
    result, _ = run(plugin.ShowKey, ["--key", "sk-raw"], session)
    assert shown(result) == {"token": hashlib.sha256(b"sk-raw").hexdigest(), "spend": 1.5}


def test_delete_sends_one_call_per_key_and_alias_and_masks_keys():
    def delete(body):
        return NOT_FOUND if body in ({"keys": ["sk-gone0000"]}, {"key_aliases": ["x"]}) else {}

    session = FakeSession({("POST", "/key/delete"): delete})
    with pytest.raises(exceptions.CLIError) as error:
        run(plugin.DeleteKey, ["--keys", "sk-live1234,sk-gone0000,abc123",
                               "--key-aliases", "a,x"], session)
    assert [c[2]["body"] for c in session.calls] == [
        {"keys": ["sk-live1234"]}, {"keys": ["sk-gone0000"]}, {"keys": ["abc123"]},
        {"key_aliases": ["a"]}, {"key_aliases": ["x"]}]
    assert str(error.value) == "2 of 5 keys failed to delete"


def test_delete_report_names_keys_without_the_secret():
    session = FakeSession({("POST", "/key/delete"): {}})
    _, app = run(plugin.DeleteKey, ["--keys", "sk-secretvalue1234"], session)
    assert app.stderr.getvalue() == "Deleted key sk-...1234\n"


def test_delete_without_keys_or_aliases_is_a_usage_error():
    with pytest.raises(exceptions.UsageError):
        run(plugin.DeleteKey, ["--keys", " , "], FakeSession())


def test_keys_api_iter_all_uses_the_token_to_drop_repeats():
    pages = [["b", "a"], ["a", "z"]]
    api = KeysAPI(FakeSession({("GET", "/key/list"): _pages(pages)}))
    assert [k["token"] for k in api.iter_all()] == ["b", "a", "z"]


def test_generate_looks_each_team_and_budget_up_once_and_a_missing_one_every_time():
    session = FakeSession({
        ("GET", "/team/info"): lambda params, **kw: (
            {"team_id": params["team_id"]} if params["team_id"] == "t"
            else exceptions.NotFound("Team not found", http_status=404)),
        ("POST", "/budget/info"): lambda body, **kw: [{"budget_id": "b"}],
        ("POST", "/key/generate"): {"key": "sk-new"}})
    keys = KeysAPI(session)
    for _ in range(3):
        keys.generate({"team_id": "t", "budget_id": "b"})
    for _ in range(2):
        with pytest.raises(exceptions.NotFound):
            keys.generate({"team_id": "gone"})
    looked = [(c[1], (c[2].get("params") or c[2].get("body"))) for c in session.calls
              if c[1] != "/key/generate"]
    assert looked == [("/team/info", {"team_id": "t"}), ("/budget/info", {"budgets": ["b"]}),
                      ("/team/info", {"team_id": "gone"}), ("/team/info", {"team_id": "gone"})]


def test_a_listing_without_budget_ids_is_completed_from_key_info_and_one_with_them_is_not():
    # LiteLLM 1.80.17 lists keys without budget_id; /key/info has it.
    session = FakeSession({("GET", "/key/info"): lambda params, **kw: {
        "info": {"budget_id": "b1" if params["key"] == "t1" else None}}})
    keys = KeysAPI(session).with_budget_ids([{"token": "t1"}, {"token": "t2"},
                                             {"token": "t3", "budget_id": None}])
    assert [k["budget_id"] for k in keys] == ["b1", None, None]
    assert [c[2]["params"]["key"] for c in session.calls] == ["t1", "t2"]


def test_a_budget_table_the_listing_lacks_is_read_for_keys_with_a_budget():
    # Before 1.108 /key/list has no litellm_budget_table: a soft_budget's row
    # would look like a budget of its own (and an import would fail on it).
    table = {"budget_id": "b1", "soft_budget": 2.5}
    session = FakeSession({("GET", "/key/info"): lambda params, **kw: {
        "info": {"budget_id": "b1", "litellm_budget_table": table}}})
    keys = KeysAPI(session).with_budget_ids([
        {"token": "t1", "budget_id": "b1", "litellm_budget_table": None},  # as 1.90.7 lists
        {"token": "t2", "budget_id": None},
        {"token": "t3", "budget_id": "b1", "litellm_budget_table": table}])
    assert keys[0]["litellm_budget_table"] == table and "litellm_budget_table" not in keys[1]
    assert [c[2]["params"]["key"] for c in session.calls] == ["t1"]
