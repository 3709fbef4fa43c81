"""Parsing helpers shared by commands: JSON options, key=value pairs, files."""

import json
import sys

from litellm_cli import exceptions


def read_argument(value, option):
    """``@FILE`` reads a file and ``@-`` reads stdin; anything else is taken as is.

    Lets secrets stay out of shell history and process listings.
    """
    if not value.startswith("@"):
        return value
    source = value[1:]
    try:
        if source == "-":
            return sys.stdin.read()
        with open(source, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise exceptions.UsageError(f"{option}: cannot read {source}: {exc}") from None


def parse_json(value, option, expect=None):
    """Parse a JSON option value; a mistake is a usage error naming the option."""
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise exceptions.UsageError(f"{option} is not valid JSON: {exc}") from None
    if expect is not None and not isinstance(data, expect):
        wanted = {dict: "an object", list: "an array"}.get(expect, expect.__name__)
        raise exceptions.UsageError(f"{option} must be JSON {wanted}, got {type(data).__name__}")
    return data


def typed_value(text):
    """``42`` -> 42, ``0.5`` -> 0.5, ``true``/``false``/``null``, JSON objects and
    lists -> those; anything else stays a string."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "none"):
        return None
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    if text.strip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def parse_pairs(pairs, option):
    """Turn repeated ``key=value`` arguments into a dict with typed values."""
    result = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise exceptions.UsageError(f"{option}: expected key=value, got {pair!r}")
        result[key.strip()] = typed_value(value)
    return result


def split_list(value):
    """``a,b, c`` -> ["a", "b", "c"] (empty items dropped)."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


# Imported here, not at the top, so the lines above stay as they were; only
# command modules (which load cliff anyway) import this module.
from cliff.columns import FormattableColumn  # noqa: E402


class JSONColumn(FormattableColumn):
    """A dict or list value: compact JSON in tables, the structure itself in
    ``-f json`` / ``-f yaml``."""

    def human_readable(self):
        return json.dumps(self._value, sort_keys=True, ensure_ascii=False)
