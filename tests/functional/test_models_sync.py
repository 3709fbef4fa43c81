"""Config as code end to end against the real proxy: import, export, diff, apply.

Every model a test creates has the test's unique string in its name and is
deleted at the end. ``apply --prune`` deletes only the deployments of the
file's owner that the file does not list, so the prune test applies, under an
owner of its own (its unique string), only its own entries of an export: the
proxy may be shared with other runs.
"""

import json
import os
import signal
import stat
import subprocess
import time

import pytest
import yaml

from . import test_models
from .conftest import CLI, RELEASE, cli_env, older, wait_for
from .test_models import DATA, _proxy_models

# The same fixture: deletes every model named with the test's unique string.
cleanup = test_models.cleanup

UPSTREAM = {"model": "openai/gpt-4o", "api_base": "http://127.0.0.1:9/v1",
            "mock_response": "hello"}


def _write(tmp_path, config, name="config.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return str(path)


def _lb_file(tmp_path, prefix):
    """Two load-balanced deployments (same name and model, another api_key) and one more."""
    return _write(tmp_path, {"model_list": [
        {"model_name": f"{prefix}-lb", "litellm_params": {**UPSTREAM, "api_key": "fake-key-A"}},
        {"model_name": f"{prefix}-lb", "litellm_params": {**UPSTREAM, "api_key": "fake-key-B"}},
        {"model_name": f"{prefix}-solo", "litellm_params": {**UPSTREAM, "rpm": 5},
         "model_info": {"description": "the solo one"}},
    ]}, "lb.yaml")


def _ids(cli, name):
    return sorted(m["model_info"]["id"] for m in _proxy_models(cli) if m["model_name"] == name)


def _stored_key(cli, model_id):
    """The api_key the proxy holds for a deployment, masked by the proxy (fa****-A)."""
    res = cli("http", "request", "GET", f"/credentials/by_model/{model_id}",
              "--show-secret", "credential_values", "--show-secret", "api_key")
    assert res.rc == 0, res
    return res.json()["credential_values"].get("api_key")


def _key_is(cli, model_id, check):
    """``check(_stored_key(...))`` where the proxy can tell: before LiteLLM 1.85 its
    GET /credentials/by_model/{id} answers 422 (the route asks for a credential_name),
    so no API shows a deployment's key and it goes unchecked."""
    return older(RELEASE, "1.85") or check(_stored_key(cli, model_id))


def _writes(res):
    return [line for line in res.err.splitlines()
            if line.startswith("REQ: curl") and " -X GET " not in line]


def test_load_balanced_file_imported_twice_has_each_deployment_exactly_once(
        cli, cleanup, tmp_path):
    path = _lb_file(tmp_path, cleanup)
    first = cli("models", "import", path, "-f", "json")
    assert first.rc == 0, first
    assert [r["status"] for r in first.json()] == ["created"] * 3
    lb_ids = [r["id"] for r in first.json()[:2]]
    assert sorted(lb_ids) == _ids(cli, f"{cleanup}-lb") and len(set(lb_ids)) == 2
    assert all(_key_is(cli, i, lambda k, want=want: k == want)
               for i, want in zip(lb_ids, ["fa****-A", "fa****-B"]))

    again = cli("models", "import", path, "-f", "json")
    assert again.rc == 0, again
    assert [(r["status"], r["id"]) for r in again.json()] == [
        ("skipped", r["id"]) for r in first.json()]
    assert len(_ids(cli, f"{cleanup}-lb")) == 2 and len(_ids(cli, f"{cleanup}-solo")) == 1


def test_export_diff_apply_in_place_and_prune_only_what_the_file_drops(cli, cleanup, tmp_path):
    assert cli("models", "import", _lb_file(tmp_path, cleanup)).rc == 0
    out = tmp_path / "export.yaml"
    exported = cli("models", "export", "-o", str(out))
    assert exported.rc == 0 and exported.out == "", exported
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert "left out 2 from the proxy's config file" in exported.err  # gpt-4o, mistral-mock
    text = out.read_text()
    assert "fake-key" not in text and "api_key" not in text
    config = yaml.safe_load(text)
    mine = [e for e in config["model_list"] if e["model_name"].startswith(cleanup)]
    assert len(mine) == 3 and all(e["model_info"]["id"] for e in mine)
    solo = next(e for e in mine if e["model_name"] == f"{cleanup}-solo")
    assert solo["litellm_params"] == {**UPSTREAM, "rpm": 5}
    assert solo["model_info"] == {"id": solo["model_info"]["id"], "description": "the solo one"}

    # Only this test's deployments, under an owner of its own. The first apply
    # adopts them (imported by the default owner, litellm-cli: an update of the
    # record only); after that, the export round-trips: nothing to do, nothing sent.
    config = {"owner": cleanup, "model_list": mine}
    out = tmp_path / "mine.yaml"
    out.write_text(yaml.safe_dump(config, sort_keys=False))
    adopted = cli("models", "apply", str(out), "-f", "json")
    assert adopted.rc == 0, adopted
    assert {r["status"] for r in adopted.json()} == {"updated"}
    assert all(r["changes"] == [{"field": "model_info.litellm_cli_sync.owner",
                                 "old": "litellm-cli", "new": cleanup}] for r in adopted.json())
    assert cli("models", "diff", str(out)).rc == 0
    unchanged = cli("--debug", "models", "apply", str(out), "-f", "json")
    assert unchanged.rc == 0, unchanged
    assert _writes(unchanged) == []
    assert {r["status"] for r in unchanged.json()} == {"unchanged"}

    # One param changed: diff shows it, apply changes it in place.
    lb = next(e for e in mine if e["model_name"] == f"{cleanup}-lb")
    lb["litellm_params"]["rpm"] = 42
    changed = _write(tmp_path, config, "changed.yaml")
    diff = cli("models", "diff", changed, "-f", "json")
    assert diff.rc == 1, diff
    updates = [r for r in diff.json() if r["action"] != "unchanged"]
    assert updates == [{"action": "update", "kind": "model", "name": f"{cleanup}-lb",
                        "upstream_model": "openai/gpt-4o", "id": lb["model_info"]["id"],
                        "changes": [{"field": "litellm_params.rpm", "old": None, "new": 42}],
                        "reason": None}]
    applied = cli("--debug", "models", "apply", changed, "-f", "json")
    assert applied.rc == 0, applied
    writes = _writes(applied)
    assert len(writes) == 1 and " -X PATCH " in writes[0], writes
    assert f"/model/{lb['model_info']['id']}/update " in writes[0]
    assert "fake-key" not in applied.out + applied.err
    stored = [m for m in _proxy_models(cli) if m["model_info"]["id"] == lb["model_info"]["id"]]
    assert stored[0]["litellm_params"]["rpm"] == 42
    # The api_key the file does not give is kept.
    assert _key_is(cli, lb["model_info"]["id"], lambda k: k in ("fa****-A", "fa****-B"))
    assert cli("models", "diff", changed).rc == 0

    # An entry removed from the file: apply keeps it, apply --prune removes only it.
    config["model_list"].remove(solo)
    dropped = _write(tmp_path, config, "dropped.yaml")
    kept = cli("models", "apply", dropped, "-f", "json")
    assert kept.rc == 0 and _ids(cli, f"{cleanup}-solo") == [solo["model_info"]["id"]], kept
    pruned = cli("models", "apply", dropped, "--prune", "--yes", "-f", "json")
    assert pruned.rc == 0, pruned
    assert [(r["name"], r["id"]) for r in pruned.json() if r["status"] == "deleted"] == [
        (f"{cleanup}-solo", solo["model_info"]["id"])]
    assert _ids(cli, f"{cleanup}-solo") == [] and len(_ids(cli, f"{cleanup}-lb")) == 2


def test_apply_creates_and_updates_a_credential_and_export_lists_it_without_values(
        cli, cleanup, tmp_path):
    name = f"{cleanup}-cred"
    config = {"credential_list": [{"credential_name": name,
                                   "credential_values": {"api_key": "fake-cred-key-1"},
                                   "credential_info": {"custom_llm_provider": "openai"}}],
              "model_list": [{"model_name": f"{cleanup}-via", "litellm_params": {
                  "model": "openai/gpt-4o", "litellm_credential_name": name,
                  "mock_response": "hi"}}]}
    try:
        res = cli("models", "apply", _write(tmp_path, config), "-f", "json")
        assert res.rc == 0, res
        assert [(r["kind"], r["status"]) for r in res.json()] == [("credential", "created"),
                                                                  ("model", "created")]
        config["credential_list"][0]["credential_values"]["api_key"] = "fake-cred-key-2"
        res = cli("models", "apply", _write(tmp_path, config), "-f", "json")
        assert res.rc == 0, res
        # Values cannot be read back, so they are not compared: said, not sent.
        assert [r["status"] for r in res.json()] == ["unchanged", "unchanged"]
        assert "not compared" in res.json()[0]["reason"]
        res = cli("models", "apply", _write(tmp_path, config), "--force-secrets", "-f", "json")
        assert res.rc == 0, res
        assert [r["status"] for r in res.json()] == ["updated", "unchanged"]
        assert res.json()[0]["changes"] == [
            {"field": "credential_values.api_key", "old": "(not compared)", "new": "***"}]
        assert "fake-cred-key" not in res.out + res.err
        def stored_key():
            stored = cli("http", "request", "GET", f"/credentials/by_name/{name}",
                         "--show-secret", "credential_values", "--show-secret", "api_key")
            return stored.json()["credential_values"]["api_key"]

        # Before LiteLLM 1.85 the proxy shows (and serves) it after its next sync (30s).
        assert wait_for(lambda: stored_key().endswith("-2")), stored_key()

        exported = cli("models", "export")
        assert exported.rc == 0, exported
        assert "fake-cred-key" not in exported.out
        credentials = yaml.safe_load(exported.out).get("credential_list")
        assert {"credential_name": name,
                "credential_info": {"custom_llm_provider": "openai"}} in credentials, exported
    finally:
        for model in _proxy_models(cli):
            if model["model_name"] == f"{cleanup}-via":
                cli("models", "delete", model["model_info"]["id"])
        cli("credentials", "delete", name)


def test_litellm_example_configs_with_partial_entries(cli, cleanup, tmp_path):
    path = tmp_path / "examples.yaml"
    path.write_text((DATA / "litellm-example-configs.yaml").read_text().replace("PREFIX", cleanup))
    dry = cli("models", "import", str(path), "--dry-run", "-f", "json")
    assert dry.rc == 0, dry
    assert "note: model_list[4] (gpt-3.5-turbo) has no litellm_params.model" in dry.err
    res = cli("models", "import", str(path), "-f", "json")
    created = [r["id"] for r in res.json() if r["status"] == "created"]
    try:
        rows = [(r["name"], r["upstream_model"], r["status"]) for r in res.json()]
        # Each entry on its own: the load-balanced pair is two deployments; the
        # proxy cannot serve mistralai/... (no such provider) and says so.
        assert rows[:4] == [
            (f"{cleanup}-gpt-3.5-turbo", "gpt-3.5-turbo", "created"),
            (f"{cleanup}-gpt-3.5-turbo", "gpt-3.5-turbo", "created"),
            (f"{cleanup}-gpt-3.5-turbo", "openrouter/gpt-3.5-turbo", "created"),
            (f"{cleanup}-mistral-7b-instruct", "mistralai/mistral-7b-instruct", "failed")]
        assert rows[4][:2] == ("gpt-3.5-turbo", "gpt-3.5-turbo")
        assert rows[4][2] in ("created", "skipped")  # another run may have left one
        assert res.rc == 1 and "1 of 5 models failed to import" in res.err, res
        assert "sk-uj6F" not in res.out + res.err
        assert len(_ids(cli, f"{cleanup}-gpt-3.5-turbo")) == 3
    finally:
        for model_id in created:
            cli("models", "delete", model_id)


def test_import_reads_the_file_from_stdin(cli, cleanup):
    text = yaml.safe_dump({"model_list": [{"model_name": f"{cleanup}-stdin",
                                           "litellm_params": UPSTREAM}]})
    res = cli("models", "import", "-", "-f", "json", input=text)
    assert res.rc == 0, res
    assert [r["status"] for r in res.json()] == ["created"]
    assert len(_ids(cli, f"{cleanup}-stdin")) == 1


def test_ctrl_c_during_import_reports_exactly_what_the_proxy_has(proxy, cli, cleanup, tmp_path):
    count = 40
    path = _write(tmp_path, {"model_list": [
        {"model_name": f"{cleanup}-{i:02d}", "litellm_params": UPSTREAM} for i in range(count)]})
    proc = subprocess.Popen([CLI, "models", "import", path, "--workers", "1", "-f", "json"],
                            env=cli_env(proxy.url, proxy.key), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sum(1 for m in _proxy_models(cli) if m["model_name"].startswith(cleanup)) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    rows = json.loads(out)
    on_proxy = {m["model_info"]["id"] for m in _proxy_models(cli)}
    created = [r for r in rows if r["status"] == "created"]
    assert 3 <= len(created) < count, err
    assert all(r["id"] in on_proxy for r in created)
    assert {r["status"] for r in rows} <= {"created", "not imported"}, rows
    assert sum(1 for m in _proxy_models(cli) if m["model_name"].startswith(cleanup)) == len(
        created)
    assert "Stopped early" in err and err.rstrip().endswith("Interrupted")


@pytest.mark.parametrize("command", ["diff", "apply"])
def test_diff_and_apply_of_a_bad_file_are_usage_errors(cli, tmp_path, command):
    path = tmp_path / "bad.yaml"
    path.write_text("model_list: {not: a list}\n")
    res = cli("models", command, str(path))
    assert res.rc == 2 and len(res.err.strip().splitlines()) == 1, res


def _info_of(cli, model_id):
    res = cli("http", "request", "GET", f"/model/info?litellm_model_id={model_id}")
    assert res.rc == 0, res
    return res.json()["data"][0]


def test_export_keeps_the_model_info_set_with_models_add_and_no_secret_named_field(
        cli, cleanup, tmp_path, proxy_version, request):
    if older(proxy_version, "1.108") and not older(proxy_version, "1.90"):
        # Known and open: on these releases (seen on 1.90.7 and 1.100.5; 1.80.17 and
        # 1.108.7 keep it) the export leaves out the model_info set with -i (README,
        # "Works with"). Strict: it fails here until that is fixed.
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "models export loses model_info set with models add -i on LiteLLM 1.90 to 1.107")))
    # An upstream model no other test uses: the proxy copies a deployment's mode
    # and max_tokens into the price map entry every deployment of that model shares.
    added = cli("models", "add", f"{cleanup}-own", "-p", "model=openai/gpt-4-0613",
                "-p", "api_base=http://127.0.0.1:9/v1", "-p", "input_cost_per_token=0.0000150",
                "-i", "mode=embedding", "-i", "max_tokens=1000", "-i", "supports_vision=true",
                "-i", "description=mine", "-i", "webhook_token=hook-secret-value", "-f", "json")
    assert added.rc == 0, added
    exported = cli("models", "export")
    assert exported.rc == 0, exported
    assert "hook-secret-value" not in exported.out and "webhook_token" not in exported.out
    entry = next(e for e in yaml.safe_load(exported.out)["model_list"]
                 if e["model_name"] == f"{cleanup}-own")
    assert entry["model_info"] == {"id": added.json()["id"], "mode": "embedding",
                                   "max_tokens": 1000, "supports_vision": True,
                                   "description": "mine"}
    assert entry["litellm_params"]["input_cost_per_token"] == 1.5e-05
    # Applied back, the file changes nothing but adopting the deployment (models add
    # made it: no owner recorded); after that, nothing at all.
    path = _write(tmp_path, {"model_list": [entry]})
    diff = cli("models", "diff", path, "-f", "json")
    assert diff.rc == 1 and diff.json()[0]["changes"] == [
        {"field": "model_info.litellm_cli_sync.owner", "old": None, "new": "litellm-cli"}], diff
    assert cli("models", "apply", path).rc == 0
    assert cli("models", "diff", path).rc == 0


