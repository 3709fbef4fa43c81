"""Bad input sweep: every bad invocation gives one line on stderr, the documented exit code,
and no traceback. Runs the installed CLI against the real proxy."""


import pytest

from tests.functional.conftest import closed_port, run_cli

USAGE, FAILED, CONNECTION, AUTH, NOT_FOUND = 2, 1, 3, 4, 5


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad-input")
    good = ("model_list:\n  - model_name: never-imported\n    litellm_params:\n"
            "      model: openai/gpt-4o\n")
    contents = {
        "good.yaml": good,
        "malformed.yaml": "model_list:\n  - model_name: x\n    litellm_params: [unclosed\n",
        "empty.yaml": "",
        "nolist.yaml": "model_list: 5\n",
        "nomodels.yaml": "general_settings: {}\n",
        "huge.yaml": "x" * 5_000_000 + "\n",
    }
    for name, text in contents.items():
        (d / name).write_text(text)
    (d / "binary.bin").write_bytes(bytes(range(256)) * 64)
    return d


CHAT = ["chat", "completions", "gpt-4o"]
CASES = [
    # --- usage errors: options and arguments
    (["models", "get"], USAGE),
    (["models", "get", "--id", "a", "--name", "b"], USAGE),
    (["models", "add"], USAGE),
    (["models", "add", "x", "-p", "novalue"], USAGE),
    (["models", "update"], USAGE),
    (["models", "update", "some-id", "-i", "=x"], USAGE),
    (["models", "info", "--columns", "bogus"], USAGE),
    (["models", "list", "-f", "xml"], USAGE),
    (["models", "list", "-c", "no_such_column"], USAGE),
    # (models info, not keys list: a list with no rows has no columns to check)
    (["models", "info", "-f", "value", "-c", "no_such_column"], USAGE),
    (["models", "import"], USAGE),
    (["models", "import", "/nonexistent/models.yaml"], USAGE),
    (["models", "import", "{malformed.yaml}"], USAGE),
    (["models", "import", "{empty.yaml}"], USAGE),
    (["models", "import", "{binary.bin}"], USAGE),
    (["models", "import", "{nolist.yaml}"], USAGE),
    (["models", "import", "{nomodels.yaml}"], USAGE),
    (["models", "import", "{huge.yaml}"], USAGE),
    (["models", "import", "{good.yaml}", "--only-models-matching-regex", "("], USAGE),
    (["models", "import", "{good.yaml}", "--only-access-groups-matching-regex", "[a-"], USAGE),
    (["credentials", "create", "c"], USAGE),
    (["credentials", "create", "c", "--values", "{bad"], USAGE),
    (["credentials", "create", "c", "--values", "{}", "--info", "nope"], USAGE),
    (["credentials", "create", "c", "--values", "@/nonexistent/values.json"], USAGE),
    (["credentials", "create", "c", "--values", "[1, 2]"], USAGE),
    (["credentials", "create", "c", "--values", "@{binary.bin}"], USAGE),
    (["credentials", "get"], USAGE),
    (["keys", "generate", "--aliases", "{oops"], USAGE),
    (["keys", "generate", "--config", "[1]"], USAGE),
    (["keys", "generate", "--duration", "forever"], USAGE),
    (["keys", "generate", "--spend", "abc"], USAGE),
    (["keys", "generate", "--spend", "-5"], USAGE),
    (["keys", "generate", "--spend", "inf"], USAGE),
    (["teams", "create", "--max-budget", "NaN"], USAGE),
    (["keys", "delete"], USAGE),
    (["keys", "info"], USAGE),
    (["keys", "list", "--size", "0"], USAGE),
    (["keys", "list", "--size", "1000"], USAGE),
    (["keys", "list", "--page", "-1"], USAGE),
    (["users", "create", "--role", "superhero"], USAGE),
    (["users", "create", "--max-budget", "lots"], USAGE),
    (["users", "delete"], USAGE),
    (["users", "get"], USAGE),
    (["users", "list", "--size", "abc"], USAGE),
    (["teams", "create", "--max-budget", "x"], USAGE),
    (["teams", "create", "--metadata", "{x"], USAGE),
    (["teams", "member", "add", "--team-id", "t"], USAGE),
    (["chat", "completions"], USAGE),
    (CHAT + ["-m", "nocolon"], USAGE),
    (CHAT + ["-m", "wizard:hi"], USAGE),
    (CHAT + ["-m", "user:hi", "-t", "3"], USAGE),
    (CHAT + ["-m", "user:hi", "--top-p", "1.5"], USAGE),
    (CHAT + ["-m", "user:hi", "--n", "0"], USAGE),
    (CHAT + ["-m", "user:hi", "--presence-penalty", "5"], USAGE),
    (CHAT + ["-m", "user:hi", "--frequency-penalty", "-9"], USAGE),
    (CHAT + ["-m", "user:hi", "--max-tokens", "-1"], USAGE),
    (["http", "request", "GET"], USAGE),
    (["http", "request", "POST", "/x", "-j", "{"], USAGE),
    (["http", "request", "GET", "/x", "-H", "nocolon"], USAGE),
    (["profile", "add", "p", "--url", "http://127.0.0.1:9", "--key", ""], USAGE),
    (["profile", "add", "p", "--url", "http://127.0.0.1:9", "--key-command", " "], USAGE),
    (["credentials", "create", "c", "--values", '{"api_key": NaN}'], USAGE),
    (["credentials", "create", "c", "--values", "@/dev/zero"], USAGE),
    (["keys", "generate", "--config", '{"x": Infinity}'], USAGE),
    (["--timeout", "0", "version"], USAGE),
    (["--timeout", "nan", "version"], USAGE),
    (["--profile", "", "models", "list"], USAGE),
    (["models", "list", "--profile", " "], USAGE),
    (["version", "--timeout", "inf"], USAGE),
    (["profile", "add", "p", "--url", "http://127.0.0.1:9", "--timeout", "nan"], USAGE),
    (["--base-url", "ftp://example", "version"], USAGE),
    (["--ca-bundle", "/nonexistent/ca.pem", "version"], USAGE),
    (["nosuchcommand"], USAGE),
    (["models", "frobnicate"], USAGE),
    # --- unknown objects
    (["models", "get", "--id", "no-such-model-id"], NOT_FOUND),
    (["models", "get", "--name", "no-such-model-name"], NOT_FOUND),
    # One unknown id fails as itself, as every per-item command does.
    (["models", "delete", "no-such-model-id"], NOT_FOUND),
    (["models", "update", "no-such-model-id", "-p", "temperature=1"], NOT_FOUND),
    (["credentials", "get", "no-such-credential"], NOT_FOUND),
    (["credentials", "delete", "no-such-credential"], NOT_FOUND),
    (["keys", "info", "--key", "sk-no-such-key-0000"], NOT_FOUND),
    (["users", "get", "--id", "no-such-user"], NOT_FOUND),
    (["teams", "get", "--id", "no-such-team"], NOT_FOUND),
    (["users", "delete", "no-such-user"], NOT_FOUND),
    (["teams", "delete", "no-such-team"], NOT_FOUND),
    (["keys", "delete", "--key-aliases", "no-such-alias-0000"], NOT_FOUND),
    (["users", "delete", "no-such-user", "no-such-user-2"], FAILED),
]


