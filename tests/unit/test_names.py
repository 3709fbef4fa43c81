"""Names and ids: one argument type for all of them, and safe URL paths."""

import argparse
import re

import pytest

from litellm_cli.api import path_segment
from litellm_cli.utils import valid_name

# An argument names an object when its dest or metavar says so.
NAMING = re.compile(r"(^|_)(id|ids|name|alias|email|user|team|model|key|hash)$")
# Secrets, and a label that may be set to anything (it names nothing in a URL or lookup).
NOT_NAMES = {"columns", "info_columns", "sort_columns", "api_key", "api_key_command",
             "source_api_key", "display_name"}


def _commands():
    from litellm_cli.app import LiteLLMApp
    from litellm_cli.commandmanager import CommandManager
    from litellm_cli.shell import build_parser

    manager = CommandManager()
    parser = build_parser()
    app = LiteLLMApp(manager, parser)
    app.options = parser.parse_args([])
    for name in manager.names():
        ep = manager.entry_point(name)
        if ep is None or not ep.value.startswith("litellm_cli."):
            continue
        yield name, manager.load(name)(app, app.options, cmd_name=name).get_parser(name)


def _naming_arguments():
    found = []
    for command, parser in _commands():
        for action in parser._actions:
            if (isinstance(action, argparse._StoreAction) and action.dest not in NOT_NAMES
                    and action.type in (None, valid_name)):  # not numbers, amounts...
                words = (action.dest, (action.metavar or "").lower())
                if any(NAMING.search(word) for word in words) and not action.choices:
                    found.append((command, action))
    return found


def test_every_name_and_id_argument_of_every_command_is_validated():
    arguments = _naming_arguments()
    assert len(arguments) > 30  # the walk found the commands' arguments
    unchecked = [f"{command}: {action.option_strings or action.dest}"
                 for command, action in arguments if action.type is not valid_name]
    assert not unchecked


@pytest.mark.parametrize("text", ["", " ", "\t", "\n", ".", "..", "a\nb", "a\x1b[31m",
                                  "x\x00y", "x\x7fy", "x\x9by"])
def test_empty_blank_dot_and_control_character_names_are_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        valid_name(text)


@pytest.mark.parametrize("text", ["gpt-4o", "azure/prod", "a b", "...", "x?y", "ünï",
                                  "$(rm -rf)"])
def test_ordinary_and_odd_but_harmless_names_pass(text):
    assert valid_name(text) == text


@pytest.mark.parametrize("name,segment", [
    ("azure/prod", "azure%2Fprod"), ("../models", "..%2Fmodels"), ("x?y#z", "x%3Fy%23z"),
    ("a b", "a%20b"), ("%2F", "%252F"), ("...", "..."),
])
def test_ids_in_url_paths_are_one_quoted_segment(name, segment):
    assert path_segment(name) == segment


@pytest.mark.parametrize("name", ["", ".", ".."])
def test_names_that_would_address_another_path_are_refused_by_the_sdk(name):
    with pytest.raises(ValueError):
        path_segment(name)


def test_an_empty_name_is_a_usage_error_before_anything_is_sent(capsys):
    from litellm_cli.shell import main

    # No proxy listens on this URL: reaching the network would be exit 3, not 2.
    code = main(["--base-url", "http://127.0.0.1:9", "credentials", "delete", "", "-y"])
    assert code == 2
    assert "must not be empty" in capsys.readouterr().err
