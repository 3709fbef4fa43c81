"""Redaction sweep: every command with --debug, on success and error paths, against the real
proxy. No known secret may appear in stdout or stderr, unless printing that exact value is the
command's purpose (the key `keys generate` just made, on stdout only)."""

import json
import socket
import uuid

import pytest

from tests.functional.conftest import RELEASE, closed_port, older, run_cli

U = uuid.uuid4().hex[:8]
CRED_SECRET = f"cred-secret-value-{U}"
MODEL_SECRET = f"model-upstream-secret-{U}"
IMPORT_SECRET = f"import-upstream-secret-{U}"
WRONG_KEY = f"sk-wrong-key-{U}"
# Value canaries: one per secret-carrying input, none shaped like an sk- key, so only
# masking by value (or by name) can hide them.
CANARIES = {name: f"canary-{name}-{U}" for name in (
    "vertex-file", "aws-key-id", "aws-secret", "url-pass", "info-secret", "values-file",
    "values-url-pass", "json-body", "goog-header", "custom-token", "base-url-pass")}


class Sweep:
    def __init__(self, proxy, vkey):
        self.proxy = proxy
        self.secrets = [proxy.key, vkey, CRED_SECRET, MODEL_SECRET, IMPORT_SECRET, WRONG_KEY,
                        *CANARIES.values()]
        self.vkey = vkey

    def run(self, *args, key=None, url=None, allowed_on_stdout=(), expect_ok=True, **kwargs):
        res = run_cli(["--debug", *args], url or self.proxy.url,
                      key=self.proxy.key if key is None else key, **kwargs)
        if expect_ok:
            assert res.rc == 0, res
        elif expect_ok is not None:
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
    for args in (["keys", "delete", "--key-aliases", f"red-{U},red2-{U},red3-{U},red4-{U}"],
                 ["credentials", "delete", f"red-cred2-{U}"],
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


# -- value canaries in every secret-carrying input (issue 10 items 3 and 11) --

def test_model_params_and_info_are_masked_by_value_in_every_output(sweep, tmp_path):
    sa = tmp_path / "sa.json"
    sa.write_text(json.dumps({"type": "service_account", "private_key": CANARIES["vertex-file"]}))
    added = sweep.run(
        "models", "add", f"red-canary-{U}", "-p", "model=openai/gpt-4o", "-p", "mock_response=hi",
        "-p", f"vertex_credentials=@{sa}", "-p", f"aws_access_key_id={CANARIES['aws-key-id']}",
        "-p", f"aws_secret_access_key={CANARIES['aws-secret']}",
        "-p", f"api_base=https://bob:{CANARIES['url-pass']}@127.0.0.1:9/v1",
        "-i", f"client_secret={CANARIES['info-secret']}", "-f", "json")
    model = json.loads(added.out)
    assert model["litellm_params"]["api_base"] == "https://***@127.0.0.1:9/v1"
    sweep.run("models", "get", "--id", model["id"], "-f", "json")
    # An ordinary field holding a secret this process was given: only masking by value
    # hides it. (Set back right away: a later process cannot know it is a secret.)
    updated = sweep.run("models", "update", model["id"],
                        "-p", f"aws_secret_access_key={CANARIES['aws-secret']}",
                        "-i", f"description={CANARIES['aws-secret']}", "-f", "json")
    assert updated.json()["model_info"]["description"] == "***"
    sweep.run("models", "update", model["id"], "-i", "description=plain")
    sweep.run("models", "info")
    sweep.run("models", "delete", model["id"])


def test_credential_values_from_a_file_are_masked(sweep, tmp_path):
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"api_key": CANARIES["values-file"],
                                  "api_base": f"https://u:{CANARIES['values-url-pass']}@h/v1"}))
    sweep.run("credentials", "create", f"red-cred2-{U}", "--values", f"@{values}")
    sweep.run("credentials", "get", f"red-cred2-{U}", "-f", "json")
    sweep.run("credentials", "create", f"red-cred2-{U}", "--values", f"@{values}", expect_ok=False)