def test_yaml_numbers_mean_what_they_mean_to_the_proxy_and_the_diff_settles(
        cli, cleanup, tmp_path, proxy_version):
    path = tmp_path / "numbers.yaml"
    path.write_text(f"""model_list:
- model_name: {cleanup}-num
  litellm_params:
    model: openai/gpt-4o
    api_base: http://127.0.0.1:9/v1
    temperature: 0.50
    max_tokens: 1_000
    input_cost_per_token: 0.0000150
""")
    res = cli("models", "apply", str(path), "-f", "json")
    assert res.rc == 0 and res.json()[0]["status"] == "created", res
    stored = _info_of(cli, res.json()[0]["id"])["litellm_params"]
    assert (stored["temperature"], stored["max_tokens"]) == (0.5, 1000)
    # LiteLLM 1.80.17 stores the price it was sent as a number as text (1.90.7: a number).
    price = "1.5e-05" if older(proxy_version, "1.90") else 1.5e-05
    assert stored["input_cost_per_token"] == price
    diff = cli("models", "diff", str(path), "-f", "json")
    assert diff.rc == 0 and diff.json()[0]["action"] == "unchanged", diff


def test_a_null_the_proxy_cannot_clear_is_refused_and_a_clearable_one_removes_the_param(
        cli, cleanup, tmp_path, proxy_version):
    entry = {"model_name": f"{cleanup}-null",
             "litellm_params": {**UPSTREAM, "rpm": 5, "input_cost_per_token": 1e-06}}
    res = cli("models", "apply", _write(tmp_path, {"model_list": [entry]}), "-f", "json")
    assert res.rc == 0, res
    ident = res.json()[0]["id"]
    entry["model_info"] = {"id": ident}
    entry["litellm_params"]["rpm"] = None
    path = _write(tmp_path, {"model_list": [entry]})
    res = cli("models", "apply", path, "-f", "json")
    assert res.rc == 1 and res.json()[0]["status"] == "failed", res
    assert "litellm_params.rpm cannot be removed" in res.json()[0]["reason"]
    assert _info_of(cli, ident)["litellm_params"]["rpm"] == 5
    assert cli("models", "diff", path).rc == 2  # still refused, never "applied"

    entry["litellm_params"].update(rpm=5, input_cost_per_token=None)
    path = _write(tmp_path, {"model_list": [entry]})
    res = cli("models", "apply", path, "-f", "json")
    if older(proxy_version, "1.87"):  # a null clears no param before 1.87: refused, not sent
        assert res.rc == 1 and res.json()[0]["status"] == "failed", res
        assert res.json()[0]["reason"] == ("removing input_cost_per_token needs LiteLLM >= "
                                           f"1.87; this proxy is LiteLLM {proxy_version}")
        assert "input_cost_per_token" in _info_of(cli, ident)["litellm_params"]
        return
    assert res.rc == 0 and res.json()[0]["status"] == "updated", res
    assert "input_cost_per_token" not in _info_of(cli, ident)["litellm_params"]
    assert cli("models", "diff", path).rc == 0