def _expand(args, files):
    """Replace {name} with the path of that file from the fixture folder."""
    expanded = []
    for arg in args:
        for path in files.iterdir():
            arg = arg.replace("{%s}" % path.name, str(path))
        expanded.append(arg)
    return expanded


def _check_one_line(res, code):
    assert res.rc == code, res
    assert "Traceback" not in res.err, res
    lines = res.err.strip().splitlines()
    if code == FAILED:
        # A multi-object command reports each object, then one summary error line.
        assert all(line.startswith("Failed to delete") for line in lines[:-1]), res
    else:
        assert len(lines) == 1, res
    assert lines[-1].startswith("Error: "), res


# Usage errors found from the command line alone (-c is checked against the columns of
# the proxy's answer): no proxy is needed, nothing listens at the URL.
PARSING = [(args, code) for args, code in CASES if code == USAGE and "-c" not in args]
ANSWERED = [case for case in CASES if case not in PARSING]


@pytest.mark.parametrize("args,code", PARSING, ids=[" ".join(a) for a, _ in PARSING])
def test_bad_command_line_is_one_line_exit_2_without_a_proxy(files, args, code):
    res = run_cli(_expand(args, files), f"http://127.0.0.1:{closed_port()}", key="sk-anything")
    _check_one_line(res, code)


