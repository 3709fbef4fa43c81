"""``litellm-proxy health`` and ``litellm-proxy health models``: the proxy's own
health, and a check of each model deployment."""

from litellm_cli import exceptions
from litellm_cli.command import Lister, ShowOne
from litellm_cli.display import listing
from litellm_cli.utils import valid_name
from litellm_cli.versions import server_version

COLUMNS = ("url", "alive", "ready", "db", "cache", "litellm_version")
# The readiness "status" of a ready proxy. Up to LiteLLM 1.82 /health/readiness
# put its database check's status ("connected") over its own "healthy".
READY = ("healthy", "connected")
MODEL_COLUMNS = ("status", "model", "model_id", "api_base", "error")

HEALTH_EPILOG = """\
Reads /health/liveliness and /health/readiness/details (or /health/readiness when the key may
not read the details); calls no model. Exit code 1 when the proxy is not alive or not ready.
To check the model deployments too, run '%(prog)s models'."""

MODELS_EPILOG = """\
This is not free: the proxy sends a real request to every deployment it checks, so each check
is billed by the model's provider and may take as long as the slowest upstream. Narrow it
with --model or --model-id. Exit code 1 when any deployment is unhealthy."""


def _first_line(text):
    return str(text).strip().splitlines()[0] if text else None


def _row(status, endpoint, parsed_args):
    """One deployment's result, the same columns first in every row; tables
    show only the first line of an error (the proxy may send a whole traceback)."""
    row = {"status": status, **{column: endpoint.get(column) for column in MODEL_COLUMNS[1:]},
           **endpoint}
    if parsed_args.formatter not in ("json", "yaml"):
        row["error"] = _first_line(row["error"])
    return row


class ShowHealth(ShowOne):
    """Show whether the proxy is alive and ready (database, cache) and its version"""

    _epilog = HEALTH_EPILOG

    def take_action(self, parsed_args):
        api = self.app.client_manager.health
        alive_status, alive = api.liveliness()
        ready_status, ready = api.readiness()
        ready = ready if isinstance(ready, dict) else {"status": _first_line(ready)}
        view = {"url": self.session.base_url,
                "alive": alive_status == 200,
                "ready": ready_status == 200 and ready.get("status") in READY,
                "db": ready.get("db"),
                "cache": ready.get("cache"),
                "litellm_version": ready.get("litellm_version") or server_version(self.session)}
        values = tuple(view[column] for column in COLUMNS)
        if not view["alive"]:
            problem = f"the proxy is not alive: {_first_line(alive)} (HTTP {alive_status})"
        elif not view["ready"]:
            # A 503 can say "healthy" with the database down, or carry only a detail.
            reason = ready.get("detail") or (
                f"database {view['db']}" if ready.get("status") == "healthy"
                else ready.get("status"))
            problem = f"the proxy is not ready: {_first_line(reason)} (HTTP {ready_status})"
        else:
            return COLUMNS, values
        self.fail_showing(parsed_args, COLUMNS, values, problem)


class ListModelHealth(Lister):
    """Check each model deployment by calling it (may cost money)"""

    _epilog = MODELS_EPILOG

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--model", type=valid_name, metavar="NAME",
                           help="only the deployments of this model name")
        which.add_argument("--model-id", type=valid_name, metavar="ID",
                           help="only this deployment")
        return parser

    def take_action(self, parsed_args):
        self.warn("Note: checking deployments sends a real request to each upstream model; "
                  "this may be billed.")
        answer = self.app.client_manager.health.models(model=parsed_args.model,
                                                       model_id=parsed_args.model_id)
        healthy = answer.get("healthy_endpoints") or []
        unhealthy = answer.get("unhealthy_endpoints") or []
        if not healthy and not unhealthy and (parsed_args.model or parsed_args.model_id):
            raise exceptions.NotFound(
                f"no deployment {parsed_args.model or parsed_args.model_id!r} on the proxy")
        rows = [_row("healthy", endpoint, parsed_args) for endpoint in healthy]
        rows += [_row("unhealthy", endpoint, parsed_args) for endpoint in unhealthy]
        columns, data = listing(parsed_args, MODEL_COLUMNS, rows)
        if unhealthy:
            self.fail_showing(parsed_args, columns, data,
                              f"{len(unhealthy)} of {len(rows)} deployments are unhealthy")
        return columns, data
