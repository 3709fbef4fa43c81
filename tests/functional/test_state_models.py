"""credential_list and model_list of a state file through the state engine
(litellm_cli.api.state_sync), against the real proxy.

Every object a test makes is named ``kmodels-<unique>...`` and applied under
the owner ``kmodels-test`` (the proxy may be shared: prune never touches
another owner's objects); all are deleted at the end.
"""

import json
import subprocess
import sys
import textwrap

import pytest
import yaml

from litellm_cli.api.model_config import derived_id
from litellm_cli.api.state_sync import StateSync
from litellm_cli.session import Session

from .test_models import _proxy_models

OWNER = "kmodels-test"
UPSTREAM = {"model": "openai/gpt-4o", "api_base": "http://127.0.0.1:9/v1",
            "mock_response": "hello"}


@pytest.fixture
def mine(cli, unique):
    """A name prefix; every model and credential named with it is deleted at the end."""
    prefix = f"kmodels-{unique}"
    yield prefix
    for model in _proxy_models(cli):
        if model["model_name"].startswith(prefix):
            cli("models", "delete", model["model_info"]["id"])
    listed = cli("credentials", "list", "-f", "json")
    for credential in listed.json() if listed.rc == 0 else ():
        name = credential.get("credential_name") or ""
        if name.startswith(prefix):
            cli("credentials", "delete", name)


def _sync(proxy):
    return StateSync(Session(proxy.url, api_key=proxy.key))


def _apply(proxy, data, prune=False):
    sync = _sync(proxy)
    plan = sync.plan(data, prune=prune)
    sync.execute(plan)
    return plan


def _rows(plan, prefix):
    return [(i.kind, i.name, i.status) for i in plan.items if i.name.startswith(prefix)]


def _ids(proxy_models, prefix):
    return sorted(m["model_info"]["id"] for m in proxy_models
                  if m["model_name"].startswith(prefix))


def _varied(prefix):
    cred = f"{prefix}-cred"
    return {"owner": OWNER,
            "credential_list": [{"credential_name": cred,
                                 "credential_values": {"api_key": "fake-cred-key-1"},
                                 "credential_info": {"custom_llm_provider": "openai"}}],
            "model_list": [
                {"model_name": f"{prefix}-lb", "litellm_params": {**UPSTREAM,
                                                                  "api_key": "fake-key-A"}},
                {"model_name": f"{prefix}-lb", "litellm_params": {**UPSTREAM,
                                                                  "api_key": "fake-key-B"}},
                {"model_name": f"{prefix}-solo", "litellm_params": {**UPSTREAM, "rpm": 5},
                 "model_info": {"description": "the solo one", "mode": "chat"}},
                {"model_name": f"{prefix}-fixed", "litellm_params": {
                    **UPSTREAM, "temperature": 0.5, "input_cost_per_token": 0.0000150},
                 "model_info": {"id": f"{prefix}-fixed-id"}},
                {"model_name": f"{prefix}-via", "litellm_params": {
                    "model": "openai/gpt-4o", "litellm_credential_name": cred}},
                {"model_name": f"{prefix}-$(touch /tmp/x) `id` é ✓",
                 "litellm_params": {**UPSTREAM, "max_tokens": 1000}},
            ]}


