"""``state validate``: the state file checked offline against a release's schema."""

import json
import os
import pathlib

import pytest

from litellm_cli import exceptions
from litellm_cli.api import state
from litellm_cli.plugins import models as models_plugin
from litellm_cli.plugins.state import ValidateState
from tests.unit.conftest import FakeSession, run
from tests.unit.test_models import _db, _proxy
from tests.unit.test_shell import _modules_after

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _file(tmp_path, text):
    path = tmp_path / "state.yaml"
    path.write_text(text)
    return str(path)


def _validate(tmp_path, text, *options):
    """Run ``state validate``: (rows as dicts, stderr), or the error raised."""
    session = FakeSession()  # answers nothing: any request fails the test
    (columns, rows), app = run(ValidateState, [_file(tmp_path, text), *options], session)
    assert session.calls == []
    return [dict(zip(columns, row)) for row in rows], app.stderr.getvalue()


def _problems(tmp_path, text, *options):
    """The rows of an invalid file (the UsageError is checked)."""
    session = FakeSession()
    app_rows = []

    class Capture(ValidateState):
        def produce_output(self, parsed_args, columns, data):
            app_rows.extend(dict(zip(columns, row)) for row in data)

    with pytest.raises(exceptions.UsageError, match="is invalid"):
        run(Capture, [_file(tmp_path, text), *options], session)
    assert session.calls == []
    return app_rows


def _one(rows, **match):
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, rows
    return found[0]


# -- the schema data ----------------------------------------------------------

def test_a_schema_ships_for_the_pinned_release_with_every_kind():
    assert state.DEFAULT_RELEASE in state.releases()
    document = state.load_schema(state.DEFAULT_RELEASE)
    assert document["litellm_version"] == state.DEFAULT_RELEASE
    assert set(document["kinds"]) == set(state.KINDS) | {"team_members"}
    for ref in document["kinds"].values():
        assert ref["$ref"].rsplit("/", 1)[-1] in document["$defs"]


def test_schema_files_are_package_data():
    from configparser import ConfigParser

    config = ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert "schemas/*.json" in config["options.package_data"]["litellm_cli"]
    assert "jsonschema" in config["options"]["install_requires"]


def test_releases_are_sorted_as_versions_not_text():
    known = state.releases()
    from litellm_cli.versions import parse

    assert known == sorted(known, key=parse)


# -- checks ------------------------------------------------------------------

def test_a_clean_file_shows_nothing_and_says_valid_on_stderr(tmp_path):
    rows, err = _validate(tmp_path, """
owner: platform
budgets: [{budget_id: free, max_budget: 10}]
teams:
  - team_id: t1
    max_budget: 100
    members: [{user_id: u1, role: admin, max_budget_in_team: 5}]
users: [{user_id: u1, user_role: internal_user}]
customers: [{user_id: c1, budget_id: free}]
keys: [{key_alias: ci, team_id: t1, user_id: u1, models: [gpt-4o]}]
""")
    assert rows == []
    assert err.strip() == "valid: 5 objects in 5 kinds (LiteLLM 1.108.7)"


def test_a_typo_is_an_error_naming_object_and_field_with_the_closest_name(tmp_path):
    rows = _problems(tmp_path, "budgets: [{budget_id: free, max_budjet: 10}]\n")
    row = _one(rows, field="max_budjet")
    assert (row["level"], row["kind"], row["object"]) == ("error", "budgets", "free")
    assert "did you mean max_budget?" in row["problem"]


@pytest.mark.parametrize("owner,problem", [
    ("''", "must not be empty or blank"), ("", "is empty: give a name, or leave owner out"),
    ('"a\\nb"', "control characters"), ("x" * 1001, "longer than 1000 characters"),
    ("5", "must be text")])
def test_an_owner_that_is_empty_or_cannot_be_a_name_is_an_error(tmp_path, owner, problem):
    # An empty owner taken as the default would let --prune delete the default's objects.
    rows = _problems(tmp_path, f"owner: {owner}\nteams: []\n")
    assert problem in _one(rows, kind="owner")["problem"]


