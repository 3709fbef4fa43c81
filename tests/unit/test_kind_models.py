"""credential_list and model_list in a state file (litellm_cli.api.kinds.models)
and the rules they share with `models apply` (ownership, derived ids), against
a fake proxy."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api.kinds import models as kind
from litellm_cli.api.model_config import META, derived_id, parse_config
from litellm_cli.api.state_sync import StateSync

from tests.unit.conftest import PINNED, FakeSession, release

OWNER = "team-a"


def _deployment(name, ident, owner=OWNER, entry=None, db=True, **params):
    info = {"id": ident, "db_model": db}
    if owner is not None:
        info[META] = {"v": 2, "owner": owner, **({"entry": entry} if entry else {})}
    return {"model_name": name, "litellm_params": {"model": "openai/gpt-4o", **params},
            "model_info": info}


def _credential(name, owner=OWNER, **info):
    if owner is not None:
        info[META] = {"v": 2, "owner": owner}
    return {"credential_name": name, "credential_values": {"api_key": "sk-****"},
            "credential_info": info}


def _proxy(deployed=(), credentials=()):
    deployed, credentials = list(deployed), list(credentials)

    def info(params=None):
        if not params:
            return {"data": deployed}
        found = [d for d in deployed if d["model_info"]["id"] == params["litellm_model_id"]]
        return {"data": found} if found else exceptions.BadRequest("no such model")

    def create(body):
        if any(d["model_info"]["id"] == body["model_info"]["id"] for d in deployed):
            return exceptions.ServerError("Failed to add model to db", http_status=500)
        deployed.append({"model_name": body["model_name"],
                         "litellm_params": body["litellm_params"],
                         "model_info": {**body["model_info"], "db_model": True}})
        return {"model_id": body["model_info"]["id"]}

    session = FakeSession({
        ("GET", "/model/info"): info,
        ("GET", "/credentials"): lambda params=None: {"credentials": credentials},
        ("POST", "/model/new"): create,
        ("POST", "/model/delete"): {"message": "ok"},
        ("POST", "/credentials"): {"success": True},
        ("DELETE", "/credentials/gone"): {"success": True},
        ("GET", "/public/litellm_model_cost_map"): {},
        **release(PINNED),
    })
    session.deployed = deployed
    return session


def _plan(session, data, prune=False):
    return StateSync(session).plan({"owner": OWNER, **data}, prune=prune)


def _rows(plan):
    return [(i.kind, i.name, i.status) for i in plan.items]


def test_an_id_less_entry_keeps_its_identity_when_its_rpm_changes():
    ident = derived_id(OWNER, "lb", 0)
    session = _proxy([_deployment("lb", ident, rpm=5)])
    plan = _plan(session, {"model_list": [{"model_name": "lb", "litellm_params": {
        "model": "openai/gpt-4o", "rpm": 6}}]})
    item = plan.items[0]
    assert (item.status, item.id, item.action) == ("would update", ident, "update")
    assert item.changes == [{"field": "litellm_params.rpm", "old": 5, "new": 6}]


def test_two_id_less_entries_of_one_name_are_two_deployments_with_ids_of_their_position():
    entries = [{"model_name": "lb", "litellm_params": {"model": "openai/gpt-4o",
                                                       "api_key": key}} for key in "AB"]
    plan = _plan(_proxy(), {"model_list": entries})
    assert [i.id for i in plan.items] == [derived_id(OWNER, "lb", 0), derived_id(OWNER, "lb", 1)]
    # Another owner's file gets other ids: the two never take each other's deployments.
    assert derived_id("other", "lb", 0) != derived_id(OWNER, "lb", 0)


def test_the_derived_id_wins_over_a_deployment_found_by_its_content():
    ident = derived_id(OWNER, "a", 0)
    old = _deployment("a", "made-before", owner=None)
    session = _proxy([old, _deployment("a", ident)])
    plan = _plan(session, {"model_list": [{"model_name": "a",
                                           "litellm_params": {"model": "openai/gpt-4o"}}]},
                 prune=True)
    assert [(i.status, i.id) for i in plan.items] == [("unchanged", ident),
                                                      ("unmanaged", "made-before")]


def test_a_deployment_made_before_derived_ids_is_adopted_and_records_the_entry_s_id():
    session = _proxy([_deployment("a", "made-before", owner=None, rpm=5)])
    entry = {"model_name": "a", "litellm_params": {"model": "openai/gpt-4o", "rpm": 5}}
    item = _plan(session, {"model_list": [entry]}).items[0]
    assert (item.status, item.id) == ("would update", "made-before")
    assert item.changes == [
        {"field": f"model_info.{META}.owner", "old": None, "new": OWNER},
        {"field": f"model_info.{META}.entry", "old": None, "new": derived_id(OWNER, "a", 0)}]
    # Recorded, it is found by that id once its rpm changes (no content match any more).
    session = _proxy([_deployment("a", "made-before", entry=derived_id(OWNER, "a", 0), rpm=5)])
    item = _plan(session, {"model_list": [dict(entry, litellm_params={
        "model": "openai/gpt-4o", "rpm": 9})]}).items[0]
    assert (item.status, item.id) == ("would update", "made-before")


def test_content_matching_never_takes_another_owner_s_deployment():
    session = _proxy([_deployment("a", "theirs", owner="team-b")])
    plan = _plan(session, {"model_list": [{"model_name": "a",
                                           "litellm_params": {"model": "openai/gpt-4o"}}]})
    assert [(i.status, i.id) for i in plan.items] == [("would create", derived_id(OWNER, "a", 0))]


def test_prune_deletes_only_the_owner_s_database_deployments():
    session = _proxy([_deployment("mine", "m1"), _deployment("theirs", "t1", owner="team-b"),
                      _deployment("by-hand", "h1", owner=None),
                      _deployment("cfg", "c1", owner=None, db=False)])
    plan = _plan(session, {"model_list": []}, prune=True)
    assert [(i.name, i.status, i.reason) for i in plan.items] == [
        ("mine", "would delete", None),
        ("theirs", "unmanaged", "kept: owned by 'team-b'"),
        ("by-hand", "unmanaged", "kept: not made by apply or import")]
    assert [i.action for i in plan.writes] == ["delete"]


def test_a_null_model_list_is_not_managed_and_never_pruned():
    session = _proxy([_deployment("mine", "m1")])
    assert _plan(session, {"model_list": None}, prune=True).items == []
    config = parse_config("model_list:\n", "f")
    assert StateSync(session).plan(config.state(prune=True), prune=True).items == []


def test_prune_keeps_a_credential_a_deployment_uses_and_others_owners():
    session = _proxy([_deployment("x", "x1", owner="team-b", litellm_credential_name="used")],
                     [_credential("used"), _credential("gone"), _credential("theirs", "team-b")])
    plan = _plan(session, {"credential_list": []}, prune=True)
    assert [(i.name, i.status) for i in plan.items] == [
        ("used", "kept"), ("gone", "would delete"), ("theirs", "unmanaged")]
    StateSync(session).execute(plan)
    assert ("DELETE", "/credentials/gone") in [c[:2] for c in session.calls]
    assert plan.items[1].status == "deleted"


def test_created_and_updated_objects_carry_the_owner():
    session = _proxy()
    plan = _plan(session, {"credential_list": [{"credential_name": "c", "credential_values": {
        "api_key": "sk-1"}}], "model_list": [{"model_name": "a"}]})
    StateSync(session).execute(plan)
    assert [i.status for i in plan.items] == ["created", "created"]
    bodies = {c[1]: c[2]["body"] for c in session.calls if c[0] == "POST"}
    assert bodies["/credentials"]["credential_info"][META]["owner"] == OWNER
    assert bodies["/model/new"]["model_info"][META]["owner"] == OWNER
    assert bodies["/model/new"]["model_info"]["id"] == derived_id(OWNER, "a", 0)


def test_a_create_another_run_made_meanwhile_is_unchanged_not_created_twice():
    session = _proxy()
    data = {"model_list": [{"model_name": "a", "litellm_params": {"model": "openai/gpt-4o"}}]}
    first, second = _plan(session, data), _plan(session, data)  # both planned before a write
    StateSync(session).execute(first)
    StateSync(session).execute(second)
    assert first.items[0].status == "created"
    assert (second.items[0].status, second.items[0].reason) == (
        "unchanged", "created meanwhile by another run")
    assert len(session.deployed) == 1


def test_a_create_another_run_made_meanwhile_with_other_settings_fails_saying_so():
    session = _proxy()
    late = _plan(session, {"model_list": [{"model_name": "a", "litellm_params": {
        "model": "openai/gpt-4o", "rpm": 1}}]})
    StateSync(session).execute(_plan(session, {"model_list": [{"model_name": "a"}]}))
    StateSync(session).execute(late)
    assert late.items[0].status == "failed"
    assert "another run created it meanwhile" in late.items[0].reason


def test_export_writes_what_applies_back_unchanged_and_only_the_owner_s_with_owner():
    session = _proxy([_deployment("mine", "m1", rpm=5, litellm_credential_name="c"),
                      _deployment("theirs", "t1", owner="team-b")],
                     [_credential("c", custom_llm_provider="openai")])
    exported = StateSync(session).export(["credential_list", "model_list"], owner=OWNER)
    assert exported == {
        "credential_list": [{"credential_name": "c",
                             "credential_info": {"custom_llm_provider": "openai"}}],
        "model_list": [{"model_name": "mine", "litellm_params": {
            "model": "openai/gpt-4o", "rpm": 5, "litellm_credential_name": "c"},
            "model_info": {"id": "m1"}}]}
    plan = _plan(session, exported, prune=True)
    assert [i.status for i in plan.items] == ["unchanged", "unchanged", "unmanaged"]
    assert plan.writes == []


@pytest.mark.parametrize("name", ["$(rm -rf /)\n; `x`", "é" * 10, "x" * 100_000])
def test_hostile_names_plan_without_breaking(name):
    plan = _plan(_proxy(), {"model_list": [{"model_name": name}],
                            "credential_list": [{"credential_name": "ok",
                                                 "credential_values": {"k": name}}]})
    assert [i.status for i in plan.items] == ["would create", "would create"]


def test_a_refused_create_looks_again_for_a_deployment_another_run_stored_but_not_yet_serves(
        monkeypatch):
    monkeypatch.setattr(kind, "MEANWHILE_DELAY", 0)
    ident = derived_id(OWNER, "a", 0)
    session = _proxy()
    plan = _plan(session, {"model_list": [{"model_name": "a"}]})
    served = _deployment("a", ident, entry=ident)
    served["litellm_params"] = {"model": "a"}
    reads = []

    def info(params=None):
        reads.append(params)
        return {"data": [served]} if len(reads) >= 3 else exceptions.BadRequest("not found")

    session.answers[("POST", "/model/new")] = exceptions.ServerError("Failed", http_status=500)
    session.answers[("GET", "/model/info")] = info
    StateSync(session).execute(plan)
    assert (plan.items[0].status, plan.items[0].reason) == (
        "unchanged", "created meanwhile by another run")

    # Never seen: the proxy's refusal is the row's reason.
    session.answers[("GET", "/model/info")] = exceptions.BadRequest("not found")
    plan = _plan(_proxy(), {"model_list": [{"model_name": "a"}]})
    plan.items[0].adapter.session.answers.update(session.answers)
    StateSync(plan.items[0].adapter.session).execute(plan)
    assert plan.items[0].status == "failed" and plan.items[0].reason.startswith("Failed")
