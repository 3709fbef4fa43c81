"""Virtual keys in a state file (``keys:``), named by ``key_alias``.

A file never holds a key's secret: a key to create gets one chosen here
("sk-" + 43 URL-safe characters, as ``keys rotate`` does) on ``item.secret``,
which the engine saves before the key is sent to ``/key/generate``; an
object giving ``key`` is refused.

Which keys are objects of the kind (read, diffed, pruned, exported):
every key with an alias, except the admin UI's own session keys (team
``litellm-dashboard``) and the old keys that ``keys rotate`` retired
(``metadata.litellm_cli_rotation.replaced_by``: they end by themselves).
Keys without an alias cannot be named in a file: they are counted in
``skipped`` (counted by reason), never touched.
A rotation's replacement is a normal key once it has taken the alias over.

Fields are GenerateKeyRequest's. As the proxy stores them: ``organization_id``
is listed as ``org_id``; the "metadata-backed" fields (``model_rpm_limit``,
``tags``, ``rpm_limit_type``...) live in the key's metadata and are shown
here as fields of their own; ``soft_budget`` lives in a budget the proxy makes
for the key (so that ``budget_id`` is the proxy's, and not exported).
Never exported: ``spend``, ``duration``, ``send_invite_email``;
``duration``/``spend`` in a file apply when the key is created only and are
never compared. The expiry is this tool's ``expires`` (not a request field):
a UTC moment, sent as the ``duration`` left (null: ``duration`` null, never
expires, which /key/update takes); within EXPIRY_SLACK of the stored one it
is the same; a moment already past is never sent (a key to create with one
is skipped: dead on arrival). This tool's own marks
in metadata (owner, ``keys import``'s and ``keys rotate``'s) are not part of
the file and are kept by an update.

``/key/update`` on LiteLLM 1.108.7 (read from its source, checked live):
``metadata`` replaces the stored metadata wholesale (the adapter sends the
whole metadata: the file's, the marks, the metadata-backed fields the file
does not give); an explicit null clears a nullable column (``max_budget``,
``rpm_limit``, ``budget_duration``, ``team_id``...), but the proxy refuses
null for list columns (``models``...) and takes null for mapping columns
(``aliases``...) while every later ``/key/list`` fails on that key: a null in
the file is therefore sent as the proxy's empty value (``[]``, ``{}``). An
update is read back; a field the proxy did not take fails the item.

Concurrency: the proxy refuses a second key of one alias
(``_enforce_unique_key_alias``), but checks before it inserts, with no
database constraint, so two creates at once can both pass. Each create reads
its alias back: of two keys of one alias, the older (then lower hash) stays
and the other run deletes its own and reports the key as made meanwhile by
another run; a create refused because the alias now exists does the same.
"""

import datetime
import secrets

from litellm_cli import exceptions, versions
from litellm_cli.api.keyimport import MARKER as IMPORT_MARK
from litellm_cli.api.keyimport import UI_TEAM, parse_time
from litellm_cli.api.keys import KeysAPI, hash_key
from litellm_cli.api.kinds.base import OWNER_FIELD, Item, Kind, change
from litellm_cli.api.kinds.common import METADATA_FIELDS
from litellm_cli.api.rotate import KEY_BYTES
from litellm_cli.api.rotate import MARK as ROTATION_MARK
from litellm_cli.api.rotate import mark as rotation_mark
from litellm_cli.redact import REDACTOR, with_secrets_kept

# This tool's bookkeeping in a key's metadata: never in a file, kept by updates.
MARKS = (OWNER_FIELD, IMPORT_MARK, ROTATION_MARK)
# How the proxy writes "nothing" for a field (a null is sent as this).
EMPTY = {**{f: [] for f in ("models", "allowed_cache_controls", "allowed_routes",
                            "access_group_ids")},
         **{f: {} for f in ("aliases", "config", "permissions", "model_max_budget",
                            "budget_fallbacks", "router_settings", "object_permission")},
         "key_type": "default", "auto_rotate": False}
