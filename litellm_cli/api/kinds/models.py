"""Credentials and models in a state file (``credential_list`` by
``credential_name``, ``model_list`` by ``model_info.id``): the two adapters
that ``state diff/apply/export`` and ``models import/diff/apply/export`` both
run through the engine (litellm_cli.api.state_sync), so a state file means
exactly what the same lists mean to ``models apply``. The file's entries are
read by litellm_cli.api.model_config. A model's row is named by its
model_name (its id is ``item.id``); every Item of these kinds also has
``entry`` (the file's entry, checked) and ``request`` (the write: action and
arguments). Usable without the CLI; prints nothing::

    from litellm_cli.api.model_config import read_config
    from litellm_cli.api.state_sync import StateSync

    sync = StateSync(session)
    plan = sync.plan(read_config("config.yaml").state(prune=True), prune=True)
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

A credential that a deployment on the proxy (even one this run deletes: if
that delete failed, the deployment would lose it), or an entry of the file,
uses is never pruned (``Credentials.review``).
"""

from litellm_cli import exceptions, versions
from litellm_cli.api.credentials import CredentialsAPI
from litellm_cli.api.kinds.base import DEFAULT_OWNER, MASK, Item, Kind, change, same
from litellm_cli.api.model_config import (META, Entry, _canonical, _mapping, fingerprint,
                                          is_secret_param, make_config, pricing_field)
from litellm_cli.api.models import CLEARABLE_PARAMS, PARAM_REMOVAL_FROM, ModelsAPI
from litellm_cli.redact import is_secret_field

# The record's layout: earlier ones (no "v") held unsalted hashes of secrets.
RECORD_VERSION = 2
# A refused create: how many times, how far apart (seconds), to look for the
# object another run may have just made (_Synced.made_meanwhile).
MEANWHILE_CHECKS, MEANWHILE_DELAY = 10, 0.5
NOT_COMPARED = "secrets not compared (the proxy never shows them; --force-secrets sends them)"
CONFIG_FILE = "in the proxy's config file"  # Models.skipped: what export leaves out

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


def _record(deployment, info_field="model_info"):
    record = ((deployment or {}).get(info_field) or {}).get(META)
    return record if isinstance(record, dict) else {}


