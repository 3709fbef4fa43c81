"""A raw key never goes into a URL: request paths and query strings end up in
every access log between the CLI and the proxy, so only key hashes go there."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api.keys import hash_key
from litellm_cli.commandmanager import CommandManager
from tests.unit.conftest import FakeSession
from tests.unit.output import render

RAW = "sk-raw-key-in-url-check-1234"
HASH = hash_key(RAW)

# How each command that takes a key is given one. A command that takes a key
# and is missing here fails test_every_command_that_takes_a_key_is_walked.
KEY_COMMANDS = {
    "keys info": ["--key", RAW],
    "keys update": [RAW, "--max-budget", "5"],
    "keys delete": ["--keys", RAW, "--yes"],
    "keys block": [RAW],
    "keys unblock": [RAW],
    "keys regenerate": [RAW],
    "keys reset-spend": [RAW],
    "keys rotate": [RAW, "--dry-run"],
    "teams assign-key": ["--team-id", "t1", "--key", RAW],
    "spend logs": ["--key", RAW],
    "spend report": ["--key", RAW],
}


class AnySession(FakeSession):
    """Answers every request with one object shaped enough for each command."""

    def _answer(self, method, path, **kwargs):
        with self.lock:
            self.calls.append((method, path, kwargs))
        return {"key": RAW, "token": HASH, "info": {"token": HASH}, "team_id": "t1", "team_info": {},
                "key_hash": HASH, "spend": 0.0, "data": [], "total_pages": 1}


def _takes_a_key(parser):
    return any(action.dest in ("key", "keys") for action in parser._actions)


def _commands():
    manager = CommandManager()
    return {name: manager.load(name) for name in manager.names()}


def test_every_command_that_takes_a_key_is_walked():
    takers = {name for name, cls in _commands().items()
              if _takes_a_key(cls(None, None).get_parser(name))}
    assert takers == set(KEY_COMMANDS)


@pytest.mark.parametrize("name", sorted(KEY_COMMANDS))
def test_no_request_url_holds_the_raw_key(name):
    session = AnySession()
    try:
        render(_commands()[name], KEY_COMMANDS[name], session)
    except exceptions.CLIError:
        pass  # the one-size answer may not suit the command: its requests are what count
    assert session.calls, name
    for method, path, kwargs in session.calls:
        query = " ".join(str(v) for v in (kwargs.get("params") or {}).values())
        assert RAW not in path and RAW not in query, (method, path, kwargs)
