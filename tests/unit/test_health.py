"""health, health models, model-groups list and orgs against a local HTTP server,
through the real Session."""

import http.server
import io
import json
import types

import pytest

from litellm_cli import exceptions
from litellm_cli.clientmanager import ClientManager
from litellm_cli.plugins import health as plugin
from litellm_cli.plugins import model_groups, orgs
from litellm_cli.session import Session
from tests.unit.conftest import run, shown


class _Routes(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, self.headers.get("Authorization"),
                                 json.loads(body) if body else None))
        path = self.path.split("?")[0]
        status, payload = self.server.routes.get(path, (404, {"detail": "Not Found"}))
        data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _answer


def run_fully(command_class, argv, session):
    """Run the command as cliff does (formatting included); return the app's stdout."""
    app = types.SimpleNamespace(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                client_manager=ClientManager(session=session))
    cmd = command_class(app, None)
    try:
        cmd.run(cmd.get_parser("litellm-proxy test").parse_args(argv))
    finally:
        run_fully.stdout = app.stdout.getvalue()


HEALTHY = {"/health/liveliness": (200, '"I\'m alive!"'),
           "/health/readiness/details": (200, {"status": "healthy", "db": "connected",
                                               "cache": "redis", "litellm_version": "9.9.9"})}


@pytest.fixture
def proxy(local_server):
    def start(routes):
        server = local_server(_Routes)
        server.routes = routes
        return server, Session(server.url, api_key="sk-test-1234", sleep=lambda s: None)

    return start


def test_health_shows_one_view(proxy):
    server, session = proxy(dict(HEALTHY))
    result, _ = run(plugin.ShowHealth, [], session)
    assert shown(result) == {"url": server.url, "alive": True, "ready": True,
                             "db": "connected", "cache": "redis", "litellm_version": "9.9.9"}
    assert server.seen[0][2] is None  # liveliness is asked without the key


def test_health_falls_back_to_public_readiness_for_a_key_without_access(proxy):
    server, session = proxy({**HEALTHY,
                             "/health/readiness/details": (401, {"error": {"message": "no"}}),
                             "/health/readiness": (200, {"status": "healthy", "db": "connected"}),
                             "/public/model_hub/info": (200, {"litellm_version": "1.2.3"})})
    result, _ = run(plugin.ShowHealth, [], session)
    assert shown(result)["ready"] is True and shown(result)["litellm_version"] == "1.2.3"


def test_health_reads_the_public_readiness_of_a_release_without_the_details_route(proxy):
    # LiteLLM 1.80.17: no /health/readiness/details (404); /health/readiness has it all.
    server, session = proxy({**HEALTHY,
                             "/health/readiness/details": (404, {"detail": "Not Found"}),
                             # its database check's status replaces "healthy"
                             "/health/readiness": (200, {"status": "connected", "db": "connected",
                                                         "cache": None,
                                                         "litellm_version": "1.80.17"})})
    result, _ = run(plugin.ShowHealth, [], session)
    assert (shown(result)["ready"], shown(result)["db"]) == (True, "connected")
    assert shown(result)["litellm_version"] == "1.80.17"


def test_health_of_a_proxy_that_is_not_ready_prints_the_view_and_fails(proxy):
    server, session = proxy({**HEALTHY, "/health/readiness/details": (
        503, {"status": "unhealthy", "db": "Not connected", "litellm_version": "9.9.9"})})
    with pytest.raises(exceptions.CLIError) as error:
        run_fully(plugin.ShowHealth, ["-f", "json"], session)
    assert str(error.value) == "the proxy is not ready: unhealthy (HTTP 503)"
    shown_view = json.loads(run_fully.stdout)
    assert (shown_view["ready"], shown_view["db"]) == (False, "Not connected")
    assert error.value.exit_code == exceptions.EXIT_FAILURE
    # 503 is not retried here: each probe was asked once.
    assert [seen[1] for seen in server.seen] == ["/health/liveliness",
                                                 "/health/readiness/details"]


@pytest.mark.parametrize("body,reason", [
    ({"status": "healthy", "db": "disconnected"}, "database disconnected"),
    ({"detail": "Service Unhealthy (boom)"}, "Service Unhealthy (boom)"),
])
def test_health_names_why_the_proxy_is_not_ready(proxy, body, reason):
    _, session = proxy({**HEALTHY, "/health/readiness/details": (503, body),
                        "/public/model_hub/info": (200, {"litellm_version": "1"})})
    with pytest.raises(exceptions.CLIError) as error:
        run_fully(plugin.ShowHealth, [], session)
    assert str(error.value) == f"the proxy is not ready: {reason} (HTTP 503)"


def _endpoint(name, **extra):
    return {"model": name, "model_id": f"id-{name}", "api_base": "http://up", **extra}


