"""The output contract against the real proxy: hostile names read back through
every format, and spot checks of the shapes pinned by tests/unit/golden."""

import csv
import io
import json
import subprocess
import uuid

import pytest
import yaml

from tests.functional.conftest import CLI, cli_env, closed_port, run_cli

# Stored on the proxy, then read back. No NUL: PostgreSQL text cannot hold it.
HOSTILE = [
    "$(touch /tmp/h14-pwned)", "`id`", "a'b\"c", "semi; rm -rf /", "new\nline", "tab\there",
    "\x1b[31mred\x1b[0m", "\x1b]0;title\x07", "cr\rreturn", "del\x7f", "c1\x9b2J",
    "bidi\u202eevil", "line\u2028sep", "\\n literal", "été 日本 🎉", " spaced ", "-n", "${HOME}",
    "a\\", "x" * 2000,
]
# Far longer than any terminal line, in a field without an index (an indexed
# text column cannot hold more than about 2.7 kB).
LONG = "y" * 1_000_000
# Key aliases may not hold control characters (the proxy refuses them).
HOSTILE_ALIASES = ["$(touch /tmp/h14-pwned)", "`id`", "a'b\"c", "semi; rm -rf /", "${HOME}",
                   "été 日本 🎉", "!!", "a\\", "*"]
CONTROLS = [chr(c) for c in range(0x20) if c != 0x0a] + ["\x7f", "\x9b", "\u202e", "\u2028"]
SHOW_FORMATS = ("table", "json", "yaml", "value", "shell")
LIST_FORMATS = ("table", "json", "yaml", "csv", "value")


