"""Display helpers for commands: how API objects become cliff columns and rows."""

import itertools
import json
import textwrap

from cliff.columns import FormattableColumn
from cliff.formatters.json_format import JSONFormatter


class JSONColumn(FormattableColumn):
    """A dict or list value: compact JSON in tables, the structure itself in
    ``-f json`` / ``-f yaml``."""

    def human_readable(self):
        return json.dumps(self._value, sort_keys=True, ensure_ascii=False)


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


def showing(obj, parsed_args=None, summary=None):
    """``(columns, values)`` for a ShowOne: every field of ``obj``, or only the
    ``summary`` columns in tables, csv and value when a summary is given."""
    columns = tuple(obj)
    if summary is not None and not wants_all_fields(parsed_args):
        columns = tuple(summary)
    return columns, object_row(obj, columns)


class StreamingJSONFormatter(JSONFormatter):
    """cliff's ``-f json`` for lists, written item by item: the same text, but
    memory stays flat however many rows a generator yields."""

    def emit_list(self, column_names, data, stdout, parsed_args):
        indent = None if parsed_args.noindent else 2
        stdout.write("[")
        separator = ""
        for row in data:
            item = {name: value.machine_readable() if isinstance(value, FormattableColumn)
                    else value for name, value in zip(column_names, row)}
            text = json.dumps(item, indent=indent)
            if indent:
                stdout.write(separator + "\n" + textwrap.indent(text, " " * indent))
                separator = ","
            else:
                stdout.write(separator + text)
                separator = ", "
        stdout.write("\n]\n" if indent and separator else "]\n")