def test_a_varied_file_applies_exports_back_unchanged_and_an_rpm_change_updates_in_place(
        proxy, mine):
    data = _varied(mine)
    plan = _apply(proxy, data)
    assert [(i.kind, i.status) for i in plan.items] == [("credential_list", "created")] + [
        ("model_list", "created")] * 6, [(i.name, i.status, i.reason) for i in plan.items]
    models = [i for i in plan.items if i.kind == "model_list"]
    assert [i.id for i in models] == [
        derived_id(OWNER, f"{mine}-lb", 0), derived_id(OWNER, f"{mine}-lb", 1),
        derived_id(OWNER, f"{mine}-solo", 0), f"{mine}-fixed-id",
        derived_id(OWNER, f"{mine}-via", 0),
        derived_id(OWNER, data["model_list"][5]["model_name"], 0)]
    assert _ids(_proxy_models_of(proxy), mine) == sorted(i.id for i in models)

    # The same file again: nothing to do.
    again = _sync(proxy).plan(data)
    assert {i.status for i in again.items} == {"unchanged"} and again.writes == []

    # Export (this owner's), keep this test's objects: it applies back unchanged.
    exported = _sync(proxy).export(["credential_list", "model_list"], owner=OWNER)
    text = json.dumps(exported)
    assert "fake-key" not in text and "fake-cred-key" not in text and "litellm_cli" not in text
    ours = {"owner": OWNER, **{section: [o for o in objects if (
        o.get("credential_name") or o.get("model_name")).startswith(mine)]
        for section, objects in exported.items()}}
    assert len(ours["model_list"]) == 6 and len(ours["credential_list"]) == 1
    solo = next(o for o in ours["model_list"] if o["model_name"] == f"{mine}-solo")
    assert solo["model_info"]["description"] == "the solo one"
    back = _sync(proxy).plan(ours, prune=False)
    assert {i.status for i in back.items} == {"unchanged"}, [
        (i.name, i.status, i.changes) for i in back.items if i.status != "unchanged"]

    # rpm changed in an entry without an id: updated in place, same id, no new deployment.
    data["model_list"][2]["litellm_params"]["rpm"] = 7
    changed = _apply(proxy, data)
    updated = [i for i in changed.items if i.status != "unchanged"]
    assert [(i.name, i.status, i.id) for i in updated] == [
        (f"{mine}-solo", "updated", derived_id(OWNER, f"{mine}-solo", 0))]
    stored = [m for m in _proxy_models_of(proxy) if m["model_name"] == f"{mine}-solo"]
    assert len(stored) == 1 and stored[0]["litellm_params"]["rpm"] == 7


def _proxy_models_of(proxy):
    from litellm_cli.api.models import ModelsAPI

    return ModelsAPI(Session(proxy.url, api_key=proxy.key)).info()


APPLY_SCRIPT = textwrap.dedent("""\
    import json, os, sys, time
    import yaml
    from litellm_cli.api.state_sync import StateSync
    from litellm_cli.session import Session
    url, key, path, go = sys.argv[1:]
    while not os.path.exists(go):
        time.sleep(0.01)
    sync = StateSync(Session(url, api_key=key))
    plan = sync.plan(yaml.safe_load(open(path)))
    sync.execute(plan)
    print(json.dumps([[i.name, i.id, i.status, i.reason] for i in plan.items]))
""")


