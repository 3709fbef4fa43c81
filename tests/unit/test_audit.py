"""audit: the rules engine on planted problems, rules files, exit codes, offline state files."""

import shlex
import datetime
import json

import pytest

from litellm_cli import exceptions, shell
from litellm_cli.api import audit
from tests.unit.conftest import PINNED, FakeSession, release

NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)
TOKEN = "a" * 64


def _days(n):
    return (NOW + datetime.timedelta(days=n)).isoformat()


def _clean_state():
    """A state where no rule finds anything."""
    return {
        "keys": [{"token": TOKEN, "key_alias": "ci", "max_budget": 5, "expires": _days(30),
                  "models": ["gpt-4o"], "user_id": "u1", "team_id": "t1",
                  "created_at": _days(-10), "last_active": _days(-1)}],
        "teams": [{"team_id": "t1", "team_alias": "T1", "max_budget": 10,
                   "members_with_roles": [{"user_id": "u1", "role": "user"}]}],
        "users": [{"user_id": "u1", "max_budget": 3, "teams": ["t1"]}],
        "model_list": [{"model_name": "gpt-4o", "litellm_params": {"model": "openai/gpt-4o",
                                                                   "litellm_credential_name": "c"},
                        "model_info": {"id": "m1", "db_model": True,
                                       "input_cost_per_token": 1e-6,
                                       "output_cost_per_token": 2e-6}}],
        "credential_list": [{"credential_name": "c"}],
        "budgets": [{"budget_id": "b1"}],
        "customers": [{"user_id": "cust", "budget_id": "b1"}],
    }


def _rules(state, policy=None, **kwargs):
    return [(f["rule"], f["object"]) for f in
            audit.audit(state, policy or audit.Policy(), now=NOW, **kwargs)]


def test_a_clean_state_has_no_finding():
    assert _rules(_clean_state()) == []


def _key(**changes):
    state = _clean_state()
    state["keys"][0].update(changes)
    return state


@pytest.mark.parametrize("rule,state", [
    ("key-no-budget", _key(max_budget=None)),
    ("key-no-expiry", _key(expires=None)),
    ("key-expired", _key(expires=_days(-2))),
    ("key-blocked-long", _key(blocked=True, updated_at=_days(-40))),
    ("key-unused", _key(last_active=_days(-100))),
    ("key-all-models", _key(models=[], team_id=None)),
    ("key-all-models", _key(models=["all-proxy-models"])),
    ("key-orphan", _key(user_id="gone")),
    ("key-orphan", _key(team_id="gone")),
    ("key-no-alias", _key(key_alias=None)),
])
def test_each_key_rule_finds_its_planted_problem(rule, state):
    assert rule in [r for r, _ in _rules(state)]


def test_a_proxy_admins_key_is_critical_unless_it_is_the_callers_own():
    state = _clean_state()
    state["users"][0]["user_role"] = "proxy_admin"
    [finding] = audit.audit(state, audit.Policy(), now=NOW)
    assert (finding["rule"], finding["severity"]) == ("key-admin", "critical")
    assert _rules(state, master_token=TOKEN) == []


def test_duplicated_aliases_flag_every_key_that_shares_it():
    state = _clean_state()
    state["keys"].append({**state["keys"][0], "token": "b" * 64})
    assert sorted(_rules(state)) == [("key-duplicate-alias", f"ci ({'a' * 64})"),
                                     ("key-duplicate-alias", f"ci ({'b' * 64})")]


def test_unused_says_which_source_it_used():
    [used] = audit.audit(_key(last_active=_days(-100)), audit.Policy(), now=NOW)
    [never] = audit.audit(_key(last_active=None, created_at=_days(-100)), audit.Policy(),
                          now=NOW)
    assert "last_active" in used["problem"] and "100 days" in used["problem"]
    assert "never used" in never["problem"] and "created 100 days ago" in never["problem"]


@pytest.mark.parametrize("rule,kind,change", [
    ("team-no-budget", "teams", {"max_budget": None}),
    ("team-no-members", "teams", {"members_with_roles": []}),
    ("user-no-budget", "users", {"max_budget": None}),
    ("model-no-price", "model_list", {"model_info": {"id": "m1"}}),
    ("customer-no-budget", "customers", {"budget_id": None}),
])
def test_each_people_and_model_rule_finds_its_planted_problem(rule, kind, change):
    state = _clean_state()
    state[kind][0].update(change)
    assert rule in [r for r, _ in _rules(state)]


