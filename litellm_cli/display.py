"""Display helpers: how API objects become cliff columns and rows, and the
output formats that print them.

The output contract (README, "Output for scripts") lives here, in one place,
so every command gets it without doing anything:

- ``cell_text``: a cell as exact text for ``-f value``, ``csv`` and ``shell``
  (None -> empty, true/false, lists and mappings -> JSON text);
- ``human_text``: a cell in a table (the same, floats without noise);
- ``utils.escape_controls``: no raw control character reaches a terminal
  from ``table`` or ``value`` (nor from notes and errors on stderr);
- ``pick_columns``: ``-c`` in the order given, unknown names rejected;
- the formatter classes below replace cliff's own (see command.py).
"""

import csv
import itertools
import json
import os
import re
import shlex
import textwrap

from cliff.columns import FormattableColumn
from cliff.formatters.commaseparated import CSVLister
from cliff.formatters.json_format import JSONFormatter
from cliff.formatters.shell import ShellFormatter
from cliff.formatters.table import TableFormatter
from cliff.formatters.value import ValueFormatter
from cliff.formatters.yaml_format import YAMLFormatter

from litellm_cli import exceptions
from litellm_cli.utils import escape_controls


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


# -- cells ---------------------------------------------------------------------

def plain(value):
    """The data of a cell (a FormattableColumn's machine-readable value)."""
    return value.machine_readable() if isinstance(value, FormattableColumn) else value


def cell_text(value):
    """A cell as exact text: empty for None, ``true``/``false``, lists and
    mappings as JSON text, numbers as Python writes them (no rounding)."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def human_text(value):
    """A cell for people: ``cell_text`` with floats to 12 significant digits
    (0.02916, not 0.02916000000000001), control characters escaped."""
    if isinstance(value, FormattableColumn):
        # A column class's own layout may span lines (e.g. one change a
        # line); everything else in it is escaped.
        return "\n".join(escape_controls(line)
                         for line in value.human_readable().split("\n"))
    if isinstance(value, float):
        text = f"{value:.12g}"
    else:
        text = cell_text(value)
    return escape_controls(text)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def normalize_column_name(name):
    """What ``-c`` compares: ``Credential Name`` and ``credential_name`` match."""
    return name.lower().strip().replace(" ", "_")


def pick_columns(column_names, requested):
    """Indexes of the ``requested`` columns in the order given (repeats dropped).

    An unknown name is a usage error listing the columns there are.
    """
    index = {}
    for i, name in enumerate(column_names):
        index.setdefault(normalize_column_name(name), i)
    picked, unknown = [], []
    for name in requested:
        i = index.get(normalize_column_name(name))
        if i is None:
            unknown.append(name)
        elif i not in picked:
            picked.append(i)
    if unknown:
        raise exceptions.UsageError(
            f"-c/--column: no column named {', '.join(unknown)}; "
            f"the columns are: {', '.join(column_names)}")
    return picked


# -- formats -------------------------------------------------------------------

class SafeTableFormatter(TableFormatter):
    """cliff's table, with cells as ``human_text`` (numbers still right-aligned)."""

    def add_rows(self, table, column_names, data):
        rows = iter(data)
        first = next(rows, None)
        if first is None:
            return
        for value, name in zip(first, column_names):
            table.align[name] = "r" if _is_number(plain(value)) else "l"
        for row in itertools.chain([first], rows):
            table.add_row([human_text(value) for value in row])

    def emit_list(self, column_names, data, stdout, parsed_args):
        super().emit_list([escape_controls(name) for name in column_names], data, stdout,
                          parsed_args)

    def emit_one(self, column_names, data, stdout, parsed_args):
        super().emit_one([escape_controls(name) for name in column_names],
                         [human_text(value) for value in data], stdout, parsed_args)


def _value_text(value):
    return escape_controls(cell_text(value))


