"""What every kind of object of a state file has in common (``state export /
diff / apply``): the contract between the engine (litellm_cli.api.state_sync)
and one adapter a kind (a module of its own in this package).

An adapter says how to read, compare, create, update and delete its objects;
the engine plans across kinds, runs the writes in dependency order, and
reports. No cliff and no printing.

Ownership: an object this tool creates or updates carries the file's owner
in its metadata (``metadata.litellm_cli_owner``; ``OWNER_FIELD``). Prune
deletes only objects of the same owner; a kind whose objects have no
metadata (``markable = False``) is never pruned.
"""

from litellm_cli import exceptions
from litellm_cli.redact import is_secret_field, with_secrets_kept, without_secrets

OWNER_FIELD = "litellm_cli_owner"
DEFAULT_OWNER = "litellm-cli"
MASK = "***"

# Statuses of an Item. Before a run (a plan): would create, would update,
# unchanged, would delete, unmanaged (prune leaves it: not this owner's),
# kept (prune leaves it for another reason), skipped (an import leaves it),
# failed (cannot be done: ``reason``). After: created, updated, deleted,
# failed, not done (never sent, or the proxy does not have it), unknown (sent
# when the run stopped, and reading the proxy could not tell).
PLANNED = ("would create", "would update", "would delete")
DONE = {"create": "created", "update": "updated", "delete": "deleted"}


class Item:
    """One object of one kind: what is to be done, then what was done.

    ``action``: "create", "update", "delete" or None (nothing to send);
    ``wanted``: the file's object (None for a delete); ``current``: the
    proxy's object as read (None for a create); ``changes``: a list of
    ``{"field", "old", "new"}`` with secrets shown as ``***``; ``secret``: for
    a create that makes a secret (a key), ``{"key_alias": ..., "key": ...}``,
    chosen before the write and saved by the engine before it is sent.
    """

    def __init__(self, kind, name, status, action=None, wanted=None, current=None,
                 changes=(), reason=None, secret=None):
        self.kind, self.name, self.status, self.action = kind, name, status, action
        self.wanted, self.current = wanted, current
        self.changes, self.reason, self.secret = list(changes), reason, secret
        self.pruned = False  # a delete that --prune asked for (not a field's change)


def change(field, old, new, secret=False):
    """One row of Item.changes; a secret is shown masked, whatever it is."""
    if secret or is_secret_field(field.rpartition(".")[2]):
        old, new = (None if value is None else MASK for value in (old, new))
    return {"field": field, "old": old, "new": new}


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


def owner_of(metadata):
    """The owner recorded in an object's metadata, or None."""
    owner = metadata.get(OWNER_FIELD) if isinstance(metadata, dict) else None
    return owner if isinstance(owner, str) else None


def without_owner(metadata):
    """Metadata as a file writes it: without the ownership marker."""
    if not isinstance(metadata, dict):
        return metadata
    return {k: v for k, v in metadata.items() if k != OWNER_FIELD}


