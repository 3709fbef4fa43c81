"""The tags adapter of state files (litellm_cli.api.kinds.tags) against a fake session."""

from litellm_cli import exceptions
from litellm_cli.api.kinds.tags import Tags
from tests.unit.conftest import FakeSession

STORED = {"name": "gold", "description": "d", "models": ["m1"], "model_info": {"m1": "m1"},
          "created_at": "2026-01-01", "updated_at": "2026-01-01", "created_by": "admin",
          "litellm_budget_table": {"budget_id": "b-1", "max_budget": 3.0, "tpm_limit": None,
                                   "created_at": "2026-01-01"}}
DYNAMIC = {"name": "spend-only", "description": "This is just a spend tag", "models": None,
           "created_at": "x", "updated_at": "y"}


def tags(*answers, **more):
    session = FakeSession({("GET", "/tag/list"): [STORED, DYNAMIC], **dict(answers), **more})
    return Tags(session), session


def test_export_writes_the_operators_fields_not_the_proxys_nor_dynamic_spend_tags():
    adapter, _ = tags()
    assert [adapter.export(t) for t in adapter.read()] == [
        {"name": "gold", "description": "d", "models": ["m1"], "budget_id": "b-1"}]


def test_an_export_plans_unchanged_and_budget_fields_compare_with_the_tags_budget():
    adapter, _ = tags()
    exported = adapter.export(STORED)
    assert [i.status for i in adapter.plan([exported], "o")] == ["unchanged"]
    assert [i.status for i in adapter.plan([{"name": "gold", "max_budget": 3}], "o")] \
        == ["unchanged"]
    [item] = adapter.plan([{"name": "gold", "max_budget": None, "description": "e"}], "o")
    assert item.status == "would update"
    assert {c["field"]: (c["old"], c["new"]) for c in item.changes} == {
        "max_budget": (3.0, None), "description": ("d", "e")}


def test_update_sends_description_and_models_the_route_would_clear_and_the_changes():
    adapter, session = tags((("POST", "/tag/update"), {}))
    [item] = adapter.plan([{"name": "gold", "max_budget": None}], "o")
    adapter.send(item, "o")
    assert session.calls[-1][2]["body"] == {"name": "gold", "description": "d",
                                            "models": ["m1"], "max_budget": None}


def test_unlinking_a_budget_is_failed_with_a_reason_not_reported_as_done():
    adapter, _ = tags()
    [item] = adapter.plan([{"name": "gold", "budget_id": None}], "o")
    assert item.status == "failed" and "cannot unlink" in item.reason
    assert item.action is None


def test_tags_are_never_pruned():
    adapter, _ = tags()
    items = adapter.plan([], "o", prune=True)
    assert [(i.name, i.status) for i in items] == [("gold", "unmanaged")]


def test_a_create_refused_because_another_run_made_it_is_not_created_twice():
    made = []

    def listing(**kwargs):
        return [STORED] + made

    def create(body):
        made.append({**STORED, "name": "new", "description": "other"})
        raise exceptions.ServerError("400: Tag new already exists", http_status=500)

    adapter, session = tags((("POST", "/tag/new"), create), (("POST", "/tag/update"), {}))
    session.answers[("GET", "/tag/list")] = listing
    [item] = adapter.plan([{"name": "new", "description": "file"}], "o")
    assert item.status == "would create"
    adapter.send(item, "o")
    assert item.action == "update" and "created meanwhile" in item.reason
    assert session.calls[-1][1] == "/tag/update"
    assert session.calls[-1][2]["body"]["description"] == "file"


def test_a_create_refused_for_another_reason_stays_refused():
    adapter, _ = tags((("POST", "/tag/new"), exceptions.BadRequest("bad models")))
    [item] = adapter.plan([{"name": "new"}], "o")
    try:
        adapter.send(item, "o")
    except exceptions.BadRequest as error:
        assert "bad models" in str(error)
    else:
        raise AssertionError("the refusal was lost")
