"""The output contract every command gets from the base classes (README,
"Output for scripts"), shown on two minimal commands."""

import argparse
import csv
import io
import json
import subprocess

import pytest
import yaml

from litellm_cli import command, display, exceptions
from tests.unit.output import render

HOSTILE = [
    "$(touch /tmp/pwned)", "`id`", "a'b\"c", "semi; rm -rf /", "new\nline", "tab\there",
    "\x1b[31mred\x1b[0m", "\x1b]0;title\x07", "bell\x07", "cr\rreturn", "del\x7f", "c1\x9b2J",
    "bidi\u202eevil", "line\u2028sep", "\\n literal", "été 日本 🎉", "", " spaced ", "-n",
    "x" * 100_000, "*", "~", "!!", "${HOME}", "a\\",
]
CONTROL_CHARS = [chr(c) for c in range(0x20) if c != 0x0a] + ["\x7f", "\x9b", "\u202e", "\u2028"]


def _lister(columns, rows):
    class Listing(command.Lister):
        def take_action(self, parsed_args):
            return columns, iter(rows)
    return Listing


def _shower(columns, values):
    class Showing(command.ShowOne):
        def take_action(self, parsed_args):
            return columns, values
    return Showing


def _out(cls, *argv, **kwargs):
    status, out, err = render(cls, list(argv), session=None, **kwargs)
    assert status == 0
    return out, err


# -- shell ---------------------------------------------------------------------

def _eval_in_bash(script, names):
    """The values bash has for ``names`` after ``eval``-ing ``script``."""
    printer = "; ".join(f'printf "%s\\0" "${name}"' for name in names)
    done = subprocess.run(["bash", "-c", f'eval "$1"; {printer}', "bash", script],
                          capture_output=True, cwd="/", timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1]


def test_shell_output_is_safe_to_eval_and_gives_back_each_value_exactly(tmp_path):
    names = [f"v{i}" for i in range(len(HOSTILE))]
    out, _ = _out(_shower(names, HOSTILE), "-f", "shell")
    assert _eval_in_bash(out, names) == HOSTILE
    assert not (tmp_path / "pwned").exists()


def test_shell_output_writes_lists_mappings_and_none_as_text():
    out, _ = _out(_shower(("l", "d", "n", "b", "f"),
                          (["a b"], {"k": "$(x)"}, None, True, 0.5)), "-f", "shell")
    assert _eval_in_bash(out, ["l", "d", "n", "b", "f"]) == [
        '["a b"]', '{"k": "$(x)"}', "", "true", "0.5"]


def test_shell_variable_names_are_valid_whatever_the_field_name():
    out, _ = _out(_shower(("a-b", "c:d", "9x", "e f", "$(id)"), (1, 2, 3, 4, 5)), "-f", "shell")
    assert [line.split("=")[0] for line in out.splitlines()] == [
        "a_b", "c_d", "_9x", "e_f", "__id_"]


def test_shell_prefix_must_be_a_name():
    cls = _shower(("a",), (1,))
    assert _out(cls, "-f", "shell", "--prefix", "my_")[0] == "my_a=1\n"
    with pytest.raises(exceptions.UsageError, match="--prefix"):
        _out(cls, "-f", "shell", "--prefix", "x;id;")


# -- table and value: nothing raw reaches the terminal -------------------------

@pytest.mark.parametrize("fmt", ["table", "value"])
def test_table_and_value_escape_every_control_character(fmt):
    values = [f"<{c}>" for c in CONTROL_CHARS]
    names = [f"c{i}" for i in range(len(values))]
    for cls in (_lister(names, [values]), _shower(names, values)):
        out, _ = _out(cls, "-f", fmt)
        lines = out.splitlines()
        assert not any(c in out for c in CONTROL_CHARS)
        assert "<\\x1b>" in out and "<\\t>" in out and "<\\r>" in out and "<\\u202e>" in out
        assert len(lines) == (len(values) + 4 if cls.__name__ == "Showing" and fmt == "table"
                              else len(values) if cls.__name__ == "Showing" else
                              5 if fmt == "table" else 1)


def test_table_escapes_newlines_so_each_row_is_one_line():
    out, _ = _out(_lister(("a", "b"), [("x\ny", {"k": "\x1b"})]))
    assert out.splitlines()[3] == '| x\\ny | {"k": "\\u001b"} |'


def test_table_field_names_are_escaped_too():
    out, _ = _out(_shower(("bad\x1bname",), (1,)))
    assert "\x1b" not in out and "bad\\x1bname" in out


# -- empty values, lists, numbers ----------------------------------------------

ROW = ("x", None, ["a"], {"k": 1}, 0.02916000000000001, 100.0, 3, True)
NAMES = ("s", "none", "list", "map", "cost", "budget", "count", "flag")


def test_json_keeps_null_numbers_and_structures():
    out, _ = _out(_lister(NAMES, [ROW]), "-f", "json")
    assert json.loads(out) == [dict(zip(NAMES, ROW))]
    assert json.loads(_out(_shower(NAMES, ROW), "-f", "json")[0]) == dict(zip(NAMES, ROW))


def test_yaml_keeps_null_numbers_and_structures():
    assert yaml.safe_load(_out(_lister(NAMES, [ROW]), "-f", "yaml")[0]) == [dict(zip(NAMES, ROW))]


def test_value_shows_empty_for_none_json_for_structures_and_exact_numbers():
    out, _ = _out(_shower(NAMES, ROW), "-f", "value")
    assert out.splitlines() == ["x", "", '["a"]', '{"k": 1}', "0.02916000000000001", "100.0",
                                "3", "true"]