def test_health_models_rows_and_unhealthy_exit_code(proxy):
    server, session = proxy({"/health": (503, {
        "healthy_endpoints": [_endpoint("a")],
        "unhealthy_endpoints": [_endpoint("b", error="boom\nTraceback ...")],
        "healthy_count": 1, "unhealthy_count": 1})})
    with pytest.raises(exceptions.CLIError) as error:
        run_fully(plugin.ListModelHealth, ["-f", "csv"], session)
    assert str(error.value) == "1 of 2 deployments are unhealthy"
    assert run_fully.stdout.splitlines()[1:] == ['"healthy","a","id-a","http://up",""',
                                                 '"unhealthy","b","id-b","http://up","boom"']
    assert len(server.seen) == 1  # never retried: each check may be billed


def test_health_models_table_shows_the_first_line_of_an_error(proxy):
    server, session = proxy({"/health": (200, {
        "healthy_endpoints": [_endpoint("a")], "unhealthy_endpoints": []})})
    cmd_result, app = run(plugin.ListModelHealth, ["--model", "a"], session)
    columns, rows = cmd_result
    assert columns == plugin.MODEL_COLUMNS
    assert list(rows) == [("healthy", "a", "id-a", "http://up", None)]
    assert "may be billed" in app.stderr.getvalue()
    assert server.seen[0][1] == "/health?model=a"
    row = plugin._row("unhealthy", _endpoint("b", error="boom\nTraceback"),
                      type("Args", (), {"formatter": "table"}))
    assert row["error"] == "boom"


UPSTREAM_SECRETS = {"client_secret": "cs-upstream-1", "azure_ad_token": "ad-upstream-2",
                    "aws_session_token": "aws-upstream-3",
                    "extra_headers": {"X-Corp-Auth": "hdr-upstream-4", "X-Trace": "t-5"}}


@pytest.mark.parametrize("formatter", [["-f", "json"], ["-f", "yaml"],
                                       ["-c", "model", "-c", "client_secret", "-f", "csv"]])
def test_health_models_masks_secret_named_upstream_params(proxy, formatter):
    _, session = proxy({"/health": (200, {
        "healthy_endpoints": [{**_endpoint("a"), **UPSTREAM_SECRETS}],
        "unhealthy_endpoints": []})})
    run_fully(plugin.ListModelHealth, formatter, session)
    out = run_fully.stdout
    assert "***" in out
    for secret in ("cs-upstream-1", "ad-upstream-2", "aws-upstream-3", "hdr-upstream-4"):
        assert secret not in out
    if "json" in formatter:
        assert json.loads(out)[0]["extra_headers"] == {"X-Corp-Auth": "***", "X-Trace": "t-5"}


def test_health_models_of_unknown_name_is_not_found(proxy):
    _, session = proxy({"/health": (503, {"healthy_endpoints": [], "unhealthy_endpoints": []})})
    with pytest.raises(exceptions.NotFound):
        run(plugin.ListModelHealth, ["--model", "nope"], session)


def test_health_models_error_without_the_check_body_is_the_proxys_error(proxy):
    _, session = proxy({"/health": (401, {"error": {"message": "Authentication Error"}})})
    with pytest.raises(exceptions.Unauthorized):
        run(plugin.ListModelHealth, [], session)


def test_model_groups_list(proxy):
    server, session = proxy({"/model_group/info": (200, {"data": [
        {"model_group": "g", "mode": "chat", "providers": ["openai"]}]})})
    (columns, rows), _ = run(model_groups.ListModelGroup, ["--model-group", "g"], session)
    assert columns[0] == "model_group" and next(iter(rows))[0] == "g"
    assert server.seen[0][1] == "/model_group/info?model_group=g"


def test_orgs_delete_sends_a_delete_with_the_ids(proxy):
    server, session = proxy({"/organization/delete": (200, [{"organization_id": "o1"}])})
    _, app = run(orgs.DeleteOrg, ["o1"], session)
    assert server.seen[0][0::3] == ("DELETE", {"organization_ids": ["o1"]})
    assert app.stderr.getvalue() == "Deleted organization o1\n"


def test_orgs_licence_refusal_is_an_auth_error(proxy):
    message = "Organizations are only available for LiteLLM Enterprise users."
    _, session = proxy({"/organization/list": (403, {"detail": {"error": message}})})
    with pytest.raises(exceptions.Forbidden) as error:
        run(orgs.ListOrg, [], session)
    assert str(error.value) == f"{message} (HTTP 403)"
    assert error.value.exit_code == exceptions.EXIT_AUTH


def test_orgs_member_add_body(proxy):
    server, session = proxy({"/organization/member_add": (200, {
        "organization_id": "o1", "updated_users": [{"user_id": "u1", "user_email": None}]})})
    result, _ = run(orgs.AddOrgMember, ["--organization-id", "o1", "--user-id", "u1",
                                        "--role", "org_admin",
                                        "--max-budget-in-organization", "5"], session)
    assert server.seen[0][3] == {"organization_id": "o1", "max_budget_in_organization": 5.0,
                                 "member": {"role": "org_admin", "user_id": "u1"}}
    assert shown(result)["user_id"] == "u1"
