"""Typed KEY=VALUE values, JSON options, the YAML loader and the argument types
(litellm_cli.utils); the HTTP error -> NotFound conversion (litellm_cli.exceptions)."""

import argparse
import json
import subprocess
import sys

import pytest

from litellm_cli import exceptions
from litellm_cli.utils import (number, parse_json, parse_pairs, parse_yaml, request_body,
                               required_changes, typed_value)


@pytest.mark.parametrize("text,expected", [
    ("42", 42), ("-5", -5), ("0", 0), ("0.5", 0.5), ("1.0", 1.0), ("-0.0", -0.0),
    ("1e-6", 1e-6), ("0.000002", 2e-6), ("1.5e3", 1500.0), ("1.0e-6", 1e-6), ("10e2", 1000.0),
    ("2.50E-7", 2.5e-7),
    ("0.30000000000000004", 0.30000000000000004),
    ("true", True), ("false", False), ("null", None),
    ('{"a": [1, 2.5]}', {"a": [1, 2.5]}), ("[1, 2]", [1, 2]),
])
def test_typed_value_converts_when_nothing_is_lost(text, expected):
    value = typed_value(text)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("text", [
    "2024.10", "00123", "1_000", "+1", ".5", "1.", "-0", "1.50", "0.3000000000000000444",
    "NaN", "Infinity", "-Infinity", "nan", "1e400", "0x1F", " 42", "42 ", "9" * 5000,
    "True", "FALSE", "None", "none", "yes", "", "{bad", "[1, NaN]", '{"a": Infinity}',
    '"unclosed', "gpt-4o",
])
def test_typed_value_keeps_text_when_converting_would_lose_something(text):
    assert typed_value(text) == text


def test_a_json_string_forces_text():
    assert typed_value('"2024.10"') == "2024.10"
    assert typed_value('"00123"') == "00123"
    assert typed_value('"true"') == "true"


def test_typed_values_are_always_valid_json():
    pairs = [f"k{i}={v}" for i, v in enumerate(
        ["NaN", "Infinity", "-Infinity", "1e999", "[NaN]", "2024.10", "1_000", "00123"])]
    body = parse_pairs(pairs, "--param")
    json.dumps(body, allow_nan=False)  # raises on NaN/Infinity
    assert body["k5"] == "2024.10" and body["k6"] == "1_000" and body["k7"] == "00123"


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}', "1e999", "[1e400]"])
def test_json_options_refuse_nan_and_infinity(text):
    with pytest.raises(exceptions.UsageError, match="--values is not valid JSON"):
        parse_json(text, "--values")


def test_json_options_refuse_nesting_too_deep_for_the_parser():
    with pytest.raises(exceptions.UsageError):
        parse_json("[" * 100_000 + "]" * 100_000, "--json")


def test_yaml_plain_values_follow_the_same_rule():
    assert parse_yaml("cost: 1.0e-6\n", "t.yaml") == {"cost": 1e-6}
    data = parse_yaml("a: 2024.10\nb: 00123\nc: 1_000\nd: 0x1F\ne: 1:20\nf: yes\ng: on\n"
                      "h: true\ni: 2024-01-01\nj: .nan\nk: -.inf\nl: 42\nm: 0.5\nn: ~\n"
                      "o: \"2024.10\"\np: False\n", "t.yaml")
    assert data == {"a": "2024.10", "b": "00123", "c": "1_000", "d": "0x1F", "e": "1:20",
                    "f": "yes", "g": "on", "h": True, "i": "2024-01-01", "j": ".nan",
                    "k": "-.inf", "l": 42, "m": 0.5, "n": None, "o": "2024.10", "p": False}
    json.dumps(data, allow_nan=False)


def test_yaml_explicit_nan_is_refused():
    with pytest.raises(exceptions.UsageError, match="NaN or infinity"):
        parse_yaml("x: !!float .nan\n", "t.yaml")


def _bomb(levels, width=10):
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_quickly():
    import time

    started = time.process_time()
    with pytest.raises(exceptions.UsageError, match="alias bomb"):
        parse_yaml("model_list:\n  - model_name: x\n    litellm_params:\n      model: a/b\n"
                   "      extra:\n" + "".join("        " + line + "\n"
                                              for line in _bomb(9).splitlines()), "bomb.yaml")
    # Not a timed assert on performance: a billion expansions walked would take minutes.
    assert time.process_time() - started < 30


