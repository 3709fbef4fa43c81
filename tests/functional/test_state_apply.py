"""``state diff / apply / export``, what every kind shares, run as the installed CLI
against the real proxy (budgets are the kind used here: the other kinds have test files
of their own, tests/functional/test_state_<kind>.py)."""

import json

import pytest
import yaml

from litellm_cli import exceptions
from litellm_cli.api.state_sync import KINDS, StateSync, adapter_class
from litellm_cli.session import Session
from tests.functional.conftest import RELEASE, older


def _file(tmp_path, text, name="state.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _rows(res):
    return {(row["kind"], row["name"]): row for row in json.loads(res.out)}


def test_apply_creates_then_diff_settles_and_a_change_is_made_in_place(cli, tmp_path, unique):
    first = _file(tmp_path, f"owner: {unique}\nbudgets:\n"
                            f"  - {{budget_id: {unique}-a, max_budget: 0.50, tpm_limit: 1_000}}\n"
                            f"  - {{budget_id: {unique}-b, max_budget: 10, budget_duration: 30d}}\n")
    try:
        diff = cli("state", "diff", first, "-f", "json")
        assert diff.rc == 1, diff
        assert {r["action"] for r in json.loads(diff.out)} == {"create"}
        applied = cli("state", "apply", first, "-f", "json")
        assert applied.rc == 0, applied
        assert {r["status"] for r in _rows(applied).values()} == {"created"}
        again = cli("state", "diff", first, "-f", "json")
        assert again.rc == 0, again  # 0.50 is 0.5, 1_000 is 1000: numbers, as the proxy reads
        assert {r["action"] for r in json.loads(again.out)} == {"unchanged"}

        second = _file(tmp_path, f"owner: {unique}\nbudgets:\n"
                                 f"  - {{budget_id: {unique}-b, max_budget: 12, "
                                 f"budget_duration: null}}\n", "second.yaml")
        changed = cli("state", "apply", second, "-f", "json")
        assert changed.rc == 0, changed
        row = _rows(changed)[("budgets", f"{unique}-b")]
        assert row["status"] == "updated"
        assert {c["field"] for c in row["changes"]} == {"max_budget", "budget_duration"}
        budgets = {b["budget_id"]: b for b in json.loads(
            cli("budgets", "list", "-f", "json").out)}
        assert budgets[f"{unique}-b"]["max_budget"] == 12
        assert budgets[f"{unique}-b"]["budget_duration"] is None
        assert cli("state", "diff", second).rc == 0

        exported = cli("state", "export", "--kind", "budgets")
        assert exported.rc == 0, exported
        assert f"budget_id: {unique}-a" in exported.out
        mine = _file(tmp_path, exported.out, "exported.yaml")
        assert cli("state", "diff", mine).rc == 0  # an export applies back with no change
    finally:
        for name in ("a", "b"):
            cli("budgets", "delete", f"{unique}-{name}")


def test_budgets_are_never_pruned_they_carry_no_owner(cli, tmp_path, unique):
    assert cli("budgets", "create", "--budget-id", f"{unique}-x", "--max-budget", "1").rc == 0
    try:
        path = _file(tmp_path, f"owner: {unique}\nbudgets: []\n")
        res = cli("state", "diff", path, "--prune", "-f", "json")
        row = _rows_by_action(res)
        assert row[f"{unique}-x"]["action"] == "unmanaged", res
        applied = cli("state", "apply", path, "--prune", "--yes", "-f", "json")
        assert applied.rc == 0, applied
        assert any(b["budget_id"] == f"{unique}-x"
                   for b in json.loads(cli("budgets", "list", "-f", "json").out))
    finally:
        cli("budgets", "delete", f"{unique}-x")


def _rows_by_action(res):
    return {row["name"]: row for row in json.loads(res.out)}


def test_an_invalid_file_is_refused_before_any_request_that_writes(cli, tmp_path, unique):
    path = _file(tmp_path, f"budgets:\n  - {{budget_id: {unique}, max_budjet: 3}}\n")
    res = cli("state", "apply", path)
    assert res.rc == 2, res
    assert "max_budjet" in res.out and "did you mean max_budget" in res.out
    assert "is invalid" in res.err and "Traceback" not in res.err
    assert not any(b["budget_id"] == unique
                   for b in json.loads(cli("budgets", "list", "-f", "json").out))


def test_a_reference_reads_this_programs_environment(cli, tmp_path, unique):
    path = _file(tmp_path, f"budgets:\n  - {{budget_id: {unique}, max_budget: "
                           "cli.environ/STATE_TEST_BUDGET}\n")
    missing = cli("state", "apply", path)
    assert missing.rc == 2 and "STATE_TEST_BUDGET is not set" in missing.err, missing
    try:
        res = cli("state", "apply", path, env={"STATE_TEST_BUDGET": "7"})
        assert res.rc == 0, res
        budget = [b for b in json.loads(cli("budgets", "list", "-f", "json").out)
                  if b["budget_id"] == unique]
        assert budget[0]["max_budget"] == 7
    finally:
        cli("budgets", "delete", unique)


def test_hostile_ids_stay_one_line_and_never_run(cli, tmp_path, unique):
    hostile = f"{unique}-$(touch /tmp/pwned-{unique}); '\"\u202e"
    path = tmp_path / "hostile.yaml"
    path.write_text(json.dumps({"budgets": [{"budget_id": hostile, "max_budget": 1}]}))
    try:
        res = cli("state", "apply", str(path))
        assert res.rc == 0, res
        assert "\u202e" not in res.out and "\\u202e" in res.out  # escaped on the table
        assert len([line for line in res.out.splitlines() if unique in line]) == 1
        assert cli("state", "diff", str(path)).rc == 0
    finally:
        cli("budgets", "delete", hostile)
    controls = tmp_path / "controls.yaml"
    controls.write_text(json.dumps({"budgets": [{"budget_id": f"{unique}\x1b[31m\n"}]}))
    res = cli("state", "apply", str(controls))
    assert res.rc == 2 and "control characters" in res.out, res
    assert "\x1b" not in res.out + res.err


def test_kinds_newer_than_the_proxy_are_refused_and_left_out_of_an_export(proxy, cli):
    too_new = {section: adapter_class(section) for section in KINDS
               if adapter_class(section).since and older(RELEASE, adapter_class(section).since)}
    if not too_new:
        pytest.skip(f"LiteLLM {RELEASE} serves every kind")
    sync = StateSync(Session(proxy.url, api_key=proxy.key))
    for section, kind in too_new.items():
        with pytest.raises(exceptions.TooOld) as caught:
            sync.plan({section: [{kind.identity: "too-old"}]})
        assert str(caught.value) == (f"{section} in a state file needs LiteLLM >= {kind.since}; "
                                     f"this proxy is LiteLLM {RELEASE}")
    res = cli("state", "export")
    assert res.rc == 0, res
    exported = yaml.safe_load(res.out)
    for section, kind in too_new.items():
        assert section not in exported
        assert (f"note: {section} not exported: {section} in a state file needs LiteLLM >= "
                f"{kind.since}") in res.err
