"""The command options many commands share, each defined once.

An option is named by its dest (``"max_budget"`` is ``--max-budget``); its
type, placeholder and help live here, so ``keys``, ``users``, ``teams``,
``customers``, ``orgs`` and ``budgets`` cannot drift apart. Help texts name
what the command is about: ``{owner}`` ("the team") in a setting,
``{plural}`` ("teams") in a filter.

    add_options(parser, "the team", "alias", "models", "max_budget")
    add_filters(parser, "keys", "user_id", "team_id")

A keyword changes one option for one command: a text replaces its help
(``team_id=NEW_ID``), a dict updates its settings (``alias={"required": True}``).
"""

import argparse

from litellm_cli.utils import amount, duration, number, positive_int, valid_name

# The help of an id option on a command that creates the object.
NEW_ID = "the id to give {owner} (default: a new UUID)"
# The help of --models on a command that changes the object.
ANY_MODELS = "comma-separated models {owner} may call (an empty value: all)"
# The help of --duration.
EXPIRY = "{owner} expires this long from now: 30s, 15m, 24h, 7d, 1mo..."

_TEAM = dict(type=valid_name, metavar="TEAM_ID")
_USER = dict(type=valid_name, metavar="USER_ID")
_ORG = dict(type=valid_name, metavar="ORG_ID")

# What a create or update command can set on {owner}.
SETTINGS = {
    "alias": dict(type=valid_name, metavar="NAME", help="a display name"),
    "email": dict(type=valid_name, metavar="EMAIL", help="{owner}'s email (unique)"),
    "models": dict(metavar="MODEL[,MODEL...]",
                   help="comma-separated models {owner} may call (default: all)"),
    "max_budget": dict(type=amount, metavar="USD",
                       help="the most {owner} may spend; calls are refused beyond it"),
    "soft_budget": dict(type=amount, metavar="USD",
                        help="spend at which the proxy alerts, without refusing calls"),
    "budget_duration": dict(type=duration, metavar="DURATION",
                            help="reset the spend of {owner} this often: 30d, 7d, 24h, monthly..."),
    "tpm_limit": dict(type=positive_int, metavar="N", help="tokens per minute {owner} may use"),
    "rpm_limit": dict(type=positive_int, metavar="N",
                      help="requests per minute {owner} may send"),
    "max_parallel_requests": dict(type=positive_int, metavar="N",
                                  help="requests {owner} may have running at the same time"),
    "metadata": dict(metavar="JSON", help="a JSON object kept as the metadata of {owner}, "
                                          "replacing what it had (@FILE reads a file)"),
    "key_alias": dict(type=valid_name, metavar="ALIAS", help="a unique name for {owner}"),
    "duration": dict(type=duration, metavar="DURATION", help=EXPIRY),
    "team_id": dict(_TEAM, help="the team {owner} belongs to (must exist)"),
    "user_id": dict(_USER, help="the user {owner} belongs to"),
    "organization_id": dict(_ORG, help="the organization {owner} belongs to"),
    "budget_id": dict(type=valid_name, metavar="BUDGET_ID",
                      help="an existing budget to apply to {owner} (see 'budgets list')"),
}

# The limits a budget holds; budgets, customers and organizations take them.
BUDGET_FIELDS = ("max_budget", "soft_budget", "budget_duration", "tpm_limit", "rpm_limit",
                 "max_parallel_requests")

_OF_USER = dict(_USER, help="only {plural} of this user")
_OF_TEAM = dict(_TEAM, help="only {plural} of this team")

# What a list command can narrow its {plural} to (some say --user, some --user-id).
FILTERS = {
    "user_id": _OF_USER,
    "user": _OF_USER,
    "team_id": _OF_TEAM,
    "team": _OF_TEAM,
    "organization_id": dict(_ORG, help="only {plural} of this organization"),
    "key_alias": dict(type=valid_name, metavar="ALIAS", help="only {plural} with this alias"),
    "key_hash": dict(type=valid_name, metavar="HASH", help="only {plural} with this hash"),
}


def _add(parser, table, names, changes, words):
    for name in dict.fromkeys(names + tuple(changes)):
        settings = dict(table[name])
        change = changes.get(name, {})
        settings.update({"help": change} if isinstance(change, str) else change)
        settings["help"] = settings["help"].format(**words)
        parser.add_argument("--" + name.replace("_", "-"), **settings)


def add_options(parser, owner, *names, **changes):
    """Add the SETTINGS ``names`` (then those only in ``changes``) for
    ``owner``, e.g. "the team"."""
    _add(parser, SETTINGS, names, changes, {"owner": owner})


def add_filters(parser, plural, *names, **changes):
    """Add the FILTERS ``names`` (then those only in ``changes``) of a
    listing of ``plural``, e.g. "keys"."""
    _add(parser, FILTERS, names, changes, {"plural": plural})


def add_member_options(parser):
    """--user-id or --email: the user a team's or organization's member command is about."""
    who = parser.add_mutually_exclusive_group(required=True)
    add_options(who, "the member", user_id="the member's user id", email="the member's email")


def add_paging_options(parser, noun, proxy_default, maximum):
    """--page, --size and --all for a listing the proxy pages."""
    parser.add_argument("--page", type=positive_int, metavar="N",
                        help="page number, from 1 (with --all: the first page to read)")
    parser.add_argument("--size", type=number(1, maximum, int), metavar="N",
                        help=f"{noun} per page, at most {maximum} (proxy default "
                             f"{proxy_default}; with --all: {maximum})")
    parser.add_argument("--all", action="store_true",
                        help=f"read every page, printing {noun} as the pages arrive")


class StdinOnce(argparse.Action):
    """Stores a list of values of which at most one may be ``@-`` (stdin can
    be read once; the same option may look at what it read again)."""

    def __call__(self, parser, namespace, values, option_string=None):
        if values.count("@-") > 1:
            parser.error(f"{option_string or self.metavar}: @- (stdin) can be given once; "
                         "use @FILE for the others")
        setattr(namespace, self.dest, values)


class _Once(argparse.Action):
    """Stores the object a command acts on, given once in any of its spellings."""

    def __call__(self, parser, namespace, values, option_string=None):
        if values is self.default:  # an optional positional that was not given
            return
        if getattr(namespace, self.dest) is not None:
            parser.error(f"{option_string or self.metavar} names the {self.noun} a second "
                         f"time; give it once")
        setattr(namespace, self.dest, values)


def add_object(parser, dest, metavar, noun, help, *aliases, required=True):
    """The object a command acts on, named positionally (``teams update TEAM_ID``),
    as the OpenStack client does.

    ``aliases`` are the option spellings it had before (``--team-id``): still
    accepted, so no script breaks, but left out of the help. ``noun`` names
    the object in messages ("team"). Unless ``required``, the object may be
    left out (``teams create``: the proxy makes an id).
    """
    positional = parser.add_argument(dest, type=valid_name, metavar=metavar, help=help,
                                     action=_Once, nargs=None if required else "?")
    # argparse would insist on the positional even when an alias gave it.
    positional.required = False
    for action in [positional] + [
            parser.add_argument(alias, dest=dest, type=valid_name, metavar=metavar,
                                action=_Once, help=argparse.SUPPRESS) for alias in aliases]:
        action.noun = noun
    if required:
        parse = parser.parse_known_args

        def parse_known_args(args=None, namespace=None):
            parsed, extras = parse(args, namespace)
            if getattr(parsed, dest) is None:
                parser.error(f"the following arguments are required: {metavar}")
            return parsed, extras

        # argparse has no hook that runs once parsing is done.
        parser.parse_known_args = parse_known_args
