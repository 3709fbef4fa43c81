"""The whole proxy as one file (``litellm-proxy state ...``): reading a state
file and checking it offline against the request models of a LiteLLM release.

The file is one YAML mapping whose keys are object kinds, each a list of
objects written with the field names of the proxy's own API. Which fields
each kind takes comes from the release's pydantic request models, extracted
by tools/extract_schema.py into litellm_cli/schemas/litellm-<version>.json.
No cliff and no printing: usable without the CLI.

    report = validate(read_state("state.yaml"), release="1.108.7")
    report.problems   # [Problem(level, kind, name, field, problem), ...]
"""

import difflib
import json
import os

from litellm_cli import exceptions, versions
from litellm_cli.utils import parse_yaml, read_input_file, unusable_id

DEFAULT_RELEASE = "1.108.7"  # the pinned release: its schema is the default
SCHEMA_FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             "schemas")
ENV_PREFIX = "os.environ/"


class Kind:
    """One kind of object: its section, the field that identifies an object
    (a dotted path; ``required``: every object must give it; ``in_path``: the
    proxy's routes take it in a URL path), the fields that refer to objects of
    other kinds (``{field: kind}``), and the field whose values the proxy
    reads as ``os.environ/NAME`` references whatever their type; ``optional``:
    fields (dotted paths) the proxy's model requires that a state file may
    leave out; ``scope``: ``(field, default)``, a field (a dotted path)
    within whose values the identity is unique (a prompt's environment)."""

    def __init__(self, section, identity, required=True, in_path=False, references=None,
                 env_field=None, optional=(), scope=None):
        self.section, self.identity, self.required = section, identity, required
        self.in_path, self.references, self.env_field = in_path, references or {}, env_field
        self.optional, self.scope = optional, scope


KINDS = {kind.section: kind for kind in (
    Kind("budgets", "budget_id"),
    Kind("teams", "team_id"),
    Kind("users", "user_id"),
    Kind("customers", "user_id", references={"budget_id": "budgets"}),
    # Secrets a file leaves out stay as they are on the proxy (models export
    # writes none); the proxy makes a deployment's model_info and its id, and
    # an entry with only a model_name uses it as the upstream model (as models
    # import does).
    Kind("credential_list", "credential_name", in_path=True, env_field="credential_values",
         optional=("credential_values",)),
    Kind("model_list", "model_info.id", required=False, in_path=True,
         references={"litellm_params.litellm_credential_name": "credential_list"},
         env_field="litellm_params",
         optional=("litellm_params", "model_info", "model_info.id")),
    Kind("keys", "key_alias",
         references={"team_id": "teams", "user_id": "users", "budget_id": "budgets"}),
    Kind("tags", "name", references={"budget_id": "budgets"}),
    Kind("mcp_server_list", "server_id", in_path=True),
    Kind("guardrail_list", "guardrail_name", env_field="litellm_params"),
    Kind("search_tool_list", "search_tool_name", env_field="litellm_params"),
    Kind("vector_store_list", "vector_store_id",
         references={"litellm_credential_name": "credential_list"}),
    # One object per prompt and environment (api/kinds/prompts).
    Kind("prompt_list", "prompt_id", in_path=True,
         scope=("prompt_info.environment", "development")),
    Kind("organizations", "organization_alias"),  # refused by apply (api/kinds/organizations)
    Kind("access_group_list", "access_group_name",
         references={"assigned_team_ids": "teams", "access_mcp_server_ids": "mcp_server_list"}),
    # A config.yaml's agent_list: the same objects in the same shape (AgentConfig).
    Kind("agent_list", "agent_name"),
)}
# Sections of a LiteLLM config.yaml that are settings, not objects: an
# existing proxy config is a valid state file, and these are not checked.
# (litellm/proxy/proxy_server.py, load_config, reads them from the top level.)
PROXY_SECTIONS = (
    "general_settings", "litellm_settings", "router_settings", "environment_variables",
    "callback_settings", "assistant_settings", "default_vertex_config", "files_settings",
    "finetune_settings", "guardrails", "mcp_servers", "mcp_tools", "agents",
    "policies", "policy_attachments", "prompts", "sandbox_tools", "search_tools",
    "vector_store_registry", "worker_registry",
)
# The proxy's Deployment takes any field at the top of a model_list entry, so
# a misspelt litellm_params would go unnoticed: an entry takes its schema's
# fields and these, which the proxy's router reads there (router.py).
MODEL_ENTRY_EXTRA = ("tpm", "rpm")
_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number",
               "boolean": "true or false", "array": "a list", "object": "a mapping",
               "null": "null"}


