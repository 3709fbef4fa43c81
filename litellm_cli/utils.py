"""Helpers shared by commands: JSON options, key=value pairs, files, argument
types, the one-by-one delete, and making text safe for a terminal."""

import argparse
import datetime
import json
import math
import os
import re
import sys
import unicodedata

from litellm_cli import exceptions, redact

# The option that read stdin, if any, and what it read: stdin can be read once.
_stdin_reader = {}


def claim_stdin(option):
    """Note that ``option`` reads stdin; a second reader is a usage error."""
    if _stdin_reader:
        raise exceptions.UsageError(
            f"{option}: stdin was already read for {next(iter(_stdin_reader))}; use @FILE "
            "for one of them")
    _stdin_reader[option] = None


# The most an @FILE or @- option value may hold: JSON objects and keys, not data sets.
MAX_ARGUMENT_CHARS = 16 * 2**20


def read_argument(value, option):
    """``@FILE`` reads a file and ``@-`` reads stdin; anything else is taken as is.

    Lets secrets stay out of shell history and process listings.
    """
    if not value.startswith("@"):
        return value
    source = value[1:]
    try:
        if source == "-":
            # A command may look at its option's value more than once: the
            # same option gets what stdin held again; another one is refused.
            if _stdin_reader.get(option) is None:
                claim_stdin(option)
                _stdin_reader[option] = sys.stdin.read(MAX_ARGUMENT_CHARS + 1)
            text = _stdin_reader[option]
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read(MAX_ARGUMENT_CHARS + 1)
    except (OSError, UnicodeDecodeError) as exc:
        raise exceptions.UsageError(f"{option}: cannot read {source}: {exc}") from None
    if len(text) > MAX_ARGUMENT_CHARS:  # e.g. @/dev/zero
        raise exceptions.UsageError(f"{option}: {source} is larger than "
                                    f"{MAX_ARGUMENT_CHARS // 2**20} MiB")
    return text


def read_input_file(path, stdin=None):
    """``(text, source)`` of an input file (a config or state file): ``-``
    reads ``stdin`` (default sys.stdin) and is named ``<stdin>``. A file that
    cannot be read (missing, a folder, not UTF-8) is a UsageError."""
    try:
        if path == "-":
            return (stdin or sys.stdin).read(), "<stdin>"
        with open(path, encoding="utf-8") as handle:
            return handle.read(), path
    except (OSError, UnicodeDecodeError) as exc:
        raise exceptions.UsageError(f"cannot read {path}: {exc}") from None


def read_secret(value, option):
    """A secret given on the command line, or read from ``@FILE`` / ``@-`` (one
    trailing newline and surrounding blanks dropped); masked in all output."""
    if value.startswith("@"):
        source = value[1:]
        value = read_argument(value, option).strip()
        if not value:
            raise exceptions.UsageError(
                f"{option}: {'stdin' if source == '-' else source} is empty")
    redact.remember(value)
    return value


def read_keys(value, option):
    """Keys or key hashes as given, or read from @FILE / @- (commas or one per line).

    The raw keys (``sk-...``) are masked in all output; their hashes are not
    secrets (listings show them).
    """
    keys = split_list(read_argument(value, option).replace("\n", ","))
    redact.remember([key for key in keys if key.startswith("sk-")])
    return keys


def read_key(value, option):
    """One key or key hash, as ``read_keys`` reads it."""
    keys = read_keys(value, option)
    if len(keys) != 1:
        raise exceptions.UsageError(f"{option}: expected one key or key hash, got {len(keys)}")
    return keys[0]


def loads_json(text):
    """``json.loads`` that refuses NaN, Infinity and numbers too large for a
    float: they would go out as ``NaN``/``Infinity``, which is not JSON."""

    def refuse(token):
        raise ValueError(f"{token} is not a JSON value")

    def finite(token):
        value = float(token)
        if not math.isfinite(value):
            raise ValueError(f"number {token[:20]} is too large")
        return value

    return json.loads(text, parse_constant=refuse, parse_float=finite)


