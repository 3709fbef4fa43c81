"""`models import / diff / apply / export` in the SDK layer: the file's
entries (litellm_cli.api.model_config) planned, run and exported by the state
engine through the credential_list and model_list adapters
(litellm_cli.api.kinds.models), against a fake proxy."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api import model_config
from litellm_cli.api.kinds import models as kind
from litellm_cli.api.kinds.base import DEFAULT_OWNER, same
from litellm_cli.api.model_config import META, parse_config
from litellm_cli.api.state_sync import StateSync

from tests.unit.conftest import PINNED, FakeSession, release


def _config(*models, credentials=()):
    import yaml

    return parse_config(yaml.safe_dump({"model_list": list(models),
                                        "credential_list": list(credentials)}), "test.yaml")


def _model(name="m", **params):
    return {"model_name": name, "litellm_params": {"model": "openai/gpt-4o", **params}}


def _stored(entry, ident, record=True, db=True):
    """A deployment as /model/info shows one this tool created from ``entry``."""
    parsed = _config(entry).models[0]
    info = {"id": ident, "db_model": db}
    if record:
        info[META] = kind._new_record(parsed, DEFAULT_OWNER)
    shown = {k: v for k, v in parsed.params.items() if not model_config.is_secret_param(k, v)}
    return {"model_name": parsed.data["model_name"], "litellm_params": shown,
            "model_info": {**info, **parsed.info}}


class _Sync:
    """What `models import / apply / export` ask of the engine."""

    def __init__(self, session):
        self.session, self.engine = session, StateSync(session)

    def plan_import(self, config):
        return self.engine.plan(config.state(), create_only=True)

    def plan_apply(self, config, prune=False, force_secrets=False):
        return self.engine.plan(config.state(prune), prune, force_secrets)

    def execute(self, plan):
        self.engine.execute(plan)

    def export(self):
        """(model_list, credential_list, how many config-file deployments were left out)"""
        from litellm_cli.plugins.models import _export

        models, credentials, skipped = _export(self.session)
        return list(models), credentials, skipped


def _sync(deployed=(), credentials=()):
    session = FakeSession({
        ("GET", "/model/info"): {"data": list(deployed)},
        ("GET", "/credentials"): {"credentials": list(credentials)},
        **release(PINNED),
    })
    return _Sync(session), session


@pytest.mark.parametrize("text, message", [
    ("model_list:\n  - model_name: a\n    litellm_params: {model: m\n", "line 4, column 1"),
    ("something_else: 1", "no 'model_list'"),
    ("", "no 'model_list'"),
    ("model_list: {a: 1}", "'model_list' must be a list of models, not dict"),
    ("model_list: []\ncredential_list: x\n", "'credential_list' must be a list"),
])
def test_a_file_that_is_no_config_is_a_usage_error_saying_where(text, message):
    with pytest.raises(exceptions.UsageError) as caught:
        parse_config(text, "f.yaml")
    assert message in str(caught.value) and "f.yaml" in str(caught.value)


@pytest.mark.parametrize("entry, error", [
    ("just text", "is not a mapping"),
    ({"litellm_params": {"model": "x"}}, "needs a model_name"),
    ({"model_name": "x", "litellm_params": [1]}, "litellm_params must be a mapping"),
    ({"model_name": "x", "model_info": [1]}, "model_info must be a mapping"),
    ({"model_name": "x", "model_info": {"id": 5}}, "model_info.id must be a string"),
    ({"model_name": "x", "litellm_params": {"model": 5}}, "litellm_params.model must be a string"),
])
def test_a_bad_entry_marks_only_itself(entry, error):
    config = parse_config(__import__("yaml").safe_dump({"model_list": [entry, _model()]}), "f")
    assert [e.error for e in config.models] == [error, None]


def test_an_entry_with_only_a_name_uses_it_as_the_upstream_model_and_says_so():
    config = _config({"model_name": "gpt-4o"})
    assert config.models[0].params == {"model": "gpt-4o"}
    assert config.notes == ["note: model_list[0] (gpt-4o) has no litellm_params.model; "
                            "using 'gpt-4o'"]


@pytest.mark.parametrize("name, secret", [
    ("api_key", True), ("aws_access_key_id", True), ("vertex_credentials", True),
    ("client_secret", True), ("azure_ad_token", True), ("input_cost_per_token", False),
    ("litellm_credential_name", False), ("api_base", False), ("rpm", False),
    ("max_tokens", False),
])
def test_secret_params_are_the_ones_the_proxy_hides(name, secret):
    assert model_config.is_secret_param(name, "v") is secret


def test_a_url_with_a_password_counts_as_secret():
    assert model_config.is_secret_param("api_base", "https://user:pw@host/v1")
    assert not model_config.is_secret_param("api_base", "https://host/v1?a=b@c")
    assert not model_config.is_secret_param("api_base", "https://user@host/v1")
    # One rule with the masking of output: a password anywhere in the value counts.
    assert model_config.is_secret_param("api_base", "fallback: http://u:pw@host/v1")


def test_a_param_holding_a_secret_inside_counts_as_secret():
    assert model_config.is_secret_param("extra_headers", {"Authorization": "Bearer x"})
    assert not model_config.is_secret_param("extra_headers", {"X-Team": "a"})


def test_load_balanced_entries_are_two_deployments_whose_secrets_are_noted_not_compared():
    twins = [_model("lb", api_key="key-A"), _model("lb", api_key="key-B")]
    sync, _ = _sync()
    plan = sync.plan_import(_config(*twins))
    assert [i.status for i in plan.items] == ["would create", "would create"]
    # Stored in the other order: each entry still finds the deployment made from it.
    deployed = [_stored(twins[1], "id-B"), _stored(twins[0], "id-A")]
    for deployment, entry in zip(deployed, reversed(_config(*twins).models)):
        deployment["model_info"][META] = kind._new_record(entry, DEFAULT_OWNER)
    sync, _ = _sync(deployed)
    plan = sync.plan_apply(_config(*twins))
    assert [(i.status, i.id) for i in plan.items] == [("unchanged", "id-A"), ("unchanged", "id-B")]
    assert plan.writes == []
    assert all(i.reason.endswith("sends them): litellm_params.api_key") for i in plan.items)


def test_nothing_derived_from_a_secret_is_stored_on_the_proxy():
    entry = _model("a", api_key="key-1")
    other = _model("a", api_key="key-2")
    plan = _sync()[0].plan_import(_config(entry))
    record = plan.items[0].request[1][2][META]
    assert record == kind._new_record(_config(other).models[0], DEFAULT_OWNER)
    assert set(record) == {"v", "owner", "fingerprint", "twin", "info", "entry"}


def test_an_unrecorded_deployment_matches_one_entry_with_the_same_visible_params():
    deployed = [_stored(_model("a", rpm=5), "old", record=False)]
    sync, _ = _sync(deployed)
    plan = sync.plan_import(_config(_model("a", rpm=5), _model("a", rpm=5), _model("a", rpm=6)))
    assert [(i.status, i.id) for i in plan.items][0] == ("skipped", "old")
    assert [i.status for i in plan.items][1:] == ["would create", "would create"]


def test_model_info_id_is_the_identity_and_a_missing_one_is_created_with_it():
    deployed = [_stored(_model("a"), "id-a")]
    entries = [dict(_model("renamed"), model_info={"id": "id-a"}),
               dict(_model("b"), model_info={"id": "id-new"}),
               dict(_model("c"), model_info={"id": "id-new"})]
    sync, _ = _sync(deployed)
    plan = sync.plan_apply(_config(*entries))
    assert [(i.status, i.id) for i in plan.items] == [
        ("would update", "id-a"), ("would create", "id-new"), ("failed", None)]
    assert plan.items[0].changes == [{"field": "model_name", "old": "a", "new": "renamed"}]
    assert plan.items[0].request[1][3] == "renamed"
    assert plan.items[1].request[1][2]["id"] == "id-new"
    assert "also given to an earlier entry" in plan.items[2].reason


def test_a_secret_is_never_compared_but_noted_and_force_secrets_sends_it():
    entry = dict(_model("a", api_key="key-1", rpm=5), model_info={"id": "id-a"})
    sync, _ = _sync([_stored(entry, "id-a")])
    rotated = dict(_model("a", api_key="key-2", rpm=5), model_info={"id": "id-a"})
    item = sync.plan_apply(_config(rotated)).items[0]
    assert item.status == "unchanged" and "not compared" in item.reason

    without_key = dict(_model("a", rpm=5), model_info={"id": "id-a"})
    item = sync.plan_apply(_config(without_key)).items[0]
    assert item.status == "unchanged" and item.reason is None

    item = sync.plan_apply(_config(rotated), force_secrets=True).items[0]
    assert item.changes == [{"field": "litellm_params.api_key", "old": "(not compared)",
                             "new": "***"}]
    _, (ident, params, info, name) = item.request
    assert params == {"api_key": "key-2"} and name is None
    assert "key-2" not in repr(info) and "key-2" not in repr(item.changes)


def test_an_earlier_release_s_secret_hashes_are_removed_and_its_deployment_still_found():
    entry = _model("a", api_key="key-1", rpm=5)
    legacy = _stored(entry, "id-a", record=False)
    legacy["model_info"][META] = {"fingerprint": "f" * 64, "secrets": {"api_key": "ab" * 32}}
    sync, _ = _sync([legacy])
    item = sync.plan_apply(_config(entry)).items[0]
    assert (item.status, item.id) == ("would update", "id-a")
    assert item.changes[0] == {"field": f"model_info.{META}", "old": "hashes of secrets",
                               "new": "removed"}
    # Found by its content, it records the entry's derived id (found by that from now on).
    assert item.changes[1:] == [{"field": f"model_info.{META}.entry", "old": None,
                                 "new": model_config.derived_id(DEFAULT_OWNER, "a", 0)}]
    assert item.request[1][1] == {} and "secrets" not in item.request[1][2][META]


@pytest.mark.parametrize("written, proxy_holds", [
    ("0.0000150", 1.5e-05), ("0.50", 0.5), ("1_000", 1000), ("1000", 1000.0),
    ("1e-6", 1e-06), ("2024.10", 2024.1), ("yes", True),
    ("0.0000150", "1.5e-05"),  # LiteLLM 1.80.17 keeps a price sent as a number as text
])
def test_a_yaml_number_means_what_it_means_to_the_proxy_and_compares_as_a_number(
        written, proxy_holds):
    text = f"model_list:\n- model_name: a\n  litellm_params: {{model: m, x: {written}}}\n"
    entry = parse_config(text, "f").models[0]
    assert same(entry.params["x"], proxy_holds)
    deployed = {"model_name": "a", "litellm_params": {"model": "m", "x": proxy_holds},
                "model_info": {"id": "i", "db_model": True}}
    assert kind._model_changes(entry, deployed).changes == []


@pytest.mark.parametrize("wanted, held", [(True, 1), (1, True), ("0.5", "0.50"), (0.5, "x"),
                                          ({"a": 1}, {"a": 1, "b": 2}), ([1], [1, 2])])
def test_different_values_never_compare_the_same(wanted, held):
    assert not same(wanted, held)


def test_a_null_removes_only_what_the_proxy_can_clear_and_is_refused_otherwise():
    deployed = [_stored(_model("a", rpm=5, input_cost_per_token=1e-06), "id-a")]
    sync, session = _sync(deployed)
    session.answers.update(release(PINNED))
    item = sync.plan_apply(_config(dict(_model("a", rpm=None), model_info={"id": "id-a"}))
                           ).items[0]
    assert item.status == "failed" and item.request is None
    assert item.reason.startswith("litellm_params.rpm cannot be removed")
    assert "removing a param needs LiteLLM >= 1.109" in item.reason
    item = sync.plan_apply(_config(dict(_model("a", input_cost_per_token=None),
                                        model_info={"id": "id-a"}))).items[0]
    assert item.status == "would update"
    assert item.request[1][1] == {"input_cost_per_token": None}
    # Nothing to remove: nothing to do.
    item = sync.plan_apply(_config(dict(_model("a", tpm=None), model_info={"id": "id-a"}))
                           ).items[0]
    assert item.status == "unchanged"


def test_only_the_fields_the_file_lists_are_compared():
    deployed = [_stored(dict(_model("a", rpm=5), model_info={"description": "d"}), "id-a")]
    sync, _ = _sync(deployed)
    plan = sync.plan_apply(_config(dict(_model("a"), model_info={"id": "id-a"})))
    assert plan.items[0].status == "unchanged" and plan.writes == []
    changed = dict(_model("a"), model_info={"id": "id-a", "description": "new"})
    item = sync.plan_apply(_config(changed)).items[0]
    assert item.changes == [{"field": "model_info.description", "old": "d", "new": "new"}]
    assert item.request[1][2]["description"] == "new"


def test_a_config_file_deployment_is_never_changed_or_pruned():
    deployed = [_stored(_model("cfg"), "id-cfg", record=False, db=False),
                _stored(_model("db"), "id-db")]
    sync, _ = _sync(deployed)
    plan = sync.plan_apply(_config(dict(_model("cfg", rpm=1), model_info={"id": "id-cfg"})),
                           prune=True)
    assert [(i.status, i.id) for i in plan.items] == [("failed", "id-cfg"),
                                                      ("would delete", "id-db")]


def test_prune_deletes_nothing_while_an_entry_is_in_error():
    deployed = [_stored(_model("a"), "id-a"), _stored(_model("b"), "id-b")]
    sync, _ = _sync(deployed)
    plan = sync.plan_apply(_config(dict(_model("a"), model_info={"id": "id-a"}),
                                   {"model_name": "b", "model_info": "typo"}), prune=True)
    assert [(i.status, i.id) for i in plan.items] == [
        ("unchanged", "id-a"), ("failed", None), ("kept", "id-b")]
    assert plan.writes == [] and plan.items[2].reason.startswith("not deleted")


def test_credentials_are_created_updated_and_need_values_to_be_created():
    mine = {META: {"v": 2, "owner": DEFAULT_OWNER}}
    stored = [{"credential_name": "old", "credential_values": {"api_key": "sk****"},
               "credential_info": {"custom_llm_provider": "openai", **mine}},
              {"credential_name": "other", "credential_info": {"custom_llm_provider": "openai",
                                                                **mine}}]
    sync, _ = _sync(credentials=stored)
    config = _config(credentials=[
        {"credential_name": "old", "credential_values": {"api_key": "k2"},
         "credential_info": {"custom_llm_provider": "openai"}},
        {"credential_name": "other", "credential_info": {"custom_llm_provider": "azure"}},
        {"credential_name": "new", "credential_info": {"custom_llm_provider": "azure"}},
        {"credential_name": "new2", "credential_values": {"api_key": "k3"}}])
    plan = sync.plan_apply(config)
    assert [i.status for i in plan.items] == ["unchanged", "would update", "failed",
                                              "would create"]
    assert "not compared" in plan.items[0].reason
    assert plan.items[1].request[1][1:] == ({}, {"custom_llm_provider": "azure", **mine})
    assert plan.items[3].request[1] == ("new2", {"api_key": "k3"}, mine)
    assert "no credential_values" in plan.items[2].reason
    item = sync.plan_apply(config, force_secrets=True).items[0]
    # The whole info is sent: the proxy replaces credential_info on update.
    assert item.request[1][1:] == ({"api_key": "k2"}, {"custom_llm_provider": "openai", **mine})


def test_a_credential_name_given_twice_is_invalid_and_neither_is_sent():
    config = _config(credentials=[{"credential_name": "c", "credential_values": {"api_key": "1"}},
                                  {"credential_name": "c", "credential_values": {"api_key": "2"}}])
    plan = _sync()[0].plan_apply(config)
    assert [i.status for i in plan.items] == ["failed", "failed"] and plan.writes == []
    assert "given more than once (credential_list[0], credential_list[1])" in plan.items[1].reason


@pytest.mark.parametrize("info, error", [
    ({"id": "a/b"}, "model_info.id must not hold '/'"),
    ({"id": ".."}, "model_info.id '..' is not a name"),
    ({"id": " "}, "model_info.id must not be empty or blank"),
    ({"id": "a\x1b[2J"}, "model_info.id must not contain control characters"),
    ({"input_cost_per_token": 1e-06}, "model_info.input_cost_per_token: the proxy drops prices"),
])
def test_what_the_proxy_cannot_keep_in_model_info_is_an_invalid_entry(info, error):
    assert _config(dict(_model("a"), model_info=info)).models[0].error.startswith(error)


PRICE_MAP = {"gpt-4o": {"mode": "chat", "max_tokens": 16384, "supports_vision": True,
                        "input_cost_per_token": 2.5e-06, "litellm_provider": "openai"}}


def test_export_keeps_the_model_info_an_operator_set_and_leaves_out_secrets_and_derived_ones():
    entry = dict(_model("a", api_key="k", rpm=5, litellm_credential_name="c"),
                 model_info={"description": "d", "client_secret": "info-secret"})
    stored = _stored(entry, "id-a")
    stored["litellm_params"].update(use_xai_oauth=False, vertex_credentials="****")
    # As /model/info shows a deployment added with -i mode=embedding -i max_tokens=1000:
    # its own fields win over the price map's, which fills in the rest.
    stored["model_info"].update(key="gpt-4o", input_cost_per_token=2.5e-06, supports_vision=True,
                                mode="embedding", max_tokens=1000, litellm_provider="openai",
                                webhook_token="hook-secret", pricing_overrides=[],
                                supported_openai_params=["n"], unset=None)
    deployed = [stored, _stored(_model("cfg"), "id-cfg", db=False)]
    sync, session = _sync(deployed, [{"credential_name": "c",
                                      "credential_values": {"api_key": "x*"},
                                      "credential_info": {"custom_llm_provider": "azure",
                                                          "client_secret": "cs-value",
                                                          META: {"secrets": {}}}}])
    session.answers[("GET", "/public/litellm_model_cost_map")] = PRICE_MAP
    models, credentials, config_only = sync.export()
    assert models == [
        {"model_name": "a", "litellm_params": {"model": "openai/gpt-4o", "rpm": 5,
                                               "litellm_credential_name": "c"},
         "model_info": {"id": "id-a", "description": "d", "mode": "embedding",
                        "max_tokens": 1000}}]
    assert config_only == 1
    assert credentials == [{"credential_name": "c",
                                     "credential_info": {"custom_llm_provider": "azure"}}]


def test_an_export_applied_to_the_same_proxy_changes_nothing():
    import io

    import yaml

    from litellm_cli.plugins.models import _dump_export

    entries = [dict(_model("a", api_key="k", rpm=5), model_info={"access_groups": ["g"]}),
               _model("b", temperature=0.5)]
    deployed = [_stored(entries[0], "id-a"), _stored(entries[1], "id-b", record=False)]
    sync, _ = _sync(deployed)
    text = io.StringIO()
    assert _dump_export(*sync.export()[:2], text) == (2, 0)
    config = yaml.safe_load(text.getvalue())
    assert [e["model_info"]["id"] for e in config["model_list"]] == ["id-a", "id-b"]
    assert config["model_list"][0]["model_info"]["access_groups"] == ["g"]
    plan = sync.plan_apply(parse_config(text.getvalue(), "export"), prune=True)
    # One this tool never wrote (models add, the UI) is adopted: its owner is recorded.
    assert [i.status for i in plan.items] == ["unchanged", "would update"]
    assert plan.items[1].changes == [{"field": f"model_info.{META}.owner", "old": None,
                                      "new": DEFAULT_OWNER}]
    assert plan.items[1].request[1][1] == {}
    deployed[1]["model_info"][META] = plan.items[1].request[1][2][META]
    plan = sync.plan_apply(parse_config(text.getvalue(), "export"), prune=True)
    assert [i.status for i in plan.items] == ["unchanged", "unchanged"] and plan.writes == []


def test_an_empty_export_is_still_a_config():
    import io

    import yaml

    from litellm_cli.plugins.models import _dump_export

    text = io.StringIO()
    sync, _ = _sync([_stored(_model("cfg"), "id-cfg", db=False)])
    assert _dump_export(*sync.export()[:2], text) == (0, 0)
    assert yaml.safe_load(text.getvalue()) == {"model_list": []}


@pytest.mark.parametrize("size", [1, 3, 64, 1 << 20])
def test_deployments_are_parsed_one_at_a_time_whatever_the_chunks(size):
    import json

    from litellm_cli.api.models import _array_items

    items = [{"n": i, "text": "é, ] } \" [" * i} for i in range(30)]
    body = json.dumps({"data": items}).encode()
    chunks = (body[i:i + size] for i in range(0, len(body), size))
    assert list(_array_items(chunks, "data")) == items


@pytest.mark.parametrize("body", [b'{"data": [{"a": 1}, {"b"', b'{"error": "x"}', b"<html>"])
def test_a_cut_or_foreign_answer_is_an_error_not_a_short_list(body):
    from litellm_cli.api.models import _array_items

    with pytest.raises(exceptions.CLIError, match="ended early"):
        list(_array_items([body], "data"))


def test_an_update_whose_answer_was_lost_is_checked_before_it_is_reported():
    old = dict(_model("a", rpm=5), model_info={"id": "id-a"})
    new = dict(_model("a", rpm=6), model_info={"id": "id-a"})
    deployed = [_stored(old, "id-a")]
    sync, session = _sync(deployed)
    plan = sync.plan_apply(_config(new))
    stored, proxy_gets_it = {}, [True]

    def patch(body):
        if proxy_gets_it[0]:
            stored.update(body)  # the proxy stored it; the answer never came back
        return exceptions.ConnectionFailure("connection reset")

    def info(params):
        if not params:
            return {"data": deployed}
        return {"data": [{**deployed[0],
                          "litellm_params": {**deployed[0]["litellm_params"],
                                             **stored.get("litellm_params", {})},
                          "model_info": {**deployed[0]["model_info"],
                                         **stored.get("model_info", {})}}]}

    session.answers[("PATCH", "/model/id-a/update")] = patch
    session.answers[("GET", "/model/info")] = info
    with pytest.raises(exceptions.ConnectionFailure):
        sync.execute(plan)
    assert (plan.items[0].status, plan.items[0].reason) == ("updated", "checked after the stop")

    stored.clear()
    proxy_gets_it[0] = False  # this time the proxy never got it
    plan = sync.plan_apply(_config(new))
    with pytest.raises(exceptions.ConnectionFailure):
        sync.execute(plan)
    assert plan.items[0].status == "not done"


@pytest.mark.parametrize("error", [exceptions.Unauthorized("Only proxy admin can ..."),
                                   exceptions.Forbidden("no")])
def test_an_export_with_a_key_that_is_not_admin_fails_before_anything_is_written(error):
    sync, session = _sync([_stored(_model("a"), "id-a")])
    session.answers[("GET", "/credentials")] = error
    with pytest.raises(type(error)) as caught:
        sync.export()
    assert caught.value.exit_code == exceptions.EXIT_AUTH
    assert str(caught.value).startswith("models export needs a proxy admin key")
    assert ("GET", "/model/info") not in [call[:2] for call in session.calls]


def test_a_stopped_apply_says_not_applied_and_a_stopped_import_not_imported():
    from litellm_cli.plugins.models import _status_word

    assert _status_word("not done", "apply") == "not applied"
    assert _status_word("not done", "import") == "not imported"


def test_prune_dry_run_with_a_bad_entry_counts_only_the_entry_as_invalid():
    from litellm_cli.plugins.models import _failures, _summary

    deployed = [_stored(_model("a"), "id-a"), _stored(_model("b"), "id-b"),
                _stored(_model("c"), "id-c")]
    sync, _ = _sync(deployed)
    plan = sync.plan_apply(_config(dict(_model("a"), model_info={"id": "id-a"}),
                                   {"model_name": "x", "model_info": "typo"}), prune=True)
    assert _failures(plan) == "1 of 2 models"  # the file's two entries, not the kept deployments
    assert _summary(plan, "apply", True).endswith("1 unchanged, 0 to delete, 2 kept (not pruned), "
                                         "1 invalid")


def test_a_secret_named_model_info_field_the_proxy_shows_is_compared_but_shown_masked():
    deployed = [_stored(dict(_model("a"), model_info={"webhook_token": "old-hook-value"}),
                        "id-a")]
    sync, _ = _sync(deployed)
    item = sync.plan_apply(_config(dict(_model("a"), model_info={
        "id": "id-a", "webhook_token": "new-hook-value"}))).items[0]
    assert item.changes == [{"field": "model_info.webhook_token", "old": "***", "new": "***"}]
    assert item.request[1][2]["webhook_token"] == "new-hook-value"


@pytest.mark.parametrize("name, error", [("a/b", "must not hold '/'"), ("..", "is not a name")])
def test_a_credential_name_that_no_url_path_can_address_is_invalid(name, error):
    config = _config(credentials=[{"credential_name": name, "credential_values": {"k": "v"}}])
    assert config.credentials[0].error.startswith("credential_name") and error in \
        config.credentials[0].error


def test_a_refused_removal_of_a_secret_named_field_does_not_show_its_value():
    deployed = [_stored(dict(_model("a"), model_info={"webhook_token": "old-hook-value"}),
                        "id-a")]
    item = _sync(deployed)[0].plan_apply(_config(dict(_model("a"), model_info={
        "id": "id-a", "webhook_token": None}))).items[0]
    assert item.status == "failed" and "model_info.webhook_token cannot be removed" in item.reason
    assert "old-hook-value" not in item.reason and "***" in item.reason


def test_a_null_param_is_the_same_identity_as_one_left_out():
    assert model_config.fingerprint("a", {"model": "m", "rpm": None}) == \
        model_config.fingerprint("a", {"model": "m"})
    assert model_config.fingerprint("a", {"model": "m", "rpm": 5}) != \
        model_config.fingerprint("a", {"model": "m"})


def test_a_null_removes_any_param_where_the_release_can():
    deployed = [_stored(_model("a", rpm=5), "id-a")]
    sync, session = _sync(deployed)
    session.answers.update(release("1.110.2"))
    item = sync.plan_apply(_config(dict(_model("a", rpm=None), model_info={"id": "id-a"}))
                           ).items[0]
    assert item.status == "would update"
    assert item.request[1][1] == {"rpm": None}


def test_a_masked_credential_value_in_the_file_is_never_sent_as_the_secret():
    # A credential_list copied from what the proxy shows: "sk****23" is a mask.
    stored = [{"credential_name": "c", "credential_values": {"api_key": "sk****23"},
               "credential_info": {}}]
    sync, session = _sync(credentials=stored)
    session.answers[("PATCH", "/credentials/c")] = {"success": True}
    session.answers[("POST", "/credentials")] = {"success": True}
    config = _config(credentials=[
        {"credential_name": "c", "credential_values": {"api_key": "sk****23"}},
        {"credential_name": "new", "credential_values": {"api_key": "***"}}])
    plan = sync.plan_apply(config, force_secrets=True)
    sync.execute(plan)
    assert [i.status for i in plan.items] == ["failed", "failed"]
    assert all("api_key looks masked" in i.reason for i in plan.items)
    assert [c[0] for c in session.calls if c[0] in ("PATCH", "POST")] == []


# LiteLLM 1.110.2's /model/info shows a database deployment's litellm_params with
# the pydantic defaults of GenericLiteLLMParams filled in (the same five as
# 1.108.7: types/router.py); its /v2/model/info?modelId=ID&use_stored_params=true
# would give only the stored keys, one deployment per request. The CLI needs it
# nowhere: export leaves those defaults out (a True one set by the operator stays),
# and diff/apply compare only the fields a file lists.
RUNTIME_DEFAULTS_1_110 = {"allow_client_keepalive_override": False, "use_in_pass_through": False,
                          "use_litellm_proxy": False, "use_xai_oauth": False,
                          "merge_reasoning_content_in_choices": False}


def test_the_runtime_defaults_of_model_info_are_not_exported_and_change_nothing():
    import io

    import yaml

    from litellm_cli.plugins.models import _dump_export

    entries = [_model("a", temperature=0.5), _model("b", use_in_pass_through=True)]
    deployed = [_stored(e, f"id-{e['model_name']}") for e in entries]
    for row in deployed:
        row["litellm_params"] = {**RUNTIME_DEFAULTS_1_110, **row["litellm_params"]}
    sync, session = _sync(deployed)
    text = io.StringIO()
    assert _dump_export(*sync.export()[:2], text) == (2, 0)
    exported = yaml.safe_load(text.getvalue())["model_list"]
    assert [e["litellm_params"] for e in exported] == [
        {"model": "openai/gpt-4o", "temperature": 0.5},
        {"model": "openai/gpt-4o", "use_in_pass_through": True}]
    plan = sync.plan_apply(parse_config(text.getvalue(), "export"), prune=True)
    assert [i.status for i in plan.items] == ["unchanged", "unchanged"] and plan.writes == []
    assert not [c for c in session.calls if "use_stored_params" in repr(c)]


@pytest.mark.parametrize("text, words", [
    ("owner:\nmodel_list: []\n", "owner is empty"),
    ("owner: ''\nmodel_list: []\n", "owner must not be empty"),
    ("owner: [a]\nmodel_list: []\n", "owner must be text"),
])
def test_models_apply_takes_the_owner_as_state_files_do(text, words):
    with pytest.raises(exceptions.UsageError, match=words):
        parse_config(text, "config.yaml")


@pytest.mark.parametrize("stored, exported", [
    ("1.5e-05", 1.5e-05),   # LiteLLM 1.80.17 gives a price back as text
    (1.5e-05, 1.5e-05),
    ("1.50", "1.50"),       # text that is not the number it writes stays text
])
def test_an_exported_price_is_a_number_when_the_proxy_keeps_it_as_text(stored, exported):
    entry = kind.export_entry({"model_name": "m", "model_info": {"id": "i"},
                               "litellm_params": {"model": "openai/x",
                                                  "input_cost_per_token": stored,
                                                  "mock_response": "1.5"}})
    assert entry["litellm_params"]["input_cost_per_token"] == exported
    assert type(entry["litellm_params"]["input_cost_per_token"]) is type(exported)
    assert entry["litellm_params"]["mock_response"] == "1.5"  # not a price: kept as text