class SafeValueFormatter(ValueFormatter):
    """``-f value``: exact text, one row per line, control characters escaped."""

    def emit_list(self, column_names, data, stdout, parsed_args):
        super().emit_list(column_names, ([_value_text(v) for v in row] for row in data),
                          stdout, parsed_args)

    def emit_one(self, column_names, data, stdout, parsed_args):
        super().emit_one(column_names, [_value_text(v) for v in data], stdout, parsed_args)


def _csv_cell(value):
    value = plain(value)
    if value is None or _is_number(value):
        return value
    return cell_text(value)


class SafeCSVFormatter(CSVLister):
    """RFC 4180 csv that any csv reader reads back exactly: quotes doubled
    (cliff also escapes backslashes, which plain readers keep doubled);
    numbers stay numbers, None is an empty cell."""

    def emit_list(self, column_names, data, stdout, parsed_args):
        quoting = self.QUOTE_MODES[parsed_args.quote_mode]
        writer = csv.writer(stdout, quoting=quoting, lineterminator=os.linesep,
                            escapechar="\\" if quoting == csv.QUOTE_NONE else None)
        writer.writerow(column_names)
        for row in data:
            writer.writerow([_csv_cell(value) for value in row])


_SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def shell_name(name):
    """A field name as a shell variable name: anything but letters, digits and
    ``_`` becomes ``_``; a leading digit gets a ``_`` in front."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return name if _SHELL_NAME.match(name) else f"_{name}"


class SafeShellFormatter(ShellFormatter):
    """``-f shell``: ``name='value'`` lines that are safe to ``eval`` whatever
    the value holds (quoted as shlex.quote does), and give back the exact
    value (lists and mappings as JSON text, None as empty)."""

    def emit_one(self, column_names, data, stdout, parsed_args):
        prefix = parsed_args.prefix
        if prefix and not _SHELL_NAME.match(prefix):
            raise exceptions.UsageError(
                f"--prefix must be letters, digits and _ (not starting with a digit), "
                f"got {prefix!r}")
        wanted = parsed_args.variables
        for name, value in zip(column_names, data):
            if wanted and normalize_column_name(name) not in wanted:
                continue
            stdout.write(f"{prefix}{shell_name(name)}={shlex.quote(cell_text(value))}\n")


class StreamingJSONFormatter(JSONFormatter):
    """cliff's ``-f json`` for lists, written item by item: the same text, but
    memory stays flat however many rows a generator yields."""

    def emit_list(self, column_names, data, stdout, parsed_args):
        indent = None if parsed_args.noindent else 2
        stdout.write("[")
        separator = ""
        for row in data:
            item = {name: plain(value) for name, value in zip(column_names, row)}
            text = json.dumps(item, indent=indent)
            if indent:
                stdout.write(separator + "\n" + textwrap.indent(text, " " * indent))
                separator = ","
            else:
                stdout.write(separator + text)
                separator = ", "
        stdout.write("\n]\n" if indent and separator else "]\n")


class PlainYAMLFormatter(YAMLFormatter):
    """cliff's ``-f yaml`` without anchors and aliases (``&id001``/``*id001``)
    when two fields hold the same object: each value is written out in full."""

    def emit_list(self, column_names, data, stdout, parsed_args):
        _dump_yaml([{name: plain(value) for name, value in zip(column_names, row)}
                    for row in data], stdout)

    def emit_one(self, column_names, data, stdout, parsed_args):
        for name, value in zip(column_names, data):
            _dump_yaml({name: plain(value)}, stdout)


def _dump_yaml(data, stdout):
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data):
            return True

    yaml.dump(data, stdout, Dumper=Dumper, default_flow_style=False)


# Our formatter for each of cliff's format names (see command._Display).
FORMATTERS = {
    "table": SafeTableFormatter,
    "value": SafeValueFormatter,
    "csv": SafeCSVFormatter,
    "shell": SafeShellFormatter,
    "json": StreamingJSONFormatter,
    "yaml": PlainYAMLFormatter,
}