def test_yaml_proportionate_aliases_are_fine():
    shared = "defaults: &d {api_base: 'http://x', rpm: 10}\nmodel_list:\n" + "".join(
        f"  - {{model_name: m{i}, litellm_params: {{<<: *d, model: a/m{i}}}}}\n"
        for i in range(500))
    data = parse_yaml(shared, "ok.yaml")
    assert len(data["model_list"]) == 500
    assert data["model_list"][7]["litellm_params"] == {"api_base": "http://x", "rpm": 10,
                                                       "model": "a/m7"}
    assert parse_yaml(_bomb(5), "small.yaml")["l4"][0][0][0][0] == ["lol"] * 10


def test_yaml_self_reference_is_refused():
    with pytest.raises(exceptions.UsageError, match="contains it"):
        parse_yaml("a: &a [1, *a]\n", "loop.yaml")


def test_yaml_deep_nesting_is_a_usage_error():
    with pytest.raises(exceptions.UsageError, match="deep.yaml"):
        parse_yaml("[" * 100_000 + "]" * 100_000, "deep.yaml")


@pytest.mark.parametrize("as_proxy", [False, True])
def test_yaml_key_given_twice_in_one_mapping_is_refused(as_proxy):
    for text, problem in [
            ("teams:\n  - team_id: a\n    team_id: b\n", "line 3, column 5: .*'team_id' is"),
            ("model_list: [1]\nmodel_list: []\n", "line 2, column 1: .*'model_list' is")]:
        with pytest.raises(exceptions.UsageError, match=problem + " given twice"):
            parse_yaml(text, "s.yaml", as_proxy=as_proxy)
    # Merge keys may repeat and be overridden: that is their meaning.
    merged = "b: &b {x: 1}\nm:\n  <<: *b\n  <<: {y: 2}\n  x: 3\n"
    assert parse_yaml(merged, "s.yaml", as_proxy=as_proxy)["m"] == {"x": 3, "y": 2}


def test_yaml_uses_the_c_loader_when_available():
    import yaml

    from litellm_cli.utils import _yaml_loader

    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    assert issubclass(_yaml_loader(), yaml.CSafeLoader)


def test_an_endless_argument_file_is_refused_not_read_forever(monkeypatch):
    from litellm_cli import utils

    monkeypatch.setattr(utils, "MAX_ARGUMENT_CHARS", 1000)
    with pytest.raises(exceptions.UsageError, match="larger than"):
        utils.read_argument("@/dev/zero", "--values")


def test_argument_files_and_stdin_are_read(tmp_path, monkeypatch):
    import io

    from litellm_cli.utils import read_argument

    (tmp_path / "v.json").write_text('{"api_key": "k"}')
    assert read_argument(f"@{tmp_path / 'v.json'}", "--values") == '{"api_key": "k"}'
    monkeypatch.setattr("sys.stdin", io.StringIO("from stdin"))
    assert read_argument("@-", "--values") == "from stdin"
    assert read_argument("plain", "--values") == "plain"


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "Infinity", "1e999", "-1"])
def test_amounts_are_finite_and_not_negative(text):
    import argparse

    from litellm_cli.utils import amount

    with pytest.raises(argparse.ArgumentTypeError):
        amount(text)


@pytest.mark.parametrize("args, text, value", [
    ((1, None, int), "3", 3), ((0, 2), "2", 2.0), ((-2, 2), "-2", -2.0),
    ((0,), "0", 0.0), ((1, 10, int), "10", 10)])
def test_number_accepts_its_range(args, text, value):
    assert number(*args)(text) == value


@pytest.mark.parametrize("args, kwargs, text, message", [
    ((1, None, int), {}, "1.5", "expected a whole number"),
    ((0, 2), {}, "2.1", "must be a finite number from 0 to 2"),
    ((0, 2), {}, "nan", "must be a finite number from 0 to 2"),
    ((1, None, int), {}, "0", "must be 1 or more"),
    ((0,), {"above": True, "what": "a number of seconds"}, "0", "must be a finite number greater than 0"),
    ((0,), {"what": "a number of seconds"}, "soon", "expected a number of seconds")])
def test_number_rejects_with_an_argparse_error(args, kwargs, text, message):
    # ArgumentTypeError, so argparse names the option and the shell exits 2.
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        number(*args, **kwargs)(text)