def test_http_request_masks_secret_headers_and_secret_body_fields(sweep, tmp_path):
    sweep.run("http", "request", "GET", "/v1/models", "-H",
              f"x-goog-api-key:{CANARIES['goog-header']}",
              "-H", f"X-Custom-Token:{CANARIES['custom-token']}")
    # The proxy echoes metadata back: the secret-named field must not reach stdout.
    res = sweep.run("http", "request", "POST", "/key/generate", "--show-secret", "key",
                    "-j", json.dumps(
        {"key_alias": f"red3-{U}", "metadata": {"api_key": CANARIES["json-body"]}}),
        allowed_on_stdout=())
    sweep.secrets.append(json.loads(res.out)["key"])  # the new key: printed, never again
    auth = tmp_path / "auth"
    auth.write_text(f"Bearer {sweep.proxy.key}\n")
    res = sweep.run("http", "request", "GET", "/key/list", "-H", f"Authorization:@{auth}", key="")
    assert "keys" in res.json()


def test_secret_options_read_from_files_and_stdin(sweep, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(sweep.proxy.key + "\n")
    sweep.run("--api-key", f"@{key_file}", "keys", "list", key="")
    sweep.run("--api-key", "@-", "models", "list", key="", input=sweep.proxy.key + "\n")
    made = sweep.run("keys", "generate", "--key-alias", f"red4-{U}", "-f", "value", "-c", "key")
    new_key = made.out.strip()
    sweep.secrets.append(new_key)
    (tmp_path / "one").write_text(new_key + "\n")
    info = sweep.run("keys", "info", "--key", f"@{tmp_path / 'one'}", "-f", "json")
    assert info.json()["key_alias"] == f"red4-{U}"
    sweep.run("keys", "delete", "--keys", f"@{tmp_path / 'one'}")


def test_url_userinfo_is_masked_and_refused_in_the_base_url(sweep):
    url = sweep.proxy.url.replace("://", f"://bob:{CANARIES['base-url-pass']}@")
    res = sweep.run("keys", "list", url=url, expect_ok=False)
    assert res.rc == 2 and "://***@" in res.err


# -- credentials go only to the proxy (issue 10 item 1) ----------------------

def test_absolute_url_to_another_host_is_refused_before_anything_is_sent(sweep):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    try:
        res = sweep.run("http", "request", "GET",
                        f"http://127.0.0.1:{listener.getsockname()[1]}/steal", expect_ok=False)
        assert res.rc == 2 and "is not on the proxy" in res.err, res
        with pytest.raises(socket.timeout):
            listener.accept()  # nothing ever connected
    finally:
        listener.close()
    sweep.run("http", "request", "GET", f"{sweep.proxy.url}/v1/models")  # the proxy itself: fine


# -- exit codes tell the truth (issue 10 item 12) ----------------------------

@pytest.mark.parametrize("suffix,says", [("/v1", "without /v1"), ("/ui", "an HTML page"),
                                         ("/nothing-here", "check --base-url")])
def test_a_wrong_base_url_says_it_is_not_a_litellm_proxy(sweep, suffix, says):
    res = sweep.run("keys", "list", url=sweep.proxy.url + suffix, expect_ok=False)
    assert res.rc == 3, res
    if suffix == "/ui" and older(RELEASE, "1.90"):
        says = "check --base-url"  # LiteLLM 1.80.17 answers /ui/... with a JSON 404
    last = res.err.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "does not look like a LiteLLM proxy" in last
    assert says in last and "<" not in last and len(last) < 400


def test_request_id_is_in_the_error_line(sweep):
    res = sweep.run("chat", "completions", f"no-such-model-{U}", "-m", "user:hi",
                    expect_ok=False)
    assert "(request id: " in res.err.strip().splitlines()[-1]


# -- every command that shows proxy data masks secret-named fields (issue 21) --
#
# The proxy keeps secret-named fields in what it stores (upstream params, metadata). A command
# run in a fresh process was never handed those values, so only the one masking rule of the
# base classes (by name, at any depth; headers by name inside *headers* fields) can hide them.

POISON = {name: f"poison-{name}-{U}" for name in (
    "client-secret", "ad-token", "session-token", "header", "meta", "meta-header", "info")}
POISON_META = {"client_secret": POISON["meta"],
               "extra_headers": {"X-Corp-Auth": POISON["meta-header"]}}


@pytest.fixture(scope="module")
def poisoned(sweep, tmp_path_factory):
    """Objects on the proxy holding secrets under secret names; their ids."""
    def made(*args):
        res = sweep.run(*args)
        return res.json()

    model = made("models", "add", f"red-poison-{U}", "-p", "model=openai/gpt-4o",
                 "-p", "mock_response=hi", "-p", f"client_secret={POISON['client-secret']}",
                 "-p", f"azure_ad_token={POISON['ad-token']}",
                 "-p", f"aws_session_token={POISON['session-token']}",
                 "-p", "extra_headers=" + json.dumps({"X-Corp-Auth": POISON["header"]}),
                 "-i", f"client_secret={POISON['info']}", "-f", "json")
    team_id, user_id = f"red-poison-team-{U}", f"red-poison-user-{U}"
    made("http", "request", "POST", "/team/new", "-j", json.dumps(
        {"team_id": team_id, "team_alias": f"red-poison-{U}", "metadata": POISON_META}))
    made("http", "request", "POST", "/user/new", "-j", json.dumps(
        {"user_id": user_id, "metadata": POISON_META}))
    key = made("http", "request", "POST", "/key/generate", "--show-secret", "key",
               "-j", json.dumps({"key_alias": f"red-poison-{U}", "metadata": POISON_META,
                                 "user_id": user_id}))
    sweep.secrets.append(key["key"])
    sweep.run("credentials", "create", f"red-poison-cred-{U}", "--values",
              json.dumps({"api_key": POISON["meta"], "api_base": "http://127.0.0.1:9/v1"}))
    config = tmp_path_factory.mktemp("poison") / "config.yaml"
    config.write_text(f"model_list:\n  - model_name: red-poison-file-{U}\n    litellm_params:\n"
                      f"      model: openai/gpt-4o\n      mock_response: hi\n")
    state = tmp_path_factory.mktemp("poison") / "state.yaml"
    changed = {"metadata": {"plain": "changed"}}
    state.write_text(json.dumps({
        "teams": [{"team_id": team_id, **changed}], "users": [{"user_id": user_id, **changed}],
        "keys": [{"key_alias": f"red-poison-{U}", **changed}],
        "credential_list": [{"credential_name": f"red-poison-cred-{U}",
                             "credential_info": {"plain": "changed"}}],
        "model_list": [{"model_name": f"red-poison-{U}", "model_info": {"id": model["id"]},
                        "litellm_params": {"model": "openai/gpt-4o", "rpm": 3}}]}))
    sweep.secrets.extend(POISON.values())
    yield {"model_id": model["id"], "team_id": team_id, "user_id": user_id, "state": str(state),
           "key_hash": key["token"], "config": str(config), "url": sweep.proxy.url,
           "master": sweep.proxy.key, "cred": f"red-poison-cred-{U}", "U": U}
    for args in (["teams", "delete", team_id, f"red-poison-team2-{U}"],
                 ["users", "delete", user_id, f"red-poison-user2-{U}"],
                 ["credentials", "delete", f"red-poison-cred-{U}"],
                 ["credentials", "delete", f"red-poison-cred2-{U}"],
                 ["customers", "delete", f"red-poison-cust-{U}"],
                 ["budgets", "delete", f"red-poison-budget-{U}"],
                 ["keys", "delete", "--key-aliases", f"red-poison-{U},red-poison2-{U}"]):
        run_cli(args, sweep.proxy.url, key=sweep.proxy.key)


# Each command that shows data (a Lister or ShowOne entry point), how the sweep runs it, and
# whether it must succeed (None: the proxy may refuse it, e.g. Enterprise-only; it must still
# get past parsing and print no secret).
SHOWS = {
    "version": (["version"], True),
    "health": (["health"], True),
    "health models": (["health", "models", "--model-id", "{model_id}", "-f", "json"], True),
    "model-groups list": (["model-groups", "list", "-f", "json"], True),
    "models list": (["models", "list", "-f", "json"], True),
    "models info": (["models", "info", "-f", "json"], True),
    "models get": (["models", "get", "--id", "{model_id}", "-f", "json"], True),
    "models add": (["models", "add", "red-poison2-{U}", "-p", "model=openai/gpt-4o",
                    "-p", "mock_response=hi", "-f", "json"], True),
    "models update": (["models", "update", "{model_id}", "-i", "note=swept", "-f", "json"], True),
    "models import": (["models", "import", "{config}", "--dry-run", "-f", "json"], True),
    "models diff": (["models", "diff", "{config}", "-f", "json"], None),  # exit 1: differences
    "models apply": (["models", "apply", "{config}", "--dry-run", "-f", "json"], True),
    "credentials list": (["credentials", "list", "-f", "json"], True),
    "credentials get": (["credentials", "get", "{cred}", "-f", "json"], True),
    "credentials create": (["credentials", "create", "red-poison-cred2-{U}", "--values",
                            '{{"api_base": "http://127.0.0.1:9/v1"}}', "-f", "json"], True),
    # --info: an update every release applies (--display-name needs LiteLLM >= 1.106)
    "credentials update": (["credentials", "update", "{cred}", "--info",
                            '{{"custom_llm_provider": "openai"}}', "-f", "json"], True),
    "keys list": (["keys", "list", "--key-alias", "red-poison-{U}", "-f", "json"], True),
    "keys info": (["keys", "info", "--key", "{key_hash}", "-f", "json"], True),
    "keys update": (["keys", "update", "{key_hash}", "--max-budget", "5", "-f", "json"], True),
    "keys generate": (["keys", "generate", "--key-alias", "red-poison2-{U}", "-f", "json",
                       "-c", "token", "-c", "metadata"], True),
    "keys regenerate": (["keys", "regenerate", "{key_hash}", "-f", "json", "-c", "token"],
                        None),  # Enterprise
    "keys reset-spend": (["keys", "reset-spend", "{key_hash}", "-f", "json"], True),
    # The sweep has one proxy, and a source that is the destination itself is refused
    # (exit 2): a source where nothing listens still runs it past parsing, with the
    # master key as the source key that must not show (test_key_import.py: two proxies).
    "keys import": (["keys", "import", "--source-base-url", f"http://127.0.0.1:{closed_port()}",
                     "--source-api-key", "{master}", "--dry-run", "-f", "json"], None),
    "keys rotate": (["keys", "rotate", "{key_hash}", "--dry-run", "-f", "json"], True),
    "audit": (["audit", "-f", "json"], None),
    "users list": (["users", "list", "-f", "json"], True),
    "users get": (["users", "get", "--id", "{user_id}", "-f", "json"], True),
    "users create": (["users", "create", "--user-id", "red-poison-user2-{U}", "-f", "json"], None),
    "users update": (["users", "update", "{user_id}", "--alias", "swept", "-f", "json"], True),
    "teams list": (["teams", "list", "-f", "json"], True),
    "teams get": (["teams", "get", "--id", "{team_id}", "-f", "json"], True),
    "teams info": (["teams", "info", "{team_id}", "-f", "json"], True),
    "teams available": (["teams", "available", "-f", "json"], True),
    "teams create": (["teams", "create", "--team-id", "red-poison-team2-{U}", "-f", "json"],
                     None),
    "teams update": (["teams", "update", "{team_id}", "--alias", "swept-{U}", "-f", "json"],
                     True),
    "teams member add": (["teams", "member", "add", "--team-id", "{team_id}", "--user-id",
                          "{user_id}", "-f", "json"], True),
    "teams member update": (["teams", "member", "update", "--team-id", "{team_id}",
                             "--user-id", "{user_id}", "--tpm-limit", "100", "-f", "json"],
                            None),
    "teams assign-key": (["teams", "assign-key", "--team-id", "{team_id}", "--key",
                          "{key_hash}", "-f", "json"], None),  # 403 unless the user is in
    "customers list": (["customers", "list", "-f", "json"], True),
    "customers create": (["customers", "create", "--id", "red-poison-cust-{U}", "-f", "json"],
                         True),
    "customers update": (["customers", "update", "--id", "red-poison-cust-{U}", "--alias",
                          "swept", "-f", "json"], True),
    "budgets list": (["budgets", "list", "-f", "json"], True),
    "budgets create": (["budgets", "create", "--budget-id", "red-poison-budget-{U}",
                        "--max-budget", "5", "-f", "json"], True),
    "budgets update": (["budgets", "update", "--budget-id", "red-poison-budget-{U}",
                        "--max-budget", "6", "-f", "json"], True),
    "orgs list": (["orgs", "list", "-f", "json"], None),  # Enterprise
    "orgs create": (["orgs", "create", "--alias", "red-poison-{U}", "-f", "json"], None),
    "orgs member add": (["orgs", "member", "add", "--organization-id", "no-such-org-{U}",
                         "--user-id", "{user_id}", "-f", "json"], None),
    "spend logs": (["spend", "logs", "-f", "json"], True),
    "spend report": (["spend", "report", "--group-by", "key", "-f", "json"], True),
    "profile list": (["profile", "list", "-f", "json"], True),
    "profile show": (["profile", "show", "-f", "json"], True),
    "plugin list": (["plugin", "list", "-f", "json"], True),
    # The old values of the changed objects are shown: diff exits 1 (differences).
    "state diff": (["state", "diff", "{state}", "-f", "json"], None),
    "state apply": (["state", "apply", "{state}", "--dry-run", "-f", "json"], True),
}
# Commands that show data in their own way, swept the same way.
OTHERS = {
    "chat completions": (["chat", "completions", "red-poison-{U}", "-m", "user:hi"], True),
    "models export": (["models", "export"], True),
    "state export": (["state", "export"], True),
    "http request": (["http", "request", "GET", "/model/info?litellm_model_id={model_id}"],
                     True),
}


# Commands that show data but never read the proxy (test_state.py checks that
# state validate sends nothing and never shows a key's secret).
OFFLINE = {"state validate"}


def test_the_sweep_covers_every_command_that_shows_data():
    from litellm_cli.command import _Display
    from litellm_cli.commandmanager import CommandManager

    manager = CommandManager()
    shows = {name for name in manager.names() if issubclass(manager.load(name), _Display)}
    assert shows == set(SHOWS) | OFFLINE


@pytest.mark.parametrize("name", sorted(SHOWS) + sorted(OTHERS))
def test_every_command_that_shows_proxy_data_masks_secret_named_fields(sweep, poisoned, name):
    argv, must_succeed = SHOWS.get(name) or OTHERS[name]
    # LiteLLM 1.80.17: no reset route (refused, exit 6); no teams offered is a 400.
    if name in ("keys reset-spend", "teams available") and older(RELEASE, "1.90"):
        must_succeed = False
    res = sweep.run(*[arg.format(**poisoned) for arg in argv], expect_ok=must_succeed)
    assert res.rc != 2, res  # a usage error would mean the command was never exercised
    if name in ("models get", "users get", "keys info", "http request"):
        assert "***" in res.out, res.out  # the poisoned object is there, masked
    # (health models: this proxy shows only an allowlist of params; the unit tests cover
    # an answer that holds secrets.)