def read_state(path, stdin=None):
    """The state file at ``path`` (``-``: ``stdin``, default sys.stdin), parsed
    as the proxy parses its config.yaml; a file that cannot be read or is not
    a mapping is a UsageError."""
    text, source = read_input_file(path, stdin)
    data = parse_yaml(text, source, as_proxy=True)
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        raise exceptions.UsageError(f"{source} is {what}, not a state file (a mapping of "
                                    f"kinds: {', '.join(KINDS)})")
    return data


REFERENCES = ("cli.environ/", "cli.file/")


def resolve_references(data):
    """``data`` with every text value ``cli.environ/NAME`` replaced by this
    program's environment variable NAME, and ``cli.file/PATH`` by the content
    of the file PATH (without a final newline): a file kept in git need hold
    no secret. Each value read is remembered as a secret (masked wherever it
    would show). ``os.environ/NAME`` is left as it is: the proxy reads it. A
    variable that is not set, or a file that cannot be read, is a UsageError
    naming it."""
    from litellm_cli.redact import remember

    def resolve(value, where):
        if isinstance(value, dict):
            return {k: resolve(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if not isinstance(value, str) or not value.startswith(REFERENCES):
            return value
        kind, _, name = value.partition("/")
        if not name:
            raise exceptions.UsageError(f"{where}: {kind}/ needs a name after the slash")
        if kind == "cli.environ":
            if name not in os.environ:
                raise exceptions.UsageError(f"{where}: the environment variable {name} is not "
                                            "set (cli.environ/ reads it)")
            found = os.environ[name]
        else:
            try:
                with open(name, encoding="utf-8") as f:
                    found = f.read()
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or "not UTF-8 text"
                raise exceptions.UsageError(f"{where}: cannot read {name}: {reason} "
                                            "(cli.file/ reads it)") from None
            found = found[:-1] if found.endswith("\n") else found
        remember(found)
        return found

    return resolve(data, "")


def releases():
    """The releases there is a schema for, oldest first."""
    names = [name[len("litellm-"):-len(".json")] for name in os.listdir(SCHEMA_FOLDER)
             if name.startswith("litellm-") and name.endswith(".json")]
    return sorted(names, key=versions.parse)


def load_schema(release):
    """The schema document of ``release``; an unknown one is a UsageError."""
    known = releases()
    if release not in known:
        raise exceptions.UsageError(f"no schema for LiteLLM {release}: known releases are "
                                    f"{', '.join(known)}")
    with open(os.path.join(SCHEMA_FOLDER, f"litellm-{release}.json"), encoding="utf-8") as f:
        return json.load(f)


class Problem:
    """One row of a report; ``index``: the object's place in its section
    (-1: the section itself), for reporting in file order."""

    def __init__(self, level, kind, name, field, problem, index=-1):
        self.level, self.kind, self.name, self.field = level, kind, name, field
        self.problem, self.index = problem, index


class Report:
    """What ``validate`` found: ``problems`` (errors and notes, in file
    order), ``objects`` (how many per kind) and ``ignored`` (the proxy
    settings sections left unchecked)."""

    def __init__(self):
        self.problems, self.objects, self.ignored = [], {}, []

    @property
    def errors(self):
        return [p for p in self.problems if p.level == "error"]


def _described(schema, defs):
    """What ``schema`` accepts, in words: "a number or null"."""
    if "$ref" in schema:
        target = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
        return "a mapping" if "properties" in target else _described(target, defs)
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(v) for v in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        words = []
        for branch in branches:
            word = _described(branch, defs)
            if word not in words:
                words.append(word)
        return " or ".join(words)
    kinds = schema.get("type")
    if kinds is None:
        return "any value"
    kinds = kinds if isinstance(kinds, list) else [kinds]
    words = [_TYPE_WORDS.get(kind, kind) for kind in kinds]
    if kinds == ["array"] and isinstance(schema.get("items"), dict) and schema["items"]:
        return f"a list of {_described(schema['items'], defs)}"
    return " or ".join(words)


def _type_word(value):
    """A YAML value's type, in the words of _described (never the value)."""
    for kind, word in (((bool,), "true or false"), ((int,), "a whole number"),
                       ((float,), "a number"), ((str,), "text"), ((list,), "a list"),
                       ((dict,), "a mapping"), ((type(None),), "null")):
        if isinstance(value, kind):
            return word
    return type(value).__name__


def _path(parts):
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _object_schema(schema, defs):
    """The object (or list) schema that ``schema`` names, or None: through
    ``$ref`` and an optional's ``anyOf`` (with null)."""
    while True:
        if "$ref" in schema:
            schema = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
        elif "anyOf" in schema or "oneOf" in schema:
            shaped = [b for b in schema.get("anyOf") or schema["oneOf"]
                      if "$ref" in b or "properties" in b or b.get("type") == "array"]
            if len(shaped) != 1:
                return None
            schema = shaped[0]
        else:
            return schema if "properties" in schema or "items" in schema else None


def _get(data, dotted):
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


class Validator:
    """Checks objects against one release's schema; the other releases'
    schemas tell a typo from a field of another release."""

    def __init__(self, release):
        import jsonschema  # only the commands that validate pay for it

        self.release = release
        self.document = load_schema(release)
        self.defs = self.document["$defs"]
        self.checkers = {
            kind: jsonschema.Draft202012Validator({"$defs": self.defs, **ref})
            for kind, ref in self.document["kinds"].items()}
        self._others = None

    # -- one object ----------------------------------------------------------

    def check(self, kind, data, only_extra=None):
        """``(field, problem)`` for each error in one object of ``kind``
        (a section, or "team_members"); ``only_extra``: the only fields the
        object takes beyond its schema's, even when the schema takes any."""
        schema = self.document["kinds"][kind]
        yield from self._unknown(kind, data, schema, (), only_extra)
        said = set()
        for error in self.checkers[kind].iter_errors(data):
            for found in self._type_errors(kind, error):
                if found not in said:  # one "required" error per missing field, each
                    said.add(found)    # naming them all
                    yield found

    def _unknown(self, kind, data, schema, where, only_extra=None):
        schema = _object_schema(schema, self.defs)
        if schema is None:
            return
        if isinstance(data, list) and isinstance(schema.get("items"), dict):
            for index, item in enumerate(data):
                yield from self._unknown(kind, item, schema["items"], where + (index,))
            return
        if not isinstance(data, dict) or "properties" not in schema:
            return
        known = schema["properties"]
        open_ = schema.get("additionalProperties") not in (None, False) and only_extra is None
        for name, value in data.items():
            if name in known:
                yield from self._unknown(kind, value, known[name], where + (name,))
            elif not open_ and name not in (only_extra or ()):
                yield _path(where + (str(name),)), self._why_unknown(kind, where, str(name),
                                                                      known)

    def _why_unknown(self, kind, where, name, known):
        """An unknown field: added in a newer release, dropped by this one,
        or a typo (with the closest known name)."""
        here = versions.parse(self.release)
        holders = [release for release, props in self._elsewhere(kind, where)
                   if name in props]
        newer = [r for r in holders if versions.parse(r) > here]
        if newer:
            return (f"unknown field: added in LiteLLM {newer[0]} (checked against "
                    f"{self.release}: see --litellm-version)")
        if holders:
            return f"unknown field: LiteLLM {holders[-1]} has it, {self.release} no longer does"
        close = difflib.get_close_matches(name, [str(k) for k in known], n=1)
        return f"unknown field; did you mean {close[0]}?" if close else "unknown field"

    def _elsewhere(self, kind, where):
        """``(release, property names)`` of the same object in every other
        release that has it, oldest first."""
        if self._others is None:
            self._others = [(r, load_schema(r)) for r in releases() if r != self.release]
        for release, document in self._others:
            defs, schema = document["$defs"], document["kinds"].get(kind)
            for part in where:
                schema = schema and _object_schema(schema, defs)
                if schema and isinstance(part, int):
                    schema = schema.get("items")
                elif schema:
                    schema = schema.get("properties", {}).get(part)
            schema = schema and _object_schema(schema, defs)
            if schema and "properties" in schema:
                yield release, schema["properties"]

    def _type_errors(self, kind, error):
        """``(field, problem)`` for a jsonschema error, in words that never
        quote the value (it may be a secret, or a megabyte)."""
        where = list(error.absolute_path)
        optional = KINDS[kind].optional if kind in KINDS else ()
        env = KINDS[kind].env_field if kind in KINDS else None
        if error.validator == "additionalProperties":
            return  # said by _unknown, field by field
        if isinstance(error.instance, str) and error.instance.startswith(REFERENCES):
            return  # read from this program's environment or a file: any type
        if error.validator == "required":
            for name in error.validator_value:
                if name not in error.instance and _path(where + [name]) not in optional:
                    yield _path(where + [name]), "is required"
        elif (env and where and where[0] == env and isinstance(error.instance, str)
              and error.instance.startswith(ENV_PREFIX)):
            return  # the proxy reads the variable's value, whatever the type
        elif error.validator in ("enum", "const") and isinstance(error.instance, str):
            yield _path(where), f"must be {_described(error.schema, self.defs)}"
        elif error.validator in ("type", "anyOf", "oneOf", "enum", "const"):
            yield _path(where), (f"must be {_described(error.schema, self.defs)}, "
                                 f"not {_type_word(error.instance)}")
        else:
            value = json.dumps(error.validator_value, default=str)
            yield _path(where), f"does not meet {error.validator} {value[:80]}"


def validate(data, release=DEFAULT_RELEASE):
    """Check a parsed state file offline; a Report of what is wrong."""
    report, checker = Report(), Validator(release)
    problem = owner_problem(data)
    if problem:
        report.problems.append(Problem("error", "owner", None, None, problem))
    given = {}
    for section, objects in data.items():
        if section == "owner":
            continue
        if section in PROXY_SECTIONS:
            report.ignored.append(section)
        elif section not in KINDS:
            report.problems.append(Problem("error", str(section), None, None,
                                           _unknown_section(str(section))))
        elif objects is not None and not isinstance(objects, list):
            report.problems.append(Problem("error", section, None, None,
                                           f"must be a list, not {_type_word(objects)}"))
        elif objects is not None and section not in checker.document["kinds"]:
            report.problems.append(Problem("error", section, None, None,
                                           _missing_kind(section, release)))
        elif objects is not None:
            given[section] = objects
            report.objects[section] = len(objects)
    identities = {section: _identities(KINDS[section], objects, report)
                  for section, objects in given.items()}
    for section, objects in given.items():
        kind = KINDS[section]
        for index, item in enumerate(objects):
            name = _name(kind, item, f"{section}[{index}]")
            if not isinstance(item, dict):
                report.problems.append(Problem("error", section, name, None,
                                               f"must be a mapping, not {_type_word(item)}",
                                               index))
                continue
            for field, problem in _check_object(checker, kind, item):
                report.problems.append(Problem("error", section, name, field, problem, index))
            for field, problem in _references(kind, item, identities):
                report.problems.append(Problem("note", section, name, field, problem, index))
    order = {section: place for place, section in enumerate(data)}
    report.problems.sort(key=lambda p: (order.get(p.kind, -1), p.index))  # stable
    return report


def owner_problem(data):
    """What is wrong with the file's owner, or None. An empty one (``owner:``,
    a templating slip) is refused: taking the default instead would let
    --prune delete the default owner's objects."""
    if "owner" not in data:
        return None
    owner = data["owner"]
    if owner is None:
        from litellm_cli.api.kinds.base import DEFAULT_OWNER

        return f"is empty: give a name, or leave owner out (default {DEFAULT_OWNER})"
    if not isinstance(owner, str):
        return f"must be text, not {_type_word(owner)}"
    return unusable_id(owner, in_path=False)


def _missing_kind(section, release):
    """A kind that ``release`` does not have (added by a newer one)."""
    newer = [r for r in releases() if section in load_schema(r)["kinds"]]
    since = f" (LiteLLM {newer[0]} has it)" if newer else ""
    return f"LiteLLM {release} has no {section}{since}: see --litellm-version"


def _unknown_section(section):
    if section == "include":
        return ("include is not followed: a state file is one file (merge the included "
                "files into it)")
    close = difflib.get_close_matches(section, list(KINDS) + ["owner"], n=1)
    hint = f"; did you mean {close[0]}?" if close else f" (kinds: {', '.join(KINDS)})"
    return f"unknown section{hint}"


def _name(kind, item, position):
    """How rows name an object: its identity, else its place in the file."""
    ident = _get(item, kind.identity)
    return ident if isinstance(ident, str) and ident else position


def _identities(kind, objects, report):
    """The identities the file gives for ``kind``; a missing, unusable or
    repeated one is an error (in its ``scope``, if the kind has one)."""
    seen, scoped = {}, {}
    for index, item in enumerate(objects):
        if not isinstance(item, dict):
            continue
        ident, position = _get(item, kind.identity), f"{kind.section}[{index}]"
        if ident is None:
            if kind.required:
                report.problems.append(Problem("error", kind.section, position, kind.identity,
                                               "is required: it names the object on every "
                                               "proxy", index))
            continue
        if not isinstance(ident, str):
            continue  # the schema says what it must be
        error = unusable_id(ident, kind.in_path)
        if error:
            report.problems.append(Problem("error", kind.section, position, kind.identity,
                                           error, index))
            continue
        key = (ident, str(_get(item, kind.scope[0]) or kind.scope[1])) if kind.scope else ident
        if key in scoped:
            report.problems.append(Problem("error", kind.section, ident, kind.identity,
                                           f"given more than once ({scoped[key]} and "
                                           f"{position})", index))
        else:
            seen[ident] = scoped[key] = position
    return seen


def _check_object(checker, kind, item):
    from litellm_cli.api.kinds.base import OWNER_FIELD

    for where in ("metadata", "mcp_info", "guardrail_info", "search_tool_info",
                  "vector_store_metadata", "prompt_info"):
        if isinstance(item.get(where), dict) and OWNER_FIELD in item[where]:
            # apply writes the file's owner there, so the object would never match.
            yield f"{where}.{OWNER_FIELD}", ("is written by apply from the file's owner: "
                                             "set owner: at the top instead")
    if kind.section == "keys" and item.get("key") is not None:
        yield "key", ("a key's secret never goes in a state file: keys are named by "
                      "key_alias, and apply writes a new key's secret elsewhere")
        item = {k: v for k, v in item.items() if k != "key"}
    if kind.section == "keys" and "expires" in item:
        yield from _check_expiry(item)
        item = {k: v for k, v in item.items() if k != "expires"}
    if kind.section == "teams":
        for field in ("members_with_roles", "admins"):
            if field in item:
                yield field, "give the team's members in members: [{user_id, role}]"
        members = item.get("members")
        item = {k: v for k, v in item.items()
                if k not in ("members", "members_with_roles", "admins")}
        yield from _check_members(checker, members)
    if kind.section == "model_list":
        yield from _check_prices(item.get("model_info"))
    extra = MODEL_ENTRY_EXTRA if kind.section == "model_list" else None
    yield from checker.check(kind.section, item, extra)


def _check_expiry(key):
    """A key's ``expires``: when it stops working (a timestamp, UTC unless it
    says otherwise), or null for never. Not the proxy's request field: apply
    sends it as a duration (api/kinds/keys)."""
    from litellm_cli.api.keyimport import parse_time

    value = key["expires"]
    when = parse_time(value) if isinstance(value, str) else None
    if value is not None and (when is None or not 1970 <= when.year <= 9998):
        yield "expires", ("must be a moment between 1970 and 9998 such as 2027-01-31T00:00:00Z "
                          "(UTC unless it says otherwise), or null for never")
    elif key.get("duration") is not None:
        yield "expires", "give expires or duration, not both"


def _check_prices(info):
    """Prices in model_info: the proxy drops them there (as models apply says)."""
    from litellm_cli.api.model_config import pricing_field

    if isinstance(info, dict):
        for name, value in info.items():
            if isinstance(name, str) and pricing_field(name) and value is not None:
                yield f"model_info.{name}", ("the proxy drops prices from model_info; give "
                                             "them in litellm_params")


def _check_members(checker, members):
    if members is None:
        return
    if not isinstance(members, list):
        yield "members", f"must be a list of members, not {_type_word(members)}"
        return
    seen = {}
    for index, member in enumerate(members):
        where = f"members[{index}]"
        if not isinstance(member, dict):
            yield where, f"must be a mapping, not {_type_word(member)}"
            continue
        for field, problem in checker.check("team_members", member):
            yield f"{where}.{field}" if field else where, problem
        user = member.get("user_id")
        if isinstance(user, str):
            error = unusable_id(user, in_path=False)
            if error:
                yield f"{where}.user_id", error
            if user in seen:
                yield f"{where}.user_id", f"the same member as {seen[user]}"
            seen.setdefault(user, where)
        elif member.get("user_email") is None:
            yield where, "needs a user_id (or a user_email)"


def _references(kind, item, identities):
    """Notes for references to objects the file does not give."""
    pairs = [(field, target, _get(item, field)) for field, target in kind.references.items()]
    if kind.section == "teams" and isinstance(item.get("members"), list):
        pairs += [(f"members[{i}].user_id", "users", member.get("user_id"))
                  for i, member in enumerate(item["members"]) if isinstance(member, dict)]
    for field, target, value in list(pairs):
        if isinstance(value, list):  # a list of references (access groups' assigned_team_ids)
            pairs += [(f"{field}[{i}]", target, name) for i, name in enumerate(value)]
    for field, target, value in pairs:
        if isinstance(value, str) and value not in identities.get(target, {}):
            yield field, f"not in this file's {target}: must exist on the proxy"