def parse_json(value, option, expect=None):
    """Parse a JSON option value; a mistake is a usage error naming the option."""
    try:
        data = loads_json(value)
    except (ValueError, RecursionError) as exc:
        raise exceptions.UsageError(f"{option} is not valid JSON: {exc}") from None
    redact.remember_fields(data)
    if expect is not None and not isinstance(data, expect):
        wanted = {dict: "an object", list: "an array"}.get(expect, expect.__name__)
        raise exceptions.UsageError(f"{option} must be JSON {wanted}, got {type(data).__name__}")
    return data


# Alias expansion a YAML document may have: this many nodes in all, or this
# many times the nodes it is written with, whichever is more. Past that it is
# an alias bomb ("billion laughs"), not a configuration.
YAML_EXPANSION_NODES = 1_000_000
YAML_EXPANSION_RATIO = 10


def _yaml_children(node):
    if isinstance(node.value, list):
        for item in node.value:
            if isinstance(item, tuple):  # a mapping's (key, value)
                yield from item
            else:
                yield item


def check_yaml_expansion(root):
    """Refuse a node graph whose aliases expand out of proportion, or that
    refers to itself. Walks each distinct node once (no recursion, so deep
    nesting cannot overflow the stack); raises ValueError."""
    sizes, on_path, stack = {}, set(), [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _yaml_children(node))
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise ValueError("an alias refers to a node that contains it")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _yaml_children(node) if id(child) not in sizes)
    limit = max(YAML_EXPANSION_NODES, YAML_EXPANSION_RATIO * len(sizes))
    if sizes[id(root)] > limit:
        raise ValueError(f"its aliases expand to {sizes[id(root)]} values from {len(sizes)} "
                         f"written (more than {limit}): refused as an alias bomb")


def parse_yaml(text, source, as_proxy=False):
    """Parse YAML safely; a mistake is a usage error naming the source, line and column.

    Uses libyaml's parser when PyYAML has it (about 5 times faster), refuses
    alias bombs and self-referring documents (see check_yaml_expansion), and
    types plain values by the rule of typed_value (``2024.10`` stays text).
    With ``as_proxy``, plain values mean what they mean to the LiteLLM proxy
    reading the same file (``yaml.safe_load``, YAML 1.1: ``0.50``, ``1_000``
    and ``2024.10`` are numbers, ``yes`` is true), except that dates stay
    text as written and NaN or infinity are refused (JSON has neither).
    """
    import yaml

    loader = _yaml_loader(as_proxy)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "&" in text:  # without an anchor there is no alias to expand
            check_yaml_expansion(node)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise exceptions.UsageError(f"{source}{where}: invalid YAML: {problem}") from None
    except ValueError as exc:
        raise exceptions.UsageError(f"{source}: invalid YAML: {exc}") from None
    except RecursionError:
        raise exceptions.UsageError(f"{source}: invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    redact.remember_fields(data)
    return data


_LOADERS = {}
_YAML = "tag:yaml.org,2002:"
# The tags YAML guesses for plain (untagged, unquoted) values that we type
# by our own rule instead, and the private tags the loader gives them.
_GUESSED = {_YAML + kind: "tag:litellm-cli,plain:" + kind
            for kind in ("int", "float", "bool", "timestamp")}
_YAML_BOOLEANS = {"true": True, "True": True, "TRUE": True,
                  "false": False, "False": False, "FALSE": False}


def _yaml_loader(as_proxy=False):
    """PyYAML's safe loader (the C one when available), typing plain values by
    the rule of typed_value: a number only when no digit is lost, a boolean
    only when spelled true/false, never a date; and never NaN or infinity.
    ``as_proxy``: YAML 1.1 as the safe loader types it, but dates stay text and
    never NaN or infinity (see parse_yaml)."""
    if as_proxy not in _LOADERS:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class Loader(base):
            def resolve(self, kind, value, implicit):
                tag = super().resolve(kind, value, implicit)
                if kind is yaml.ScalarNode and implicit[0] and not as_proxy:
                    return _GUESSED.get(tag, tag)
                return tag

            def construct_plain(self, node):
                text = self.construct_scalar(node)
                if node.tag.endswith(":bool"):
                    return _YAML_BOOLEANS.get(text, text)  # yes, no, on, off stay text
                number = _lossless_number(text) if node.tag.endswith(("int", "float")) else None
                return text if number is None else number

            def construct_mapping(self, node, deep=False):
                # A key written twice: YAML keeps the last silently (a second
                # "model_list: []" would prune every model); refused.
                seen = set()
                for key_node, _ in node.value:
                    if key_node.tag == _YAML + "merge" or not isinstance(key_node.value, str):
                        continue  # merges may repeat; a complex key is left to YAML
                    if (key_node.tag, key_node.value) in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"{key_node.value[:100]!r} is given twice in one "
                            "mapping", key_node.start_mark)
                    seen.add((key_node.tag, key_node.value))
                return super().construct_mapping(node, deep)

            def construct_yaml_float(self, node):  # explicitly tagged !!float
                value = super().construct_yaml_float(node)
                if not math.isfinite(value):
                    raise ValueError(f"line {node.start_mark.line + 1}: {node.value} "
                                     "(NaN or infinity) has no JSON form")
                return value

        for tag in _GUESSED.values():
            Loader.add_constructor(tag, Loader.construct_plain)
        Loader.add_constructor(_YAML + "float", Loader.construct_yaml_float)
        if as_proxy:
            Loader.add_constructor(_YAML + "timestamp", Loader.construct_scalar)
        _LOADERS[as_proxy] = Loader
    return _LOADERS[as_proxy]



