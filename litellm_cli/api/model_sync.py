"""Config as code for models: compare a proxy ``config.yaml`` with the proxy,
and make the proxy's database match it (``models import/diff/apply/export``).

Usable without the CLI; prints nothing::

    from litellm_cli.api.model_sync import ModelSync, read_config

    sync = ModelSync(session)
    plan = sync.plan_apply(read_config("config.yaml"), prune=True)
    for item in plan.items:
        print(item.kind, item.name, item.status, item.changes)
    sync.execute(plan)          # items now say created / updated / deleted / failed

Identity: which deployment on the proxy a file entry stands for.

1. An entry with ``model_info.id`` (``models export`` writes it) is the
   deployment with that id; when there is none, it is created with that id.
2. An entry without one gets a *derived id*: a UUID (version 5) of the
   file's owner, its ``model_name`` and its position among the entries of
   that ``model_name`` that give no id (0, 1, ...). It is the deployment with
   that id, and one is created with it, so changing ``rpm`` or rotating an
   ``api_key`` updates the same deployment in place, two entries of one
   ``model_name`` (load balancing) stay two deployments, and two runs of one
   file at once cannot both create it (the proxy refuses a second create of
   an id). Moving an entry before another of its ``model_name`` swaps which
   deployment each stands for (both are updated in place).
3. Otherwise (a deployment made before derived ids, by this tool or by
   hand): the deployment this tool last wrote from an entry with the same
   ``model_name`` and ``litellm_params`` but the secrets (its *fingerprint*
   and, for entries sharing one, their order, ``twin``), else a deployment
   this tool never wrote with the same model_name and visible params; never
   another owner's. The next apply records the entry's derived id in it
   (``model_info.litellm_cli_sync.entry``), so it keeps being found by that.

Ownership: whatever this module creates or updates records the file's
``owner`` (top-level ``owner:``, default ``litellm-cli``) in
``model_info.litellm_cli_sync.owner`` (a deployment) or
``credential_info.litellm_cli_sync.owner`` (a credential); a record without an
owner counts as the default owner. Prune deletes only database deployments
and credentials of the same owner that the file does not list; the others are
"unmanaged" (kept). Listing an object in a file adopts it.

Each deployment stands for at most one entry, so two entries of one file are
never the same deployment (load balancing: same name and model, another
api_key). Comparing: the fields the entry lists, and nothing else: a field
left out of the file is left as it is on the proxy. Numbers compare as
numbers (``0.0000150`` is ``1.5e-05``).

Secrets are never compared: the proxy never gives them back, and nothing
derived from one is stored on the proxy, where every virtual key can read
``/model/info`` and test guesses against a hash. A plan notes the secrets it
could not compare; ``force_secrets`` sends them anyway.
"""

import hashlib
import json
import threading
import uuid

from litellm_cli import exceptions, versions
from litellm_cli.api.credentials import CredentialsAPI
from litellm_cli.api.models import CLEARABLE_PARAMS, PARAM_REMOVAL_FROM, ModelsAPI
from litellm_cli.redact import has_url_password, is_secret_field
from litellm_cli.utils import unusable_id

META = "litellm_cli_sync"
MASK = "***"
# The record's layout: earlier ones (no "v") held unsalted hashes of secrets.
RECORD_VERSION = 2
# The namespace of derived ids (uuid5 of owner, model_name and position).
ID_NAMESPACE = uuid.UUID("6f1d0c1e-5b7a-4c1e-9a51-7c1b3d2e4f60")
# A refused create: how many times, how far apart (seconds), to look for the
# object another run may have just made (ModelSync._made_meanwhile).
MEANWHILE_CHECKS, MEANWHILE_DELAY = 10, 0.5
NOT_COMPARED = "secrets not compared (the proxy never shows them; --force-secrets sends them)"

# A litellm_params field the proxy never shows: it drops these, and masks
# every field whose name has one of these words (between "_" or "-") unless
# one is "cost" (litellm's SensitiveDataMasker, as used by /model/info).
_DROPPED = frozenset({"api_key", "client_secret", "vertex_credentials", "vertex_ai_credentials",
                      "aws_access_key_id", "aws_secret_access_key"})
_MASKED_WORDS = frozenset({"password", "secret", "key", "token", "auth", "authorization",
                           "cookie", "credential", "credentials", "access", "private",
                           "certificate", "fingerprint", "tenancy", "apikey"})
_SHOWN = frozenset({"litellm_credential_name"})
# Fields the proxy adds to every deployment's litellm_params (pydantic defaults).
_DEFAULT_PARAMS = frozenset({"allow_client_keepalive_override", "use_in_pass_through",
                             "use_litellm_proxy", "use_xai_oauth",
                             "merge_reasoning_content_in_choices"})
# When the price map /model/info used cannot be read: the model_info fields
# it may have filled in, by name (prices are known by name anyway).
_DERIVED_INFO = frozenset({
    "mode", "litellm_provider", "provider_specific_entry", "off_peak_pricing",
    "output_vector_size", "thinking_always_on", "vertex_ai_audio_api", "web_search_billing_unit",
    "uses_embed_content", "reasoning_effort_levels", "default_reasoning_effort",
    "search_free_requests", "rpm", "tpm"})
_DERIVED_PREFIXES = ("supports_", "supported_", "max_", "cache_", "token_count_", "regional_",
                     "bedrock_", "search_context", "ocr_", "annotation_", "citation_", "google_",
                     "prompt_cache")
