"""The state engine (api/state_sync.py) and the adapter base (api/kinds/base.py),
with in-memory kinds: order, ownership, prune, stops, secrets, references."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api import state, state_sync
from litellm_cli.api.kinds.base import OWNER_FIELD, Kind


class Memory(Kind):
    """A kind kept in a dict; ``log`` is shared by all kinds, in send order."""

    markable = True
    log = []
    fail_on = {}  # name: exception to raise when sending it

    def __init__(self, session, request_fields=()):
        super().__init__(session, request_fields or ("name", "size", "metadata"))
        self.store = self.stores.setdefault(self.section, {})

    def read(self):
        return [dict(v) for v in self.store.values()]

    def _sent(self, item, action):
        self.log.append((self.section, action, item.name))
        error = self.fail_on.get(item.name)
        if error:
            raise error

    def create(self, item, owner):
        self._sent(item, "create")
        self.store[item.name] = self.marked(item.wanted, owner)

    def update(self, item, owner):
        self._sent(item, "update")
        self.store[item.name] = {**self.store[item.name], **self.marked(item.wanted, owner,
                                                                        self.store[item.name])}

    def delete(self, item):
        self._sent(item, "delete")
        del self.store[item.name]


class First(Memory):
    section, identity, order = "first", "name", 1


class Second(Memory):
    section, identity, order = "second", "name", 2


class Plain(Memory):
    section, identity, order, markable = "plain", "name", 3, False


@pytest.fixture
def engine(monkeypatch):
    Memory.stores, Memory.log[:], Memory.fail_on = {}, [], {}
    classes = {"first": First, "second": Second, "plain": Plain}
    monkeypatch.setattr(state_sync, "KINDS", {k: k for k in classes})
    monkeypatch.setattr(state_sync, "adapter_class", classes.__getitem__)
    monkeypatch.setattr(state_sync, "schema_release", lambda session: "1.108.7")
    monkeypatch.setattr(state_sync, "request_fields", lambda release, section: ())
    return state_sync.StateSync(session=None, workers=2)


def _statuses(plan):
    return {(i.kind, i.name): i.status for i in plan.items}


def _owned(owner, **fields):
    return {**fields, "metadata": {OWNER_FIELD: owner}}


def test_creates_run_in_dependency_order_and_deletes_in_reverse(engine):
    Memory.stores["second"] = {"old2": _owned("me", name="old2")}
    Memory.stores["first"] = {"old1": _owned("me", name="old1")}
    data = {"owner": "me", "second": [{"name": "s"}], "first": [{"name": "f"}]}
    plan = engine.plan(data, prune=True)
    engine.execute(plan)
    assert Memory.log == [("first", "create", "f"), ("second", "create", "s"),
                          ("second", "delete", "old2"), ("first", "delete", "old1")]
    assert Memory.stores["first"]["f"]["metadata"] == {OWNER_FIELD: "me"}


def test_an_unchanged_file_sends_no_write(engine):
    data = {"owner": "me", "first": [{"name": "f", "size": 1.0}]}
    engine.execute(engine.plan(data))
    Memory.log[:] = []
    plan = engine.plan({"owner": "me", "first": [{"name": "f", "size": 1}]})
    assert _statuses(plan) == {("first", "f"): "unchanged"}
    engine.execute(plan)
    assert Memory.log == []


def test_update_in_place_shows_each_field_and_keeps_the_owner(engine):
    engine.execute(engine.plan({"owner": "me", "first": [{"name": "f", "size": 1}]}))
    plan = engine.plan({"owner": "me", "first": [{"name": "f", "size": 2}]})
    (item,) = plan.items
    assert (item.status, item.changes) == ("would update",
                                           [{"field": "size", "old": 1, "new": 2}])
    engine.execute(plan)
    assert Memory.stores["first"]["f"] == _owned("me", name="f", size=2)


def test_prune_deletes_only_the_owners_objects(engine):
    Memory.stores["first"] = {"mine": _owned("me", name="mine"),
                              "theirs": _owned("them", name="theirs"),
                              "ui": {"name": "ui", "metadata": {}}}
    Memory.stores["plain"] = {"budget": {"name": "budget"}}
    plan = engine.plan({"owner": "me", "first": [], "plain": []}, prune=True)
    assert _statuses(plan) == {("first", "mine"): "would delete",
                               ("first", "theirs"): "unmanaged",
                               ("first", "ui"): "unmanaged",
                               ("plain", "budget"): "unmanaged"}
    reasons = {i.name: i.reason for i in plan.items}
    assert "them" in reasons["theirs"] and "no metadata" in reasons["budget"]


def test_a_kind_left_out_or_null_is_not_managed(engine):
    Memory.stores["first"] = {"mine": _owned("me", name="mine")}
    for data in ({"owner": "me"}, {"owner": "me", "first": None}):
        plan = engine.plan(data, prune=True)
        assert plan.items == []


def test_listing_an_object_adopts_it(engine):
    Memory.stores["first"] = {"ui": {"name": "ui", "metadata": {"team": "x"}}}
    plan = engine.plan({"owner": "me", "first": [{"name": "ui"}]})
    (item,) = plan.items
    assert item.changes == [{"field": f"metadata.{OWNER_FIELD}", "old": None, "new": "me"}]
    engine.execute(plan)
    assert Memory.stores["first"]["ui"]["metadata"] == {"team": "x", OWNER_FIELD: "me"}


def test_the_owner_marker_is_not_a_difference_in_metadata(engine):
    Memory.stores["first"] = {"f": {"name": "f", "metadata": {"a": 1, OWNER_FIELD: "me"}}}
    plan = engine.plan({"owner": "me", "first": [{"name": "f", "metadata": {"a": 1}}]})
    assert _statuses(plan) == {("first", "f"): "unchanged"}


def test_a_failure_marks_its_item_and_the_run_goes_on(engine):
    Memory.fail_on = {"bad": exceptions.BadRequest("no")}
    plan = engine.plan({"first": [{"name": "bad"}, {"name": "good"}], "second": [{"name": "s"}]})
    engine.execute(plan)
    assert _statuses(plan) == {("first", "bad"): "failed", ("first", "good"): "created",
                               ("second", "s"): "created"}


def test_a_stopped_run_says_what_became_of_every_write(engine):
    Memory.fail_on = {"f2": KeyboardInterrupt()}
    engine.workers = 1
    plan = engine.plan({"first": [{"name": "f1"}, {"name": "f2"}], "second": [{"name": "s"}]})
    with pytest.raises(KeyboardInterrupt):
        engine.execute(plan)
    statuses = _statuses(plan)
    assert statuses[("first", "f1")] == "created"
    assert statuses[("first", "f2")] == "not done"  # checked: the store does not have it
    assert statuses[("second", "s")] == "not done"
    assert ("second", "create", "s") not in Memory.log


def test_a_lost_connection_stops_the_run(engine):
    refused = exceptions.ConnectionFailure("gone")
    refused.maybe_received = False
    Memory.fail_on = {"f1": refused}
    plan = engine.plan({"first": [{"name": "f1"}], "second": [{"name": "s"}]})
    with pytest.raises(exceptions.ConnectionFailure):
        engine.execute(plan)
    assert _statuses(plan) == {("first", "f1"): "not done", ("second", "s"): "not done"}


def test_a_secret_is_saved_before_its_write_is_sent(engine):
    plan = engine.plan({"first": [{"name": "k"}]})
    plan.items[0].secret = {"key_alias": "k", "key": "sk-new"}
    with pytest.raises(exceptions.UsageError):
        engine.execute(plan)  # nowhere to save it: nothing sent
    assert Memory.log == []
    saved = []
    engine.execute(plan, save_secret=lambda s: saved.append((s["key"], list(Memory.log))))
    assert saved == [("sk-new", [])]
    assert Memory.log == [("first", "create", "k")]


def test_a_secret_that_cannot_be_saved_stops_the_run_before_any_key_is_made(engine):
    plan = engine.plan({"first": [{"name": "k1"}, {"name": "k2"}]})
    for item in plan.items:
        item.secret = {"key_alias": item.name, "key": "sk-new"}

    def disk_full(secret):
        raise exceptions.CLIError("--secrets-out: cannot write s.jsonl: No space left")

    with pytest.raises(exceptions.CLIError, match="No space left"):
        engine.execute(plan, save_secret=disk_full)
    assert Memory.log == []
    assert set(_statuses(plan).values()) == {"not done"}


def test_export_filters_by_owner_and_leaves_the_marker_out(engine):
    Memory.stores["first"] = {"mine": _owned("me", name="mine", size=1),
                              "theirs": _owned("them", name="theirs")}
    Memory.stores["plain"] = {"p": {"name": "p"}}
    assert engine.export() == {"first": [{"name": "mine", "size": 1}, {"name": "theirs"}],
                               "second": [], "plain": [{"name": "p"}]}
    # A kind that cannot carry an owner is exported whole: the owner's objects may use it.
    assert engine.export(["first", "plain"], owner="me") == {"first": [{"name": "mine",
                                                                        "size": 1}],
                                                             "plain": [{"name": "p"}]}


def test_export_of_every_kind_leaves_out_one_the_proxy_does_not_serve(engine, monkeypatch):
    missing = exceptions.MissingRoute("this proxy (1.80.17) has no GET /second")

    def no_route(self):
        raise missing

    monkeypatch.setattr(Second, "read", no_route)
    Memory.stores["first"] = {"f": {"name": "f"}}
    assert engine.export() == {"first": [{"name": "f"}], "plain": []}
    assert engine.unserved == {"second": "this proxy (1.80.17) has no GET /second"}
    with pytest.raises(exceptions.MissingRoute):  # asked for by name: it fails
        engine.export(["second"])


def test_references_are_read_from_the_environment_and_files(tmp_path, monkeypatch):
    from litellm_cli.redact import REDACTOR

    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file-0123456789\n")
    monkeypatch.setenv("STATE_TEST_KEY", "from-the-env-0123456789")
    data = {"credential_list": [{"credential_values": {
        "api_key": "cli.environ/STATE_TEST_KEY", "other": f"cli.file/{secret_file}",
        "proxy_reads": "os.environ/NAME"}}]}
    values = state.resolve_references(data)["credential_list"][0]["credential_values"]
    assert values == {"api_key": "from-the-env-0123456789", "other": "from-a-file-0123456789",
                      "proxy_reads": "os.environ/NAME"}
    assert "from-the-env" not in REDACTOR.text("x from-the-env-0123456789 y")


@pytest.mark.parametrize("value, words", [
    ("cli.environ/STATE_TEST_UNSET", "STATE_TEST_UNSET is not set"),
    ("cli.file//nonexistent/secret", "cannot read /nonexistent/secret"),
    ("cli.environ/", "needs a name"),
])
def test_a_reference_that_cannot_be_read_is_a_usage_error(value, words, monkeypatch):
    monkeypatch.delenv("STATE_TEST_UNSET", raising=False)
    with pytest.raises(exceptions.UsageError, match=words):
        state.resolve_references({"keys": [{"key_alias": value}]})


def test_validate_takes_a_reference_for_any_type(tmp_path):
    report = state.validate({"budgets": [{"budget_id": "b", "max_budget": "cli.environ/B"}]})
    assert report.errors == []


def test_secret_named_entries_are_never_exported_nor_lost_by_an_update(engine):
    Memory.stores["first"] = {"f": _owned("me", name="f")}
    Memory.stores["first"]["f"]["metadata"].update(
        {"note": "a", "client_secret": "s3cr3t-value", "extra_headers": {"X-Api-Key": "h-val",
                                                                          "X-Trace": "t"}})
    exported = engine.export(["first"])["first"]
    assert exported == [{"name": "f", "metadata": {"note": "a",
                                                   "extra_headers": {"X-Trace": "t"}}}]
    assert _statuses(engine.plan({"owner": "me", "first": exported})) == {
        ("first", "f"): "unchanged"}  # an export applies back with no change
    exported[0]["metadata"]["note"] = "b"
    engine.execute(engine.plan({"owner": "me", "first": exported}))
    assert Memory.stores["first"]["f"]["metadata"] == {
        "note": "b", "client_secret": "s3cr3t-value",
        "extra_headers": {"X-Api-Key": "h-val", "X-Trace": "t"}, OWNER_FIELD: "me"}


@pytest.mark.parametrize("found, served", [("1.80.17", False), ("1.108.7", True),
                                           (None, False)])
def test_a_kind_newer_than_the_proxy_is_refused_naming_both_releases(engine, monkeypatch,
                                                                     found, served):
    from litellm_cli import versions

    monkeypatch.setattr(Second, "since", "1.90")
    monkeypatch.setattr(versions, "server_version", lambda session: found)
    monkeypatch.setattr(versions, "describe", lambda session: f"LiteLLM {found}")
    data = {"owner": "me", "first": [{"name": "f"}], "second": [{"name": "s"}]}
    exported = engine.export()
    assert ("second" in exported) is served and "first" in exported
    if served:
        assert _statuses(engine.plan(data))[("second", "s")] == "would create"
        return
    assert engine.unserved == {"second": f"second in a state file needs LiteLLM >= 1.90; "
                                         f"this proxy is LiteLLM {found}"}
    for refused in (lambda: engine.plan(data), lambda: engine.export(["second"])):
        with pytest.raises(exceptions.TooOld) as caught:
            refused()
        assert caught.value.exit_code == 6 and "needs LiteLLM >= 1.90" in str(caught.value)
    assert Memory.log == []


def test_a_spool_gives_back_every_object_as_it_was_in_order_as_often_as_asked():
    from litellm_cli.api.state_sync import Spool

    objects = [{"name": "line\nbreak\r\u2028\u0085 sep", "n": 1.5e-05, "u": "é😀", "z": None},
               {"list": [1, {"a": True}], "big": 10 ** 20}, {}]
    spool = Spool()
    for obj in objects:
        spool.append(obj)
    assert len(spool) == 3 and list(spool) == objects and list(spool) == objects


def test_a_spool_that_cannot_be_written_is_one_clear_error(monkeypatch, tmp_path):
    import tempfile

    from litellm_cli.api.state_sync import Spool

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    with pytest.raises(exceptions.CLIError, match=r"temporary file in .*gone \(TMPDIR\): "):
        Spool()
