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
    (["--timeout", "0", "version"], USAGE),
    (["--base-url", "ftp://example", "version"], USAGE),
    (["--ca-bundle", "/nonexistent/ca.pem", "version"], USAGE),
    (["nosuchcommand"], USAGE),
    (["models", "frobnicate"], USAGE),
    # --- unknown objects
    (["models", "get", "--id", "no-such-model-id"], NOT_FOUND),
    (["models", "get", "--name", "no-such-model-name"], NOT_FOUND),
    (["models", "delete", "no-such-model-id"], FAILED),
    (["models", "update", "no-such-model-id", "-p", "temperature=1"], NOT_FOUND),
    (["credentials", "get", "no-such-credential"], NOT_FOUND),
    (["credentials", "delete", "no-such-credential"], NOT_FOUND),
    (["keys", "info", "--key", "sk-no-such-key-0000"], NOT_FOUND),
    (["users", "get", "--id", "no-such-user"], NOT_FOUND),
    (["teams", "get", "--id", "no-such-team"], NOT_FOUND),
    (["users", "delete", "no-such-user"], FAILED),
    (["teams", "delete", "no-such-team"], FAILED),
    (["keys", "delete", "--key-aliases", "no-such-alias-0000"], FAILED),
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
        assert len(lines) == 2 and lines[0].startswith("Failed to delete"), res
    else:
        assert len(lines) == 1, res
    assert lines[-1].startswith("Error: "), res


@pytest.mark.parametrize("args,code", CASES, ids=[" ".join(a) for a, _ in CASES])
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
