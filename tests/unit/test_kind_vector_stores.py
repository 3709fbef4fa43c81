"""The vector stores adapter of state files (litellm_cli.api.kinds.vector_stores)."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api.kinds.base import OWNER_FIELD, Item
from litellm_cli.api.kinds.vector_stores import VectorStores
from tests.unit.conftest import FakeSession

# As /vector_store/list answers (1.108.7): credentials redacted, defaults filled in.
STORED = {"vector_store_id": "vs1", "custom_llm_provider": "bedrock",
          "vector_store_name": "n", "vector_store_description": None,
          "vector_store_metadata": {"team": "x", "client_secret": "meta-sekrit",
                                    OWNER_FIELD: "o"},
          "created_at": "2026", "updated_at": "2026", "litellm_credential_name": None,
          "litellm_params": {"api_key": "REDACTED_BY_LITELM", "connection": "REDACTED_BY_LITELM",
                             "aws_region_name": "us-east-1", "use_litellm_proxy": False,
                             "use_xai_oauth": False,
                             "embedding": {"api_base": "http://e", "token": "REDACTED_BY_LITELM"}},
          "team_id": None, "user_id": "default_user_id", "is_config": False}
CONFIG = {"vector_store_id": "from-config", "custom_llm_provider": "bedrock", "is_config": True,
          "vector_store_metadata": {OWNER_FIELD: "o"}}


def stores(answers=()):
    session = FakeSession({("GET", "/vector_store/list"): {"object": "list",
                                                            "data": [STORED, CONFIG]},
                           ("POST", "/vector_store/update"): {}, **dict(answers)})
    return VectorStores(session), session


def test_export_has_no_credential_no_owner_nothing_the_proxy_filled_in():
    adapter, _ = stores()
    exported = adapter.export(STORED)
    assert exported == {"vector_store_id": "vs1", "custom_llm_provider": "bedrock",
                        "vector_store_name": "n",
                        "vector_store_metadata": {"team": "x"},
                        "litellm_params": {"aws_region_name": "us-east-1",
                                           "embedding": {"api_base": "http://e"}}}
    assert "REDACTED" not in repr(exported) and "sekrit" not in repr(exported)


def test_an_export_plans_unchanged_and_given_credentials_are_not_compared():
    adapter, _ = stores()
    [item] = adapter.plan([adapter.export(STORED)], "o")
    assert item.status == "unchanged"
    params = {"aws_region_name": "us-east-1", "api_key": "new", "connection": "pg://u:p@h",
              "use_litellm_proxy": False, "embedding": {"api_base": "http://e", "token": "t"}}
    [item] = adapter.plan([{"vector_store_id": "vs1", "custom_llm_provider": "bedrock",
                            "litellm_params": params}], "o")
    assert item.status == "unchanged", item.changes
    assert "litellm_params" in item.reason


def test_an_update_is_partial_in_place_and_keeps_the_metadatas_secrets():
    adapter, session = stores()
    [item] = adapter.plan([{"vector_store_id": "vs1", "vector_store_description": "d"}], "mine")
    assert item.status == "would update"
    assert {c["field"] for c in item.changes} == {
        "vector_store_description", f"vector_store_metadata.{OWNER_FIELD}"}
    adapter.send(item, "mine")
    assert session.calls[-1][:2] == ("POST", "/vector_store/update")
    assert session.calls[-1][2]["body"] == {
        "vector_store_id": "vs1", "vector_store_description": "d",
        "vector_store_metadata": {"team": "x", "client_secret": "meta-sekrit",
                                  OWNER_FIELD: "mine"}}


def test_changed_litellm_params_or_credential_fail_the_proxy_cannot_update_them():
    adapter, _ = stores()
    [item] = adapter.plan([{"vector_store_id": "vs1", "litellm_credential_name": "c",
                            "litellm_params": {"aws_region_name": "eu-west-1"}}], "o")
    assert item.status == "failed" and item.action is None
    assert "litellm_credential_name or litellm_params" in item.reason
    assert "delete the store" in item.reason


def test_a_create_carries_the_owner_and_a_delete_names_the_store():
    adapter, session = stores({("POST", "/vector_store/new"): {},
                               ("POST", "/vector_store/delete"): {}})
    [item] = adapter.plan([{"vector_store_id": "new", "custom_llm_provider": "bedrock",
                            "vector_store_metadata": {"a": 1}}], "mine")
    assert item.status == "would create"
    adapter.send(item, "mine")
    assert session.calls[-1][2]["body"]["vector_store_metadata"] == {"a": 1, OWNER_FIELD: "mine"}
    adapter.send(Item("vector_store_list", "a b", "would delete", "delete", current=STORED),
                 "mine")
    assert session.calls[-1][:3] == ("POST", "/vector_store/delete",
                                     {"body": {"vector_store_id": "a b"}})


def test_a_create_refused_because_it_exists_meanwhile_updates_in_place():
    listed = []
    adapter, session = stores({
        ("GET", "/vector_store/list"): lambda **kw: {"data": list(listed)},
        ("POST", "/vector_store/new"): lambda **kw: (
            listed.append(STORED), exceptions.BadRequest("Vector store vs1 already exists"))[1]})
    [item] = adapter.plan([{"vector_store_id": "vs1", "custom_llm_provider": "bedrock",
                            "vector_store_name": "other"}], "o")
    assert item.action == "create"
    adapter.send(item, "o")
    assert item.reason == "created meanwhile by another run; updated in place"
    assert session.calls[-1][2]["body"]["vector_store_name"] == "other"


def test_prune_deletes_the_owners_only_never_a_config_store():
    adapter, _ = stores()
    items = adapter.plan([], "o", prune=True)
    assert {(i.name, i.status) for i in items} == {("vs1", "would delete"),
                                                    ("from-config", "unmanaged")}


def test_metadata_that_is_no_mapping_fails_it_could_not_hold_the_owner():
    adapter, _ = stores()
    [item] = adapter.plan([{"vector_store_id": "x", "custom_llm_provider": "b",
                            "vector_store_metadata": "text"}], "o")
    assert item.status == "failed" and "must be a mapping" in item.reason


def test_a_store_created_meanwhile_with_other_litellm_params_fails_saying_why():
    adapter, _ = stores({  # the list has vs1 already: another run made it
        ("POST", "/vector_store/new"): exceptions.BadRequest("Vector store vs1 already exists")})
    item = Item("vector_store_list", "vs1", "would create", "create", wanted={
        "vector_store_id": "vs1", "custom_llm_provider": "bedrock",
        "litellm_params": {"aws_region_name": "eu-west-1"}})
    with pytest.raises(exceptions.CLIError) as caught:
        adapter.send(item, "o")
    assert str(caught.value).startswith("created meanwhile by another run; the proxy cannot")


def test_metadata_holding_only_a_secret_exports_nothing_and_plans_unchanged():
    only_secret = {**STORED, "vector_store_metadata": {"token": "meta-sekrit", OWNER_FIELD: "o"}}
    adapter, _ = stores({("GET", "/vector_store/list"): {"data": [only_secret]}})
    exported = adapter.export(only_secret)
    assert "vector_store_metadata" not in exported
    [item] = adapter.plan([exported], "o")
    assert item.status == "unchanged", item.changes
    [item] = adapter.plan([{**exported, "vector_store_metadata": {}}], "o")
    assert item.status == "unchanged", item.changes


def test_an_update_of_the_metadata_keeps_its_secret_named_entries():
    adapter, session = stores()
    [item] = adapter.plan([{"vector_store_id": "vs1", "vector_store_metadata": {"team": "y"}}],
                          "o")
    assert item.status == "would update"
    adapter.send(item, "o")
    assert session.calls[-1][2]["body"]["vector_store_metadata"] == {
        "team": "y", "client_secret": "meta-sekrit", OWNER_FIELD: "o"}
