"""state diff / apply / export of teams (with members), users and customers
against a real proxy. Every object is named kteams-... and the files' owner is
kteams-test, so prune never touches anyone else's objects."""

import concurrent.futures
import pytest
import requests
import yaml
from tests.functional.conftest import BEFORE_1_108

OWNER = "kteams-test"
TEAM, TEAM2 = "kteams-t1", "kteams-t2"
ALICE, HOSTILE = "kteams-u1", "kteams-u2 é $(id) `rm -rf ~`; 用户"
CUSTOMER = "kteams-c1"
LONG = "x" * 200_000


def _file(**changes):
    data = {
        "owner": OWNER,
        "teams": [
            {"team_id": TEAM, "team_alias": "T one\u0007\n$(touch /tmp/kteams-pwned)",
             "max_budget": 10, "metadata": {"note": LONG}, "model_rpm_limit": {"gpt-4o": 3},
             "members": [{"user_id": ALICE, "role": "user"},
                         {"user_id": HOSTILE, "role": "user", "max_budget_in_team": 2}]},
            {"team_id": TEAM2, "team_alias": "kteams two"},
        ],
        "users": [{"user_id": ALICE, "user_alias": "Alice", "max_budget": 5,
                   "metadata": {"a": 1}},
                  {"user_id": HOSTILE, "user_alias": "ünïcode\u202e"}],
        "customers": [{"user_id": CUSTOMER, "alias": "C one", "max_budget": 3, "rpm_limit": 7}],
    }
    data.update(changes)
    return data


def _http(proxy, method, path, **kwargs):
    return requests.request(method, proxy.url + path, timeout=60,
                            headers={"Authorization": f"Bearer {proxy.key}"}, **kwargs)


def _clean(proxy):
    _http(proxy, "POST", "/team/delete", json={"team_ids": [TEAM]})
    _http(proxy, "POST", "/team/delete", json={"team_ids": [TEAM2]})
    for user in (ALICE, HOSTILE, "kteams-unmanaged"):
        _http(proxy, "POST", "/user/delete", json={"user_ids": [user]})
    _http(proxy, "POST", "/customer/delete", json={"user_ids": [CUSTOMER]})


@pytest.fixture
def clean(proxy):
    _clean(proxy)
    yield
    _clean(proxy)


@pytest.fixture
def state(cli, tmp_path):
    """``state("apply", data, "--prune", "--yes")``: the command on ``data`` as a file."""
    def run(command, data, *args):
        path = tmp_path / "state.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        return cli("state", command, str(path), *args)
    return run


def _rows(res):
    return {(row["kind"], row["name"]): row for row in res.json()}


def _actions(res):
    return {key: row.get("action", row.get("status")) for key, row in _rows(res).items()}


def _mine(export):
    def ours(obj):
        return any(str(obj.get(f, "")).startswith("kteams-") for f in ("team_id", "user_id"))
    return {kind: [o for o in objects if ours(o)] for kind, objects in export.items()
            if kind in ("teams", "users", "customers")}


def test_apply_then_diff_and_export_round_trip_unchanged(clean, state, cli, proxy, tmp_path):
    res = state("apply", _file(), "-f", "json")
    assert res.rc == 0, res
    assert set(_actions(res).values()) == {"created"}, res
    assert (("team_members", f"{TEAM}/{HOSTILE}")) in _rows(res)
    for line in res.out.splitlines() + res.err.splitlines():
        assert "\x07" not in line and "\u202e" not in line
    again = state("diff", _file(), "-f", "json")
    assert again.rc == 0 and set(_actions(again).values()) == {"unchanged"}, again

    exported = cli("state", "export", "--kind", "teams", "--kind", "users", "--kind",
                   "customers", "-o", str(tmp_path / "export.yaml"))
    assert exported.rc == 0, exported
    mine = _mine(yaml.safe_load((tmp_path / "export.yaml").read_text()))
    team = next(t for t in mine["teams"] if t["team_id"] == TEAM)
    assert team["metadata"] == {"note": LONG} and team["model_rpm_limit"] == {"gpt-4o": 3}
    assert sorted(team["members"], key=lambda m: m["user_id"]) == [
        {"user_id": ALICE, "role": "user"},
        {"user_id": HOSTILE, "role": "user", "max_budget_in_team": 2.0}]
    assert {c["user_id"]: c for c in mine["customers"]}[CUSTOMER] == {
        "user_id": CUSTOMER, "alias": "C one", "max_budget": 3.0, "rpm_limit": 7}
    text = (tmp_path / "export.yaml").read_text()
    assert "litellm_cli_owner" not in text and "spend" not in text and "created_at" not in text
    back = state("diff", {"owner": OWNER, **mine}, "-f", "json")
    assert back.rc == 0 and set(_actions(back).values()) == {"unchanged"}, back
    assert not (tmp_path / "kteams-pwned").exists()