@pytest.fixture
def raw(proxy):
    """Like ``cli``, but stdout exactly as written: no newline translation,
    which would turn a \r into \n before the test sees it."""

    def _run(*args):
        done = subprocess.run([CLI, *args], env=cli_env(proxy.url, proxy.key),
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.decode()

    return _run


def _shell_value(script, name):
    done = subprocess.run(["bash", "-c", f'eval "$(cat)"; printf "%s" "${name}"'],
                          input=script.encode(), capture_output=True, cwd="/", timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode()


def _human_is_clean(text, lines=None):
    assert not any(c in text for c in CONTROLS)
    if lines is not None:
        assert len(text.splitlines()) == lines


def _metadata(alias):
    return {"note": alias, **({"long": LONG} if alias == HOSTILE[-1] else {})}


@pytest.fixture(scope="module")
def hostile_teams(proxy):
    """One team per hostile alias (with the same text in its metadata)."""
    from tests.functional.conftest import ProxyAPI

    api = ProxyAPI(proxy)
    prefix = f"h14-{uuid.uuid4().hex[:8]}"
    teams = {}
    try:
        for i, alias in enumerate(HOSTILE):
            team_id = f"{prefix}-{i}"
            teams[team_id] = alias
            api.ok("POST", "/team/new", json={"team_id": team_id, "team_alias": alias,
                                              "metadata": _metadata(alias)})
        # What the CLI must give back is what the proxy stored, which is not
        # always what was sent (it turns U+2028 into spaces).
        stored = {team_id: api.ok("GET", "/team/info", team_id=team_id)["team_info"]
                  for team_id in teams}
        yield {team_id: (info["team_alias"], info["metadata"])
               for team_id, info in stored.items()}
    finally:
        for team_id in teams:
            api.call("POST", "/team/delete", json={"team_ids": [team_id]})


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_a_hostile_team_alias_reads_back_through_every_show_format(raw, hostile_teams, index):
    team_id = list(hostile_teams)[index]
    alias, metadata = hostile_teams[team_id]
    out = {fmt: raw("teams", "get", "--id", team_id, "-f", fmt) for fmt in SHOW_FORMATS}
    assert json.loads(out["json"])["team_alias"] == alias
    assert json.loads(out["json"])["metadata"] == metadata
    assert yaml.safe_load(out["yaml"])["team_alias"] == alias
    assert _shell_value(out["shell"], "team_alias") == alias
    assert json.loads(_shell_value(out["shell"], "metadata")) == metadata
    _human_is_clean(out["table"])
    _human_is_clean(out["value"], lines=len(json.loads(out["json"])))


def test_hostile_team_aliases_read_back_through_every_list_format(raw, hostile_teams):
    out = {fmt: raw("teams", "list", "-f", fmt) for fmt in LIST_FORMATS}
    aliases = {team_id: alias for team_id, (alias, _) in hostile_teams.items()}
    for parse in (json.loads, yaml.safe_load):
        fmt = "json" if parse is json.loads else "yaml"
        found = {t["team_id"]: t["team_alias"] for t in parse(out[fmt])}
        assert {k: found.get(k) for k in hostile_teams} == aliases
    rows = list(csv.DictReader(io.StringIO(out["csv"], newline="")))
    assert {r["team_id"]: r["team_alias"] for r in rows if r["team_id"] in hostile_teams} == (
        aliases)
    _human_is_clean(out["table"])
    _human_is_clean(out["value"])
    # One line per team (other tests may add teams between the calls).
    lines = out["value"].splitlines()
    assert all(sum(line.startswith(f"{team_id} ") for line in lines) == 1
               for team_id in hostile_teams)


@pytest.fixture(scope="module")
def hostile_keys(proxy):
    from tests.functional.conftest import ProxyAPI

    api = ProxyAPI(proxy)
    prefix = f"h14-{uuid.uuid4().hex[:8]}"
    keys = {}
    try:
        for alias in (f"{prefix}{i}{text}" for i, text in enumerate(HOSTILE_ALIASES)):
            keys[alias] = None
            keys[alias] = api.generate(key_alias=alias)["key"]
        yield keys
    finally:
        api.delete_keys(*keys)


def test_hostile_key_aliases_read_back_through_every_format(raw, hostile_keys):
    for alias, key in hostile_keys.items():
        listed = {fmt: raw("keys", "list", "--key-alias", alias, "-f", fmt)
                  for fmt in LIST_FORMATS}
        shown = {fmt: raw("keys", "info", "--key", key, "-f", fmt) for fmt in SHOW_FORMATS}
        assert [k["key_alias"] for k in json.loads(listed["json"])] == [alias]
        assert [k["key_alias"] for k in yaml.safe_load(listed["yaml"])] == [alias]
        assert [r["key_alias"] for r in csv.DictReader(io.StringIO(listed["csv"]))] == [alias]
        assert json.loads(shown["json"])["key_alias"] == alias
        assert yaml.safe_load(shown["yaml"])["key_alias"] == alias
        assert _shell_value(shown["shell"], "key_alias") == alias
        assert key not in "".join([*listed.values(), *shown.values()])


# -- spot checks of the shapes the golden files pin -----------------------------

def test_credentials_list_and_get_use_the_same_field_names(cli, unique):
    created = cli("credentials", "create", unique, "--info", '{"custom_llm_provider": "openai"}',
                  "--values", '{"api_key": "sk-h14-upstream"}')
    assert created.rc == 0, created
    try:
        listed = cli("credentials", "list", "-f", "json").json()
        shown = cli("credentials", "get", unique, "-f", "json").json()
    finally:
        cli("credentials", "delete", unique, "-y")
    mine = [c for c in listed if c["credential_name"] == unique]
    assert mine == [{"credential_name": unique, "custom_llm_provider": "openai"}]
    assert shown["credential_name"] == unique and shown["custom_llm_provider"] == "openai"


def test_models_info_default_columns_are_filled_by_the_proxy(cli):
    result = cli("models", "info", "-f", "json", "--columns",
                 "public_model,upstream_model,id,input_cost,output_cost")
    default = cli("models", "info", "-f", "csv")
    assert result.rc == 0 and default.rc == 0
    rows = list(csv.DictReader(io.StringIO(default.out)))
    assert list(rows[0]) == ["public_model", "upstream_model", "id", "input_cost", "output_cost"]
    gpt = next(r for r in rows if r["public_model"] == "gpt-4o")
    assert gpt["upstream_model"] and gpt["id"] and float(gpt["input_cost"]) > 0


def test_models_info_takes_c_like_columns(cli):
    by_c = cli("models", "info", "-c", "id", "-c", "public_model", "-f", "csv")
    by_columns = cli("models", "info", "--columns", "id,public_model", "-f", "csv")
    assert by_c.rc == 0 and by_columns.rc == 0
    # Other tests add models meanwhile: compare the config file's two.
    fixed = [[line for line in result.out.splitlines()
              if line.endswith(('"gpt-4o"', '"mistral-mock"', '"public_model"'))]
             for result in (by_c, by_columns)]
    assert fixed[0] == fixed[1] and len(fixed[0]) == 3
    assert fixed[0][0] == '"id","public_model"'


def test_an_empty_result_prints_nothing_in_csv_and_an_empty_list_in_json(cli, unique):
    assert cli("keys", "list", "--key-alias", unique, "-f", "csv").out == ""
    assert cli("keys", "list", "--key-alias", unique, "-f", "value").out == ""
    assert cli("keys", "list", "--key-alias", unique, "-f", "json").out == "[]\n"


def test_version_with_the_proxy_down_shows_the_client_version_and_succeeds():
    url = f"http://127.0.0.1:{closed_port()}"
    assert run_cli(["--version"], url).rc == 0
    result = run_cli(["version", "-f", "json"], url)
    assert result.rc == 0, result
    assert json.loads(result.out)["server_version"] is None
    assert json.loads(result.out)["client_version"]
    assert result.err.startswith("note: no server version: ") and result.err.count("\n") == 1


def test_models_delete_takes_several_ids_and_reports_each(cli, api, unique):
    ids = [cli("models", "add", f"{unique}-{i}", "-p", "model=openai/gpt-4o", "-f", "value",
               "-c", "id").out.strip() for i in range(2)]
    result = cli("models", "delete", ids[0], f"{unique}-missing", ids[1], "-y")
    assert result.rc == 1, result
    assert f"Deleted model {ids[0]}" in result.err and f"Deleted model {ids[1]}" in result.err
    assert f"Failed to delete model {unique}-missing" in result.err
    assert "1 of 3 models failed to delete" in result.err
    remaining = {m["model_info"]["id"] for m in api.ok("GET", "/model/info")["data"]}
    assert not remaining & set(ids)


def test_an_error_quoting_a_hostile_name_is_one_line_without_control_characters(cli, unique):
    # Control characters never reach the proxy: the name is refused as a usage error.
    result = cli("teams", "get", "--id", f"{unique}\x1b]0;owned\x07\nsecond")
    assert result.rc == 2, result
    assert result.err.count("\n") == 1 and not any(c in result.err for c in CONTROLS)
    assert "\\x1b" in result.err
    # Format characters and line separators do reach it; its "not found" quotes them escaped.
    result = cli("teams", "get", "--id", f"{unique}\u202eowned\u2028second")
    assert result.rc == 5, result
    assert result.err.count("\n") == 1 and not any(c in result.err for c in CONTROLS)
    assert unique in result.err