def test_table_shows_floats_without_noise_and_no_python_repr():
    out, _ = _out(_lister(NAMES, [ROW]))
    assert out.splitlines()[3] == (
        '| x |      | ["a"] | {"k": 1} | 0.02916 |    100 |     3 | true |')
    assert "None" not in out and "['a']" not in out and "True" not in out


def test_csv_reads_back_exactly_with_any_csv_reader():
    values = ["a\\b", 'q"x', "n\nl", "$(id)", "été"]
    out, _ = _out(_lister(("v",), [(v,) for v in values] + [(None,), (["l"],), (1.5,)]),
                  "-f", "csv")
    assert [row[0] for row in csv.reader(io.StringIO(out, newline=""))] == (
        ["v"] + values + ["", '["l"]', "1.5"])


# -- -c -------------------------------------------------------------------------

def test_columns_come_out_in_the_order_given():
    lister, shower = _lister(("a", "b", "c"), [(1, 2, 3)]), _shower(("a", "b", "c"), (1, 2, 3))
    assert _out(lister, "-c", "c", "-c", "a", "-f", "csv")[0].splitlines() == ['"c","a"', "3,1"]
    assert _out(shower, "-c", "c", "-c", "a", "-f", "value")[0] == "3\n1\n"
    assert json.loads(_out(shower, "-c", "b", "-c", "a", "-f", "json")[0]) == {"b": 2, "a": 1}
    assert list(json.loads(_out(shower, "-c", "b", "-c", "a", "-f", "json")[0])) == ["b", "a"]


def test_sorting_may_use_a_column_that_is_not_shown():
    lister = _lister(("a", "b"), [(1, "z"), (2, "y")])
    assert _out(lister, "-c", "a", "--sort-column", "b", "-f", "value")[0] == "2\n1\n"


@pytest.mark.parametrize("cls", [_lister(("a", "b"), [(1, 2)]), _shower(("a", "b"), (1, 2))])
def test_an_unknown_column_is_a_usage_error_naming_the_columns(cls):
    with pytest.raises(exceptions.UsageError, match="no column named nope; the columns are: a, b"):
        _out(cls, "-c", "a", "-c", "nope")


# -- empty results ----------------------------------------------------------------

@pytest.mark.parametrize("fmt, expected", [("table", ""), ("csv", ""), ("value", ""),
                                           ("json", "[]\n"), ("yaml", "[]\n")])
def test_an_empty_list_prints_nothing_but_an_empty_document(fmt, expected):
    assert _out(_lister(("a",), []), "-f", fmt) == (expected, "")


def test_an_empty_list_on_a_terminal_says_so_on_stderr():
    out, err = _out(_lister(("a",), []), tty=True)
    assert out == "" and err == "No test found.\n"


# -- cliff's private parts: one place each, and they must still work -------------

def test_cliff_still_loads_formatters_through_the_hook_we_override():
    loaded = {type(f.obj) for cls in (_lister((), []), _shower((), ()))
              for f in cls(None, None)._formatter_plugins}
    assert loaded >= set(display.FORMATTERS.values()), (
        "cliff no longer calls DisplayCommandBase._load_formatter_plugins: the output contract "
        "(litellm_cli/display.py) is not applied; see command._Display")


def test_cliffs_private_help_formatter_is_still_an_argparse_formatter():
    assert issubclass(command.SmartHelpFormatter, argparse.HelpFormatter), (
        "cliff._argparse.SmartHelpFormatter moved or changed: see the import in command.py")


# -- stderr -------------------------------------------------------------------------

def test_notes_on_stderr_stay_one_line_whatever_they_quote():
    class Noting(command.Command):
        def take_action(self, parsed_args):
            self.warn("Deleted team \x1b]0;owned\x07evil\nsecond line")

    _, out, err = render(Noting, [], session=None)
    assert err == "Deleted team \\x1b]0;owned\\x07evil\\nsecond line\n"


def test_help_of_cliffs_format_options_is_reworded():
    parser = _lister(("a",), [])(None, None).get_parser("litellm-proxy test")
    text = parser.format_help()
    assert "-f table:" in text and "--max-width N" in text and "in the order given" in text
    assert "output formatter options" not in text and "<integer>" not in text


# -- completion cache -----------------------------------------------------------------

def test_a_listing_keeps_a_column_for_shell_completion_once_all_rows_are_out(
        tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cls = _lister(("id", "n"), [("b", 1), ("a", 2), ("bad\nname", 3), (None, 4)])
    cls.completion_cache = ("things", "id")
    _out(cls, "-c", "n", "-f", "csv")
    path = tmp_path / "litellm-cli" / "completion-things"
    assert path.read_text() == "a\nb\n"
    assert path.stat().st_mode & 0o077 == 0


def test_names_a_terminal_cannot_show_as_they_are_are_not_offered_for_completion(
        tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cls = _lister(("id",), [("ok",), ("bidi\u202eevil",), ("esc\x1b[31m",), ("tab\tbed",)])
    cls.completion_cache = ("things", "id")
    _out(cls, "-f", "csv")
    assert (tmp_path / "litellm-cli" / "completion-things").read_text() == "ok\n"


def test_yaml_writes_a_shared_value_in_full_without_anchors():
    shared = {"k": [1]}
    out, _ = _out(_lister(("a", "b"), [(shared, shared)]), "-f", "yaml")
    assert "&" not in out and "*" not in out
    assert yaml.safe_load(out) == [{"a": shared, "b": shared}]