def test_two_applies_of_one_file_at_once_make_each_deployment_once(proxy, mine, tmp_path):
    data = {"owner": OWNER, "model_list": [
        {"model_name": f"{mine}-c{i % 2}", "litellm_params": {**UPSTREAM, "rpm": i}}
        for i in range(5)]}
    path = tmp_path / "five.yaml"
    path.write_text(yaml.safe_dump(data))
    script, go = tmp_path / "apply.py", tmp_path / "go"
    script.write_text(APPLY_SCRIPT)
    runs = [subprocess.Popen([sys.executable, str(script), proxy.url, proxy.key, str(path),
                              str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    go.write_text("")
    results = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        results.append(json.loads(out))
    assert len(_ids(_proxy_models_of(proxy), mine)) == 5
    for first, second in zip(*results):
        assert first[1] == second[1]  # the same derived id
        statuses = sorted([first[2], second[2]])
        # Made once: by one run; the other found it (planned after, or refused meanwhile).
        assert statuses == ["created", "unchanged"], (first, second)


def test_prune_removes_only_this_owner_s_deployments(proxy, mine, cli, tmp_path):
    entries = [{"model_name": f"{mine}-keep", "litellm_params": UPSTREAM},
               {"model_name": f"{mine}-drop", "litellm_params": UPSTREAM}]
    assert {i.status for i in _apply(proxy, {"owner": OWNER, "model_list": entries}).items} \
        == {"created"}
    other = _apply(proxy, {"owner": "kmodels-other", "model_list": [
        {"model_name": f"{mine}-other", "litellm_params": UPSTREAM}]})
    assert other.items[0].status == "created"
    added = cli("models", "add", f"{mine}-by-hand", "-p", "model=openai/gpt-4o",
                "-p", "mock_response=x", "-f", "json")
    assert added.rc == 0, added

    diff = _sync(proxy).plan({"owner": OWNER, "model_list": entries[:1]}, prune=True)
    assert sorted(_rows(diff, mine)) == sorted([
        ("model_list", f"{mine}-keep", "unchanged"), ("model_list", f"{mine}-drop", "would delete"),
        ("model_list", f"{mine}-other", "unmanaged"),
        ("model_list", f"{mine}-by-hand", "unmanaged")])
    _sync(proxy).execute(diff)
    names = {m["model_name"] for m in _proxy_models_of(proxy) if m["model_name"].startswith(mine)}
    assert names == {f"{mine}-keep", f"{mine}-other", f"{mine}-by-hand"}

    # models apply --prune follows the same rule (the owner from the file's owner:).
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump({"owner": "kmodels-other", "model_list": []}))
    res = cli("models", "apply", str(path), "--prune", "--yes", "-f", "json")
    assert res.rc == 0, res
    assert [(r["name"], r["status"]) for r in res.json() if r["name"].startswith(mine)
            and r["status"] != "unmanaged"] == [(f"{mine}-other", "deleted")]
    names = {m["model_name"] for m in _proxy_models_of(proxy) if m["model_name"].startswith(mine)}
    assert names == {f"{mine}-keep", f"{mine}-by-hand"}



def test_state_commands_export_diff_and_prune_models_and_credentials(proxy, cli, mine, tmp_path):
    data = _varied(mine)
    path = tmp_path / "state.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    applied = cli("state", "apply", str(path), "-f", "json")
    assert applied.rc == 0, applied
    assert [r["status"] for r in applied.json()] == ["created"] * 7
    assert "fake-key" not in applied.out + applied.err

    exported = cli("state", "export", "--kind", "credential_list", "--kind", "model_list",
                   "--owner", OWNER)
    assert exported.rc == 0, exported
    assert "fake-key" not in exported.out and "fake-cred-key" not in exported.out
    found = yaml.safe_load(exported.out)
    assert found["owner"] == OWNER
    ours = {"owner": OWNER, **{section: [o for o in found[section] if (
        o.get("credential_name") or o.get("model_name")).startswith(mine)]
        for section in ("credential_list", "model_list")}}
    back = tmp_path / "back.yaml"
    back.write_text(yaml.safe_dump(ours, allow_unicode=True))
    diff = cli("state", "diff", str(back), "-f", "json")
    assert diff.rc == 0, diff
    assert {r["action"] for r in diff.json()} == {"unchanged"}

    # Drop one model and the credential (its deployment too): --prune deletes them only.
    ours["model_list"] = [m for m in ours["model_list"] if m["model_name"] != f"{mine}-solo"
                          and m["model_name"] != f"{mine}-via"]
    ours["credential_list"] = []
    back.write_text(yaml.safe_dump(ours, allow_unicode=True))
    pruned = cli("state", "apply", str(back), "--prune", "--yes", "-f", "json")
    assert pruned.rc == 0, pruned
    assert sorted((r["kind"], r["name"]) for r in pruned.json() if r["status"] == "deleted") == [
        ("model_list", f"{mine}-solo"), ("model_list", f"{mine}-via")]
    # The credential was still used when the plan was made: kept, and deleted by the next run.
    assert [(r["name"], r["status"]) for r in pruned.json() if r["kind"] == "credential_list"
            and r["name"].startswith(mine)] == [(f"{mine}-cred", "kept")]
    again = cli("state", "apply", str(back), "--prune", "--yes", "-f", "json")
    assert again.rc == 0, again
    assert [(r["name"], r["status"]) for r in again.json() if r["kind"] == "credential_list"
            and r["name"].startswith(mine)] == [(f"{mine}-cred", "deleted")]
    assert len(_ids(_proxy_models_of(proxy), mine)) == 4