def test_one_field_per_kind_is_updated_in_place(clean, state, proxy):
    assert state("apply", _file()).rc == 0
    created = _http(proxy, "GET", "/team/info", params={"team_id": TEAM}).json()
    changed = _file()
    changed["teams"][0].update(max_budget=20, model_rpm_limit=None)
    changed["teams"][0]["members"][1]["max_budget_in_team"] = None
    changed["users"][0]["max_budget"] = 6
    changed["customers"][0]["max_budget"] = 4
    res = state("apply", changed, "-f", "json")
    assert res.rc == 0, res
    assert _actions(res)[("teams", TEAM)] == "updated"
    assert _actions(res)[("team_members", f"{TEAM}/{HOSTILE}")] == "updated"
    assert _actions(res)[("users", ALICE)] == "updated"
    assert _actions(res)[("customers", CUSTOMER)] == "updated"
    assert _actions(res)[("teams", TEAM2)] == "unchanged"
    info = _http(proxy, "GET", "/team/info", params={"team_id": TEAM}).json()["team_info"]
    assert info["created_at"] == created["team_info"]["created_at"]  # in place
    assert info["max_budget"] == 20 and "model_rpm_limit" not in info["metadata"]
    # The owner marker and the operator's metadata survive the update.
    assert info["metadata"]["litellm_cli_owner"] == OWNER and info["metadata"]["note"] == LONG
    diff = state("diff", changed, "-f", "json")
    assert diff.rc == 0 and set(_actions(diff).values()) == {"unchanged"}, diff


def test_what_the_proxy_cannot_do_fails_with_a_reason(clean, state):
    assert state("apply", _file()).rc == 0
    changed = _file()
    changed["customers"][0]["rpm_limit"] = 8  # /customer/update does not take it
    res = state("diff", changed, "-f", "json")
    row = _rows(res)[("customers", CUSTOMER)]
    assert res.rc != 0 and row["action"] == "invalid"
    assert "cannot change a customer's rpm_limit" in row["reason"]


def test_members_not_listed_are_removed_and_no_members_key_leaves_them(clean, state, proxy):
    assert state("apply", _file()).rc == 0
    without = _file()
    del without["teams"][0]["members"]
    assert set(_actions(state("diff", without, "-f", "json")).values()) == {"unchanged"}
    fewer = _file()
    fewer["teams"][0]["members"] = [{"user_id": ALICE, "role": "user"}]
    res = state("apply", fewer, "--yes", "-f", "json")  # a removal is confirmed as a prune
    assert res.rc == 0 and _actions(res)[("team_members", f"{TEAM}/{HOSTILE}")] == "deleted"
    members = _http(proxy, "GET", "/team/info", params={"team_id": TEAM}).json()[
        "team_info"]["members_with_roles"]
    assert {m["user_id"] for m in members} == {ALICE, "default_user_id"}


def test_prune_deletes_only_the_owners_objects(clean, state, cli, proxy):
    assert state("apply", _file()).rc == 0
    made = cli("users", "create", "--user-id", "kteams-unmanaged", "-f", "json")
    assert made.rc == 0, made
    fewer = _file(users=[u for u in _file()["users"] if u["user_id"] != ALICE],
                  teams=[_file()["teams"][0]])
    fewer["teams"][0]["members"] = [fewer["teams"][0]["members"][1]]
    res = state("apply", fewer, "--prune", "--yes", "-f", "json")
    assert res.rc == 0, res
    actions = _actions(res)
    assert actions[("users", ALICE)] == "deleted" and actions[("teams", TEAM2)] == "deleted"
    assert actions[("users", "kteams-unmanaged")] == "unmanaged"
    assert _http(proxy, "GET", "/user/info", params={"user_id": "kteams-unmanaged"}).ok
    # Customers carry no owner: never pruned.
    assert _http(proxy, "GET", "/customer/info", params={"end_user_id": CUSTOMER}).ok


def test_two_applies_at_once_make_no_duplicate_and_say_what_happened(clean, state, proxy):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: state("apply", _file(), "-f", "json"), range(2)))
    for res in results:
        assert res.rc == 0, res
    teams = [t for t in _http(proxy, "GET", "/team/list").json() if t["team_id"] == TEAM]
    assert len(teams) == 1
    created = [res for res in results if _actions(res)[("teams", TEAM)] == "created"]
    assert len(created) == 1, [r.out for r in results]
    assert set(_actions(state("diff", _file(), "-f", "json")).values()) == {"unchanged"}


@BEFORE_1_108
def test_a_password_is_refused_by_the_proxy_and_never_shown(clean, state, cli):
    data = _file()
    data["users"][0]["password"] = "kteams-S3cret-pw"
    res = state("apply", data, "-f", "json")
    row = _rows(res)[("users", ALICE)]
    # The proxy takes no password on /user/new (users set theirs by invitation).
    assert res.rc == 1 and row["status"] == "failed" and "password" in row["reason"], res
    assert "kteams-S3cret-pw" not in res.out + res.err
    out = cli("state", "export", "--kind", "users", "--owner", OWNER)
    assert out.rc == 0 and "kteams-S3cret-pw" not in out.out and "litellm_cli_owner" not in out.out
    assert "ünïcode" in out.out
