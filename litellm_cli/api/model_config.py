"""A proxy ``config.yaml``'s ``credential_list`` and ``model_list`` as
``models import / diff / apply`` and a state file read them: each entry
checked (a bad one only marks itself), the ids derived for the entries that
give none, and which ``litellm_params`` are secrets (the proxy never shows
them). Reads no proxy.

An entry without ``model_info.id`` gets a *derived id*: a UUID (version 5) of
the file's owner, its ``model_name`` and its position among the entries of
that ``model_name`` that give no id (0, 1, ...); see
litellm_cli.api.kinds.models for how the proxy's deployments are matched.
"""

import hashlib
import json
import uuid

from litellm_cli import exceptions
from litellm_cli.api.kinds.base import DEFAULT_OWNER
from litellm_cli.redact import has_url_password
from litellm_cli.utils import unusable_id

# This tool's record in a deployment's model_info / a credential's credential_info.
META = "litellm_cli_sync"
# The namespace of derived ids (uuid5 of owner, model_name and position).
ID_NAMESPACE = uuid.UUID("6f1d0c1e-5b7a-4c1e-9a51-7c1b3d2e4f60")

# A litellm_params field the proxy never shows: it drops these, and masks
# every field whose name has one of these words (between "_" or "-") unless
# one is "cost" (litellm's SensitiveDataMasker, as used by /model/info).
_DROPPED = frozenset({"api_key", "client_secret", "vertex_credentials", "vertex_ai_credentials",
                      "aws_access_key_id", "aws_secret_access_key"})
_MASKED_WORDS = frozenset({"password", "secret", "key", "token", "auth", "authorization",
                           "cookie", "credential", "credentials", "access", "private",
                           "certificate", "fingerprint", "tenancy", "apikey"})
_SHOWN = frozenset({"litellm_credential_name"})


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

    def __init__(self, credentials, models, source, owner=None, managed=("credential", "model"),
                 lists=None):
        """``managed``: the kinds the file lists (a list, even empty: prune
        may delete of those only); ``lists``: the file's two lists as read."""
        self.credentials, self.models, self.source = credentials, models, source
        self.owner, self.managed = owner or DEFAULT_OWNER, frozenset(managed)
        self.lists = lists

    def state(self, prune=False):
        """The file as a state file of its two lists (what StateSync plans).
        A list the file leaves out or writes as null is not managed; the
        credentials are planned only when the file gives some or prunes them."""
        data = {"owner": self.owner}
        if "model" in self.managed:
            data["model_list"] = self.lists["model_list"]
        if self.credentials or (prune and "credential" in self.managed):
            data["credential_list"] = self.lists["credential_list"]
        return data

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
        return Config(credentials, models, self.source, self.owner, self.managed, self.lists)


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
    config = Config(credentials, models, source, owner, managed,
                    {"credential_list": credential_list, "model_list": model_list})
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
