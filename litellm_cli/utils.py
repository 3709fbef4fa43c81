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


import itertools  # noqa: E402  (appended section; the lines above stay as they were)


def wants_all_fields(parsed_args):
    """True for ``-f json``/``-f yaml`` or when ``-c`` picks columns: show every
    field of an object there, and a short summary in tables, csv and value."""
    return parsed_args.formatter in ("json", "yaml") or bool(parsed_args.columns)


def object_row(obj, columns):
    """The values of ``columns`` in ``obj``; dicts and lists become JSONColumns."""
    return tuple(JSONColumn(value) if isinstance(value, (dict, list)) else value
                 for value in (obj.get(column) for column in columns))


def listing(parsed_args, summary, objects):
    """``(columns, rows)`` for a Lister over API objects, rows built lazily.

    Tables, csv and value show the ``summary`` columns; json, yaml and ``-c``
    get every field (named after the first object). ``objects`` may be a
    generator: rows are produced as it yields, so output can stream.
    """
    objects = iter(objects)
    columns = tuple(summary)
    if wants_all_fields(parsed_args):
        first = next(objects, None)
        if first is None:
            return columns, ()
        columns = tuple(first)
        objects = itertools.chain([first], objects)
    return columns, (object_row(obj, columns) for obj in objects)


def walk_pages(fetch, identity, first_page=1):
    """Yield every item of a paged listing, one page in memory at a time.

    ``fetch(page)`` returns ``(items, total_pages)``. When objects are created
    while we walk, offset paging shows some items again at the top of the next
    page; those are dropped by ``identity(item)``, remembering one page only.
    """
    page, previous = first_page, set()
    while True:
        items, total_pages = fetch(page)
        current = set()
        for item in items:
            ident = identity(item)
            current.add(ident)
            if ident not in previous:
                yield item
        if not items or page >= (total_pages or 0):
            return
        page, previous = page + 1, current


def delete_each(targets, report, plural):
    """Run every ``(label, delete)`` in ``targets``, reporting each outcome.

    One failure does not stop the others; when any failed, raise a CLIError
    "N of M <plural> failed to delete" (exit 1).
    """
    failed = 0
    for label, delete in targets:
        try:
            delete()
        except exceptions.CLIError as exc:
            failed += 1
            report(f"Failed to delete {label}: {exc}")
        else:
            report(f"Deleted {label}")
    if failed:
        raise exceptions.CLIError(f"{failed} of {len(targets)} {plural} failed to delete")