def test_a_zero_price_the_proxy_fills_in_is_no_price_but_one_the_deployment_sets_is():
    # LiteLLM 1.100.5 shows 0 in model_info for a model LiteLLM's price list lacks.
    state = _clean_state()
    model = state["model_list"][0]
    model["model_info"].update(input_cost_per_token=0, output_cost_per_token=0)
    assert _rules(state) == [("model-no-price", "gpt-4o (m1)")]
    model["litellm_params"].update(input_cost_per_token=0, output_cost_per_token=0)
    assert _rules(state) == []


def test_a_user_in_no_team_with_keys_is_found():
    state = _clean_state()
    state["users"][0]["teams"] = []
    state["teams"][0]["members_with_roles"] = [{"user_id": "other"}]
    assert ("user-no-team", "u1") in _rules(state)


def test_unused_credentials_and_budgets_and_config_plus_db_models_are_found():
    state = _clean_state()
    state["credential_list"].append({"credential_name": "spare"})
    state["budgets"].append({"budget_id": "lonely"})
    state["model_list"].append({**state["model_list"][0],
                                "model_info": {**state["model_list"][0]["model_info"],
                                               "id": "m2", "db_model": False}})
    assert set(_rules(state)) == {("credential-unused", "spare"), ("budget-unused", "lonely"),
                                  ("model-config-and-db", "gpt-4o")}


def test_max_key_lifetime_flags_a_key_expiring_later():
    state = _key(expires=_days(200))
    assert _rules(state) == []
    policy = audit.Policy.from_document({"settings": {"max_key_lifetime": "90d"}})
    [finding] = audit.audit(state, policy, now=NOW)
    assert finding["rule"] == "key-no-expiry" and "max_key_lifetime 90d" in finding["problem"]


def test_a_rules_file_turns_rules_off_changes_severity_and_names_exceptions():
    state = _key(max_budget=None, key_alias=None, expires=None)
    policy = audit.Policy.from_document({
        "rules": {"key-no-alias": "off", "key-no-budget": {"severity": "critical"}},
        "exceptions": [{"rule": "key-no-expiry", "object": TOKEN, "reason": "service key"}]})
    assert [(f["rule"], f["severity"]) for f in audit.audit(state, policy, now=NOW)] == [
        ("key-no-budget", "critical")]


@pytest.mark.parametrize("document,message", [
    ({"rules": {"key-no-budjet": "off"}}, "unknown rule 'key-no-budjet'"),
    ({"settings": {"unused_afer": "3d"}}, "unknown setting 'unused_afer'"),
    ({"settings": {"unused_after": "soon"}}, "settings.unused_after"),
    ({"rules": {"key-no-budget": "loud"}}, "expected off or one of"),
    ({"exceptions": [{"rule": "key-no-budget", "object": "x"}]}, "expected rule, object"),
    ({"exceptions": [{"rule": "key-no-budget", "object": "x", "reason": ""}]}, "give a reason"),
    ({"rulez": {}}, "unknown section 'rulez'"),
    (["key-no-budget"], "expected a mapping"),
])
def test_a_bad_rules_document_is_refused_by_name(document, message):
    with pytest.raises(audit.PolicyError, match=message):
        audit.Policy.from_document(document)


def test_findings_never_show_a_secret():
    state = _key(key="sk-secret-value-123", key_name="sk-...-123", max_budget=None)
    text = json.dumps(audit.audit(state, audit.Policy(), now=NOW))
    assert "sk-secret" not in text and TOKEN in text


def test_read_state_pages_keys_and_users_and_reads_every_kind():
    keys = [{"token": f"t{i}"} for i in range(150)]

    def key_page(params):
        page, size = params["page"], params["size"]
        return {"keys": keys[(page - 1) * size:page * size], "total_pages": 2}

    session = FakeSession({
        ("GET", "/key/list"): key_page,
        ("GET", "/user/list"): lambda params: {"users": [{"user_id": "u"}], "total_pages": 1},
        ("GET", "/team/list"): [{"team_id": "t"}],
        ("GET", "/model/info"): {"data": [{"model_name": "m"}]},
        ("GET", "/credentials"): {"credentials": []},
        ("GET", "/budget/list"): [],
        ("GET", "/customer/list"): [],
        **release(PINNED),
    })
    state = audit.read_state(session)
    assert len(state["keys"]) == 150 and state["users"] == [{"user_id": "u"}]
    assert state["teams"] == [{"team_id": "t"}] and state["model_list"] == [{"model_name": "m"}]
    assert [c[2]["params"]["page"] for c in session.calls if c[1] == "/key/list"] == [1, 2]


# -- the command, offline on a state file --------------------------------------

STATE_FILE = """\
keys:
  - key_alias: ci
    max_budget: 5
    duration: 30d
    models: [gpt-4o]
  - key_alias: wide-open
    models: [gpt-4o]
    duration: 30d
model_list:
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, input_cost_per_token: 0.000001,
                     output_cost_per_token: 0.000002}
"""