def record_owner(record):
    """The owner a record of this tool names (the default owner for one
    written before owners), or None for an object this tool never wrote."""
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
    return None if held == owner else change(f"{field}.{META}.owner", held, owner)


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
            self.changes.append(change(field, current, wanted, secret))

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
        found.changes.append(change("model_name", deployment.get("model_name"),
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
        found.changes.append(change(f"model_info.{META}", "hashes of secrets", "removed"))
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


def export_credential(stored):
    """A file entry for a stored credential: its name and info, never its values."""
    return {"credential_name": stored.get("credential_name"),
            "credential_info": {k: v for k, v in (stored.get("credential_info") or {}).items()
                                if k != META and not is_secret_field(k)}}


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


class _Synced(Kind):
    """What both kinds share: the proxy's APIs, Items with their entry and
    write, and a create that another run made first."""

    def __init__(self, session, request_fields=()):
        super().__init__(session, request_fields)
        self.models, self.credentials = ModelsAPI(session), CredentialsAPI(session)

    def entries(self, wanted, owner):
        """The section's entries, checked (a Config; ``managed`` empty when
        the file does not manage the kind)."""
        managed = () if wanted is None else (self.kind,)
        lists = {"credential": [], "model": [], self.kind: wanted or []}
        return make_config(lists["credential"], lists["model"], self.section, owner, managed)

    def item(self, name, status, entry=None, current=None, ident=None, changes=(),
             reason=None):
        item = Item(self.section, name, status, wanted=None if entry is None else entry.data,
                    current=current, changes=changes, reason=reason)
        item.entry, item.id, item.request = entry, ident, None
        return item

    @staticmethod
    def write(item, action, *args):
        """Make ``item`` send ``action`` (create, update or delete) with ``args``."""
        item.action, item.request = action, (action, args)
        item.pruned = action == "delete"  # deletes are prunes here
        return item

    def prune(self, currents, listed, owner, unsure):
        """Deletes of the owner's objects in ``currents`` not ``listed``;
        ``unsure``: the file has entries in error (one may be the object)."""
        items = []
        for current in currents:
            name = self.ident(current)
            if name in listed:
                continue
            item = self.item(self.name_of(current), "would delete", current=current,
                             ident=name if self.kind == "model" else None)
            held = self.owner(current)
            if held != owner:
                item.status, item.reason = "unmanaged", unmanaged_reason(held)
            elif unsure:
                item.status = "kept"
                item.reason = "not deleted: the file has entries in error"
            else:
                self.write(item, "delete", name)
            items.append(item)
        return items

    def send(self, item, owner):
        try:
            super().send(item, owner)
        except (exceptions.ServerError, exceptions.Conflict) as exc:
            if item.action != "create":
                raise
            # The proxy refuses a second create of one id or name (LiteLLM 1.108.7
            # answers /model/new with a 500, /credentials with a 409 or 500): made
            # meanwhile by another run?
            if not self.made_meanwhile(item):
                raise
            if self.differs(item):
                raise exceptions.CLIError(
                    f"not created: another run created it meanwhile ({exc}), with other "
                    "settings; apply again to update it") from None
            # With the engine's status kept (see StateSync._attempt).
            item.status, item.reason = "unchanged", "created meanwhile by another run"

    def made_meanwhile(self, item):
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


class Credentials(_Synced):
    section, identity, order = "credential_list", "credential_name", 50
    kind = "credential"

    def read(self):
        return self.credentials.list()

    def name_of(self, current):
        return current.get("credential_name")

    def owner(self, current):
        return credential_owner(current)

    def export(self, current):
        return export_credential(current)

    def plan(self, wanted, owner, prune=False, force_secrets=False):
        """As Kind.plan; a credential no longer on the proxy needs its values
        in the file to be created. Which credentials a deployment uses is
        known once the models are planned: ``review``."""
        config = self.entries(wanted, owner)
        existing = self.read()
        # For review: the deployments (whoever owns them) that may use a credential.
        self.deployments = self.models.info() if prune and wanted is not None else ()
        by_name = {c.get("credential_name"): c for c in existing}
        items = []
        for entry in config.credentials:
            name, current = entry.name, by_name.get(entry.name)
            values = entry.data.get("credential_values") if entry.error is None else None
            if entry.error:
                items.append(self.item(name, "failed", entry,
                                       reason=f"{entry.where} {entry.error}"))
            elif current is None and not values:
                items.append(self.item(name, "failed", entry,
                                       reason="not on the proxy, and the file gives no "
                                              "credential_values to create it with"))
            elif current is None:
                info = {**entry.data["credential_info"], META: _credential_record(owner)}
                items.append(self.write(self.item(name, "would create", entry), "create",
                                        name, values, info))
            else:
                items.append(self.plan_entry_update(entry, current, owner, force_secrets))
        if prune and "credential" in config.managed:
            items += self.prune(existing, {entry.name for entry in config.credentials}, owner,
                                any(entry.error for entry in config.credentials))
        for place, item in enumerate(items):
            item.order = self.order + place / 10_000  # one at a time, in file order
        return items

    def review(self, items):
        """Keep the credentials a deployment on the proxy, or an entry of
        the file, uses (litellm_credential_name)."""
        doomed = [i for i in items if i.kind == self.section and i.status == "would delete"]
        if not doomed:
            return
        models = [i for i in items if i.kind == Models.section]
        used = {_mapping(d.get("litellm_params")).get("litellm_credential_name")
                for d in self.deployments}
        used.update(i.entry.params.get("litellm_credential_name") for i in models if i.entry)
        for item in doomed:
            if item.name in used:
                item.status, item.action, item.request, item.pruned = "kept", None, None, False
                item.reason = "not deleted: a deployment uses it (litellm_credential_name)"

    def plan_entry_update(self, entry, current, owner, force_secrets=False):
        info = current.get("credential_info") or {}
        values = entry.data.get("credential_values") or {}
        found = Differences()
        for field, value in values.items():
            found.secret(f"credential_values.{field}", value, force_secrets)
        for field, value in entry.data["credential_info"].items():
            found.compare(f"credential_info.{field}", value, info.get(field), clearable=True)
        if isinstance(info.get(META), dict) and "secrets" in info[META]:
            found.changes.append(change(f"credential_info.{META}", "hashes of secrets",
                                        "removed"))
        adopted = _owner_change("credential_info", credential_owner(current), owner)
        if adopted:
            found.changes.append(adopted)
        if not found.changes:
            return self.item(entry.name, "unchanged", entry, current, reason=found.note)
        item = self.item(entry.name, "would update", entry, current, changes=found.changes,
                         reason=found.note)
        changed = {c["field"] for c in found.changes}
        new_values = {k: v for k, v in values.items() if f"credential_values.{k}" in changed}
        # The whole info: PATCH /credentials/{name} replaces it rather than merging.
        new_info = {k: v for k, v in {**info, **entry.data["credential_info"]}.items()
                    if k != META and v is not None}
        new_info[META] = _credential_record(owner)
        return self.write(item, "update", entry.name, new_values, new_info)

    def create(self, item, owner):
        self.credentials.create(*item.request[1])

    def update(self, item, owner):
        self.credentials.update(*item.request[1])

    def delete(self, item):
        self.credentials.delete(*item.request[1])

    def current(self, name):
        return {c.get("credential_name"): c for c in self.read()}.get(name)

    def differs(self, item):
        """True when the credential ``item`` was to create now exists otherwise."""
        found = self.current(item.name) or {}
        return not same(item.request[1][2], found.get("credential_info") or {})

    def landed(self, item):
        current = self.current(item.name)
        if item.action == "delete":
            return current is None
        if current is None or item.action == "create":
            return current is not None
        # An update: its credential_info can be read back, its values cannot.
        if not any(c["field"].startswith("credential_info.") for c in item.changes):
            return None
        return same(item.request[1][2], current.get("credential_info") or {})


class Models(_Synced):
    section, identity, order = "model_list", "model_info.id", 60
    kind = "model"

    def read(self):
        """The database deployments (a config file's cannot be managed), for
        an export. Needs an admin key: any other sees only the deployments it
        may use, so its export would lack the rest (and a later prune would
        delete them); so the credentials, which only an admin may list, are
        read first (the refusal comes before any deployment is read)."""
        self.credentials.list()
        self.skipped = {CONFIG_FILE: 0}
        self._catalog = None
        for deployment in self.models.iter_info():  # as the proxy's answer arrives
            if in_db(deployment):
                yield deployment
            else:
                self.skipped[CONFIG_FILE] += 1

    def ident(self, current):
        return _id(current)

    def name_of(self, current):
        return current.get("model_name")

    def owner(self, current):
        return deployment_owner(current)

    def export(self, current):
        return export_entry(current, self.priced(current))

    def priced(self, deployment):
        """The price map entry /model/info filled this deployment's model_info
        from (None when it cannot be read)."""
        key = (deployment.get("model_info") or {}).get("key")
        if not isinstance(key, str):
            return {}
        if getattr(self, "_catalog", None) is None:
            try:  # the price map as the proxy loaded it, without what deployments added
                self._catalog = self.session.get_json(
                    "/public/litellm_model_cost_map", params={"catalog_only": "true"})
            except (exceptions.HttpError, exceptions.UnexpectedAnswer):
                self._catalog = {}
        entry = self._catalog.get(key) if isinstance(self._catalog, dict) else None
        return entry if isinstance(entry, dict) else None

    def plan(self, wanted, owner, prune=False, force_secrets=False):
        """The Items of the file's models against the proxy's deployments (as
        /model/info sends them); with ``prune`` (when the file lists models),
        deletes of the owner's database deployments the file does not list."""
        config = self.entries(wanted, owner)
        deployments = self.models.info()
        items = []
        valid = [e for e in config.models if e.error is None]
        matches, errors, claimed = _match(valid, deployments, owner)
        position = {id(e): i for i, e in enumerate(valid)}
        for entry in config.models:
            if entry.error:
                items.append(self.item(entry.name, "failed", entry,
                                       reason=f"{entry.where} {entry.error}"))
                continue
            index = position[id(entry)]
            deployment = matches.get(index)
            if index in errors:
                items.append(self.item(entry.name, "failed", entry, reason=errors[index]))
            elif deployment is None:
                # The id is known before the write, so a create whose answer is
                # lost, or that another run made meanwhile, can be looked up.
                item = self.item(entry.name, "would create", entry,
                                 ident=entry.info.get("id") or entry.derived)
                info = {**entry.info, "id": item.id, META: _new_record(entry, owner)}
                params = {k: v for k, v in entry.params.items() if v is not None}
                items.append(self.write(item, "create", entry.data["model_name"], params, info))
            else:
                items.append(self.plan_entry_update(entry, deployment, owner, force_secrets))
        if prune and "model" in config.managed:
            # An entry that could not be read may be the one a deployment stands for.
            unsure = bool(errors) or len(valid) < len(config.models)
            items += self.prune([d for d in deployments if in_db(d)], claimed, owner, unsure)
        return items

    def plan_entry_update(self, entry, deployment, owner, force_secrets=False):
        ident = _id(deployment)
        removals = [k for k, v in entry.params.items() if v is None and k not in CLEARABLE_PARAMS]
        removable = bool(removals) and versions.at_least(self.session, PARAM_REMOVAL_FROM)
        found = _model_changes(entry, deployment, force_secrets, removable)
        changes = found.changes
        adopted = _owner_change("model_info", deployment_owner(deployment), owner)
        if adopted and in_db(deployment):
            changes.append(adopted)
        recorded = _record(deployment).get("entry")
        if in_db(deployment) and entry.derived and entry.derived not in (ident, recorded):
            # Found by its content (made before derived ids): record the entry's id.
            changes.append(change(f"model_info.{META}.entry", recorded, entry.derived))

        def item(status, reason):
            return self.item(entry.name, status, entry, deployment, ident, changes, reason)

        if found.refused:
            return item("failed", found.refused)
        if not changes:
            return self.item(entry.name, "unchanged", entry, deployment, ident,
                             reason=found.note)
        if not in_db(deployment):
            return item("failed", "a deployment from the proxy's config file; the API cannot "
                                  "change it")
        changed = {c["field"] for c in changes}
        params = {k: v for k, v in entry.params.items() if f"litellm_params.{k}" in changed}
        info = {k: v for k, v in entry.info.items() if f"model_info.{k}" in changed}
        info[META] = _new_record(entry, owner)
        name = entry.data["model_name"] if "model_name" in changed else None
        return self.write(item("would update", found.note), "update", ident, params, info, name)

    def create(self, item, owner):
        self.models.create(*item.request[1])

    def update(self, item, owner):
        ident, params, info, name = item.request[1]
        with self.models.one_at_a_time():  # the engine sends them side by side
            self.models.update(ident, params, info, model_name=name)

    def delete(self, item):
        self.models.delete(*item.request[1])

    def differs(self, item):
        """True when the deployment ``item`` was to create now exists otherwise."""
        found = self.models.get(item.id)
        owner = item.request[1][2][META]["owner"]
        return bool(_model_changes(item.entry, found).changes) or \
            deployment_owner(found) != owner

    def landed(self, item):
        if item.action in ("create", "delete"):
            try:
                self.models.get(item.id)
                present = True
            except exceptions.NotFound:
                present = False
            return present if item.action == "create" else not present
        after = _model_changes(item.entry, self.models.get(item.id))
        if {c["field"] for c in item.changes} <= set(after.unseen):
            return None  # only secrets were sent: they cannot be read back
        return not after.changes
