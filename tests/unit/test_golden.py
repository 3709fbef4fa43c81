"""Golden files: the exact output of each command in each format.

A change to a command's output shape fails here and shows the difference, so
it is a visible, reviewed change. To accept new output, regenerate the files
and review the diff before committing:

    LITELLM_CLI_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_golden.py
    git diff tests/unit/golden

The proxy's answers below are canned (a fake session): what is pinned is the
CLI's own shaping of them. tests/functional/test_output.py spot-checks the
same shapes against the real proxy.
"""

import json
import os
import pathlib

import pytest

from litellm_cli.distribution import version as client_version
from litellm_cli.plugins import (budgets, credentials, customers, keys, model_groups, models,
                                 profile, teams, users, version)
from tests.unit.output import render
from tests.unit.conftest import FakeSession

GOLDEN = pathlib.Path(__file__).parent / "golden"
UPDATE = os.environ.get("LITELLM_CLI_UPDATE_GOLDEN") == "1"

DEPLOYMENTS = [
    {"model_name": "gpt-4o",
     "litellm_params": {"model": "openai/gpt-4o", "api_key": "sk-upstream-secret",
                        "litellm_credential_name": "openai-prod"},
     "model_info": {"id": "d74a0b45", "db_model": False, "input_cost_per_token": 2.5e-06,
                    "output_cost_per_token": 1e-05, "access_groups": ["beta", "ga"]}},
    {"model_name": "mistral-mock",
     "litellm_params": {"model": "mistral/mistral-small-latest"},
     "model_info": {"id": "00e8a721", "db_model": True,
                    "input_cost_per_token": 2.916000000000001e-08, "output_cost_per_token": None}},
]
CREDENTIALS = [
    {"credential_name": "openai-prod", "credential_info": {"custom_llm_provider": "openai"},
     "credential_values": {"api_key": "sk-...", "api_base": "https://x"}},
    {"credential_name": "bare", "credential_info": {}, "credential_values": {}},
]
KEY = {"token": "9f86d081884c7d65", "key_name": "sk-...abcd", "key_alias": "ci \u00e9t\u00e9",
       "user_id": None, "team_id": "t1", "spend": 0.02916000000000001, "max_budget": 100.0,
       "expires": None, "models": ["gpt-4o"], "metadata": {"owner": "ops"}, "blocked": False}
USER = {"user_id": "u1", "user_email": "a@example.com", "user_alias": "Alice",
        "user_role": "internal_user", "teams": ["t1"], "spend": 1.5, "max_budget": None,
        "key_count": 2, "models": []}
TEAM = {"team_id": "t1", "team_alias": "Team One", "organization_id": None,
        "models": ["gpt-4o"], "max_budget": 500.0, "spend": 0.1 + 0.2, "blocked": False,
        "budget_duration": "30d", "tpm_limit": None, "rpm_limit": 10,
        "members_with_roles": [{"role": "admin", "user_id": "u1"}]}

ANSWERS = {
    ("GET", "/models"): {"data": [
        {"id": "gpt-4o", "object": "model", "created": 1700000000, "owned_by": "openai"},
        {"id": "mistral-mock", "object": "model", "created": 1700000000, "owned_by": "mistral"}]},
    ("GET", "/model/info"): {"data": DEPLOYMENTS},
    ("GET", "/credentials"): {"credentials": CREDENTIALS},
    ("GET", "/credentials/by_name/openai-prod"): CREDENTIALS[0],
    ("GET", "/key/list"): {"keys": [KEY, {**KEY, "token": "e3b0c442", "key_alias": None,
                                          "max_budget": None, "spend": 0.0}],
                           "total_pages": 1},
    ("GET", "/key/info"): {"key": "9f86d081884c7d65", "info": KEY},
    ("POST", "/key/generate"): {**KEY, "key": "sk-new-key-1234", "budget_id": None},
    ("GET", "/user/list"): {"users": [USER], "total_pages": 1},
    ("GET", "/user/info"): {"user_id": "u1", "user_info": USER, "keys": [{"token": "9f86"}]},
    ("GET", "/team/list"): [TEAM],
    ("GET", "/team/info"): {"team_id": "t1", "team_info": TEAM, "keys": [{"token": "9f86"}],
                            "team_memberships": [{"user_id": "u1", "spend": 0.5}]},
    ("POST", "/team/new"): TEAM,
    # Trimmed from the real proxy's answers (LiteLLM 1.108.7).
    ("GET", "/budget/list"): [
        {"budget_id": "b1", "max_budget": 4.0, "soft_budget": None, "max_parallel_requests": None,
         "tpm_limit": None, "rpm_limit": 60, "budget_duration": "30d", "budget_reset_at": None,
         "allowed_models": [], "model_max_budget": {"gpt-4o": {"max_budget": 1.5}},
         "created_at": "2026-12-03T14:16:14.948000Z"}],
    ("GET", "/customer/list"): [
        {"user_id": "c1", "blocked": False, "alias": None, "spend": 0.000225,
         "allowed_model_region": None, "default_model": None, "models": [], "budget_id": None,
         "litellm_budget_table": None},
        {"user_id": "c2", "blocked": True, "alias": "Acme", "spend": 0.1 + 0.2,
         "allowed_model_region": "eu", "default_model": "gpt-4o", "models": ["gpt-4o"],
         "budget_id": "b1",
         "litellm_budget_table": {"max_budget": 4.0, "budget_duration": "30d"}}],
    ("GET", "/model_group/info"): {"data": [
        {"model_group": "gpt-4o", "providers": ["openai"], "max_input_tokens": 128000.0,
         "max_output_tokens": 16384.0, "input_cost_per_token": 2.5e-06,
         "output_cost_per_token": 1e-05, "mode": "chat", "tpm": None, "rpm": None,
         "supports_vision": True}]},
}


