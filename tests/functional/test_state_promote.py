"""The whole proxy as code across two real proxies: a varied proxy (every kind a state
file manages, hostile names and values) is exported and promoted to a second proxy by
composition (``state export | state apply -``); diff against both then shows nothing, a
re-apply sends no write, and a stopped apply completes when run again."""

import json
import os
import signal
import subprocess
import time

import yaml

from tests.functional.conftest import BEFORE_1_108, CLI, cli_env, run_cli

SECRET = "sk-upstream-promote-0123456789abcdef"


def _varied(p):
    """A state file with one object (at least) of every kind, names made to hurt."""
    hostile = f"{p} $(touch /tmp/{p}-pwned) ☃ `id` 'q\""
    return {
        "owner": f"{p}-owner",
        "budgets": [{"budget_id": f"{p}-budget", "max_budget": 5, "budget_duration": "30d"}],
        "users": [{"user_id": f"{p}-user", "user_email": f"{p}@example.com", "max_budget": 3,
                   "metadata": {"note": hostile}}],
        "teams": [{"team_id": f"{p}-team", "team_alias": hostile, "max_budget": 10,
                   "models": [f"{p}-model"], "metadata": {"cost_center": "42\ttab"},
                   "members": [{"user_id": f"{p}-user", "role": "user"}]}],
        "customers": [{"user_id": f"{p}-customer", "budget_id": f"{p}-budget",
                       "alias": hostile}],
        "credential_list": [{"credential_name": f"{p}-cred",
                             "credential_values": {"api_key": "cli.environ/PROMOTE_SECRET"},
                             "credential_info": {"custom_llm_provider": "openai"}}],
        "model_list": [{"model_name": f"{p}-model",
                        "litellm_params": {"model": "openai/gpt-4o-mini",
                                           "litellm_credential_name": f"{p}-cred",
                                           "mock_response": hostile, "rpm": 10,
                                           "temperature": 0.50},
                        "model_info": {"mode": "chat", "max_tokens": 1_000}},
                       {"model_name": f"{p}-model",  # load balanced: two deployments
                        "litellm_params": {"model": "openai/gpt-4o", "mock_response": "b",
                                           "rpm": 20}}],
        "keys": [{"key_alias": f"{p}-key", "team_id": f"{p}-team", "max_budget": 1,
                  "models": [f"{p}-model"], "metadata": {"purpose": hostile}}],
        "tags": [{"name": f"{p}-tag", "description": hostile}],
        "mcp_server_list": [{"server_id": f"{p}-mcp", "server_name": f"{p}_mcp".replace("-", "_"),
                             "url": "http://127.0.0.1:9/mcp", "transport": "http",
                             "description": hostile}],
        "guardrail_list": [{"guardrail_name": f"{p}-guard", "litellm_params": {
            "guardrail": "lakera_v2", "mode": "pre_call", "api_base": "http://127.0.0.1:9"}}],
        "search_tool_list": [{"search_tool_name": f"{p}-search", "litellm_params": {
            "search_provider": "tavily", "api_base": "http://127.0.0.1:9"}}],
        "access_group_list": [{"access_group_name": f"{p}-group", "description": hostile,
                               "access_model_names": [f"{p}-model"]}],
        "agent_list": [{"agent_name": f"{p}-agent", "agent_card_params": {
            "description": hostile, "url": "http://127.0.0.1:9/",
            "capabilities": {"streaming": True}}, "litellm_params": {"custom": {"x": 1}}}],
        "vector_store_list": [{"vector_store_id": f"{p}-store", "custom_llm_provider": "bedrock",
                               "vector_store_description": hostile,
                               "litellm_params": {"aws_region_name": "us-east-1"}}],
        "prompt_list": [{"prompt_id": f"{p}-prompt", "litellm_params": {
            "prompt_id": f"{p}-prompt", "prompt_integration": "dotprompt",
            "prompt_data": {"content": hostile, "metadata": {"model": "gpt-4"}}}}],
    }


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return str(path)


