"""The whole proxy as code: plan, apply and export a state file over every
kind of object (``state diff / apply / export``). No cliff, no printing::

    sync = StateSync(session)
    plan = sync.plan(read_state("state.yaml"), prune=True)
    for item in plan.items:
        print(item.kind, item.name, item.status, item.changes)
    sync.execute(plan, save_secret=write_line)   # items now say what became of them

Each kind is an adapter in litellm_cli.api.kinds (the contract is
kinds/base.py); KINDS lists them in dependency order. A kind the file leaves
out, or writes as null, is not managed by the file: it is neither read nor
pruned. Only an explicit empty list prunes all of the owner's objects of a
kind.
"""

import importlib
import threading

from litellm_cli import exceptions, versions
from litellm_cli.api.kinds.base import DEFAULT_OWNER, DONE, PLANNED
from litellm_cli.redact import without_secrets

# section: "module:class" in litellm_cli.api.kinds, in dependency order.
KINDS = {
    "budgets": "budgets:Budgets",
    "organizations": "organizations:Organizations",
    "teams": "teams:Teams",
    "users": "users:Users",
    "customers": "customers:Customers",
    "credential_list": "models:Credentials",
    "model_list": "models:Models",
    "keys": "keys:Keys",
    "tags": "tags:Tags",
    "mcp_server_list": "mcp_servers:MCPServers",
    "guardrail_list": "guardrails:Guardrails",
    "search_tool_list": "search_tools:SearchTools",
    "access_group_list": "access_groups:AccessGroups",
    "agent_list": "agents:Agents",
    "vector_store_list": "vector_stores:VectorStores",
    "prompt_list": "prompts:Prompts",
}
# Kinds a file may name but export never writes (refused by an unlicensed proxy).
NOT_EXPORTED = ("organizations",)
EXPORTED = tuple(s for s in KINDS if s not in NOT_EXPORTED)


def adapter_class(section):
    module, _, name = KINDS[section].partition(":")
    return getattr(importlib.import_module(f"litellm_cli.api.kinds.{module}"), name)


def schema_release(session):
    """The release whose schema describes the proxy: the newest one with a
    schema that is not newer than the proxy (the default when unknown)."""
    from litellm_cli.api.state import DEFAULT_RELEASE, releases

    found = versions.parse(versions.server_version(session) or "")
    if not found:
        return DEFAULT_RELEASE
    older = [r for r in releases() if versions.parse(r) <= found]
    return older[-1] if older else releases()[0]


def request_fields(release, section):
    """The fields the request model of ``section`` takes on ``release``."""
    from litellm_cli.api.state import load_schema

    document = load_schema(release)
    ref = document["kinds"].get(section, {}).get("$ref", "")
    schema = document["$defs"].get(ref.rsplit("/", 1)[-1], {})
    return tuple(schema.get("properties", ()))


class Plan:
    def __init__(self, items, owner, adapters):
        self.items, self.owner, self.adapters = items, owner, adapters

    @property
    def writes(self):
        return [item for item in self.items if item.action and item.status in PLANNED]

    def count(self, status, kind=None):
        return sum(1 for i in self.items if i.status == status and kind in (None, i.kind))