@pytest.mark.parametrize("args,code", ANSWERED, ids=[" ".join(a) for a, _ in ANSWERED])
def test_bad_invocation_is_one_line_with_documented_exit_code(cli, files, args, code):
    _check_one_line(cli(*_expand(args, files)), code)


@pytest.mark.parametrize("args", [["models", "list"], ["keys", "list"], ["users", "list"],
                                  ["teams", "list"], ["credentials", "list"],
                                  CHAT + ["-m", "user:hi"], ["models", "info"]])
def test_unreachable_server_is_one_line_exit_3(args):
    res = run_cli(args, f"http://127.0.0.1:{closed_port()}", key="sk-anything")
    _check_one_line(res, CONNECTION)


@pytest.mark.parametrize("args", [["keys", "list"], ["users", "list"], ["teams", "list"],
                                  ["models", "info"], ["credentials", "list"],
                                  CHAT + ["-m", "user:hi"]])
def test_wrong_key_is_one_line_exit_4(proxy, args):
    res = run_cli(args, proxy.url, key="sk-wrong-key-4242")
    _check_one_line(res, AUTH)
    assert "sk-wrong-key-4242" not in res.err + res.out


# --- closed standard streams -------------------------------------------------

STREAMS = {"stdin": 0, "stdout": 1, "stderr": 2}
CLOSED_COMBINATIONS = [("stdin",), ("stdout",), ("stderr",), ("stdin", "stdout"),
                       ("stdout", "stderr"), ("stdin", "stderr"), ("stdin", "stdout", "stderr")]


def run_closed(args, proxy, closed):
    """Run the CLI with the named standard streams closed (``<&-``, ``>&-``, ``2>&-``);
    the others are captured. Returns (exit code, stdout, stderr) - None for a closed one."""
    import subprocess

    from tests.functional.conftest import CLI, cli_env

    fds = [STREAMS[name] for name in closed]

    def close():  # runs in the child, after its pipes are set up
        import os

        for fd in fds:
            os.close(fd)

    done = subprocess.run([CLI, *args], env=cli_env(proxy.url, proxy.key),
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                          preexec_fn=close)
    out = None if "stdout" in closed else done.stdout.decode()
    err = None if "stderr" in closed else done.stderr.decode()
    return done.returncode, out, err


@pytest.mark.parametrize("closed", CLOSED_COMBINATIONS, ids="+".join)
def test_closed_streams_on_a_read_command_exit_0_without_traceback(proxy, closed):
    code, out, err = run_closed(["models", "list", "-f", "value", "-c", "id"], proxy, closed)
    assert code == 0, (code, out, err)
    if out is not None:
        assert "gpt-4o" in out.split()
    if err is not None:
        assert "Traceback" not in err
        if "stdout" in closed:
            assert err.strip() == "warning: standard output is closed; the output is discarded"
        else:
            assert err == ""


@pytest.mark.parametrize("closed", CLOSED_COMBINATIONS, ids="+".join)
def test_closed_streams_on_a_write_command_exit_code_matches_the_proxy(proxy, api, unique,
                                                                        closed):
    name = f"{unique}-closed"
    try:
        code, out, err = run_closed(["credentials", "create", name, "--values",
                                     '{"api_key": "sk-closed-stream-secret"}'], proxy, closed)
        exists = api.call("GET", f"/credentials/by_name/{name}").status_code == 200
        assert (code == 0) == exists and code == 0, (code, out, err, exists)
        if err is not None:
            assert "Traceback" not in err
        for text in (out, err):
            assert text is None or "sk-closed-stream-secret" not in text
    finally:
        api.call("DELETE", f"/credentials/{name}")


@pytest.mark.parametrize("closed", [("stdin",), ("stdin", "stdout"), ("stdin", "stderr"),
                                    ("stdin", "stdout", "stderr")], ids="+".join)