# Characters a YAML emitter writes as they are but a reviewer does not see:
# format characters (bidi controls, a name that reads backwards in a diff;
# zero-width marks; the soft hyphen), line and paragraph separators, and
# these invisible others: the grapheme joiner, the Hangul fillers, the
# Khmer inherent vowels and the variation selectors.
_HIDDEN_CATEGORIES = ("Cf", "Zl", "Zp")
_INVISIBLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\ufe00-\ufe0f"
                        "\U000e0100-\U000e01ef]")
_DUMPERS = []


def _hidden(char):
    return (not char.isascii() and (unicodedata.category(char) in _HIDDEN_CATEGORIES
                                    or _INVISIBLE.match(char) is not None))


def _shows_hidden(text):
    """``text`` with each hidden character as a YAML escape (``\\u202e``)."""
    if text.isascii():
        return text
    return "".join((f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
                   if _hidden(c) else c for c in text)


def dump_yaml(data, **options):
    """``yaml.dump`` (the C safe dumper when available) with unicode written
    as it is, except the characters that hide or reorder text: a string that
    holds one is written double-quoted with that character as an escape
    (``"\\u202e"``), so a state file shows in review what it means."""
    import yaml

    if not _DUMPERS:
        class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
            def represent_str(self, value):
                hides = not value.isascii() and any(map(_hidden, value))
                return self.represent_scalar("tag:yaml.org,2002:str", value,
                                             style='"' if hides else None)

        Dumper.add_representer(str, Dumper.represent_str)
        _DUMPERS.append(Dumper)
    text = yaml.dump(data, Dumper=_DUMPERS[0], allow_unicode=True, **options)
    # Each such character is inside a double-quoted scalar, where \uXXXX is an escape.
    return _shows_hidden(text)


def write_yaml_list(out, key, entries):
    """Write ``key:`` and its list to ``out`` one entry at a time (an export
    never holds the whole text); ``key: []`` when there is none. Returns the
    count."""
    count = 0
    for entry in entries:
        out.write("" if count else f"{key}:\n")
        out.write(dump_yaml([entry], sort_keys=False, default_flow_style=False))
        count += 1
    if not count:
        out.write(f"{key}: []\n")
    return count


# A number as JSON writes it (no "+", "_", leading zeros or bare ".5").
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_JSON_WORDS = {"true": True, "false": False, "null": None}


def _lossless_number(text):
    """The number ``text`` is, or None unless converting it keeps every digit
    written: 42, 0.5, 1e-6, 1.0e-6 convert; 2024.10, 1.50, 00123, 1_000, -0,
    NaN do not."""
    if not _JSON_NUMBER.fullmatch(text):
        return None
    if text.lstrip("-").isdigit():
        try:
            value = int(text)
        except ValueError:  # more digits than Python converts
            return None
        return value if str(value) == text else None
    value = float(text)
    if not math.isfinite(value):
        return None
    if repr(value) == text:
        return value
    from decimal import Decimal

    written = Decimal(text)
    if written != Decimal(repr(value)):  # more digits than a float keeps
        return None
    # Exponent notation is a number whatever its digits; otherwise no written
    # digit may be dropped (the trailing zero of a version such as 2024.10).
    if "e" in text.lower() or written.as_tuple() == written.normalize().as_tuple():
        return value
    return None


# The rule of typed_value, for the help of every KEY=VALUE option.
TYPED_VALUE_HELP = ("VALUE is typed when nothing is lost: 42, 0.5, true, false, null and JSON "
                    "objects/arrays become those, anything else (2024.10, 00123, NaN) stays "
                    "text; write a JSON string to force text: key='\"2024.10\"'. The value of "
                    "a secret-named KEY (api_key, *password*...) is text as given, unless a "
                    "JSON object")


def typed_value(text):
    """A ``KEY=VALUE`` value: JSON when it is JSON and reading it loses nothing,
    otherwise the text itself.

    ``true``/``false``/``null``, numbers that keep every digit (``42``, ``0.5``),
    JSON objects and arrays, and JSON strings (``"2024.10"``: the way to force
    text) become those; ``2024.10``, ``00123``, ``1_000``, ``NaN`` stay text.
    """
    if text in _JSON_WORDS:
        return _JSON_WORDS[text]
    number = _lossless_number(text)
    if number is not None:
        return number
    if text.startswith(("{", "[", '"')):
        try:
            return loads_json(text)
        except (ValueError, RecursionError):
            pass
    return text


def parse_pairs(pairs, option):
    """Turn repeated ``key=value`` arguments into a dict with typed values
    (see typed_value).

    The value of a secret-named key (``api_key``, ``*_secret``...) may be
    ``@FILE`` or ``@-``, and is masked in all output, like URL passwords. It
    is text as given (``password=12345678`` is no number), unless it is a
    JSON object (a service-account file).
    """
    result = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise exceptions.UsageError(f"{option}: expected key=value, got {pair!r}")
        if redact.is_secret_field(key):
            value = read_secret(value, f"{option} {key}")
            result[key] = typed_value(value) if value.startswith("{") else value
        else:
            result[key] = typed_value(value)
        redact.remember_fields({key: result[key]})
    return result


def valid_name(text):
    """The argument type of every name and id (models, keys, users, teams,
    credentials, profiles...): not empty or blank, not ``.`` or ``..``, no
    control characters. Checked before anything is sent, so a name never
    addresses a collection or the path above it, nor lets the proxy invent a
    random id."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty or blank")
    if text in (".", ".."):
        raise argparse.ArgumentTypeError(f"{text!r} is not a name")
    bad = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        raise argparse.ArgumentTypeError(
            f"must not contain control characters (found {bad!r})")
    return text


# The longest id a state or config file may give: ids travel in URLs, and
# the proxy's server refuses a request head over 16 KiB.
MAX_ID_CHARS = 1000


def unusable_id(ident, in_path=True):
    """Why ``ident`` (a deployment id, a credential name, a team id... from a
    file) cannot address its object, or None; ``in_path``: the proxy's routes
    take it in a URL path (deployments, credentials), not a query or body."""
    if in_path and "/" in ident:
        # The proxy creates such an id but its update routes cannot address it.
        return "must not hold '/'"
    if len(ident) > MAX_ID_CHARS:
        return f"is longer than {MAX_ID_CHARS} characters ({len(ident)})"
    try:
        valid_name(ident)
    except argparse.ArgumentTypeError as exc:
        return str(exc)
    if ident != ident.strip():
        return "must not begin or end with blank space (it would not show in a table)"
    return None


def split_list(value):
    """``a,b, c`` -> ["a", "b", "c"] (empty items dropped)."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


# The forms the proxy's duration parser accepts: 30s, 15m, 24h, 7d, 2w, 1mo,
# and its words for common periods.
DURATION = re.compile(r"^\d+(s|m|h|d|w|mo)$")
DURATION_WORDS = ("hourly", "daily", "weekly", "monthly")


def number(low=None, high=None, kind=float, what=None, above=False):
    """An argument type: a ``kind`` (``int`` or ``float``) from ``low`` to ``high``
    (either end may be None); with ``above``, greater than ``low``. ``what``
    names the value in the message ("a number of seconds"). A float must be
    finite: NaN and infinity are not JSON, and no limit means anything there."""
    what = what or ("a whole number" if kind is int else "a number")
    if above:
        bounds = f"greater than {low}"
    elif high is None:
        bounds = f"{low} or more"
    else:
        bounds = f"at most {high}" if low is None else f"from {low} to {high}"
    if kind is float:
        bounds = f"a finite number {bounds}"

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if (not -math.inf < value < math.inf
                or (low is not None and (value <= low if above else value < low))
                or (high is not None and value > high)):
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text!r}")
        return value

    return parse