class StateSync:
    """Plans, runs and exports state files against one proxy."""

    def __init__(self, session, workers=4):
        self.session, self.workers = session, workers
        self.skipped = {}  # after export: {section: {reason: count}} of what it left out
        self.unserved = {}  # after export: {section: why} of the kinds the proxy does not serve
        self._stop = threading.Event()

    def adapters(self, sections):
        """An adapter for each section, in dependency order."""
        release = schema_release(self.session) if sections else None
        adapters = [adapter_class(s)(self.session, request_fields(release, s))
                    for s in KINDS if s in sections]
        for adapter in adapters:
            adapter.release = release
        return adapters

    def require(self, adapter):
        """Refuse (TooOld, exit 6) a kind whose adapter needs a newer proxy:
        one older than ``adapter.since`` has other shapes, or lacks routes."""
        if adapter.since:
            versions.require(self.session, adapter.since, f"{adapter.section} in a state file")

    # -- planning (read-only) ----------------------------------------------

    def plan(self, data, prune=False, force_secrets=False, create_only=False):
        """Items for every kind the file manages (a list under its section).
        ``create_only`` (an import): an object already on the proxy is
        "skipped", never changed."""
        owner = data.get("owner") or DEFAULT_OWNER
        sections = [s for s in KINDS if isinstance(data.get(s), list)]
        adapters = self.adapters(sections)
        for adapter in adapters:
            self.require(adapter)
        planned = self._parallel([
            (lambda a=a: a.plan(data[a.section], owner, prune, force_secrets))
            for a in adapters])
        items = []
        for adapter, found in zip(adapters, planned):
            for item in found:
                if getattr(item, "adapter", None) is None:
                    item.adapter = adapter
                items.append(item)
        for adapter in adapters:
            adapter.review(items)
        if create_only:
            for item in items:
                if item.current is not None:
                    item.status, item.action, item.changes = "skipped", None, []
                    item.reason = "already on the proxy"
        return Plan(items, owner, adapters)

    def _parallel(self, calls):
        """The results of ``calls``, run ``workers`` at a time, in order."""
        from concurrent.futures import ThreadPoolExecutor

        if len(calls) <= 1:
            return [call() for call in calls]
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return [f.result() for f in [pool.submit(call) for call in calls]]

    # -- running -------------------------------------------------------------

    def execute(self, plan, on_done=None, save_secret=None):
        """Send the plan's writes: creates and updates kind by kind in
        dependency order, then deletes in the reverse order; within one step,
        ``workers`` at a time. ``save_secret(item.secret)`` runs (and must make
        the secret durable) before a write that makes one is sent.

        A lost connection, a refused key or KeyboardInterrupt stops the run and
        is re-raised once every item says what became of it; a write that may
        have reached the proxy is checked with a read.
        """
        from concurrent.futures import ThreadPoolExecutor, wait

        writes = plan.writes
        if any(item.secret for item in writes) and save_secret is None:
            raise exceptions.UsageError("creating keys needs somewhere to save their secrets")
        self._stop = threading.Event()
        pool = ThreadPoolExecutor(max_workers=self.workers)
        futures = []
        try:
            for step in _steps(writes):
                if self._stop.is_set():
                    break
                futures = []
                for item in step:  # a loop: a Ctrl-C part-way keeps what was submitted
                    futures.append((item, pool.submit(self._attempt, item, plan.owner,
                                                      save_secret)))
                for item, future in futures:
                    future.result()
                    if on_done:
                        on_done(item)
                futures = []
        except BaseException:
            self._stop.set()
            for _, future in futures:
                future.cancel()
            wait([f for _, f in futures if not f.cancelled()], timeout=5)
            in_flight = {id(item) for item, future in futures if not future.done()}
            self._settle(writes, in_flight)
            raise
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _attempt(self, item, owner, save_secret):
        if self._stop.is_set():
            return
        if item.secret:
            try:
                save_secret(item.secret)  # durable before the key exists
            except BaseException:
                # Without its secret saved the key must not be made, nor the next ones.
                self._stop.set()
                item.status, item.reason = "not done", "its secret could not be saved"
                raise
        item.status = "sending"
        try:
            item.adapter.send(item, owner)
        except exceptions.ConnectionFailure as exc:
            self._stop.set()
            item.reason = f"connection lost: {exc}"
            if not exc.maybe_received:
                item.status = "not done"
            raise
        except (exceptions.Unauthorized, exceptions.Forbidden) as exc:
            self._stop.set()
            item.status, item.reason = "not done", str(exc)
            raise
        except exceptions.CLIError as exc:
            item.status, item.reason = "failed", str(exc)
        else:
            if item.status == "sending":  # an adapter may have found it done meanwhile
                item.status = DONE[item.action]

    def _settle(self, writes, in_flight):
        """After a stop: every write says what became of it."""
        for item in writes:
            if item.status in PLANNED:
                item.status, item.reason = "not done", "stopped before it was sent"
            if item.status != "sending":
                continue
            try:
                landed = item.adapter.landed(item)
            except (exceptions.CLIError, KeyboardInterrupt):
                landed = None
            if landed:
                item.status, item.reason = DONE[item.action], "checked after the stop"
            elif landed is None or id(item) in in_flight:
                item.status = "unknown"
                item.reason = "still being sent when the run stopped; check it, or run again"
            else:
                item.status = "not done"
                item.reason = "stopped while being sent; the proxy does not have it"

    # -- export --------------------------------------------------------------

    def export(self, sections=None, owner=None):
        """``{section: [object, ...]}`` of the proxy's objects (every kind, or
        ``sections``), as a state file writes them; with ``owner``, only the
        objects that carry it, and every object of the kinds that cannot
        carry one (budgets, customers, tags: a file missing those its objects
        use would not apply). Kinds are read in parallel. Without
        ``sections``, a kind the proxy's release does not serve (no route, or
        older than the adapter's ``since``) is left out (``unserved``:
        {section: why}); a kind asked for fails."""
        return {section: list(spool) for section, spool in
                self.export_spooled(sections, owner).items()}

    def export_spooled(self, sections=None, owner=None):
        """``export``, each kind's objects in a ``Spool`` (a temporary file)
        as they are read: memory holds the pages being read, not the proxy."""
        adapters = self.adapters([s for s in KINDS if s not in NOT_EXPORTED
                                  and (sections is None or s in sections)])

        def read(adapter):
            spool = Spool()
            try:
                self.require(adapter)
                for current in adapter.read():  # as the pages arrive
                    if owner is None or not adapter.markable or adapter.owner(current) == owner:
                        spool.append(without_secrets(adapter.export(current)))
            except (exceptions.MissingRoute, exceptions.TooOld) as unserved:
                if sections is not None:
                    raise
                return unserved
            return spool

        found = self._parallel([(lambda a=a: read(a)) for a in adapters])
        self.skipped = {a.section: {why: n for why, n in a.skipped.items() if n}
                        for a in adapters if any(a.skipped.values())}
        self.unserved = {a.section: getattr(objects, "details", str(objects))
                         for a, objects in zip(adapters, found)
                         if isinstance(objects, (exceptions.MissingRoute, exceptions.TooOld))}
        return {adapter.section: objects for adapter, objects in zip(adapters, found)
                if adapter.section not in self.unserved}