def _mine(exported, p):
    """The objects of an export that this test made (the proxies are shared by the suite)."""
    data = yaml.safe_load(exported)
    return {section: ([o for o in objects if p in json.dumps(o, ensure_ascii=False)]
                      if isinstance(objects, list) else objects)
            for section, objects in data.items()}


def _cleanup(proxy, p, tmp_path):
    """Delete everything of this test: an apply --prune of an empty file of its owner, and
    the kinds that carry no owner by hand."""
    empty = {"owner": f"{p}-owner", "teams": [], "users": [], "credential_list": [],
             "model_list": [], "keys": [], "mcp_server_list": [], "guardrail_list": [],
             "search_tool_list": [], "vector_store_list": [], "prompt_list": []}
    run_cli(["state", "apply", _write(tmp_path, "empty.yaml", empty), "--prune", "--yes"],
            proxy.url, key=proxy.key)
    for args in (["customers", "delete", f"{p}-customer"], ["budgets", "delete", f"{p}-budget"],
                 ["http", "request", "POST", "/tag/delete", "-j",
                  json.dumps({"name": f"{p}-tag"})]):
        run_cli(args, proxy.url, key=proxy.key)
    # Access groups and agents carry no owner, so prune never deletes them: by their ids.
    for route, name in (("/v1/access_group", "access_group_name"), ("/v1/agents", "agent_name")):
        listed = run_cli(["http", "request", "GET", route], proxy.url, key=proxy.key)
        for found in (json.loads(listed.out) if listed.rc == 0 else []):
            if found[name].startswith(p):
                ident = found.get("access_group_id") or found.get("agent_id")
                run_cli(["http", "request", "DELETE", f"{route}/{ident}"], proxy.url,
                        key=proxy.key)


@BEFORE_1_108
def test_promote_a_varied_proxy_by_composition_and_nothing_is_left_to_do(
        proxy, second_proxy, tmp_path, unique):
    p = f"pr-{unique}"
    env = {"PROMOTE_SECRET": SECRET}
    source = _write(tmp_path, "source.yaml", _varied(p))
    try:
        built = run_cli(["state", "apply", source, "--secrets-out", str(tmp_path / "k1.jsonl"),
                         "-f", "json"], proxy.url, key=proxy.key, env=env)
        assert built.rc == 0, built
        assert {r["status"] for r in built.json()} == {"created"}, built

        # Promotion is composition: export of the owner | apply - on the other proxy.
        exported = run_cli(["state", "export", "--owner", f"{p}-owner"], proxy.url,
                           key=proxy.key)
        assert exported.rc == 0, exported
        assert SECRET not in exported.out and "sk-" not in exported.out
        # No secret is exported: a credential is promoted with a reference to its value.
        mine = _mine(exported.out, p)
        assert "credential_values" not in mine["credential_list"][0]
        mine["credential_list"][0]["credential_values"] = {
            "api_key": "cli.environ/PROMOTE_SECRET"}
        promoted = _write(tmp_path, "promoted.yaml", mine)
        with open(promoted, encoding="utf-8") as handle:
            applied = run_cli(["state", "apply", "-", "--secrets-out",
                               str(tmp_path / "k2.jsonl"), "-f", "json"], second_proxy.url,
                              key=second_proxy.key, input=handle.read(), env=env)
        assert applied.rc == 0, applied
        statuses = {(r["kind"], r["name"]): r["status"] for r in applied.json()}
        assert set(statuses.values()) == {"created"}, statuses
        assert len([r for r in applied.json() if r["kind"] == "model_list"]) == 2

        # Nothing left to do on either proxy, for the promoted file.
        for target in (proxy, second_proxy):
            diff = run_cli(["state", "diff", promoted, "-f", "json"], target.url,
                           key=target.key, env=env)
            assert diff.rc == 0, (target.url, diff)
        again = run_cli(["--debug", "state", "apply", promoted], second_proxy.url,
                        key=second_proxy.key, env=env)
        assert again.rc == 0, again
        writes = [line for line in again.err.splitlines() if line.startswith("REQ: curl")
                  and " -X GET " not in line]
        assert writes == [], writes  # an unchanged file sends no write
        assert SECRET not in again.err

        # The new key works on the second proxy, with the secret saved for it only there.
        saved = [json.loads(line) for line in (tmp_path / "k2.jsonl").read_text().splitlines()]
        assert [s["key_alias"] for s in saved] == [f"{p}-key"]
        assert oct(os.stat(tmp_path / "k2.jsonl").st_mode & 0o777) == "0o600"
        works = run_cli(["models", "list"], second_proxy.url, key=saved[0]["key"])
        assert works.rc == 0, works

        # One field per kind changed in place on the second proxy.
        changed = _mine(exported.out, p)  # without the credential's value: not compared
        changed["budgets"][0]["max_budget"] = 6
        changed["users"][0]["max_budget"] = 4
        changed["teams"][0]["max_budget"] = 11
        changed["keys"][0]["max_budget"] = 2
        changed["model_list"][0]["litellm_params"]["rpm"] = 11
        changed["guardrail_list"][0]["litellm_params"]["api_base"] = "http://127.0.0.1:10"
        changed["access_group_list"][0]["description"] = "changed"
        changed["agent_list"][0]["litellm_params"]["custom"] = {"x": 2}
        changed["vector_store_list"][0]["vector_store_description"] = "changed"
        result = run_cli(["state", "apply", _write(tmp_path, "changed.yaml", changed),
                          "-f", "json"], second_proxy.url, key=second_proxy.key)
        assert result.rc == 0, result
        updated = {(r["kind"], r["status"]) for r in result.json() if r["status"] != "unchanged"}
        assert updated == {("budgets", "updated"), ("users", "updated"), ("teams", "updated"),
                           ("keys", "updated"), ("model_list", "updated"),
                           ("guardrail_list", "updated"), ("access_group_list", "updated"),
                           ("agent_list", "updated"), ("vector_store_list", "updated")}, result
    finally:
        _cleanup(proxy, p, tmp_path)
        _cleanup(second_proxy, p, tmp_path)


