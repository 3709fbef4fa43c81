"""``litellm-proxy audit``: what is risky on a proxy (or in a state file)."""

from litellm_cli import exceptions
from litellm_cli.command import Lister

COLUMNS = ("severity", "rule", "kind", "object", "problem", "fix")
RULE_COLUMNS = ("rule", "kind", "severity", "explanation")

EPILOG = """\
Reads every key, user, team, model, credential, budget and customer of the proxy (or, given
FILE, judges that state file offline: top-level keys, teams, users, model_list,
credential_list, budgets, customers, in the proxy's own field names; - reads stdin) and
prints one row per finding. Keys are named by alias and hash, never by their secret.

Exit 0 when nothing at or above --fail-on was found, 1 otherwise; 2 for a bad rules file.

A rules file (YAML) turns rules off, changes severities and settings, and names
exceptions (by alias or id, with a reason); an unknown rule or setting is an error:

  rules:
    key-no-alias: off
    key-unused: error
  settings:
    max_key_lifetime: 90d
    unused_after: 30d
  exceptions:
    - {rule: key-no-budget, object: ci-bot, reason: "capped by its team"}"""


def _read_document(path, option):
    from litellm_cli.utils import parse_yaml, read_argument

    return parse_yaml(read_argument("@" + path, option), "<stdin>" if path == "-" else path)


class Audit(Lister):
    """Find risky keys, users, teams, models, credentials, budgets and customers"""

    _epilog = EPILOG
    empty_noun = "findings"

    def get_parser(self, prog_name):
        from litellm_cli.api.audit import SEVERITIES

        parser = super().get_parser(prog_name)
        parser.add_argument("state_file", nargs="?", metavar="FILE",
                            help="judge this state file offline instead of the proxy "
                                 "(- reads stdin)")
        parser.add_argument("--rules", metavar="FILE",
                            help="a YAML file that turns rules off, changes severities, "
                                 "settings and names exceptions (see below)")
        parser.add_argument("--fail-on", choices=SEVERITIES, default="warning",
                            metavar="LEVEL",
                            help=f"exit 1 when a finding is at or above LEVEL: "
                                 f"{', '.join(SEVERITIES)} (default: warning)")
        parser.add_argument("--list-rules", action="store_true",
                            help="list the rules (with the rules file's severities) and exit")
        return parser

    def take_action(self, parsed_args):
        from litellm_cli.api import audit
        from litellm_cli.api.keys import hash_key

        try:
            policy = audit.Policy()
            if parsed_args.rules:
                policy = audit.Policy.from_document(
                    _read_document(parsed_args.rules, "--rules"), parsed_args.rules)
            if parsed_args.list_rules:
                return RULE_COLUMNS, [(rule.id, rule.kind, policy.severities[rule.id] or "off",
                                       rule.explanation) for rule in audit.RULES.values()]
            if parsed_args.state_file:
                state = audit.check_state(_read_document(parsed_args.state_file, "FILE"),
                                          parsed_args.state_file)
                findings = audit.audit(state, policy, offline=True)
            else:
                master = self.session.api_key and hash_key(self.session.api_key)
                findings = audit.audit(audit.read_state(self.session), policy,
                                       master_token=master)
        except audit.PolicyError as exc:
            raise exceptions.UsageError(str(exc)) from None
        rows = [tuple(finding[column] for column in COLUMNS) for finding in findings]
        level = audit.SEVERITIES.index(parsed_args.fail_on)
        failing = sum(audit.SEVERITIES.index(f["severity"]) >= level for f in findings)
        if failing:
            self.fail_showing(parsed_args, COLUMNS, rows,
                              f"{failing} finding(s) at or above {parsed_args.fail_on}")
        return COLUMNS, rows