class Spool:
    """Objects kept in an unnamed temporary file (JSON lines, deleted when
    closed or dropped), read back in the order they came, as often as asked."""

    def __init__(self):
        import tempfile

        try:
            # JSON escapes every control character, so "\n" ends each object alone.
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise _spool_error(exc) from None
        self._count = 0

    def append(self, obj):
        import json

        try:
            self._file.write(json.dumps(obj, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise _spool_error(exc) from None
        self._count += 1

    def __len__(self):
        return self._count

    def __iter__(self):
        import json

        self._file.seek(0)
        for line in self._file:
            yield json.loads(line)


def _spool_error(exc):
    import tempfile

    return exceptions.CLIError(f"cannot write the export's temporary file in "
                               f"{tempfile.gettempdir()} (TMPDIR): {exc.strerror or exc}")


def _steps(writes):
    """The writes in the order they run: lists run together, one after another."""
    def order(item):
        return item.order if getattr(item, "order", None) is not None else item.adapter.order

    ahead = sorted({order(i) for i in writes if i.action != "delete"})
    behind = sorted({order(i) for i in writes if i.action == "delete"}, reverse=True)
    return ([[i for i in writes if i.action != "delete" and order(i) == o] for o in ahead]
            + [[i for i in writes if i.action == "delete" and order(i) == o] for o in behind])