def test_a_secret_changed_elsewhere_is_noted_by_diff_and_force_secrets_sends_it_again(
        cli, cleanup, tmp_path, api):
    entry = {"model_name": f"{cleanup}-sec",
             "litellm_params": {**UPSTREAM, "api_key": "fake-file-key-1234"}}
    res = cli("models", "apply", _write(tmp_path, {"model_list": [entry]}), "-f", "json")
    assert res.rc == 0, res
    ident = res.json()[0]["id"]
    assert cli("models", "update", ident, "-p", "api_key=fake-other-key-9876").rc == 0
    assert _key_is(cli, ident, lambda k: k.endswith("76"))  # masked: fa****76
    entry["model_info"] = {"id": ident}
    path = _write(tmp_path, {"model_list": [entry]})
    diff = cli("models", "diff", path, "-f", "json")
    assert diff.rc == 0, diff
    assert "not compared" in diff.json()[0]["reason"] and "litellm_params.api_key" in diff.out
    res = cli("models", "apply", path, "--force-secrets", "-f", "json")
    assert res.rc == 0 and res.json()[0]["status"] == "updated", res
    assert _key_is(cli, ident, lambda k: k.endswith("34"))
    assert "fake-file-key" not in res.out + res.err
    # What every virtual key reads in /model/info holds nothing derived from the secret.
    alias = f"{cleanup}-reader"
    reader = api.generate(key_alias=alias)["key"]
    try:
        seen = cli("http", "request", "GET", f"/model/info?litellm_model_id={ident}", key=reader)
        assert seen.rc == 0, seen
        # (entry: the derived id of an entry without one; this file now gives the id.)
        assert set(seen.json()["data"][0]["model_info"]["litellm_cli_sync"]) <= {
            "v", "owner", "fingerprint", "twin", "info", "entry"}
    finally:
        api.delete_keys(alias)


