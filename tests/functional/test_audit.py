"""audit against the real proxy: planted problems are found, a rules file silences them."""

import time

import pytest


@pytest.fixture
def planted(api, unique):
    """A key without budget, an expired key, a key of a user that does not exist,
    and a model without price; all named with ``unique``."""
    open_key = api.generate(key_alias=f"{unique}-open", models=["gpt-4o"], duration="1d")
    expired = api.generate(key_alias=f"{unique}-expired", max_budget=1, models=["gpt-4o"],
                           duration="1s")
    orphan = api.generate(key_alias=f"{unique}-orphan", max_budget=1, models=["gpt-4o"],
                          duration="1d", user_id=f"{unique}-gone")
    api.ok("POST", "/model/new", json={
        "model_name": f"{unique}-unpriced",
        "litellm_params": {"model": f"openai/{unique}-unpriced",
                           "api_base": "http://127.0.0.1:9/v1", "api_key": "sk-not-used"}})
    time.sleep(2)  # the 1s key expires
    try:
        yield {"open": open_key, "expired": expired, "orphan": orphan}
    finally:
        api.delete_keys(f"{unique}-open", f"{unique}-expired", f"{unique}-orphan")
        for deployment in api.ok("GET", "/model/info")["data"]:
            if deployment["model_name"] == f"{unique}-unpriced":
                api.call("POST", "/model/delete", json={"id": deployment["model_info"]["id"]})


def _mine(findings, unique):
    return {(f["rule"], f["object"].split(" ")[0]) for f in findings
            if f["object"].startswith(unique)}


def test_audit_finds_the_planted_problems_and_never_prints_a_secret(cli, planted, unique):
    res = cli("audit", "-f", "json")
    assert res.rc == 1, res
    assert "finding(s) at or above warning" in res.err
    mine = _mine(res.json(), unique)
    assert {("key-no-budget", f"{unique}-open"), ("key-expired", f"{unique}-expired"),
            ("key-orphan", f"{unique}-orphan"), ("model-no-price", f"{unique}-unpriced")} <= mine
    assert ("key-no-budget", f"{unique}-expired") not in mine
    for key in ("open", "expired", "orphan"):
        assert planted[key]["key"] not in res.out + res.err
        assert planted[key]["token"] in res.out


def test_a_rules_file_silences_the_planted_problems(cli, planted, unique, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  key-expired: off\n"
        "exceptions:\n"
        f"  - {{rule: key-no-budget, object: {unique}-open, reason: test}}\n"
        f"  - {{rule: key-orphan, object: {planted['orphan']['token']}, reason: test}}\n"
        f"  - {{rule: model-no-price, object: {unique}-unpriced, reason: test}}\n")
    res = cli("audit", "--rules", str(rules), "-f", "json", "--fail-on", "critical")
    assert res.rc in (0, 1), res
    mine = _mine(res.json(), unique)
    assert not {rule for rule, _ in mine} & {"key-no-budget", "key-expired", "key-orphan",
                                             "model-no-price"}, mine


def test_an_unknown_setting_in_the_rules_file_exits_2_before_reading(cli, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("settings:\n  unused_for: 3d\n")
    res = cli("audit", "--rules", str(rules))
    assert res.rc == 2 and res.out == "", res
    assert len(res.err.strip().splitlines()) == 1 and "unused_for" in res.err
