"""Redaction sweep: every command with --debug, on success and error paths, against the real
proxy. No known secret may appear in stdout or stderr, unless printing that exact value is the
command's purpose (the key `keys generate` just made, on stdout only)."""

import json
import uuid

import pytest

from tests.functional.conftest import closed_port, run_cli

U = uuid.uuid4().hex[:8]
CRED_SECRET = f"cred-secret-value-{U}"
MODEL_SECRET = f"model-upstream-secret-{U}"
IMPORT_SECRET = f"import-upstream-secret-{U}"
WRONG_KEY = f"sk-wrong-key-{U}"


class Sweep:
    def __init__(self, proxy, vkey):
        self.proxy = proxy
        self.secrets = [proxy.key, vkey, CRED_SECRET, MODEL_SECRET, IMPORT_SECRET, WRONG_KEY]
        self.vkey = vkey

    def run(self, *args, key=None, url=None, allowed_on_stdout=(), expect_ok=True, **kwargs):
        res = run_cli(["--debug", *args], url or self.proxy.url,
                      key=self.proxy.key if key is None else key, **kwargs)
        if expect_ok:
            assert res.rc == 0, res
        else:
            assert res.rc != 0, res
        for secret in self.secrets:
            assert secret not in res.err, (secret, args, res.err[-3000:])
            if secret not in allowed_on_stdout:
                assert secret not in res.out, (secret, args, res.out[-3000:])
        return res


@pytest.fixture(scope="module")
def sweep(proxy, tmp_path_factory):
    made = run_cli(["keys", "generate", "--key-alias", f"red-{U}", "--models", "gpt-4o",
                    "-f", "value", "-c", "key"], proxy.url, key=proxy.key)
    assert made.rc == 0, made
    vkey = made.out.strip()
    yield Sweep(proxy, vkey)
    for args in (["keys", "delete", "--key-aliases", f"red-{U},red2-{U}"],
                 ["credentials", "delete", f"red-cred-{U}"],
                 ["credentials", "delete", f"red-imported-cred-{U}"],
                 ["users", "delete", f"red-user-{U}"],
                 ["teams", "delete", f"red-team-{U}"]):
        run_cli(args, proxy.url, key=proxy.key)
    listed = run_cli(["models", "info", "-f", "json", "--columns", "public_model,id"], proxy.url,
                     key=proxy.key)
    for model in json.loads(listed.out or "[]"):
        if U in str(model.get("public_model", "")):
            run_cli(["models", "delete", model["id"]], proxy.url, key=proxy.key)


def test_read_commands_never_print_secrets(sweep):
    for args in (["version"], ["models", "list"], ["models", "info"], ["keys", "list"],
                 ["users", "list"], ["teams", "list"], ["credentials", "list"],
                 ["keys", "info", "--key", sweep.vkey]):
        assert "REQ: curl" in sweep.run(*args).err
    sweep.run("profile", "show")


def test_model_and_credential_writes_mask_upstream_secrets(sweep, tmp_path):
    added = sweep.run("models", "add", f"red-model-{U}", "-p", "model=openai/gpt-4o",
                      "-p", "api_base=http://127.0.0.1:9/v1", "-p", f"api_key={MODEL_SECRET}",
                      "-p", "mock_response=hi", "-f", "json")
    model_id = json.loads(added.out)["id"]
    sweep.run("models", "get", "--id", model_id)
    sweep.run("models", "update", model_id, "-p", f"api_key={MODEL_SECRET}x")
    sweep.run("credentials", "create", f"red-cred-{U}", "--info",
              '{"custom_llm_provider": "openai"}', "--values", json.dumps({"api_key": CRED_SECRET}))
    sweep.run("credentials", "get", f"red-cred-{U}")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"credential_list:\n  - credential_name: red-imported-cred-{U}\n"
        f"    credential_values: {{api_key: {CRED_SECRET}}}\n"
        f"    credential_info: {{custom_llm_provider: openai}}\n"
        f"model_list:\n  - model_name: red-imported-{U}\n    litellm_params:\n"
        f"      model: openai/gpt-4o\n      api_base: http://127.0.0.1:9/v1\n"
        f"      api_key: {IMPORT_SECRET}\n      mock_response: hi\n")
    sweep.run("models", "import", str(config), "--dry-run")
    sweep.run("models", "import", str(config))
    sweep.run("models", "delete", model_id)


def test_new_key_is_printed_once_on_stdout_and_never_logged(sweep):
    res = sweep.run("keys", "generate", "--key-alias", f"red2-{U}", "-f", "json",
                    allowed_on_stdout=())
    new_key = json.loads(res.out)["key"]
    assert new_key.startswith("sk-") and new_key not in res.err
    sweep.secrets.append(new_key)
    # Everything after this must not print it again.
    sweep.run("keys", "list", "--key-alias", f"red2-{U}", "-f", "json")
    sweep.run("keys", "info", "--key", new_key, "-f", "json")


def test_chat_and_http_with_a_virtual_key(sweep):
    sweep.run("chat", "completions", "gpt-4o", "-m", "user:hi", key=sweep.vkey)
    sweep.run("chat", "completions", "gpt-4o", "-m", "user:hi", "--stream", key=sweep.vkey)
    sweep.run("http", "request", "GET", "/v1/models", key=sweep.vkey)


def test_users_and_teams_writes(sweep):
    sweep.run("users", "create", "--user-id", f"red-user-{U}", "--email", f"{U}@example.com")
    sweep.run("users", "get", "--id", f"red-user-{U}")
    sweep.run("teams", "create", "--team-id", f"red-team-{U}", "--alias", f"red-{U}")
    sweep.run("teams", "get", "--id", f"red-team-{U}")


@pytest.mark.parametrize("case", [
    "wrong-key", "unknown-key-info", "duplicate-credential", "model-not-allowed", "unreachable",
    "unknown-model-delete", "bad-json",
])
def test_error_paths_never_print_secrets(sweep, case):
    if case == "wrong-key":
        sweep.run("keys", "list", key=WRONG_KEY, expect_ok=False)
        sweep.run("models", "info", key=WRONG_KEY, expect_ok=False)
    elif case == "unknown-key-info":
        sweep.run("keys", "info", "--key", WRONG_KEY, expect_ok=False)
    elif case == "duplicate-credential":
        sweep.run("credentials", "create", f"red-cred-{U}", "--values",
                  json.dumps({"api_key": CRED_SECRET}), expect_ok=False)
    elif case == "model-not-allowed":
        sweep.run("chat", "completions", "mistral-mock", "-m", "user:hi", key=sweep.vkey,
                  expect_ok=False)
    elif case == "unreachable":
        sweep.run("keys", "list", url=f"http://127.0.0.1:{closed_port()}", expect_ok=False)
    elif case == "unknown-model-delete":
        sweep.run("models", "delete", f"no-such-model-{U}", expect_ok=False)
    elif case == "bad-json":
        sweep.run("credentials", "create", f"x-{U}", "--values", "{" + CRED_SECRET,
                  expect_ok=False)