positive_int = number(1, kind=int)


amount = number(0, what="an amount")


def duration(text):
    if DURATION.match(text) or text in DURATION_WORDS:
        return text
    raise argparse.ArgumentTypeError(
        f"expected a number with a unit s, m, h, d, w or mo (e.g. 30s, 24h, 7d, 1mo), "
        f"or one of {', '.join(DURATION_WORDS)}; got {text!r}")


UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "mo": 30 * 86400}


def to_timedelta(text):
    """A duration (``30s``, ``24h``, ``7d``, ``2w``, ``1mo`` = 30 days; ``0``) as a
    timedelta; ValueError for anything else."""
    text = str(text).strip()
    if text == "0":
        return datetime.timedelta(0)
    if not DURATION.match(text):
        raise ValueError(f"expected a duration such as 30d, 24h or 1mo, got {text!r}")
    number = text.rstrip("smhdwo")
    return datetime.timedelta(seconds=int(number) * UNIT_SECONDS[text[len(number):]])


def timedelta_argument(text):
    """An argument type: a duration (see to_timedelta) as a timedelta."""
    try:
        return to_timedelta(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def delete_each(targets, report, plural, verb="delete", done="Deleted"):
    """Run every ``(label, delete)`` in ``targets``, reporting each outcome.

    The one rule of every per-item command (delete, block, unblock, update...
    of keys, teams, users, customers...): a single target's failure is raised
    as it is, keeping its message and exit code (an unknown id exits 5).
    With several, one failure does not stop the others; when any failed,
    raise a CLIError "N of M <plural> failed to delete" (exit 1). ``verb``
    and ``done`` name the action ("block", "Blocked").
    """
    if len(targets) == 1:
        label, delete = targets[0]
        delete()
        report(f"{done} {label}")
        return
    failed = 0
    for label, delete in targets:
        try:
            delete()
        except exceptions.CLIError as exc:
            failed += 1
            report(f"Failed to {verb} {label}: {exc}")
        else:
            report(f"{done} {label}")
    if failed:
        raise exceptions.CLIError(f"{failed} of {len(targets)} {plural} failed to {verb}")


def request_body(parsed_args, fields=(), lists=(), objects=()):
    """The request body for the options given on the command line: ``fields``
    as they are, ``lists`` (MODEL[,MODEL...]) split on commas, ``objects``
    (JSON; @FILE reads a file) parsed as JSON objects. A field is its
    option's dest, or ``(body name, dest)`` when the proxy names it otherwise."""
    body = {}
    for field in fields:
        name, dest = field if isinstance(field, tuple) else (field, field)
        if getattr(parsed_args, dest) is not None:
            body[name] = getattr(parsed_args, dest)
    for name in lists:
        if getattr(parsed_args, name) is not None:
            body[name] = split_list(getattr(parsed_args, name))
    for name in objects:
        if getattr(parsed_args, name) is not None:
            option = "--" + name.replace("_", "-")
            body[name] = parse_json(read_argument(getattr(parsed_args, name), option), option,
                                    expect=dict)
    return body


def required_changes(changes):
    """``changes``, unless there are none (a usage error: an update that changes nothing)."""
    if not changes:
        raise exceptions.UsageError("nothing to change: give at least one setting")
    return changes


# C0 and C1 controls, DEL, line/paragraph separators and the bidi overrides
# that can make a terminal show text other than what is there.
_CONTROL_CHARS = "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
_CONTROLS = re.compile(_CONTROL_CHARS)
_TEXT_CONTROLS = re.compile("(?![\n\t])" + _CONTROL_CHARS)  # free text keeps its lines
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match):
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text):
    """``text`` with every control character written as an escape (``\\n``,
    ``\\x1b``, ``\\u202e``), so a value cannot move the cursor, recolour or
    retitle a terminal, or hide text, and each row stays on one line."""
    return _CONTROLS.sub(_escape, text)