def test_a_stopped_apply_completes_when_run_again(proxy, tmp_path, unique):
    p = f"stop-{unique}"
    data = {"owner": f"{p}-owner",
            "teams": [{"team_id": f"{p}-team-{i}", "max_budget": i} for i in range(100)]}
    path = _write(tmp_path, "teams.yaml", data)
    env = cli_env(proxy.url, proxy.key)
    try:
        # SIGINT as a terminal's Ctrl-C sends it, also when these tests run in a
        # background job (whose children start with SIGINT ignored).
        started = subprocess.Popen([CLI, "state", "apply", path, "-f", "json"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                    signal.SIG_DFL))
        time.sleep(2.5)  # part-way, or done already on a fast machine: both must end well
        started.send_signal(signal.SIGINT)
        out, err = started.communicate(timeout=120)
        assert started.returncode in (0, 130), err
        assert "Traceback" not in err
        if started.returncode == 130:
            assert "Stopped early" in err and "run the same apply again" in err
            assert {r["status"] for r in json.loads(out)} <= {
                "created", "not applied", "unknown"}
        again = run_cli(["state", "apply", path, "-f", "json"], proxy.url, key=proxy.key)
        assert again.rc == 0, again
        assert run_cli(["state", "diff", path], proxy.url, key=proxy.key).rc == 0
        teams = json.loads(run_cli(["teams", "list", "-f", "json"], proxy.url,
                                   key=proxy.key).out)
        mine = [t["team_id"] for t in teams if t["team_id"].startswith(p)]
        assert sorted(mine) == sorted(t["team_id"] for t in data["teams"])  # none twice
    finally:
        empty = _write(tmp_path, "empty.yaml", {"owner": f"{p}-owner", "teams": []})
        run_cli(["state", "apply", empty, "--prune", "--yes"], proxy.url, key=proxy.key)
