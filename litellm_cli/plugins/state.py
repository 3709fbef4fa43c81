"""``litellm-proxy state ...``: the whole proxy as one file (the engine is
litellm_cli.api.state). Today: ``state validate``, offline."""

from litellm_cli import exceptions
from litellm_cli.command import Lister

COLUMNS = ("level", "kind", "object", "field", "problem")
# How much of an object's name a row shows (names come from the file, and may be huge).
NAME_CHARS = 100

VALIDATE_EPILOG = """\
FILE is one YAML mapping whose keys are kinds of objects, each a list of objects
written with the field names of the proxy's API: budgets (budget_id), teams
(team_id, with members: [{user_id, role, max_budget_in_team}]), users (user_id),
customers (user_id), credential_list (credential_name), model_list (as in the
proxy's config.yaml; model_info.id when given) and keys (key_alias; never the key
itself), and an optional owner. The proxy's settings sections (general_settings,
litellm_settings, router_settings, environment_variables...) are not checked, so a
proxy config.yaml is a state file.

Nothing is sent to the proxy. Each problem is a row: an error (an unknown field,
with the release that added it or the closest name; a wrong type; a missing or
repeated identity) or a note (a reference to an object the file does not give,
which must then exist on the proxy). os.environ/NAME is taken for any field of
litellm_params and credential_values, as the proxy reads it there. Exit 0 when the
file is valid (notes allowed: shown, with a summary on stderr), 2 when it is not."""


def _shortened(name):
    if isinstance(name, str) and len(name) > NAME_CHARS:
        return f"{name[:NAME_CHARS]}... ({len(name)} characters)"
    return name


class ValidateState(Lister):
    """Check a state file offline against the proxy's request models"""

    _epilog = VALIDATE_EPILOG

    def get_parser(self, prog_name):
        from litellm_cli.api.state import DEFAULT_RELEASE

        parser = super().get_parser(prog_name)
        parser.add_argument("state_file", metavar="FILE", help="the state file; - reads stdin")
        parser.add_argument("--litellm-version", metavar="VERSION", default=DEFAULT_RELEASE,
                            help=f"the LiteLLM release whose request models the file is "
                                 f"checked against (default {DEFAULT_RELEASE})")
        return parser

    def take_action(self, parsed_args):
        from litellm_cli.api.state import read_state, validate

        data = read_state(parsed_args.state_file, self.app.stdin)
        report = validate(data, parsed_args.litellm_version)
        source = "<stdin>" if parsed_args.state_file == "-" else parsed_args.state_file
        if report.ignored:
            self.warn(f"note: {source}: {', '.join(report.ignored)}: proxy settings, not "
                      "objects; not checked")
        rows = [(p.level, p.kind, _shortened(p.name), p.field, p.problem)
                for p in report.problems]
        errors = len(report.errors)
        notes = len(rows) - errors
        noted = f", {notes} note{'s' * (notes != 1)}" if notes else ""
        if errors:
            self.fail_showing(parsed_args, COLUMNS, rows, exceptions.UsageError(
                f"{source} is invalid: {errors} error{'s' * (errors != 1)}{noted} "
                f"(LiteLLM {parsed_args.litellm_version})"))
        objects = sum(report.objects.values())
        self.warn(f"valid: {objects} object{'s' * (objects != 1)} in {len(report.objects)} "
                  f"kind{'s' * (len(report.objects) != 1)}{noted} "
                  f"(LiteLLM {parsed_args.litellm_version})")
        return COLUMNS, rows

    def nothing_found(self):
        pass  # the summary line says it