def escape_text(text):
    """``escape_controls`` for free text (a reply, a response body): line
    breaks and tabs stay what they are, every other control is escaped."""
    return _TEXT_CONTROLS.sub(_escape, text)


def is_terminal_safe(text):
    """True when ``text`` holds no character ``escape_controls`` escapes."""
    return not _CONTROLS.search(text)


def completion_cache_path(name):
    """The file the shell completion reads ``name`` (e.g. model names) from."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "litellm-cli", f"completion-{name}")


def make_private_dirs(directory):
    """Create folder ``directory`` and its missing parents readable by you only
    (0700, as the XDG base directory spec asks), whatever the umask lets
    others do; folders that exist are left as they are."""
    missing = []
    while not os.path.isdir(directory):
        missing.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:  # made meanwhile by another run
            pass


def save_completion_cache(name, values):
    """Keep ``values`` for shell completion, one a line, readable by you only.

    Best effort: a cache that cannot be written is not an error. Values with
    a line break could not be completed as one word, so they are left out.
    Each writer fills a temporary file of its own, then renames it over the
    cache: the cache is always one writer's whole list, never a mix. (It is
    written whole, never read and changed, so no update can be lost.)
    """
    import tempfile

    path = completion_cache_path(name)
    lines = sorted({v for v in values if isinstance(v, str) and v and "\n" not in v
                    and "\r" not in v})
    tmp = None
    try:
        make_private_dirs(os.path.dirname(path))
        descriptor, tmp = tempfile.mkstemp(dir=os.path.dirname(path),  # 0600
                                           prefix=f".completion-{name}-", suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines(f"{line}\n" for line in lines)
        os.replace(tmp, path)
    except OSError:
        if tmp:
            remove_quietly(tmp)


def remove_quietly(path):
    """Remove file ``path`` if it can be (a temporary file left by a failed write)."""
    try:
        os.unlink(path)
    except OSError:
        pass


def merge_patch(target, patch):
    """``target`` changed by ``patch`` as a JSON merge patch (RFC 7386): each
    field of ``patch`` replaces the target's, objects are merged field by
    field, and a null removes the field. Neither argument is changed."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge_patch(merged.get(name), value)
    return merged


def member_body(parsed_args):
    """The member to add, as the proxy's member endpoints take it: role and user."""
    if parsed_args.user_id:
        return {"role": parsed_args.role, "user_id": parsed_args.user_id}
    return {"role": parsed_args.role, "user_email": parsed_args.email}
