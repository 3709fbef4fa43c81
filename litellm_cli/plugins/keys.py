"""``litellm-proxy keys ...``: list, generate, inspect and delete virtual keys."""

import argparse
import functools

from litellm_cli import exceptions
from litellm_cli.api.keys import PAGE_SIZE_MAX, KeysAPI, hash_key, key_label
from litellm_cli.api.teams import TeamsAPI
from litellm_cli.command import DeleteCommand, Lister, ShowOne
from litellm_cli.display import listing, showing
from litellm_cli.utils import (add_paging_options, amount, duration, parse_json,
                               read_argument, read_key, read_keys, split_list)

LIST_COLUMNS = ("token", "key_name", "key_alias", "user_id", "team_id", "spend", "max_budget",
                "expires")
GENERATE_COLUMNS = ("key", "key_name", "token", "key_alias", "models", "max_budget", "expires",
                    "user_id", "team_id", "budget_id")


class ListKey(Lister):
    """List virtual keys, one page or all of them"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_paging_options(parser, "keys", 10, PAGE_SIZE_MAX)
        parser.add_argument("--user-id", metavar="USER_ID", help="only keys of this user")
        parser.add_argument("--team-id", metavar="TEAM_ID", help="only keys of this team")
        parser.add_argument("--organization-id", metavar="ORG_ID",
                            help="only keys of this organization")
        parser.add_argument("--key-hash", metavar="HASH", help="only the key with this hash")
        parser.add_argument("--key-alias", metavar="ALIAS", help="only keys with this alias")
        parser.add_argument(
            "--return-full-object", action=argparse.BooleanOptionalAction, default=True,
            help="fetch every field of each key (the default); with "
                 "--no-return-full-object the proxy sends only the key hashes")
        parser.add_argument("--include-team-keys", action="store_true",
                            help="also list the keys of teams the caller administers")
        return parser

    def take_action(self, parsed_args):
        api = KeysAPI(self.session)
        full = parsed_args.return_full_object
        filters = dict(user_id=parsed_args.user_id, team_id=parsed_args.team_id,
                       organization_id=parsed_args.organization_id,
                       key_hash=parsed_args.key_hash, key_alias=parsed_args.key_alias,
                       include_team_keys=parsed_args.include_team_keys)
        if parsed_args.all:
            keys = api.iter_all(first_page=parsed_args.page or 1,
                                size=parsed_args.size or PAGE_SIZE_MAX,
                                return_full_object=full, **filters)
        else:
            keys = api.list(page=parsed_args.page, size=parsed_args.size,
                            return_full_object=full, **filters).get("keys") or []
        if not full:
            return ("token",), ((token,) for token in keys)
        return listing(parsed_args, LIST_COLUMNS, keys)


class GenerateKey(ShowOne):
    """Create a virtual key; the new key is shown only this once"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--models", metavar="MODEL[,MODEL...]",
                            help="comma-separated models the key may call (default: all)")
        parser.add_argument("--aliases", metavar="JSON",
                            help='model aliases as a JSON object, e.g. \'{"fast": "gpt-4o"}\' '
                                 "(@FILE reads a file)")
        budget = parser.add_mutually_exclusive_group()
        budget.add_argument("--spend", dest="max_budget", type=amount, metavar="USD",
                            help="the most the key may spend in USD; calls are refused "
                                 "beyond it (sent as the proxy's max_budget)")
        budget.add_argument("--max-budget", dest="max_budget", type=amount, metavar="USD",
                            help="the same as --spend")
        parser.add_argument("--duration", type=duration, metavar="DURATION",
                            help="how long the key stays valid: 30s, 15m, 24h, 7d, 1mo... "
                                 "(default: no expiry)")
        parser.add_argument("--key-alias", metavar="ALIAS", help="a unique name for the key")
        parser.add_argument("--team-id", metavar="TEAM_ID",
                            help="the team the key belongs to (must exist)")
        parser.add_argument("--user-id", metavar="USER_ID", help="the user the key belongs to")
        parser.add_argument("--budget-id", metavar="BUDGET_ID",
                            help="a budget to apply to the key (must exist)")
        parser.add_argument("--config", metavar="JSON",
                            help="extra key settings as a JSON object (@FILE reads a file)")
        return parser

    def take_action(self, parsed_args):
        body = {}
        if parsed_args.models is not None:
            body["models"] = split_list(parsed_args.models)
        for option in ("aliases", "config"):
            value = getattr(parsed_args, option)
            if value is not None:
                body[option] = parse_json(read_argument(value, f"--{option}"), f"--{option}",
                                          expect=dict)
        for field in ("max_budget", "duration", "key_alias", "team_id", "user_id", "budget_id"):
            value = getattr(parsed_args, field)
            if value is not None:
                body[field] = value
        api = KeysAPI(self.session)
        # The proxy happily creates a key for a team that does not exist, and
        # fails with a bare 500 for an unknown budget: check both first.
        if parsed_args.team_id:
            TeamsAPI(self.session).get(parsed_args.team_id)
        if parsed_args.budget_id and not api.budget_exists(parsed_args.budget_id):
            raise exceptions.NotFound(f"Budget {parsed_args.budget_id!r} not found")
        key = api.generate(body)
        return showing(key, parsed_args, GENERATE_COLUMNS)


class ShowKey(ShowOne):
    """Show a key's settings, limits and spend"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--key", required=True, metavar="KEY",
                            help="the key (sk-...) or its hash, as `keys list` shows it; "
                                 "@FILE or @- reads it from a file or stdin")
        return parser

    def take_action(self, parsed_args):
        given = read_key(parsed_args.key, "--key")
        answer = KeysAPI(self.session).info(given)
        # The proxy echoes the key it was given; show its hash instead.
        key = {"token": hash_key(answer.get("key") or given), **answer["info"]}
        return showing(key)


class DeleteKey(DeleteCommand):
    """Delete keys by key, hash or alias; each is reported on its own"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--keys", metavar="KEY[,KEY...]",
                            help="comma-separated keys (sk-...) or key hashes; @FILE or @- "
                                 "reads them (commas or one per line) from a file or stdin")
        parser.add_argument("--key-aliases", metavar="ALIAS[,ALIAS...]",
                            help="comma-separated key aliases; deletes every key with each alias")
        return parser

    def take_action(self, parsed_args):
        keys = read_keys(parsed_args.keys, "--keys") if parsed_args.keys else []
        aliases = split_list(parsed_args.key_aliases)
        if not keys and not aliases:
            raise exceptions.UsageError("give at least one of --keys or --key-aliases")
        api = KeysAPI(self.session)
        # One call per key: the proxy reports unknown keys as deleted when
        # they come in a batch with known ones, and ignores the aliases when
        # keys are given too.
        targets = [(f"key {key_label(k)}", functools.partial(api.delete, k)) for k in keys]
        targets += [(f"key alias {a!r}", functools.partial(api.delete_alias, a))
                    for a in aliases]
        self.delete_all(parsed_args, targets, "keys")