DEFAULTS = {"key_type": "default", "auto_rotate": False, "blocked": False}
SOFT_BUDGET_LAG = datetime.timedelta(seconds=5)  # the budget row is made just before the key
CREATE_ONLY = frozenset({"duration", "spend", "send_invite_email"})
# ``expires`` is set through ``duration``, which the proxy counts from when it
# gets the request: a stored moment this close to the file's is the same.
EXPIRY_SLACK = datetime.timedelta(seconds=60)
# /key/update takes a null duration as "never expires" from 1.90 (1.80.17 kept
# the old expiry), "-1" on every release; /key/generate does not take "-1"
# (a new key that never expires is sent no duration).
NULL_DURATION_FROM = (1, 90)


def moment(text):
    """A timestamp as a file writes ``expires`` (``2027-01-31T00:00:00Z``,
    UTC, whole seconds); None for none; text that is no timestamp as it is."""
    if text is None:
        return None
    when = parse_time(text)
    if when is None:
        return text
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")  # parse_time gives UTC


def expiry_duration(expires, now):
    """``duration`` for /key/generate or /key/update that makes a key expire at
    ``expires`` (a file's value; None: never). Refuses a moment already past."""
    if expires is None:
        return None
    when = parse_time(expires)
    if when is None:
        raise exceptions.UsageError(f"expires {expires!r} is not a moment such as "
                                    "2027-01-31T00:00:00Z")
    left = (when - now).total_seconds()
    if left <= 0:
        raise exceptions.UsageError(
            f"expires {moment(expires)} is in the past: a key is never made or set to expire "
            "then (give a later expires, or block or delete the key)")
    return f"{int(-(-left // 1))}s"


def _plain(field, value):
    """A value as a file would write it, or None for the proxy's "nothing"."""
    if isinstance(value, dict) and field in ("router_settings", "object_permission"):
        value = {k: v for k, v in value.items()
                 if k != "object_permission_id" and v not in (None, [], {})}
    if field == "budget_limits" and isinstance(value, list):
        value = [{k: v for k, v in w.items() if k != "reset_at"} if isinstance(w, dict) else w
                 for w in value]
    if value in (None, [], {}, ""):
        return None
    if field in DEFAULTS and type(value) is type(DEFAULTS[field]) and value == DEFAULTS[field]:
        return None
    return value


def _soft_budget_row(key):
    """True when the key's budget is the one the proxy made for its
    ``soft_budget`` (/key/generate or /key/update with a soft_budget and no
    budget): it holds nothing but a soft budget and was made in the seconds
    before the key, or before the key's settings last changed."""
    budget = key.get("litellm_budget_table") or {}
    if budget.get("soft_budget") is None or any(
            budget.get(f) is not None for f in ("max_budget", "budget_duration", "tpm_limit",
                                                "rpm_limit", "tpd_limit",
                                                "max_parallel_requests")):
        return False
    made = parse_time(budget.get("created_at"))
    for field in ("created_at", "settings_updated_at", "updated_at"):
        moment = parse_time(key.get(field))
        if made and moment and datetime.timedelta(0) <= moment - made <= SOFT_BUDGET_LAG:
            return True
    return False


def _near(old, new):
    """True when two ``expires`` values (None, or file timestamps) are the same
    expiry: both none, or moments within EXPIRY_SLACK."""
    if old is None or new is None:
        return old is None and new is None
    old, new = parse_time(old), parse_time(new)
    return old is not None and new is not None and abs(new - old) <= EXPIRY_SLACK


def _first(keys):
    """Of keys that share an alias, the one that stays: the oldest, then the
    lowest hash (every run decides alike)."""
    return min(keys, key=lambda key: (key.get("created_at") or "", key.get("token") or ""))


def copier(session, release=None):
    """A Keys adapter that makes copies (``copy_body``) of the keys of
    ``session``'s proxy, with the fields of its release (asked for when not
    given: one request)."""
    from litellm_cli.api.state_sync import request_fields, schema_release

    return Keys(session, request_fields(release or schema_release(session), "keys"))