def test_values_from_a_closed_stdin_is_a_usage_error_and_creates_nothing(proxy, api, unique,
                                                                         closed):
    name = f"{unique}-nostdin"
    code, out, err = run_closed(["credentials", "create", name, "--values", "@-"], proxy,
                                closed)
    assert code == USAGE, (code, out, err)
    assert api.call("GET", f"/credentials/by_name/{name}").status_code == 404
    if err is not None:
        lines = err.strip().splitlines()
        assert lines[-1].startswith("Error: --values is not valid JSON"), err
        assert "Traceback" not in err


# --- YAML alias bombs and self-references --------------------------------------

def _bomb(levels=9, width=10, indent=""):
    lines = [f"{indent}l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"{indent}l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]"
              for n in range(1, levels)]
    return "\n".join(lines) + "\n"


YAML_BOMBS = {
    "bomb-in-entry": ("model_list:\n  - model_name: bomb\n    litellm_params:\n"
                      "      model: openai/gpt-4o\n      extra:\n" + _bomb(indent="        ")),
    "bomb-top-level": _bomb() + "model_list: [{model_name: x, litellm_params: "
                                "{model: openai/x, e: *l8}}]\n",
    "bomb-via-merge-keys": "a: &a {x: 1, y: 2}\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} {{<<: [*{chr(97 + i)}], k{i}: [" + ", ".join(
            [f"*{chr(97 + i)}"] * 10) + "]}\n" for i in range(9)) + "model_list: []\n",
    "self-reference": "model_list: &m\n  - model_name: loop\n    litellm_params: "
                      "{model: openai/x, again: *m}\n",
}


@pytest.mark.parametrize("name", YAML_BOMBS)
def test_yaml_bomb_in_an_import_file_is_refused_quickly_with_exit_2(cli, tmp_path, name):
    path = tmp_path / f"{name}.yaml"
    path.write_text(YAML_BOMBS[name])
    res = cli("models", "import", str(path), timeout=30)
    _check_one_line(res, USAGE)
    assert str(path) in res.err and ("alias bomb" in res.err or "contains it" in res.err), res


@pytest.mark.parametrize("name", ["bomb-top-level", "self-reference"])
def test_yaml_bomb_in_the_config_file_is_refused_with_exit_2(proxy, tmp_path, name):
    path = tmp_path / "config.yaml"
    path.write_text(YAML_BOMBS[name].replace("model_list", "profiles_x"))
    res = run_cli(["profile", "list"], proxy.url, env={"LITELLM_CLI_CONFIG": str(path)},
                  timeout=30)
    _check_one_line(res, USAGE)
    assert "config file" in res.err, res


# --- empty, blank and path-like names ------------------------------------------

EMPTY_NAME_CASES = [
    ["credentials", "create", "{}", "--values", '{"api_key": "x"}'],
    ["credentials", "get", "{}"],
    ["credentials", "delete", "{}", "-y"],
    ["models", "add", "{}", "-p", "model=openai/x"],
    ["models", "get", "--id", "{}"],
    ["models", "get", "--name", "{}"],
    ["models", "update", "{}", "-p", "temperature=1"],
    ["models", "delete", "{}", "-y"],
    ["keys", "info", "--key", "{}"],
    ["keys", "generate", "--key-alias", "{}"],
    ["keys", "list", "--user-id", "{}"],
    ["users", "create", "--user-id", "{}"],
    ["users", "get", "--id", "{}"],
    ["users", "delete", "{}", "-y"],
    ["teams", "create", "--team-id", "{}"],
    ["teams", "get", "--id", "{}"],
    ["teams", "delete", "{}", "-y"],
    ["teams", "member", "add", "--team-id", "{}", "--user-id", "u"],
    ["profile", "add", "{}", "--url", "http://127.0.0.1:9"],
    ["profile", "use", "{}"],
    ["profile", "remove", "{}", "-y"],
    CHAT + ["-m", "user:hi", "--user", "{}"],
    ["budgets", "delete", "{}", "-y"],
    ["customers", "create", "--id", "{}"],
    # The positional forms of the commands above whose object was an option.
    ["teams", "get", "{}"],
    ["teams", "create", "{}"],
    ["teams", "member", "add", "{}", "--user-id", "u"],
    ["teams", "assign-key", "{}"],
    ["budgets", "update", "{}", "--max-budget", "1"],
    ["customers", "create", "{}"],
    ["customers", "update", "{}", "--alias", "a"],
    ["keys", "block", "{}"],
    ["orgs", "create", "--alias", "{}"],
    ["spend", "logs", "--user", "{}"],
    ["health", "models", "--model-id", "{}"],
    ["model-groups", "list", "--model-group", "{}"],
]
BAD_NAMES = {"empty": "", "blank": "  ", "newline": "a\nb", "escape": "\x1b[2J", "dotdot": ".."}