class Kind:
    """An adapter for one kind: subclass it in a module of this package and
    list it in litellm_cli.api.state_sync.KINDS.

    Class attributes:
      ``section``: the state file's key (``budgets``);
      ``identity``: the field that names an object on every proxy;
      ``order``: creates run in ascending order, deletes in descending;
      ``markable``: objects have a metadata mapping that can hold the owner;
      ``owner_in``: that mapping's field;
      ``exported``: the fields export writes (None: every field of the kind's
        request model in the release's schema that the object has);
      ``proxy_fields``: fields the proxy fills in by itself, never exported;
      ``secret_fields``: fields whose value the proxy never shows: compared
        only with ``force_secrets``, never exported;
      ``since``: the oldest LiteLLM release the adapter serves (None: every
        supported one); the engine refuses the kind on an older proxy, whose
        routes or shapes differ (tools/compat.sh found where);
      ``skipped``: after ``read``, how many objects it left out, by reason
        (objects a state file cannot name: a key without an alias...);
      ``release``: the release whose schema describes the proxy (None: the
        pinned one), set by the engine.

    The default methods suit a kind whose objects are flat mappings keyed by
    ``identity`` with a ``metadata`` mapping; override what differs.
    """

    section = identity = None
    order = 0
    markable = True
    owner_in = "metadata"
    exported = None
    proxy_fields = frozenset()
    secret_fields = frozenset()
    since = None
    skipped = {}
    release = None

    def __init__(self, session, request_fields=()):
        """``request_fields``: the fields the kind's request model takes on
        the proxy's release (from litellm_cli/schemas)."""
        self.session = session
        self.request_fields = tuple(request_fields)

    # -- reading ---------------------------------------------------------------

    def read(self):
        """Every object of the kind on the proxy, as the proxy sends them."""
        raise NotImplementedError

    @staticmethod
    def all_pages(api, workers=4, **filters):
        """Every item of a paged listing (``api``: a PagedAPI; ``filters`` go
        with each page), as the pages arrive (read ``workers`` at a time after
        the first): an export holds one page of raw objects, not all."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield from api.all_parallel(pool, **filters)

    def ident(self, current):
        return current.get(self.identity)

    def wanted_ident(self, obj):
        """The name of the file's object ``obj``: what ``ident`` gives for it."""
        return obj.get(self.identity)

    def owner(self, current):
        return owner_of(current.get(self.owner_in)) if self.markable else None

    def export(self, current):
        """The object as a state file writes it: what an operator set, never
        what the proxy fills in by itself, never a secret, no owner marker."""
        fields = self.exported if self.exported is not None else self.request_fields
        fields = [self.identity] + [f for f in fields if f != self.identity]
        out = {}
        for field in fields:
            value = current.get(field)
            if (value is None or field in self.proxy_fields or field in self.secret_fields
                    or is_secret_field(field)):
                continue
            if field == "metadata":
                value = without_owner(value)
                if not value:
                    continue
            out[field] = value
        return out

    # -- comparing -------------------------------------------------------------

    def differences(self, wanted, current, force_secrets=False):
        """``(changes, reason)``: what ``wanted`` changes on the object, and a
        note (secrets not compared...) or None. Only the fields the file gives
        are compared, each as ``comparable`` shows it; a secret only with
        ``force_secrets`` (the proxy never shows one)."""
        shown = self.comparable(current)
        changes, unseen = [], []
        for field, value in self.compared(wanted).items():
            if field == self.identity or field in self.not_compared:
                continue
            if self.is_secret(field):
                if value is None:
                    continue
                if force_secrets:
                    changes.append(change(field, "(not compared)", value, secret=True))
                else:
                    unseen.append(field)
                continue
            old, new = self.current_value(shown, field), self.wanted_value(field, value)
            # Secret-named entries inside a value (metadata.client_secret...) are never
            # exported, so never compared either; an update keeps the proxy's.
            bare_old, bare = without_secrets(old), without_secrets(new)
            forced = bare != new and force_secrets  # sent whole, with the file's secrets
            if bare != new and not force_secrets:
                unseen.append(f"{field} (its secret-named entries)")
            # A mapping of only secrets is nothing set.
            old = None if bare_old == {} != old else bare_old
            new = None if bare == {} != new else bare
            if not (new is None and old is None) and not same(new, old):
                changes.append(change(field, old, value))
            elif forced:
                changes.append(change(field, "(not compared)", value, secret=True))
        reason = (f"secrets not compared (the proxy never shows them; --force-secrets sends "
                  f"them): {', '.join(unseen)}") if unseen else None
        return changes, reason

    # The hooks of ``differences``: which fields of the file's object are
    # compared, which are secrets, and both sides' values made comparable
    # (None: nothing set).
    not_compared = frozenset()

    def compared(self, wanted):
        return wanted

    def is_secret(self, field):
        return field in self.secret_fields

    def comparable(self, current):
        """The proxy's object as the file would write it (read once a compare)."""
        return self.export(current)

    def current_value(self, shown, field):
        return shown.get(field)

    def wanted_value(self, field, value):
        return (value or None) if field == "metadata" else value

    # -- planning --------------------------------------------------------------

    def plan(self, wanted, owner, prune=False, force_secrets=False):
        """The Items that make the proxy's objects of this kind match
        ``wanted`` (the file's list; None: the file does not manage the
        kind). With ``prune``, the owner's objects the file does not list are
        deleted; others' are "unmanaged". Reads the proxy (``read``)."""
        currents = list(self.read())
        by_id = {}
        for current in currents:
            by_id.setdefault(self.ident(current), []).append(current)
        items, listed = [], set()
        for index, obj in enumerate(wanted or ()):
            name = self.wanted_ident(obj)
            listed.add(name)
            found = by_id.get(name, [])
            if len(found) > 1:
                items.append(Item(self.section, name, "failed", wanted=obj,
                                  reason=self.ambiguous(name, found)))
            elif not found:
                items.append(self.plan_create(obj, owner))
            else:
                items.append(self.plan_update(obj, found[0], owner, force_secrets))
        if prune and wanted is not None:
            for current in currents:
                name = self.ident(current)
                if name in listed:
                    continue
                if self.markable and self.owner(current) == owner:
                    item = Item(self.section, name, "would delete", "delete", current=current)
                    item.pruned = True  # asked for: apply confirms it
                    items.append(item)
                else:
                    items.append(Item(self.section, name, "unmanaged", current=current,
                                      reason=self.unmanaged_reason(current)))
        return items

    def plan_create(self, obj, owner):
        return Item(self.section, self.wanted_ident(obj), "would create", "create", wanted=obj)

    def plan_update(self, obj, current, owner, force_secrets=False):
        changes, reason = self.differences(obj, current, force_secrets)
        held = self.owner(current)
        if self.markable and held != owner:
            changes.append(change(f"metadata.{OWNER_FIELD}", held, owner))
        name = self.ident(current)
        if not changes:
            return Item(self.section, name, "unchanged", wanted=obj, current=current,
                        reason=reason)
        return Item(self.section, name, "would update", "update", wanted=obj, current=current,
                    changes=changes, reason=reason)

    def review(self, items):
        """After every kind the file manages is planned (``items``: all of
        them): revise this kind's items where another kind's plan matters."""

    def ambiguous(self, name, found):
        return f"{len(found)} objects on the proxy have {self.identity} {name!r}"

    def unmanaged_reason(self, current):
        if not self.markable:
            return f"kept: the proxy keeps no metadata on {self.section}, so none is pruned"
        held = self.owner(current)
        return f"kept: owned by {held!r}" if held else "kept: not made by a state file"

    # -- writing (each raises a litellm_cli exception on failure) --------------

    def send(self, item, owner):
        """Send ``item``'s write (the engine calls this)."""
        if item.action == "create":
            self.create(item, owner)
        elif item.action == "update":
            self.update(item, owner)
        else:
            self.delete(item)

    def marked(self, wanted, owner, current=None):
        """``wanted`` with the owner in its metadata (the file's metadata is
        the truth; of ``current``'s, only the secret-named entries the file
        cannot give are kept)."""
        if not self.markable:
            return dict(wanted)
        metadata = wanted.get(self.owner_in)
        if current is not None:
            stored = without_owner(current.get(self.owner_in))
            metadata = stored if metadata is None else with_secrets_kept(metadata, stored)
        return {**wanted, self.owner_in: {**(metadata or {}), OWNER_FIELD: owner}}

    def create(self, item, owner):
        raise NotImplementedError

    def update(self, item, owner):
        raise NotImplementedError

    def delete(self, item):
        raise NotImplementedError

    def read_one(self, name):
        """The object named ``name`` (None, or NotFound, when there is none)."""
        return next((c for c in self.read() if self.ident(c) == name), None)

    def landed(self, item):
        """After a run stopped while ``item`` was being sent: True if the proxy
        has its effect, False if not, None if that cannot be told."""
        try:
            current = self.read_one(item.name)
        except exceptions.NotFound:
            current = None
        except exceptions.CLIError:
            return None
        if item.action == "delete":
            return current is None
        if current is None:
            return False
        changes, _ = self.differences(item.wanted, current)
        return not changes