# model_info fields that are the proxy's bookkeeping or computed for every
# deployment, never an operator's.
_BOOKKEEPING = frozenset({"id", "db_model", "key", "direct_access", "access_via_team_ids",
                          "pricing_overrides", "member_auto_router", "blocked", "created_at",
                          "updated_at", "created_by", "updated_by", "supported_openai_params",
                          META})


def _words(name):
    return str(name).lower().replace("-", "_").split("_")


def _sensitive_name(name):
    words = _words(name)
    return name not in _SHOWN and "cost" not in words and bool(_MASKED_WORDS.intersection(words))


def _holds_sensitive(value):
    if isinstance(value, dict):
        return any(_sensitive_name(k) or _holds_sensitive(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_sensitive(v) for v in value)
    return False


def is_secret_param(name, value=None):
    """True for a litellm_params field the proxy never shows as written, or
    one holding a URL with a password (never written out either)."""
    return (name in _DROPPED or _sensitive_name(name) or _holds_sensitive(value)
            or (isinstance(value, str) and has_url_password(value)))


def _canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def fingerprint(model_name, litellm_params):
    """The identity of a deployment's content: its name and every param but
    the secrets (nothing a reader of /model/info could test guesses with)."""
    shown = {k: v for k, v in litellm_params.items()
             if v is not None and not is_secret_param(k, v)}  # null: the same as left out
    text = _canonical({"model_name": model_name, "litellm_params": shown})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def same(wanted, current):
    """True when a file's value means what the proxy holds: numbers compare as
    numbers (0.0000150 is 1.5e-05, 1000 is 1000.0, and text the proxy stored
    as a number, such as 1e-6, is that number, and the other way round), but a
    boolean is never a number."""
    from litellm_cli.utils import _lossless_number

    if isinstance(wanted, bool) or isinstance(current, bool):
        return type(wanted) is type(current) and wanted == current
    if isinstance(wanted, dict) and isinstance(current, dict):
        return wanted.keys() == current.keys() and all(same(v, current[k])
                                                      for k, v in wanted.items())
    if isinstance(wanted, list) and isinstance(current, list):
        return len(wanted) == len(current) and all(map(same, wanted, current))
    if isinstance(wanted, str) and isinstance(current, (int, float)):
        return _lossless_number(wanted) == current
    if isinstance(current, str) and isinstance(wanted, (int, float)):
        return _lossless_number(current) == wanted  # LiteLLM 1.80.17 stores prices as text
    return wanted == current


def pricing_field(name):
    """A price: the proxy keeps a deployment's own prices in litellm_params and
    fills model_info's from them or from its price map."""
    return "cost" in _words(name) or name == "tiered_pricing" or name.endswith(
        ("uplift_multiplier", "uplift_multiplier_eu", "uplift_multiplier_us"))


# -- the file -----------------------------------------------------------------

class Entry:
    """One model or credential of the file, checked; ``error`` says why it is unusable."""

    def __init__(self, kind, where, data, error=None, note=None):
        self.kind, self.where, self.data = kind, where, data
        self.error, self.note = error, note
        self.twin = 0  # how many entries before it in the file have its fingerprint
        self.derived = None  # its derived id, when it gives no model_info.id

    @property
    def name(self):
        field = "credential_name" if self.kind == "credential" else "model_name"
        name = self.data.get(field) if isinstance(self.data, dict) else None
        return name if isinstance(name, str) and name else self.where

    @property
    def params(self):
        return _mapping(self.data.get("litellm_params"))

    @property
    def info(self):
        return _mapping(self.data.get("model_info"))


def _mapping(value):
    return value if isinstance(value, dict) else {}


class Config:
    """The credential_list and model_list of a proxy config file."""

    def __init__(self, credentials, models, source, owner=None, managed=("credential", "model")):
        """``managed``: the kinds the file lists (a list, even empty: prune
        may delete of those only)."""
        from litellm_cli.api.kinds.base import DEFAULT_OWNER

        self.credentials, self.models, self.source = credentials, models, source
        self.owner, self.managed = owner or DEFAULT_OWNER, frozenset(managed)

    @property
    def notes(self):
        return [e.note for e in self.credentials + self.models if e.note]

    def select(self, model_regex=None, group_regex=None):
        """Only the models whose upstream model matches ``model_regex`` and with an
        access group matching ``group_regex``, and the credentials those use."""
        if model_regex is None and group_regex is None:
            return self
        models = [e for e in self.models if e.error is None
                  and (model_regex is None or model_regex.search(e.params["model"]))
                  and (group_regex is None or any(group_regex.search(g)
                                                  for g in access_groups(e.data)))]
        used = {e.params.get("litellm_credential_name") for e in models}
        credentials = [e for e in self.credentials if e.name in used]
        return Config(credentials, models, self.source, self.owner, self.managed)


def access_groups(entry):
    groups = _mapping(entry.get("model_info")).get("access_groups") or []
    return [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []


def _model_entry(index, raw):
    where = f"model_list[{index}]"
    if not isinstance(raw, dict):
        return Entry("model", where, {}, "is not a mapping")
    name = raw.get("model_name")
    if not isinstance(name, str) or not name:
        return Entry("model", where, raw, "needs a model_name")
    params = {} if raw.get("litellm_params") is None else raw["litellm_params"]
    info = {} if raw.get("model_info") is None else raw["model_info"]
    if not isinstance(params, dict):
        return Entry("model", where, raw, "litellm_params must be a mapping")
    if not isinstance(info, dict):
        return Entry("model", where, raw, "model_info must be a mapping")
    if info.get("id") is not None and not isinstance(info["id"], str):
        return Entry("model", where, raw, "model_info.id must be a string")
    if info.get("id") is not None:
        error = unusable_id(info["id"])
        if error:
            return Entry("model", where, raw, f"model_info.id {error}")
    prices = sorted(k for k, v in info.items() if pricing_field(k) and v is not None)
    if prices:
        return Entry("model", where, raw, f"model_info.{prices[0]}: the proxy drops prices "
                                          "from model_info; give them in litellm_params")
    note = None
    if params.get("model") is None:
        # As `models add` does: the proxy needs litellm_params.model, and
        # example configs leave it out meaning the public name.
        params = {**params, "model": name}
        note = f"note: {where} ({name}) has no litellm_params.model; using {name!r}"
    elif not isinstance(params["model"], str):
        return Entry("model", where, raw, "litellm_params.model must be a string")
    info = {k: v for k, v in info.items() if k != META}
    return Entry("model", where, {"model_name": name, "litellm_params": params,
                                  "model_info": info}, note=note)


def _credential_entry(index, raw):
    where = f"credential_list[{index}]"
    if not isinstance(raw, dict):
        return Entry("credential", where, {}, "is not a mapping")
    if not isinstance(raw.get("credential_name"), str) or not raw["credential_name"]:
        return Entry("credential", where, raw, "needs a credential_name")
    error = unusable_id(raw["credential_name"])
    if error:  # it could be created, but never updated
        return Entry("credential", where, raw, f"credential_name {error}")
    for field in ("credential_values", "credential_info"):
        if raw.get(field) is not None and not isinstance(raw[field], dict):
            return Entry("credential", where, raw, f"{field} must be a mapping")
    info = {k: v for k, v in (raw.get("credential_info") or {}).items() if k != META}
    return Entry("credential", where, {"credential_name": raw["credential_name"],
                                       "credential_values": raw.get("credential_values"),
                                       "credential_info": info})


def parse_config(text, source):
    """A Config from YAML text. A file that is not a config at all is a
    UsageError; a bad entry only marks that entry (``Entry.error``)."""
    from litellm_cli.utils import parse_yaml

    data = parse_yaml(text, source, as_proxy=True)  # what the proxy reads in the same file
    if not isinstance(data, dict) or "model_list" not in data:
        raise exceptions.UsageError(f"{source} has no 'model_list' (the list of models)")
    model_list, credential_list = data["model_list"] or [], data.get("credential_list") or []
    # A null list (a templating slip) is not managed by the file: never pruned.
    managed = [kind for kind, key in (("credential", "credential_list"), ("model", "model_list"))
               if isinstance(data.get(key), list)]
    if not isinstance(model_list, list):
        raise exceptions.UsageError(
            f"{source}: 'model_list' must be a list of models, not {type(model_list).__name__}")
    if not isinstance(credential_list, list):
        raise exceptions.UsageError(f"{source}: 'credential_list' must be a list of "
                                    f"credentials, not {type(credential_list).__name__}")
    from litellm_cli.api.state import owner_problem

    problem = owner_problem(data)  # as state files check it
    if problem:
        raise exceptions.UsageError(f"{source}: owner {problem}")
    return make_config(credential_list, model_list, source, data.get("owner"), managed)


def make_config(credential_list, model_list, source, owner=None, managed=("credential", "model")):
    """A Config of the entries of a file's two lists (each already a list)."""
    credentials = [_credential_entry(i, raw) for i, raw in enumerate(credential_list)]
    _refuse_duplicates(credentials)
    models = [_model_entry(i, raw) for i, raw in enumerate(model_list)]
    _count_twins(models)
    config = Config(credentials, models, source, owner, managed)
    _derive_ids(models, config.owner)
    return config


def derived_id(owner, model_name, position):
    """The id of the ``position``-th entry (from 0) of ``model_name`` without an id."""
    return str(uuid.uuid5(ID_NAMESPACE, _canonical([owner, model_name, position])))


def _derive_ids(models, owner):
    """An id for every entry that gives none (see the module's docstring). An
    invalid entry with a model_name keeps its place, so fixing it moves none."""
    seen = {}
    for entry in models:
        name = entry.data.get("model_name") if isinstance(entry.data, dict) else None
        if not isinstance(name, str) or not name or entry.info.get("id") is not None:
            continue
        position = seen.get(name, 0)
        seen[name] = position + 1
        entry.derived = derived_id(owner, name, position)


def _count_twins(models):
    """Entries that differ only in secrets (load balancing over keys) have one
    fingerprint; their order among themselves tells them apart."""
    seen = {}
    for entry in models:
        if entry.error is None:
            printed = fingerprint(entry.data["model_name"], entry.params)
            entry.twin = seen.get(printed, 0)
            seen[printed] = entry.twin + 1


def _refuse_duplicates(credentials):
    """Two entries of one credential_name: neither is used (which one is meant?)."""
    where = {}
    for entry in credentials:
        if entry.error is None:
            where.setdefault(entry.name, []).append(entry)
    for entries in where.values():
        if len(entries) > 1:
            places = ", ".join(e.where for e in entries)
            for entry in entries:
                entry.error = f"credential_name {entry.name!r} is given more than once ({places})"


def read_config(path, stdin=None):
    """Read and parse a config file; ``-`` reads ``stdin`` (default sys.stdin)."""
    from litellm_cli.utils import read_input_file

    return parse_config(*read_input_file(path, stdin))


# -- plans and their items ----------------------------------------------------

class Item:
    """One credential or deployment: what is to be done, then what was done.

    ``status`` is one of: would create, would update, unchanged, would
    delete, skipped, failed (before running); created, updated, deleted,
    failed, unknown, not done (after).
    """

    def __init__(self, kind, name, status, entry=None, deployment=None, ident=None,
                 changes=(), reason=None):
        self.kind, self.name, self.status = kind, name, status
        self.entry, self.deployment, self.id = entry, deployment, ident
        self.changes, self.reason = list(changes), reason
        self.request = None  # the write to send: (action, arguments)
        self.in_flight = False  # still unanswered when a run was stopped

    @property
    def upstream_model(self):
        if self.kind != "model":
            return None
        params = self.entry.params if self.entry else self.deployment.get("litellm_params")
        model = _mapping(params).get("model")
        return model if isinstance(model, str) else None


class Plan:
    def __init__(self, items, verb):
        self.items, self.verb = items, verb  # verb: import or apply

    @property
    def writes(self):
        return [item for item in self.items if item.request]

    def count(self, status, kind=None):
        return sum(1 for i in self.items if i.status == status and kind in (None, i.kind))


def _change(field, old, new, secret=False):
    if secret:  # shown masked, whatever it is
        old, new = (None if value is None else MASK for value in (old, new))
    return {"field": field, "old": old, "new": new}


def _record(deployment, info_field="model_info"):
    record = ((deployment or {}).get(info_field) or {}).get(META)
    return record if isinstance(record, dict) else {}


def record_owner(record):
    """The owner a record of this tool names (the default owner for one
    written before owners), or None for an object this tool never wrote."""
    from litellm_cli.api.kinds.base import DEFAULT_OWNER

    if not record:
        return None
    owner = record.get("owner")
    return owner if isinstance(owner, str) and owner else DEFAULT_OWNER


def deployment_owner(deployment):
    return record_owner(_record(deployment))


def credential_owner(credential):
    return record_owner(_record(credential, "credential_info"))


def _owner_change(field, held, owner):
    """The change that adopts an object (None when ``owner`` already holds it)."""
    return None if held == owner else _change(f"{field}.{META}.owner", held, owner)


def unmanaged_reason(held):
    return f"kept: owned by {held!r}" if held else "kept: not made by apply or import"


class Differences:
    """What an entry changes on the proxy: ``changes`` to send, ``refused``
    (one reason: what the proxy cannot do), ``unseen`` (secrets not compared)."""

    def __init__(self):
        self.changes, self.refused, self.unseen = [], None, []

    def compare(self, field, wanted, current, clearable=False):
        """A field the proxy shows: null removes it, which the proxy does only when
        ``clearable``. A secret-named one is compared, but shown masked."""
        secret = is_secret_field(field.rpartition(".")[2])
        if wanted is None and current is not None and not clearable:
            held = MASK if secret else _canonical(current)
            self.refused = self.refused or (
                f"{field} cannot be removed: this proxy ignores a null there (it holds "
                f"{held}; removing a param needs LiteLLM >= {PARAM_REMOVAL_FROM}); give a "
                "value, or delete the deployment and apply again")
        elif not (wanted is None and current is None) and not same(wanted, current):
            self.changes.append(_change(field, current, wanted, secret))

    @property
    def note(self):
        return NOT_COMPARED + ": " + ", ".join(self.unseen) if self.unseen else None

    def secret(self, field, value, force):
        if value is None:
            return  # whether the proxy holds one cannot be seen
        if force:
            self.changes.append({"field": field, "old": "(not compared)", "new": MASK})
        else:
            self.unseen.append(field)


def _model_changes(entry, deployment, force_secrets=False, removable=False):
    """Differences between what the entry lists and the deployment on the proxy;
    ``removable``: the proxy can remove any param (not only CLEARABLE_PARAMS)."""
    params = deployment.get("litellm_params") or {}
    info = deployment.get("model_info") or {}
    found = Differences()
    if entry.data["model_name"] != deployment.get("model_name"):
        found.changes.append(_change("model_name", deployment.get("model_name"),
                                     entry.data["model_name"]))
    for field, value in entry.params.items():
        if is_secret_param(field, value):
            found.secret(f"litellm_params.{field}", value, force_secrets)
        else:
            found.compare(f"litellm_params.{field}", value, params.get(field),
                          removable or field in CLEARABLE_PARAMS)
    for field, value in entry.info.items():
        if field != "id":
            found.compare(f"model_info.{field}", value, info.get(field))
    if "secrets" in _record(deployment):
        # Left by earlier releases: hashes of secrets any key could test guesses against.
        found.changes.append(_change(f"model_info.{META}", "hashes of secrets", "removed"))
    return found


def _new_record(entry, owner):
    record = {"v": RECORD_VERSION, "owner": owner,
              "fingerprint": fingerprint(entry.data["model_name"], entry.params),
              "twin": entry.twin, "info": sorted(k for k in entry.info if k != "id")}
    if entry.derived:
        record["entry"] = entry.derived
    return record


def _visible_params(params):
    from litellm_cli.utils import _lossless_number

    def exported(name, value):
        # LiteLLM 1.80.17 gives a price back as text ("1.5e-05"); the file writes a number.
        if pricing_field(name) and isinstance(value, str):
            number = _lossless_number(value)
            return value if number is None else number
        return value

    return {k: exported(k, v) for k, v in params.items()
            if v is not None and not is_secret_param(k, v)
            and not (k in _DEFAULT_PARAMS and v is False)}


def _match(entries, deployments, owner):
    """``{index of entry: deployment}`` by id, then derived id, then (only
    deployments of ``owner`` or of no one, made before derived ids)
    fingerprint, then visible content."""
    by_id = {_id(d): d for d in deployments}
    claimed, matches, errors = set(), {}, {}
    for index, entry in enumerate(entries):
        wanted = entry.info.get("id")
        if wanted is None:
            continue
        if wanted in claimed:
            errors[index] = f"model_info.id {wanted} is also given to an earlier entry"
        elif wanted in by_id:
            matches[index] = by_id[wanted]
            claimed.add(wanted)
        else:
            claimed.add(wanted)  # to be created with this id
    by_entry = {}
    for deployment in deployments:
        key = _record(deployment).get("entry")
        if isinstance(key, str):
            by_entry.setdefault(key, deployment)
    for index, entry in enumerate(entries):
        if entry.info.get("id") is not None:
            continue
        for found in (by_id.get(entry.derived), by_entry.get(entry.derived)):
            if found is not None and _id(found) not in claimed:
                matches[index] = found
                claimed.add(_id(found))
                break
    by_print, by_content = {}, {}
    for deployment in deployments:
        record = _record(deployment)
        if "entry" in record or deployment_owner(deployment) not in (None, owner):
            continue  # found by its derived id only; another owner's
        # An earlier release's fingerprint covered secrets: compare such by content.
        printed = record.get("fingerprint") if record.get("v") == RECORD_VERSION else None
        if printed:
            by_print.setdefault(printed, []).append(deployment)
        else:
            by_content.setdefault(_content(deployment), []).append(deployment)
    for twins in by_print.values():  # the first entry of a fingerprint takes twin 0...
        twins.sort(key=lambda d: _record(d).get("twin") if isinstance(
            _record(d).get("twin"), int) else len(deployments))
    for table, key in ((by_print, lambda e: fingerprint(e.data["model_name"], e.params)),
                       (by_content, _content)):
        for index, entry in enumerate(entries):
            if index in matches or index in errors or entry.info.get("id") is not None:
                continue
            for deployment in table.get(key(entry), ()):
                if _id(deployment) not in claimed:
                    matches[index] = deployment
                    claimed.add(_id(deployment))
                    break
    return matches, errors, claimed


def _content(model):
    """What can be compared of a deployment without its secrets (an entry or a deployment)."""
    data = model.data if isinstance(model, Entry) else model
    params = _visible_params(_mapping(data.get("litellm_params")))
    return _canonical([data.get("model_name"), params])


def _id(deployment):
    return (deployment.get("model_info") or {}).get("id")


def in_db(deployment):
    return bool((deployment.get("model_info") or {}).get("db_model"))


class ModelSync:
    """Plans and runs imports and applies against one proxy."""

    def __init__(self, session, workers=4):
        self.session = session
        self.workers = workers
        self.models = ModelsAPI(session)
        self.credentials = CredentialsAPI(session)
        self._stop = threading.Event()  # set when a run must send nothing more

    # -- planning (read-only) ---------------------------------------------

    def plan_import(self, config):
        """Create what is missing; skip what is there (never changes anything)."""
        return self._plan(config, "import", prune=False)

    def plan_apply(self, config, prune=False, force_secrets=False):
        """Create what is missing, update what differs, with ``prune`` delete
        database deployments the file does not list; ``force_secrets`` sends
        every secret the file gives, since none can be compared."""
        return self._plan(config, "apply", prune, force_secrets)

    def _plan(self, config, verb, prune, force_secrets=False):
        deployments = self.models.info()
        models = self.plan_models(config, verb, prune, force_secrets, deployments)
        credentials = []
        if config.credentials or (prune and "credential" in config.managed):
            # A credential that a deployment staying on the proxy, or an entry
            # of the file, uses is never pruned.
            deleted = {i.id for i in models if i.request and i.request[0] == "delete"}
            used = {_mapping(d.get("litellm_params")).get("litellm_credential_name")
                    for d in deployments if _id(d) not in deleted}
            used.update(e.params.get("litellm_credential_name") for e in config.models)
            credentials = self.plan_credentials(config, verb, prune, force_secrets, used)
        return Plan(credentials + models, verb)

    def plan_models(self, config, verb, prune, force_secrets, deployments):
        """The Items of the config's models against ``deployments`` (as /model/info
        sends them); with ``prune`` (when the file lists models), deletes of the
        owner's database deployments the file does not list."""
        items, owner = [], config.owner
        valid = [e for e in config.models if e.error is None]
        matches, errors, claimed = _match(valid, deployments, owner)
        position = {id(e): i for i, e in enumerate(valid)}
        for entry in config.models:
            if entry.error:
                items.append(Item("model", entry.name, "failed", entry,
                                  reason=f"{entry.where} {entry.error}"))
                continue
            index = position[id(entry)]
            deployment = matches.get(index)
            if index in errors:
                items.append(Item("model", entry.name, "failed", entry, reason=errors[index]))
            elif deployment is None:
                # The id is known before the write, so a create whose answer is
                # lost, or that another run made meanwhile, can be looked up.
                item = Item("model", entry.name, "would create", entry,
                            ident=entry.info.get("id") or entry.derived)
                info = {**entry.info, "id": item.id, META: _new_record(entry, owner)}
                params = {k: v for k, v in entry.params.items() if v is not None}
                item.request = ("create", (entry.data["model_name"], params, info))
                items.append(item)
            elif verb == "import":
                items.append(Item("model", entry.name, "skipped", entry, deployment,
                                  _id(deployment), reason="already on the proxy"))
            else:
                items.append(self._plan_update(entry, deployment, owner, force_secrets))
        if prune and "model" in config.managed:
            # An entry that could not be read may be the one a deployment stands for.
            unsure = bool(errors) or len(valid) < len(config.models)
            for deployment in deployments:
                if not in_db(deployment) or _id(deployment) in claimed:
                    continue
                item = Item("model", deployment.get("model_name"), "would delete",
                            deployment=deployment, ident=_id(deployment))
                held = deployment_owner(deployment)
                if held != owner:
                    item.status, item.reason = "unmanaged", unmanaged_reason(held)
                elif unsure:
                    item.status = "kept"
                    item.reason = "not deleted: the file has entries in error"
                else:
                    item.request = ("delete", (item.id,))
                items.append(item)
        return items

    def _plan_update(self, entry, deployment, owner, force_secrets=False):
        ident = _id(deployment)
        removals = [k for k, v in entry.params.items() if v is None and k not in CLEARABLE_PARAMS]
        removable = bool(removals) and versions.at_least(self.models.session, PARAM_REMOVAL_FROM)
        found = _model_changes(entry, deployment, force_secrets, removable)
        changes = found.changes
        note = found.note
        adopted = _owner_change("model_info", deployment_owner(deployment), owner)
        if adopted and in_db(deployment):
            changes.append(adopted)
        recorded = _record(deployment).get("entry")
        if in_db(deployment) and entry.derived and entry.derived not in (ident, recorded):
            # Found by its content (made before derived ids): record the entry's id.
            changes.append(_change(f"model_info.{META}.entry", recorded, entry.derived))
        if found.refused:
            return Item("model", entry.name, "failed", entry, deployment, ident, changes,
                        reason=found.refused)
        if not changes:
            return Item("model", entry.name, "unchanged", entry, deployment, ident, reason=note)
        if not in_db(deployment):
            return Item("model", entry.name, "failed", entry, deployment, ident, changes,
                        reason="a deployment from the proxy's config file; the API cannot "
                               "change it")
        item = Item("model", entry.name, "would update", entry, deployment, ident, changes,
                    reason=note)
        changed = {c["field"] for c in changes}
        params = {k: v for k, v in entry.params.items() if f"litellm_params.{k}" in changed}
        info = {k: v for k, v in entry.info.items() if f"model_info.{k}" in changed}
        info[META] = _new_record(entry, owner)
        name = entry.data["model_name"] if "model_name" in changed else None
        item.request = ("update", (ident, params, info, name))
        return item

    def plan_credentials(self, config, verb, prune=False, force_secrets=False, used=(),
                         existing=None):
        """The Items of the config's credentials against ``existing`` (read
        when None); with ``prune`` (when the file lists credentials), deletes
        of the owner's credentials the file does not list and no deployment or
        entry ``used``."""
        owner = config.owner
        if existing is None:
            existing = self.credentials.list()
        by_name = {c.get("credential_name"): c for c in existing}
        items = []
        for entry in config.credentials:
            name, current = entry.name, by_name.get(entry.name)
            values = entry.data.get("credential_values") if entry.error is None else None
            if entry.error:
                items.append(Item("credential", name, "failed", entry,
                                  reason=f"{entry.where} {entry.error}"))
            elif current is not None and verb == "import":
                items.append(Item("credential", name, "skipped", entry,
                                  reason="already on the proxy"))
            elif current is None and not values:
                items.append(Item("credential", name, "failed", entry,
                                  reason="not on the proxy, and the file gives no "
                                         "credential_values to create it with"))
            elif current is None:
                item = Item("credential", name, "would create", entry)
                info = {**entry.data["credential_info"], META: _credential_record(owner)}
                item.request = ("create_credential", (name, values, info))
                items.append(item)
            else:
                items.append(_plan_credential_update(entry, current, owner, force_secrets))
        if prune and "credential" in config.managed:
            unsure = any(entry.error for entry in config.credentials)
            listed = {entry.name for entry in config.credentials}
            for current in existing:
                name = current.get("credential_name")
                if name in listed:
                    continue
                item = Item("credential", name, "would delete", deployment=current)
                held = credential_owner(current)
                if held != owner:
                    item.status, item.reason = "unmanaged", unmanaged_reason(held)
                elif unsure:
                    item.status = "kept"
                    item.reason = "not deleted: the file has entries in error"
                elif name in used:
                    item.status = "kept"
                    item.reason = "not deleted: a deployment uses it (litellm_credential_name)"
                else:
                    item.request = ("delete_credential", (name,))
                items.append(item)
        return items

    # -- running ----------------------------------------------------------

    def execute(self, plan, on_done=None):
        """Send the plan's writes: credentials first, one at a time, then the
        deployments, ``workers`` at a time. Each item ends created, updated,
        deleted or failed; ``on_done(item)`` is called as each ends.

        A lost connection, a refused key or KeyboardInterrupt stops the run and
        is re-raised after every item says what became of it: a write that may
        have reached the proxy is checked with a read ("unknown" only when that
        cannot tell); a write never sent is "not done".
        """
        from concurrent.futures import ThreadPoolExecutor, wait

        writes = plan.writes
        # Credentials first (models use them); deletes last, so a prune never
        # removes anything before what replaces it exists.
        order = {"create_credential": 0, "update_credential": 0, "delete": 2,
                 "delete_credential": 3}
        writes.sort(key=lambda item: order.get(item.request[0], 1))
        pool = ThreadPoolExecutor(max_workers=self.workers)
        futures = []
        self._stop = threading.Event()
        try:
            credentials = [item for item in writes if item.kind == "credential"]
            for item in credentials:
                if item.request[0] != "delete_credential":
                    self._attempt(item)
                    if on_done:
                        on_done(item)
            models = [item for item in writes if item.kind == "model"]
            for item in models:  # a loop: a Ctrl-C part-way keeps what was submitted
                futures.append((item, pool.submit(self._attempt, item)))
            for item, future in futures:
                future.result()
                if on_done:
                    on_done(item)
            futures = []
            for item in credentials:  # deletes last: no deployment uses them any more
                if item.request[0] == "delete_credential":
                    self._attempt(item)
                    if on_done:
                        on_done(item)
        except BaseException:
            self._stop.set()
            for _, future in futures:
                future.cancel()
            # Requests already sent get a moment to finish, so their own
            # answer says what happened.
            wait([f for _, f in futures if not f.cancelled()], timeout=5)
            for item, future in futures:
                item.in_flight = not future.done()
            self._settle(writes)
            raise
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def send(self, item):
        """Send one item's write; a CLIError says why it failed. Returns None,
        or ``(status, reason)`` when the write found nothing to do: a create
        refused because another run made the same object meanwhile."""
        action, args = item.request
        try:
            if action == "create":
                self.models.create(*args)
            elif action == "update":
                ident, params, info, name = args
                self.models.update(ident, params, info, model_name=name)
            elif action == "delete":
                self.models.delete(*args)
            elif action == "create_credential":
                self.credentials.create(*args)
            elif action == "update_credential":
                self.credentials.update(*args)
            else:
                self.credentials.delete(*args)
        except (exceptions.ServerError, exceptions.Conflict) as exc:
            if action not in ("create", "create_credential"):
                raise
            # The proxy refuses a second create of one id or name (LiteLLM 1.108.7
            # answers /model/new with a 500, /credentials with a 409 or 500): made
            # meanwhile by another run?
            if not self._made_meanwhile(item):
                raise
            if self._differs(item):
                raise exceptions.CLIError(
                    f"not created: another run created it meanwhile ({exc}), with other "
                    "settings; apply again to update it") from None
            return "unchanged", "created meanwhile by another run"
        return None

    def _made_meanwhile(self, item):
        """True once the object a refused create was for is seen on the proxy.
        The proxy stores a deployment before it serves it (and /model/info
        shows only what it serves), so another run's create may show only a
        moment later: looked for a few times (MEANWHILE_CHECKS) before giving up."""
        import time

        for attempt in range(MEANWHILE_CHECKS):
            if self.landed(item):
                return True
            if attempt + 1 < MEANWHILE_CHECKS:
                time.sleep(MEANWHILE_DELAY)
        return False

    def _differs(self, item):
        """True when the object ``item`` was to create now exists otherwise."""
        if item.kind == "model":
            found = self.models.get(item.id)
            owner = item.request[1][2][META]["owner"]
            return bool(_model_changes(item.entry, found).changes) or \
                deployment_owner(found) != owner
        found = {c.get("credential_name"): c for c in self.credentials.list()}[item.name]
        return not same(item.request[1][2], found.get("credential_info") or {})

    def _attempt(self, item):
        """Send one item's write; a failure that is about this item only marks it."""
        if self._stop.is_set():
            return  # the run is stopping: not sent
        item.status = "sending"
        try:
            outcome = self.send(item)
        except exceptions.ConnectionFailure as exc:
            self._stop.set()
            item.reason = f"connection lost: {exc}"
            if not exc.maybe_received:
                item.status = "not done"
            raise
        except (exceptions.Unauthorized, exceptions.Forbidden) as exc:
            self._stop.set()
            item.status, item.reason = "not done", str(exc)
            raise  # not about this item: stop the whole run
        except exceptions.CLIError as exc:
            item.status, item.reason = "failed", str(exc)
        else:
            item.status, item.reason = outcome or (_DONE[item.request[0]], item.reason)

    def _settle(self, writes):
        """After a stop: every write says what became of it."""
        for item in writes:
            if item.status.startswith("would"):
                item.status, item.reason = "not done", "stopped before it was sent"
            if item.status != "sending":
                continue
            # Sent when the run stopped, with no answer: read the proxy.
            try:
                landed = self.landed(item)
            except (exceptions.CLIError, KeyboardInterrupt):
                landed = None
            if landed:
                item.status, item.reason = _DONE[item.request[0]], "checked after the stop"
                if item.request[0] == "create":
                    item.id = item.request[1][2]["id"]
            elif landed is None or item.in_flight:
                item.status = "unknown"
                if item.request[0] == "create":
                    item.id = item.request[1][2]["id"]  # to look it up
                item.reason = "still being sent when the run stopped; check it, or run again"
            else:
                item.status = "not done"
                item.reason = "stopped while being sent; the proxy does not have it"

    def landed(self, item):
        action, args = item.request
        if action in ("create", "delete"):
            try:
                self.models.get(args[2]["id"] if action == "create" else args[0])
                present = True
            except exceptions.NotFound:
                present = False
            return present if action == "create" else not present
        if action == "update":
            after = _model_changes(item.entry, self.models.get(item.id))
            if {c["field"] for c in item.changes} <= set(after.unseen):
                return None  # only secrets were sent: they cannot be read back
            return not after.changes
        current = {c.get("credential_name"): c for c in self.credentials.list()}.get(item.name)
        if action == "delete_credential":
            return current is None
        if current is None or action == "create_credential":
            return current is not None
        # An update: its credential_info can be read back, its values cannot.
        if not any(c["field"].startswith("credential_info.") for c in item.changes):
            return None
        return same(args[2], current.get("credential_info") or {})

    # -- export -----------------------------------------------------------

    def export(self):
        """An Export of the database deployments, read as the proxy sends them.

        Needs an admin key: any other sees only the deployments it may use, so
        its export would lack the rest (and a later prune would delete them).
        """
        try:
            stored = self.credentials.list()
        except (exceptions.Unauthorized, exceptions.Forbidden) as exc:
            raise exc.recast(type(exc), "models export needs a proxy admin key: another key "
                             "sees only the models it may use, so the file would lack the "
                             f"rest (the proxy refused GET /credentials: {exc.details})") from None
        return Export(self, stored)


class Export:
    """A proxy config of the database deployments, without secrets.

    ``models()`` yields the model_list entries as the proxy's answer arrives
    (memory stays flat); afterwards ``credentials()`` is the credential_list
    of the credentials those use, and ``config_only`` counts the config-file
    deployments left out.
    """

    def __init__(self, sync, stored_credentials=()):
        self.sync = sync
        self.config_only = 0
        self.credential_names = []
        self.stored = {c.get("credential_name"): c for c in stored_credentials}
        self._catalog = None

    def models(self):
        for deployment in self.sync.models.iter_info():
            if not in_db(deployment):
                self.config_only += 1
                continue
            entry = export_entry(deployment, self.priced(deployment))
            name = entry["litellm_params"].get("litellm_credential_name")
            if name and name not in self.credential_names:
                self.credential_names.append(name)
            yield entry

    def priced(self, deployment):
        """The price map entry /model/info filled this deployment's model_info
        from (None when it cannot be read)."""
        key = (deployment.get("model_info") or {}).get("key")
        if not isinstance(key, str):
            return {}
        if self._catalog is None:
            try:  # the price map as the proxy loaded it, without what deployments added
                self._catalog = self.sync.session.get_json(
                    "/public/litellm_model_cost_map", params={"catalog_only": "true"})
            except (exceptions.HttpError, exceptions.UnexpectedAnswer):
                self._catalog = {}
        entry = self._catalog.get(key) if isinstance(self._catalog, dict) else None
        return entry if isinstance(entry, dict) else None

    def credentials(self):
        return [export_credential(self.stored[name])
                for name in self.credential_names if name in self.stored]


def export_credential(stored):
    """A file entry for a stored credential: its name and info, never its values."""
    return {"credential_name": stored.get("credential_name"),
            "credential_info": {k: v for k, v in (stored.get("credential_info") or {}).items()
                                if k != META and not is_secret_field(k)}}


_DONE = {"create": "created", "update": "updated", "delete": "deleted",
         "delete_credential": "deleted",
         "create_credential": "created", "update_credential": "updated"}


def export_entry(deployment, priced=None):
    """A file entry for a deployment: its id, visible params and own model_info.

    ``priced``: the price map entry the proxy filled model_info in from ({} for
    none, None when unknown). A field set on the deployment wins over the map,
    so one that differs from the map is the deployment's own; one equal to it
    means the same either way. Prices (given in litellm_params, where they are
    exported) and secret-named fields are never written.
    """
    info = deployment.get("model_info") or {}
    own = set(_record(deployment).get("info") or ())
    kept = {}
    for field, value in info.items():
        if (value is None or field in _BOOKKEEPING or pricing_field(field)
                or is_secret_field(field)):
            continue
        if priced is None:
            mine = not _derived_info(field)  # the price map is unknown: guess by name
        else:
            mine = not same(value, priced.get(field))
        if mine or field in own:
            kept[field] = value
    params = _visible_params(deployment.get("litellm_params") or {})
    return {"model_name": deployment.get("model_name"), "litellm_params": params,
            "model_info": {"id": info.get("id"), **kept}}


def _derived_info(name):
    return name in _DERIVED_INFO or name.startswith(_DERIVED_PREFIXES)


def _credential_record(owner):
    return {"v": RECORD_VERSION, "owner": owner}


def _plan_credential_update(entry, current, owner, force_secrets=False):
    info = current.get("credential_info") or {}
    values = entry.data.get("credential_values") or {}
    found = Differences()
    for field, value in values.items():
        found.secret(f"credential_values.{field}", value, force_secrets)
    for field, value in entry.data["credential_info"].items():
        found.compare(f"credential_info.{field}", value, info.get(field), clearable=True)
    if isinstance(info.get(META), dict) and "secrets" in info[META]:
        found.changes.append(_change(f"credential_info.{META}", "hashes of secrets", "removed"))
    adopted = _owner_change("credential_info", credential_owner(current), owner)
    if adopted:
        found.changes.append(adopted)
    note = found.note
    if not found.changes:
        return Item("credential", entry.name, "unchanged", entry, reason=note)
    item = Item("credential", entry.name, "would update", entry, changes=found.changes,
                reason=note)
    changed = {c["field"] for c in found.changes}
    new_values = {k: v for k, v in values.items() if f"credential_values.{k}" in changed}
    # The whole info: PATCH /credentials/{name} replaces it rather than merging.
    new_info = {k: v for k, v in {**info, **entry.data["credential_info"]}.items()
                if k != META and v is not None}
    new_info[META] = _credential_record(owner)
    item.request = ("update_credential", (entry.name, new_values, new_info))
    return item