def test_the_owner_marker_written_in_an_objects_metadata_is_an_error(tmp_path):
    rows = _problems(tmp_path, "teams: [{team_id: t, metadata: {litellm_cli_owner: them}}]\n"
                               "mcp_server_list: [{server_id: s, url: 'http://x', "
                               "mcp_info: {litellm_cli_owner: them}}]\n")
    assert "set owner: at the top" in _one(rows, field="metadata.litellm_cli_owner")["problem"]
    assert _one(rows, field="mcp_info.litellm_cli_owner")["kind"] == "mcp_server_list"


def test_a_field_of_a_newer_release_says_which_release_added_it(tmp_path):
    # tpd_limit: in the 1.108.7 budget request, not in 1.80.17's.
    if "1.80.17" not in state.releases():
        pytest.skip("no schema of 1.80.17")
    rows = _problems(tmp_path, "budgets: [{budget_id: b, tpd_limit: 5}]\n",
                     "--litellm-version", "1.80.17")
    problem = _one(rows, field="tpd_limit")["problem"]
    assert "added in LiteLLM" in problem and "did you mean" not in problem
    added = problem.split("added in LiteLLM ")[1].split()[0]
    assert "tpd_limit" in json.dumps(state.load_schema(added)["$defs"]["BudgetNewRequest"])


def test_a_kind_that_an_older_release_lacks_is_an_error_naming_the_release(tmp_path,
                                                                           monkeypatch):
    # A kind whose request model a release does not have (tools/extract_schema.py leaves
    # it out of that release's schema): made so here by hiding tags from the oldest one.
    oldest, newest = state.releases()[0], state.releases()[-1]
    real = state.load_schema

    def load(release):
        document = real(release)
        if release == oldest:
            document = {**document, "kinds": {k: v for k, v in document["kinds"].items()
                                              if k != "tags"}}
        return document

    monkeypatch.setattr(state, "load_schema", load)
    rows = _problems(tmp_path, "tags: [{name: t}]\n", "--litellm-version", oldest)
    problem = _one(rows, kind="tags")["problem"]
    assert problem.startswith(f"LiteLLM {oldest} has no tags (LiteLLM ")
    assert _validate(tmp_path, "tags: [{name: t}]\n", "--litellm-version", newest)[0] == []


def test_unknown_fields_are_found_in_nested_objects_and_model_entries(tmp_path):
    rows = _problems(tmp_path, """
teams: [{team_id: t1, members: [{user_id: u1, role: user, rol: admin}]}]
model_list:
  - model_name: m
    litellm_param: {model: openai/gpt-4o}
""")
    assert "did you mean role?" in _one(rows, field="members[0].rol")["problem"]
    assert "did you mean litellm_params?" in _one(rows, field="litellm_param")["problem"]


def test_provider_params_of_litellm_params_are_not_unknown(tmp_path):
    rows, _ = _validate(tmp_path, """
model_list:
  - model_name: m
    litellm_params: {model: azure/gpt-4o, api_version: "2024-10-01", some_provider_flag: 1}
""")
    assert rows == []


def test_types_are_checked_without_showing_the_value(tmp_path):
    rows = _problems(tmp_path, """
teams: [{team_id: t1, max_budget: sekrit-value, members: [{user_id: u1, role: owner}]}]
model_list: [{model_name: m, litellm_params: {model: x, rpm: many}}]
""")
    assert _one(rows, field="max_budget")["problem"] == "must be a number or null, not text"
    assert _one(rows, field="members[0].role")["problem"] == 'must be one of "admin", "user"'
    assert _one(rows, field="litellm_params.rpm")["problem"].startswith("must be a whole number")
    assert "sekrit" not in json.dumps(rows)


def test_os_environ_references_are_taken_for_any_field_the_proxy_resolves(tmp_path):
    rows, _ = _validate(tmp_path, """
credential_list:
  - credential_name: c
    credential_values: {api_key: os.environ/OPENAI_API_KEY}
    credential_info: {}
model_list:
  - model_name: m
    litellm_params: {model: x, api_key: os.environ/KEY, rpm: os.environ/RPM,
                     litellm_credential_name: c}
""")
    assert rows == []


def test_a_required_field_missing_is_an_error(tmp_path):
    rows = _problems(tmp_path, "credential_list: [{credential_name: c}]\n"
                               "teams: [{team_id: t, members: [{user_id: u}]}]\n")
    assert _one(rows, field="credential_info")["problem"] == "is required"
    assert _one(rows, field="members[0].role")["problem"] == "is required"
    assert not any(r["field"] == "credential_values" for r in rows)  # a secret left out