def test_an_export_with_a_key_that_is_not_admin_fails_and_writes_no_file(
        cli, cleanup, tmp_path, api):
    alias = f"{cleanup}-not-admin"
    key = api.generate(key_alias=alias)["key"]
    out = tmp_path / "export.yaml"
    try:
        res = cli("models", "export", "-o", str(out), key=key)
    finally:
        api.delete_keys(alias)
    assert res.rc == 4 and not out.exists(), res
    assert res.err.startswith("Error: models export needs a proxy admin key")
    assert len(res.err.strip().splitlines()) == 1


@pytest.mark.parametrize("config", [
    {"model_list": [{"model_name": "NAME", "litellm_params": UPSTREAM,
                     "model_info": {"id": "NAME/slash"}}]},
    {"credential_list": [{"credential_name": "NAME", "credential_values": {"api_key": "a-1"}},
                         {"credential_name": "NAME", "credential_values": {"api_key": "a-2"}}],
     "model_list": []},
])
def test_an_id_with_a_slash_or_a_credential_given_twice_is_refused_before_anything_is_sent(
        cli, cleanup, tmp_path, config):
    path = _write(tmp_path, json.loads(json.dumps(config).replace("NAME", cleanup)))
    assert cli("models", "diff", path).rc == 2
    res = cli("models", "apply", path)
    assert res.rc == 2, res
    assert not [m for m in _proxy_models(cli) if cleanup in m["model_name"]]
    assert cli("credentials", "get", cleanup).rc == 5