def test_not_found_recasts_only_matching_400s():
    error = exceptions.BadRequest("Team x does not exist", request_id="r1", method="POST",
                                  url="http://p/team/info", body="{}")
    recast = exceptions.not_found(error, "does not exist")
    assert type(recast) is exceptions.NotFound and recast.exit_code == exceptions.EXIT_NOT_FOUND
    assert (recast.details, recast.request_id, recast.method, recast.url, recast.http_status) == (
        error.details, "r1", "POST", "http://p/team/info", 400)
    assert exceptions.not_found(error) is error  # "not found" is not in the text
    server = exceptions.ServerError("model not found")
    assert exceptions.not_found(server) is server


def test_client_manager_builds_each_api_client_once_on_its_session():
    from litellm_cli.clientmanager import API_CLIENTS, ClientManager

    session = object()
    manager = ClientManager(session=session)
    for name, path in API_CLIENTS.items():
        client = getattr(manager, name)
        assert type(client).__name__ == path.rsplit(":", 1)[1]
        assert client.session is session and getattr(manager, name) is client
    with pytest.raises(AttributeError):
        manager.nothing_like_this


# An SDK user imports an API client and its Session, and nothing of the CLI.
SDK_PROBE = """
import sys
from litellm_cli.clientmanager import API_CLIENTS
from litellm_cli.session import Session
session = Session("http://127.0.0.1:9", api_key="sk-probe")
for path in API_CLIENTS.values():
    module, _, name = path.partition(":")
    __import__(module, fromlist=[name])
    assert getattr(sys.modules[module], name)(session).session is session
cli = sorted(m for m in sys.modules if m.split(".")[0] in ("cliff", "stevedore", "cmd2",
             "prettytable") or m.startswith(("litellm_cli.plugins", "litellm_cli.command",
                                             "litellm_cli.app", "litellm_cli.shell")))
print(cli)
"""


def test_the_api_clients_are_usable_without_the_cli():
    # In a fresh interpreter: this test process has imported the CLI already.
    res = subprocess.run([sys.executable, "-c", SDK_PROBE], capture_output=True, text=True,
                         timeout=60)
    assert (res.returncode, res.stdout.strip()) == (0, "[]"), res.stderr


def test_request_body_holds_only_the_options_given(tmp_path):
    metadata = tmp_path / "meta.json"
    metadata.write_text('{"team": "a"}')
    args = argparse.Namespace(alias="x", max_budget=None, models="a, b", tags=None,
                              metadata=f"@{metadata}", config=None)
    body = request_body(args, (("key_alias", "alias"), "max_budget"),
                        lists=("models", "tags"), objects=("metadata", "config"))
    assert body == {"key_alias": "x", "models": ["a", "b"], "metadata": {"team": "a"}}


def test_request_body_names_the_option_of_a_bad_json_object():
    args = argparse.Namespace(model_max_budget="[1]")
    with pytest.raises(exceptions.UsageError, match="--model-max-budget"):
        request_body(args, objects=("model_max_budget",))


def test_an_update_that_changes_nothing_is_a_usage_error():
    assert required_changes({"a": 1}) == {"a": 1}
    with pytest.raises(exceptions.UsageError, match="nothing to change"):
        required_changes({})


@pytest.mark.parametrize("ident", [" padded", "padded ", "\u00a0padded"])
def test_an_id_with_blank_space_at_an_end_is_unusable(ident):
    from litellm_cli.utils import unusable_id

    assert unusable_id(ident) == ("must not begin or end with blank space (it would not show "
                                  "in a table)")


def test_an_id_with_a_control_character_at_its_end_is_named_for_the_control():
    from litellm_cli.utils import unusable_id

    assert unusable_id("t-1\x1b[31m\n").startswith("must not contain control characters")


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\u200b", "\ufeff", "\u2028", "\u061c",
                                    "\u00ad", "\u034f", "\u180e", "\ufe0f", "\u3164",
                                    "\U000e0041", "\U000e0100"])
def test_yaml_written_for_review_shows_hidden_characters_as_escapes(hidden):
    """A name holding a bidi override or an invisible mark reads as something
    else in a reviewed diff: the dumper escapes it, and the file still means
    the same value."""
    from litellm_cli.utils import dump_yaml

    data = {"teams": [{"team_id": f"ok{hidden}evil", f"key{hidden}": f"\\{hidden}",
                       "team_alias": "café"}]}
    text = dump_yaml(data, sort_keys=False)
    assert hidden not in text
    assert "café" in text  # other unicode stays readable
    assert parse_yaml(text, "export") == data