def test_an_object_without_its_identity_is_an_error(tmp_path):
    rows = _problems(tmp_path, "teams: [{team_alias: nameless}]\n")
    row = _one(rows, field="team_id")
    assert row["object"] == "teams[0]" and row["problem"].startswith("is required")


@pytest.mark.parametrize("section, field, first, second", [
    ("budgets", "budget_id", "{budget_id: b}", "{budget_id: b}"),
    ("teams", "team_id", "{team_id: t}", "{team_id: t}"),
    ("users", "user_id", "{user_id: u}", "{user_id: u}"),
    ("customers", "user_id", "{user_id: c}", "{user_id: c}"),
    ("credential_list", "credential_name",
     "{credential_name: c, credential_values: {}, credential_info: {}}",
     "{credential_name: c, credential_values: {}, credential_info: {}}"),
    ("keys", "key_alias", "{key_alias: k}", "{key_alias: k}"),
    ("model_list", "model_info.id", "{model_name: a, litellm_params: {model: x}, "
     "model_info: {id: i}}", "{model_name: b, litellm_params: {model: y}, model_info: {id: i}}"),
])
def test_a_duplicate_identity_in_one_kind_is_an_error(tmp_path, section, field, first, second):
    rows = _problems(tmp_path, f"{section}: [{first}, {second}]\n")
    row = _one(rows, field=field)
    assert row["problem"] == f"given more than once ({section}[0] and {section}[1])"


def test_the_same_id_in_two_kinds_is_no_duplicate(tmp_path):
    rows, _ = _validate(tmp_path, "users: [{user_id: x}]\ncustomers: [{user_id: x}]\n")
    assert rows == []


def test_ids_that_cannot_address_their_object_are_errors(tmp_path):
    rows = _problems(tmp_path, """
model_list: [{model_name: m, litellm_params: {model: x}, model_info: {id: a/b}}]
teams: [{team_id: "bad\\x1bname"}, {team_id: "a/b"}]
""")
    assert "'/'" in _one(rows, kind="model_list")["problem"]
    assert "control characters" in _one(rows, kind="teams")["problem"]  # a/b is a fine team id


def test_a_key_given_its_secret_is_an_error_that_does_not_show_it(tmp_path):
    rows = _problems(tmp_path, "keys: [{key_alias: ci, key: sk-live-1234567890}]\n")
    assert "never goes in a state file" in _one(rows, field="key")["problem"]
    assert "sk-live" not in json.dumps(rows)


def test_a_keys_expires_is_a_moment_or_null_and_not_given_with_duration(tmp_path):
    rows, _ = _validate(tmp_path, "keys: [{key_alias: a, expires: '2027-01-31T00:00:00Z'},\n"
                                  "       {key_alias: b, expires: 2027-01-31},\n"
                                  "       {key_alias: c, expires: null}]\n")
    assert [r for r in rows if r["level"] == "error"] == []
    rows = _problems(tmp_path, "keys: [{key_alias: a, expires: soon},\n"
                               "       {key_alias: b, expires: 2027-01-31, duration: 1d},\n"
                               "       {key_alias: c, expires: null, duration: 1d},\n"
                               "       {key_alias: d, expires: '9999-12-31T23:59:59-14:00'},\n"
                               "       {key_alias: e, expires: '0001-01-01T00:00:00+01:00'}]\n")
    assert "must be a moment" in _one(rows, object="a")["problem"]
    assert "not both" in _one(rows, object="b")["problem"]
    assert "not both" in _one(rows, object="c")["problem"]
    for name in "de":  # out of range in UTC: refused, not a crash later
        assert "between 1970 and 9998" in _one(rows, object=name)["problem"]


def test_team_members_go_in_members_not_in_members_with_roles(tmp_path):
    rows = _problems(tmp_path,
                     "teams: [{team_id: t, members_with_roles: [{user_id: u, role: user}]}]\n")
    assert "members: [{user_id, role}]" in _one(rows, field="members_with_roles")["problem"]