def _audit(tmp_path, capsys, *argv, rules=None):
    state = tmp_path / "state.yaml"
    state.write_text(STATE_FILE)
    extra = []
    if rules is not None:
        (tmp_path / "rules.yaml").write_text(rules)
        extra = ["--rules", str(tmp_path / "rules.yaml")]
    code = shell.main(["audit", str(state), "-f", "json", *extra, *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_audit_file_finds_problems_offline_and_exits_1(tmp_path, capsys):
    code, out, err = _audit(tmp_path, capsys)
    assert code == 1 and "1 finding(s) at or above warning" in err
    [finding] = json.loads(out)
    assert (finding["rule"], finding["object"]) == ("key-no-budget", "wide-open")
    assert "--key-alias wide-open" in finding["fix"]


def test_fail_on_a_higher_level_exits_0_with_the_findings_shown(tmp_path, capsys):
    code, out, _ = _audit(tmp_path, capsys, "--fail-on", "error")
    assert code == 0 and len(json.loads(out)) == 1


def test_a_rules_file_exception_silences_the_finding(tmp_path, capsys):
    code, out, _ = _audit(tmp_path, capsys, rules=(
        "exceptions:\n  - {rule: key-no-budget, object: wide-open, reason: capped upstream}\n"))
    assert code == 0 and json.loads(out) == []


def test_an_unknown_rule_in_the_rules_file_exits_2_in_one_line(tmp_path, capsys):
    code, out, err = _audit(tmp_path, capsys, rules="rules:\n  no-such-rule: off\n")
    assert code == exceptions.EXIT_USAGE and out == ""
    assert len(err.strip().splitlines()) == 1 and "no-such-rule" in err


def test_a_state_file_of_the_wrong_shape_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("keys: {ci: 1}\n")
    assert shell.main(["audit", str(path)]) == exceptions.EXIT_USAGE
    assert "keys: expected a list of objects" in capsys.readouterr().err


def test_list_rules_shows_the_rules_files_severities(tmp_path, capsys):
    (tmp_path / "r.yaml").write_text("rules:\n  key-no-alias: off\n  key-unused: error\n")
    assert shell.main(["audit", "--list-rules", "--rules", str(tmp_path / "r.yaml"),
                       "-f", "json"]) == 0
    rules = {r["rule"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rules) == set(audit.RULES)
    assert rules["key-no-alias"]["severity"] == "off"
    assert rules["key-unused"]["severity"] == "error"
    assert all(r["explanation"] for r in rules.values())


def test_parallel_paging_keeps_page_order_and_an_item_shown_twice_once():
    from concurrent.futures import ThreadPoolExecutor

    from litellm_cli.api.keys import KeysAPI

    pages = {1: ["a", "b"], 2: ["b", "c"], 3: ["d"]}  # "b" pushed onto page 2 meanwhile
    session = FakeSession({("GET", "/key/list"): lambda params: {
        "keys": pages[params["page"]], "total_pages": 3}})
    with ThreadPoolExecutor(3) as pool:
        got = list(KeysAPI(session).all_parallel(pool, size=2, return_full_object=False))
    assert got == ["a", "b", "c", "d"]


def test_offline_a_model_without_price_in_the_file_is_only_a_note():
    state = _clean_state()
    state["model_list"][0]["model_info"] = {"id": "m1"}
    [online] = audit.audit(state, audit.Policy(), now=NOW)
    [offline] = audit.audit(state, audit.Policy(), now=NOW, offline=True)
    assert (online["severity"], offline["severity"]) == ("error", "info")
    assert "LiteLLM's price list" in offline["problem"]


def test_a_file_with_none_of_the_object_kinds_is_refused_not_judged_clean(tmp_path, capsys):
    path = tmp_path / "rules-by-mistake.yaml"
    path.write_text("rules:\n  key-no-alias: off\n")
    assert shell.main(["audit", str(path)]) == exceptions.EXIT_USAGE
    assert "none of the object kinds" in capsys.readouterr().err


def test_a_suggested_fix_quotes_names_so_copying_it_runs_nothing_they_hold():
    state = _clean_state()
    hostile = "t1; touch /tmp/pwned $(id)"
    state["teams"][0].update(team_id=hostile, max_budget=None)
    state["keys"][0]["team_id"] = hostile
    fixes = [f["fix"] for f in audit.audit(state, audit.Policy(), now=NOW)
             if f["rule"] == "team-no-budget"]
    assert fixes and all(shlex.split(fix)[3] == hostile for fix in fixes)