@pytest.mark.parametrize("kind", BAD_NAMES)
@pytest.mark.parametrize("args", EMPTY_NAME_CASES, ids=" ".join)
def test_empty_blank_and_control_names_are_usage_errors_before_any_request(
        proxy, tmp_path, args, kind):
    args = [a.replace("{}", BAD_NAMES[kind]) if a == "{}" else a for a in args]
    env = {"LITELLM_CLI_CONFIG": str(tmp_path / "config.yaml")}
    res = run_cli(args, proxy.url, key=proxy.key, env=env)
    _check_one_line(res, USAGE)
    # With --debug every request sent is logged: there must be none.
    debug = run_cli(["--debug", *args], proxy.url, key=proxy.key, env=env)
    assert debug.rc == USAGE and "curl" not in debug.err, debug
    assert not (tmp_path / "config.yaml").exists()


@pytest.mark.parametrize("args", [["credentials", "get", "../models"],
                                  ["credentials", "get", "x?y=1"],
                                  ["credentials", "delete", "../../models", "-y"]])
def test_path_like_names_address_only_that_name(cli, args):
    res = cli(*args)
    _check_one_line(res, NOT_FOUND)


# --- typed -p/-i values: nothing lost, never NaN ---------------------------------

def test_param_values_are_converted_only_when_nothing_is_lost(cli, api, unique):
    name = f"{unique}-typed"
    res = cli("models", "add", name, "-p", "model=openai/gpt-4o", "-p", "mock_response=hi",
              "-p", "api_version=2024.10", "-p", "organization=00123", "-p", "seed=1_000",
              "-p", "temperature=NaN", "-p", "top_p=0.5", "-p", "max_retries=3",
              "-p", 'region="42"', "-i", "rank=Infinity", "-i", "weight=1e-6",
              "-f", "json")
    assert res.rc == 0, res
    model_id = res.json()["id"]
    try:
        stored = api.ok("GET", "/model/info", litellm_model_id=model_id)["data"][0]
        params, info = stored["litellm_params"], stored["model_info"]
        assert params["api_version"] == "2024.10"
        assert params["organization"] == "00123"
        assert params["seed"] == "1_000"
        assert params["temperature"] == "NaN"
        assert params["top_p"] == 0.5 and params["max_retries"] == 3
        assert params["region"] == "42"
        assert info["rank"] == "Infinity" and info["weight"] == 1e-6
    finally:
        api.call("POST", "/model/delete", json={"id": model_id})


def _run_with_gone_stderr_reader(args, proxy):
    """Run the CLI with stderr a pipe whose reader has already gone (``2>&1 | true``)."""
    import os
    import subprocess

    from tests.functional.conftest import CLI, cli_env

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([CLI, *args], env=cli_env(proxy.url, proxy.key),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=write_end, timeout=120)
    finally:
        os.close(write_end)
    return done.returncode, done.stdout.decode()


def test_a_gone_stderr_reader_does_not_change_the_exit_code(proxy, api, unique):
    assert _run_with_gone_stderr_reader(["credentials", "get", f"{unique}-none"], proxy)[0] \
        == NOT_FOUND
    name = f"{unique}-stderr"
    try:
        code, out = _run_with_gone_stderr_reader(
            ["--debug", "credentials", "create", name, "--values", '{"api_key": "x"}'], proxy)
        assert code == 0 and name in out
        assert api.call("GET", f"/credentials/by_name/{name}").status_code == 200
        code, _ = _run_with_gone_stderr_reader(["credentials", "delete", name, "-y"], proxy)
        assert code == 0
        assert api.call("GET", f"/credentials/by_name/{name}").status_code == 404
    finally:
        api.call("DELETE", f"/credentials/{name}")