def test_references_outside_the_file_are_notes_and_the_file_stays_valid(tmp_path):
    rows, err = _validate(tmp_path, """
teams: [{team_id: t, members: [{user_id: elsewhere, role: user}]}]
customers: [{user_id: c, budget_id: b-elsewhere}]
model_list: [{model_name: m, litellm_params: {model: x, litellm_credential_name: cred}}]
keys: [{key_alias: k, team_id: t, user_id: u-elsewhere, budget_id: b2}]
""")
    fields = {(r["kind"], r["field"]) for r in rows if r["level"] == "note"}
    assert fields == {("teams", "members[0].user_id"), ("customers", "budget_id"),
                      ("model_list", "litellm_params.litellm_credential_name"),
                      ("keys", "user_id"), ("keys", "budget_id")}
    assert all("must exist on the proxy" in r["problem"] for r in rows)
    assert "valid: 4 objects in 4 kinds, 5 notes" in err


def test_proxy_settings_sections_are_ignored_once_on_stderr(tmp_path):
    rows, err = _validate(tmp_path, "general_settings: {x: 1}\nlitellm_settings: {}\n"
                                    "model_list: []\n")
    assert rows == []
    assert err.count("not checked") == 1 and "general_settings, litellm_settings" in err


def test_an_unknown_section_is_an_error_with_the_closest_kind(tmp_path):
    rows = _problems(tmp_path, "teamz: []\ninclude: [other.yaml]\n")
    assert "did you mean teams?" in _one(rows, kind="teamz")["problem"]
    assert "not followed" in _one(rows, kind="include")["problem"]


def test_a_section_that_is_not_a_list_is_an_error_and_null_is_not_managed(tmp_path):
    assert "must be a list" in _one(_problems(tmp_path, "teams: {t: 1}\n"),
                                    kind="teams")["problem"]
    rows, err = _validate(tmp_path, "teams:\nmodel_list: []\n")
    assert rows == [] and "valid: 0 objects in 1 kind " in err


def test_an_unknown_release_is_a_usage_error_listing_the_known_ones(tmp_path):
    with pytest.raises(exceptions.UsageError) as caught:
        run(ValidateState, [_file(tmp_path, "teams: []\n"), "--litellm-version", "0.1"],
            FakeSession())
    assert state.DEFAULT_RELEASE in str(caught.value)


# -- files that exist -----------------------------------------------------------

def test_the_sandbox_proxy_config_is_a_valid_state_file():
    session = FakeSession()
    (_, rows), app = run(ValidateState, [str(ROOT / "tools" / "sandbox-config.yaml")], session)
    assert rows == [] and "valid: 2 objects in 1 kind" in app.stderr.getvalue()


def test_a_models_export_file_is_a_valid_state_file(tmp_path):
    session = _proxy([_db("a", "id-a", {"model": "openai/gpt-4o", "rpm": 5,
                                        "litellm_credential_name": "cred"},
                          description="d", mode="embedding", max_tokens=1000)])
    session.answers[("GET", "/credentials")] = {"credentials": [
        {"credential_name": "cred", "credential_info": {"custom_llm_provider": "openai"}}]}
    _, app = run(models_plugin.ExportModel, [], session)
    exported = app.stdout.getvalue()
    assert "model_list" in exported and "credential_list" in exported
    rows, _ = _validate(tmp_path, exported)
    assert rows == []


def test_stdin_is_read_for_dash():
    import io

    session = FakeSession()
    app_stdin = io.StringIO("users: [{user_id: u}]\n")
    from litellm_cli.clientmanager import ClientManager
    import types

    app = types.SimpleNamespace(stdin=app_stdin, stdout=io.StringIO(), stderr=io.StringIO(),
                                client_manager=ClientManager(session=session))
    cmd = ValidateState(app, None)
    cmd.take_action(cmd.get_parser("x").parse_args(["-"]))
    assert "valid: 1 object in 1 kind" in app.stderr.getvalue()


# -- hostile input ----------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefgh", "bcdefghi")), "alias bomb"),
    ("- teams\n", "is a list, not a state file"),
    ("just text\n", "is a str, not a state file"),
    ("", "is empty"),
    ("teams: [\n", "invalid YAML"),
])
def test_hostile_documents_are_one_usage_error(tmp_path, text, message):
    with pytest.raises(exceptions.UsageError, match=message):
        run(ValidateState, [_file(tmp_path, text)], FakeSession())


