"""The shared command options (litellm_cli.arguments): one definition, many commands."""

import argparse

import pytest

from litellm_cli import arguments
from litellm_cli.arguments import NEW_ID, add_filters, add_member_options, add_options


def _actions(parser):
    return {action.dest: action for action in parser._actions if action.dest != "help"}


def test_settings_take_their_flag_type_and_help_from_the_table_with_the_owner_named():
    parser = argparse.ArgumentParser()
    add_options(parser, "the team", "max_budget", "team_id", "metadata")
    actions = _actions(parser)
    assert list(actions) == ["max_budget", "team_id", "metadata"]
    assert actions["max_budget"].option_strings == ["--max-budget"]
    assert actions["max_budget"].help.startswith("the most the team may spend")
    assert actions["team_id"].metavar == "TEAM_ID"
    args = parser.parse_args(["--max-budget", "1.5", "--team-id", "t1"])
    assert (args.max_budget, args.team_id) == (1.5, "t1")
    with pytest.raises(SystemExit):
        parser.parse_args(["--max-budget", "-1"])


def test_a_text_replaces_the_help_and_a_dict_updates_the_settings():
    parser = argparse.ArgumentParser()
    add_options(parser, "the user", "models", user_id=NEW_ID,
                alias={"required": True, "help": "{owner}'s name"})
    actions = _actions(parser)
    assert list(actions) == ["models", "user_id", "alias"]
    assert actions["user_id"].help == "the id to give the user (default: a new UUID)"
    assert actions["user_id"].metavar == "USER_ID"
    assert actions["alias"].required and actions["alias"].help == "the user's name"
    # The table itself is not changed by one command's change.
    assert not arguments.SETTINGS["alias"].get("required")


def test_filters_name_the_listing():
    parser = argparse.ArgumentParser()
    add_filters(parser, "keys", "team_id", "key_alias")
    actions = _actions(parser)
    assert actions["team_id"].help == "only keys of this team"
    assert actions["key_alias"].help == "only keys with this alias"


def test_ids_are_validated_like_every_name():
    parser = argparse.ArgumentParser()
    add_options(parser, "the key", "team_id", "budget_id")
    with pytest.raises(SystemExit):
        parser.parse_args(["--team-id", "bad\x1bname"])


@pytest.mark.parametrize("table, word", [(arguments.SETTINGS, "owner"),
                                         (arguments.FILTERS, "plural")])
def test_every_help_text_formats_with_its_one_word(table, word):
    for name, settings in table.items():
        text = settings["help"].format(**{word: "X"})
        assert "{" not in text and "}" not in text, name


def test_a_member_is_given_by_user_id_or_email_not_both():
    parser = argparse.ArgumentParser()
    add_member_options(parser)
    assert parser.parse_args(["--email", "a@b"]).email == "a@b"
    with pytest.raises(SystemExit):
        parser.parse_args(["--email", "a@b", "--user-id", "u"])
    with pytest.raises(SystemExit):
        parser.parse_args([])
