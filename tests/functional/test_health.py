"""health, health models and model-groups list against the real proxy."""

from tests.functional.conftest import RELEASE, closed_port, older, run_cli


def test_health_shows_liveness_readiness_and_version(cli, proxy):
    res = cli("health", "-f", "json")
    assert res.rc == 0, res
    assert res.json() == {"url": proxy.url, "alive": True, "ready": True, "db": "connected",
                          "cache": None, "litellm_version": RELEASE}


def test_health_without_a_key_still_answers(proxy):
    res = run_cli(["health", "-f", "json"], proxy.url)
    assert res.rc == 0, res
    shown = res.json()
    assert shown["alive"] and shown["ready"] and shown["db"] == "connected"
    assert shown["litellm_version"] == RELEASE


def test_health_of_a_closed_port_cannot_connect():
    res = run_cli(["health"], f"http://127.0.0.1:{closed_port()}")
    assert res.rc == 3, res
    assert len(res.err.strip().splitlines()) == 1


def test_health_models_checks_each_deployment(cli):
    res = cli("health", "models", "-f", "json")
    rows = res.json()
    status = {row["model_id"]: row["status"] for row in rows}
    assert {"openai/gpt-4o", "mistral/mistral-small-latest"} <= {row["model"] for row in rows}
    # Other tests may add deployments that do not answer: the exit code follows them.
    unhealthy = sum(1 for value in status.values() if value == "unhealthy")
    assert res.rc == (1 if unhealthy else 0), res
    if unhealthy:
        assert res.err.strip().endswith(f"{unhealthy} of {len(rows)} deployments are unhealthy")
    assert "may be billed" in res.err


def test_unhealthy_deployment_is_shown_and_fails(cli, api, unique, proxy_version):
    api.ok("POST", "/model/new", json={
        "model_name": unique, "model_info": {"id": unique},
        "litellm_params": {"model": "openai/gpt-4o", "api_key": "sk-upstream-h13a-secret",
                           "api_base": f"http://127.0.0.1:{closed_port()}/v1"}})
    try:
        res = cli("health", "models", "--model", unique, "-f", "json")
        assert res.rc == 1, res
        [row] = res.json()
        # The proxy's answer names the deployment's id from LiteLLM 1.85 (1.82.0 does not).
        expected_id = None if older(proxy_version, "1.85") else unique
        assert (row["status"], row["model_id"]) == ("unhealthy", expected_id)
        assert "Connection error" in row["error"]
        assert res.err.strip().endswith("Error: 1 of 1 deployments are unhealthy")
        assert "sk-upstream-h13a-secret" not in res.out + res.err
        table = cli("health", "models", "--model", unique, "-f", "csv", "-c", "error")
        assert len(table.out.strip().splitlines()) == 2  # first line of the error only
    finally:
        api.call("POST", "/model/delete", json={"id": unique})


def test_health_models_of_one_model(cli):
    res = cli("health", "models", "--model", "mistral-mock", "-f", "json")
    assert res.rc == 0, res
    assert [(row["status"], row["model"]) for row in res.json()] == [
        ("healthy", "mistral/mistral-small-latest")]


def test_health_models_of_unknown_model_is_not_found(cli, unique):
    res = cli("health", "models", "--model", unique)
    assert res.rc == 5, res
    assert res.err.strip().splitlines()[-1].startswith(f"Error: no deployment '{unique}'")


def test_health_models_help_warns_about_cost(cli):
    res = cli("health", "models", "--help")
    assert res.rc == 0 and "billed" in res.out


def test_both_health_commands_are_listed(cli):
    assert "  health       [models]" in cli("--help").out
    assert "litellm-proxy health models" in cli("health", "--help").out


def test_model_groups_list(cli):
    res = cli("model-groups", "list", "-f", "json")
    assert res.rc == 0, res
    groups = {row["model_group"]: row for row in res.json()}
    assert {"gpt-4o", "mistral-mock"} <= set(groups)
    assert groups["gpt-4o"]["mode"] == "chat"
    assert groups["gpt-4o"]["input_cost_per_token"] == 2.5e-06
    one = cli("model-groups", "list", "--model-group", "mistral-mock", "-f", "value",
              "-c", "model_group")
    assert one.rc == 0 and one.out.split() == ["mistral-mock"], one


def test_model_groups_list_with_a_key_limited_to_one_model(cli, api, unique):
    key = api.generate(key_alias=unique, models=["mistral-mock"])["key"]
    try:
        res = cli("model-groups", "list", "-f", "value", "-c", "model_group", key=key)
        assert res.rc == 0, res
        assert res.out.split() == ["mistral-mock"]
    finally:
        api.delete_keys(unique)


def test_model_groups_with_a_wrong_key_is_an_auth_error(proxy):
    res = run_cli(["model-groups", "list"], proxy.url, key="sk-wrong-key-4242")
    assert res.rc == 4 and len(res.err.strip().splitlines()) == 1, res
    assert "sk-wrong-key-4242" not in res.err


def test_health_models_of_an_unreachable_proxy_cannot_connect():
    res = run_cli(["health", "models"], f"http://127.0.0.1:{closed_port()}", key="sk-x")
    assert res.rc == 3, res
    assert res.err.strip().splitlines()[-1].startswith("Error: cannot reach")