def key_ref(key):
    """A key named in messages: alias and hash prefix, never a secret."""
    return f"{key.get('key_alias')!r} ({(key.get('token') or '')[:8]}...)"


class Keys(Kind):
    section, identity, order = "keys", "key_alias", 70

    def __init__(self, session, request_fields=()):
        super().__init__(session, request_fields)
        self.api = KeysAPI(session)
        self.lifted = METADATA_FIELDS & set(self.request_fields)
        self.skipped = {"no alias": 0, "admin UI session key": 0, "retired by keys rotate": 0}
        self.retiring = {}  # alias -> old keys that keys rotate is moving it away from

    # -- reading ---------------------------------------------------------------

    def read(self):
        """The keys of the kind, yielded as their pages arrive (an export holds
        one page of raw keys); ``skipped`` and ``retiring`` are complete once
        the iteration ends."""
        self.skipped = dict.fromkeys(self.skipped, 0)
        self.retiring = {}
        unaliased, retired = set(), []  # tokens of keys without an alias; rotated-away keys
        for key in self.all_pages(self.api):
            self.api.with_budget_ids([key])
            done = rotation_mark(key)
            if not key.get("key_alias"):
                unaliased.add(key.get("token"))
            if key.get("team_id") == UI_TEAM:
                self.skipped["admin UI session key"] += 1
            elif done.get("replaced_by"):
                self.skipped["retired by keys rotate"] += 1
                if done.get("key_alias"):
                    retired.append(key)
            elif not key.get("key_alias"):
                self.skipped["no alias"] += 1
            else:
                yield key
        for key in retired:  # its replacement has not taken the alias over yet
            done = rotation_mark(key)
            if done["replaced_by"] in unaliased:
                self.retiring.setdefault(done["key_alias"], []).append(key)

    def view(self, current):
        """``{field: value}`` of a proxy's key as a file writes it (None: nothing)."""
        metadata = dict(current.get("metadata") or {})
        out = {}
        for field in self.request_fields:
            if field in CREATE_ONLY or field == "key":
                continue
            if field in self.lifted:
                value = metadata.pop(field, None)
            elif field == "organization_id":
                value = current.get("org_id", current.get("organization_id"))
            else:
                value = current.get(field)
            out[field] = _plain(field, value)
        if "soft_budget" in out and _soft_budget_row(current):
            out["soft_budget"] = current["litellm_budget_table"].get("soft_budget")
            out["budget_id"] = None  # the proxy's, made for the key's soft_budget
        for name in MARKS:
            metadata.pop(name, None)
        out["metadata"] = metadata or None
        out["expires"] = moment(current.get("expires"))
        return out

    def wanted_view(self, wanted):
        """The file's object with its metadata-backed fields lifted as ``view`` does."""
        out = {field: moment(value) if field == "expires" else _plain(field, value)
               for field, value in wanted.items()}
        metadata = dict(wanted.get("metadata") or {})
        for field in self.lifted & set(metadata):
            out.setdefault(field, _plain(field, metadata.pop(field)))
        if "metadata" in wanted:
            out["metadata"] = metadata or None
        return out

    def export(self, current):
        shown = self.view(current)
        out = {self.identity: current.get(self.identity)}
        out.update((f, v) for f, v in shown.items() if v is not None and f != self.identity)
        return out

    def copy_body(self, current, now):
        """What /key/generate takes to make a new key with every setting of the
        stored key ``current`` (``keys import``, ``keys rotate``): the fields
        a state file would write for it (its soft budget as ``soft_budget``,
        not as the budget row the proxy made for it), its spend so far, the
        expiry it has left as a ``duration`` (``now``: an aware datetime),
        and its metadata with this tool's marks. No alias when it has none."""
        body = {field: value for field, value in self.export(current).items()
                if value is not None}
        if current.get("spend"):
            body["spend"] = current["spend"]
        body.pop("expires", None)
        expires = parse_time(current.get("expires"))
        if expires is not None:
            body["duration"] = f"{max(1, int((expires - now).total_seconds()))}s"
        stored = current.get("metadata") or {}
        body["metadata"] = {**body.get("metadata", {}),
                            **{mark: stored[mark] for mark in MARKS if mark in stored}}
        # The metadata-backed fields go back where the key keeps them: given as
        # fields of their own, /key/generate checks some against the licence
        # (tags, guardrails...), which it does not do inside metadata.
        for field in self.lifted & set(body):
            body["metadata"][field] = body.pop(field)
        return body

    # -- comparing -------------------------------------------------------------

    not_compared = CREATE_ONLY | {"key"}

    def differences(self, wanted, current, force_secrets=False):
        changes, reason = super().differences(wanted, current, force_secrets)
        return [c for c in changes if c["field"] != "expires"
                or not _near(c["old"], moment(c["new"]))], reason

    def compared(self, wanted):
        return self.wanted_view(wanted)

    def comparable(self, current):
        return self.view(current)

    def wanted_value(self, field, value):
        return value

    # -- planning --------------------------------------------------------------

    def refused(self, obj):
        if "key" in obj:
            return "a state file never holds a key's secret: remove its `key`"
        if "expires" in obj and obj.get("duration") is not None:
            return "give expires or duration, not both"
        return None

    @staticmethod
    def past(obj):
        """Why the file's ``expires`` cannot be sent (already past), or None."""
        try:
            expiry_duration(obj.get("expires"), datetime.datetime.now(datetime.timezone.utc))
        except exceptions.UsageError as exc:
            return str(exc)
        return None

    def plan_create(self, obj, owner):
        name = obj.get(self.identity)
        reason = self.refused(obj)
        past = reason is None and self.past(obj)
        if past:  # dead on arrival (an export of an expired key, promoted): not made
            return Item(self.section, name, "skipped", wanted=obj, reason=f"not created: {past}")
        if reason is None and name in self.retiring:
            reason = (f"keys rotate is moving this alias to a new key "
                      f"(from {key_ref(self.retiring[name][0])}): run keys rotate again to "
                      "finish it first")
        if reason:
            return Item(self.section, name, "failed", wanted=obj, reason=reason)
        secret = "sk-" + secrets.token_urlsafe(KEY_BYTES)
        REDACTOR.add(secret)  # masked in every message and log, whatever echoes it
        return Item(self.section, name, "would create", "create", wanted=obj,
                       secret={"key_alias": name, "key": secret})

    def plan_update(self, obj, current, owner, force_secrets=False):
        reason = self.refused(obj)
        if reason:
            return Item(self.section, self.ident(current), "failed", wanted=obj,
                           current=current, reason=reason)
        item = super().plan_update(obj, current, owner, force_secrets)
        reason = any(c["field"] == "expires" for c in item.changes) and self.past(obj)
        if reason:  # unchanged, an expired key stays as it is
            item.status, item.action, item.reason = "failed", None, reason
        return item

    def ambiguous(self, name, found):
        return (f"{len(found)} keys on the proxy have key_alias {name!r}: "
                f"{', '.join(key_ref(key) for key in found)}; give each its own alias")

    # -- writing ---------------------------------------------------------------

    def body(self, wanted, fields, owner, current=None):
        """What /key/generate or /key/update gets for ``fields`` of ``wanted``:
        nulls as the proxy's empty values, and the whole metadata (the file's
        or the current one's, this tool's marks, the metadata-backed fields
        the file does not give, the owner)."""
        body = {}
        for field in fields:
            if field in ("metadata", self.identity):
                continue
            value = wanted.get(field)
            if value is not None:
                body[field] = value
            elif field not in self.lifted:  # a lifted null: left out of the metadata
                body[field] = EMPTY.get(field)
        before = dict((current or {}).get("metadata") or {})
        if "metadata" in wanted:
            metadata = {k: v for k, v in with_secrets_kept(wanted.get("metadata") or {},
                                                           before).items() if k not in MARKS}
            metadata.update((k, before[k]) for k in MARKS if k in before)
            for field in self.lifted & set(before) - set(wanted["metadata"] or {}):
                metadata[field] = before[field]
        else:
            metadata = before
        for field in self.lifted & set(wanted):
            metadata.pop(field, None)  # given: sent as a field of its own, or cleared
        metadata[OWNER_FIELD] = owner
        body["metadata"] = metadata
        if "expires" in body:  # the proxy sets it from a duration (null: never expires)
            body["duration"] = expiry_duration(body.pop("expires"),
                                               datetime.datetime.now(datetime.timezone.utc))
            if body["duration"] is None and current is not None \
                    and versions.parse(self.release) < NULL_DURATION_FROM:
                body["duration"] = "-1"  # the older spelling, which later releases still take
            if body["duration"] is None and current is None:
                del body["duration"]  # a new key: no duration is no expiry
        return body

    def create(self, item, owner):
        body = self.body(item.wanted, item.wanted, owner)
        body[self.identity] = item.name
        body["key"] = item.secret["key"]
        try:
            self.api.generate(body)
        except exceptions.BadRequest as exc:
            if "already exists" not in str(exc):
                raise
            self._made_meanwhile(item, owner, None)
            return
        mine = hash_key(item.secret["key"])
        found = self._with_alias(item.name)
        others = [key for key in found if key.get("token") != mine]
        if not others:
            return self._check(item, found, mine)
        first = _first(found)
        if first.get("token") == mine:
            return self._check(item, found, mine)
        self.api.delete(mine)
        self._made_meanwhile(item, owner, first)

    def _made_meanwhile(self, item, owner, other):
        """Another run made the key of this alias: update it in place if it
        differs from the file, else report it unchanged."""
        void = "; the secret saved for this run is not used"
        if other is None:
            found = self._with_alias(item.name)
            if not found:
                raise exceptions.Conflict(f"the proxy refused key_alias {item.name!r} as "
                                          "taken, and no key has it now: run again")
            other = _first(found)  # the others' runs delete theirs
        item.current = other
        changes, _ = self.differences(item.wanted, other)
        if self.owner(other) != owner:
            changes.append(change(f"metadata.{OWNER_FIELD}", self.owner(other), owner))
        if not changes:
            item.status, item.reason = "unchanged", "created meanwhile by another run" + void
            return
        item.changes = changes
        self.update(item, owner)
        item.status = "updated"
        item.reason = "created meanwhile by another run, updated in place" + void

    def _with_alias(self, alias):
        return [key for key in self.api.iter_all(key_alias=alias)
                if key.get("key_alias") == alias]

    def _check(self, item, found, token):
        """Fail the item if the proxy did not keep what was sent."""
        mine = [key for key in found if key.get("token") == token]
        if not mine:
            raise exceptions.UnexpectedAnswer("created, but the proxy does not list the key")
        self._kept(item.wanted, mine[0], "created, but")

    def _kept(self, wanted, current, what):
        changes, _ = self.differences(wanted, current)
        if changes:
            raise exceptions.UnexpectedAnswer(
                f"{what} the proxy did not take {', '.join(c['field'] for c in changes)} "
                "(it cannot set or clear that field this way)")

    def update(self, item, owner):
        fields = {c["field"] for c in item.changes if not c["field"].startswith("metadata.")}
        token = item.current["token"]
        self.api.update(token, self.body(item.wanted, fields, owner, item.current),
                        merge_metadata=False)
        answer = self.api.info(token).get("info") or {}
        self._kept({f: item.wanted.get(f) for f in fields}, answer, "updated, but")

    def delete(self, item):
        self.api.delete(item.current["token"])

    def landed(self, item):
        if item.action != "create":
            return super().landed(item)
        try:
            found = self._with_alias(item.name)
        except exceptions.CLIError:
            return None
        return any(key.get("token") == hash_key(item.secret["key"]) for key in found)