@pytest.mark.parametrize("where", ["missing", "folder"])
def test_a_path_that_is_no_readable_file_is_a_usage_error(tmp_path, where):
    path = tmp_path / "missing.yaml" if where == "missing" else tmp_path
    with pytest.raises(exceptions.UsageError, match="cannot read"):
        run(ValidateState, [str(path)], FakeSession())


def test_a_huge_name_is_refused_and_shown_shortened(tmp_path):
    huge = "t" * 2**20
    rows = _problems(tmp_path, f"teams: [{{team_id: {huge}}}]\nusers: [{{user_id: ok, "
                               f"user_alias: {huge}}}]\n")
    row = _one(rows, kind="teams")
    assert "longer than 1000 characters" in row["problem"]
    assert row["object"] == "teams[0]"
    assert not any(r["kind"] == "users" for r in rows)  # a long value is fine


def test_a_huge_name_in_a_row_is_shortened(tmp_path):
    from litellm_cli.plugins.state import NAME_CHARS, _shortened

    assert len(_shortened("x" * 5000)) < NAME_CHARS + 30
    assert "(5000 characters)" in _shortened("x" * 5000)


def test_control_characters_in_names_are_escaped_in_the_table(tmp_path):
    import subprocess
    import sys

    path = _file(tmp_path, 'budgets: [{budget_id: "evil\\x1b[2J", max_budjet: 1}]\n')
    res = subprocess.run([sys.executable, "-m", "litellm_cli", "state", "validate", path],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "LITELLM_PROXY_URL": "http://127.0.0.1:9"})
    assert res.returncode == exceptions.EXIT_USAGE
    assert "\x1b" not in res.stdout + res.stderr
    assert "evil\\x1b[2J" in res.stdout
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr


# -- startup cost ---------------------------------------------------------------

def test_help_imports_neither_jsonschema_nor_yaml():
    modules = _modules_after("state", "validate", "--help")
    assert "litellm_cli.plugins.state" in modules
    for heavy in ("jsonschema", "yaml", "requests"):
        assert heavy not in modules, heavy


def test_problems_come_in_file_order(tmp_path):
    rows = _problems(tmp_path, "teams: [{team_id: t, max_budjet: 1}, {team_id: t}]\n"
                               "budgets: [{budget_id: b, soft_budjet: 1}]\nbogus: 1\n")
    assert [(r["kind"], r["field"]) for r in rows] == [
        ("teams", "max_budjet"), ("teams", "team_id"), ("budgets", "soft_budjet"),
        ("bogus", None)]


def test_a_field_named_by_a_number_is_shown_as_a_name_not_a_position(tmp_path):
    rows = _problems(tmp_path, "users: [{user_id: u, 7: x}]\n")
    assert _one(rows, kind="users")["field"] == "7"


def test_prices_in_model_info_are_an_error_as_models_apply_says(tmp_path):
    rows = _problems(tmp_path, "model_list: [{model_name: m, litellm_params: {model: x, "
                               "input_cost_per_token: 0.1}, model_info: "
                               "{output_cost_per_token: 0.2, mode: chat}}]\n")
    row = _one(rows, kind="model_list")
    assert row["field"] == "model_info.output_cost_per_token"
    assert "give them in litellm_params" in row["problem"]


def test_a_model_info_without_an_id_is_valid(tmp_path):
    rows, _ = _validate(tmp_path, "model_list: [{model_name: m, litellm_params: {model: x}, "
                                  "model_info: {description: d}}]\n")
    assert rows == []


def test_litellms_own_example_config_is_a_valid_state_file(tmp_path):
    # Top-level tpm/rpm (the router reads them there), an entry with only a model_name.
    text = (ROOT / "tests" / "functional" / "data" / "litellm-example-configs.yaml").read_text()
    rows, _ = _validate(tmp_path, text)
    assert rows == []


def test_a_members_user_id_with_control_characters_is_an_error(tmp_path):
    rows = _problems(tmp_path, "teams:\n  - team_id: t\n    members: [{user_id: \"a\\x1b[31m\"}]\n")
    assert _one(rows, field="members[0].user_id", level="error")["problem"].startswith(
        "must not contain control characters")