class Session(FakeSession):
    base_url = "http://127.0.0.1:4000"

    def get_json(self, path, params=None, authenticated=True, raise_exc=True):
        if path in ("/public/model_hub/info", "/health/readiness"):
            return {"litellm_version": "1.108.7"}
        return super().get_json(path, params=params)


LIST_FORMATS = ("table", "json", "yaml", "csv", "value")
ONE_FORMATS = ("table", "json", "yaml", "value", "shell")

# (golden name, command class, arguments, formats)
CASES = [
    ("models_list", models.ListModel, [], LIST_FORMATS),
    ("models_info", models.ListModelInfo, [], LIST_FORMATS),
    ("models_info_columns", models.ListModelInfo, ["--columns", "output_cost,public_model"],
     LIST_FORMATS),
    ("models_get", models.ShowModel, ["--id", "d74a0b45"], ONE_FORMATS),
    ("credentials_list", credentials.ListCredential, [], LIST_FORMATS),
    ("credentials_get", credentials.ShowCredential, ["openai-prod"], ONE_FORMATS),
    ("keys_list", keys.ListKey, [], LIST_FORMATS),
    ("keys_list_c", keys.ListKey, ["-c", "spend", "-c", "token"], LIST_FORMATS),
    # By alias: the key is found in /key/list.
    ("keys_info", keys.ShowKey, ["--key", "ci \u00e9t\u00e9"], ONE_FORMATS),
    ("keys_generate", keys.GenerateKey, ["--key-alias", "ci"], ONE_FORMATS),
    ("users_list", users.ListUser, [], LIST_FORMATS),
    ("users_get", users.ShowUser, ["--id", "u1"], ONE_FORMATS),
    ("teams_list", teams.ListTeam, [], LIST_FORMATS),
    ("teams_get", teams.ShowTeam, ["t1"], ONE_FORMATS),
    ("teams_create", teams.CreateTeam, ["t1"], ONE_FORMATS),
    ("version", version.ShowVersion, [], ONE_FORMATS),
    ("profile_list", profile.ListProfile, [], LIST_FORMATS),
    ("budgets_list", budgets.ListBudget, [], LIST_FORMATS),
    ("customers_list", customers.ListCustomer, [], LIST_FORMATS),
    ("model-groups_list", model_groups.ListModelGroup, [], LIST_FORMATS),
]

PROFILES = """\
current_profile: prod
profiles:
  prod:
    base_url: https://llm.example.com
    api_key_command: pass show litellm
  local:
    base_url: http://127.0.0.1:4000
    api_key: sk-local-secret
    timeout: 5.0
"""


@pytest.fixture
def environment(tmp_path, monkeypatch):
    config = tmp_path / "config.yaml"
    config.write_text(PROFILES)
    monkeypatch.setenv("LITELLM_CLI_CONFIG", str(config))
    for name in ("CLIFF_MAX_TERM_WIDTH", "CLIFF_FIT_WIDTH"):
        monkeypatch.delenv(name, raising=False)


def _cases():
    for name, command, argv, formats in CASES:
        for fmt in formats:
            yield pytest.param(command, argv, fmt, f"{name}.{fmt}", id=f"{name}.{fmt}")


@pytest.mark.parametrize("command, argv, fmt, golden", list(_cases()))
def test_output_matches_golden_file(environment, command, argv, fmt, golden):
    session = Session(ANSWERS)
    status, out, err = render(command, argv + ["-f", fmt], session)
    if command is version.ShowVersion:
        # The client's version changes with every release; pin the shape.
        out = out.replace(client_version(), "CLIENT_VERSION")
    path = GOLDEN / golden
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(out)
    assert status == 0 and err == ""
    assert out == path.read_text(), (
        f"output of {golden} changed; if intended, regenerate with "
        "LITELLM_CLI_UPDATE_GOLDEN=1 and review the diff")


def test_every_golden_file_belongs_to_a_case():
    expected = {f"{name}.{fmt}" for name, _, _, formats in CASES for fmt in formats}
    assert {p.name for p in GOLDEN.iterdir()} == expected


def test_golden_json_of_lists_uses_null_for_missing_values_and_numbers_for_numbers():
    keys_list = json.loads((GOLDEN / "keys_list.json").read_text())
    assert keys_list[1]["key_alias"] is None and keys_list[1]["max_budget"] is None
    assert keys_list[0]["spend"] == 0.02916000000000001  # exact in json
    assert "0.02916 " in (GOLDEN / "keys_list.table").read_text()  # no noise for people
