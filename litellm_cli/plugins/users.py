"""``litellm-proxy users ...``: list, inspect, create, change and delete internal users."""

from litellm_cli.api.users import PAGE_SIZE_MAX, ROLES
from litellm_cli.command import DeleteByIds, PagedLister, ShowById, ShowOne
from litellm_cli.display import listing, showing
from litellm_cli.arguments import ANY_MODELS, NEW_ID, add_filters, add_options
from litellm_cli.utils import request_body, required_changes, split_list, valid_name

LIST_COLUMNS = ("user_id", "user_email", "user_alias", "user_role", "teams", "spend",
                "max_budget", "key_count")
CREATE_COLUMNS = ("user_id", "user_email", "user_alias", "user_role", "teams", "max_budget",
                  "models")


class ListUser(PagedLister):
    """List internal users, one page or all of them"""

    client, noun, page_size, page_size_max = "users", "user", 25, PAGE_SIZE_MAX

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--role", choices=ROLES, help="only users with this role")
        parser.add_argument("--user-ids", type=valid_name, metavar="ID[,ID...]",
                            help="only these users (a single id also matches part of an id)")
        parser.add_argument("--email", type=valid_name, metavar="TEXT",
                            help="only users whose email contains TEXT (any case)")
        add_filters(parser, "users", "team")
        return parser

    def take_action(self, parsed_args):
        users = self.items(parsed_args, role=parsed_args.role, user_ids=parsed_args.user_ids,
                           user_email=parsed_args.email, team=parsed_args.team)
        return listing(parsed_args, LIST_COLUMNS, users)


class ShowUser(ShowById):
    """Show a user with its teams and keys"""

    client, noun, metavar = "users", "user", "USER_ID"
    id_option = True
    shown_secrets = ("keys",)  # the hashes of the user's keys

    def format(self, answer):
        """``/user/info``'s answer as one object: the user's fields, its team ids
        and the hashes of its keys."""
        user = dict(answer.get("user_info") or {})
        user["user_id"] = answer.get("user_id") or user.get("user_id")
        user["keys"] = [key.get("token") for key in answer.get("keys") or []]
        return user


class CreateUser(ShowOne):
    """Create an internal user"""

    shown_secrets = ("key",)  # the user's new key, with --create-key only

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_options(parser, "the user", "email")
        parser.add_argument("--role", choices=ROLES, metavar="ROLE",
                            help=f"the user's role: {', '.join(ROLES)} (proxy default: "
                                 "internal_user_viewer)")
        add_options(parser, "the user", "alias")
        parser.add_argument("--team", type=valid_name, action="append", default=[],
                            metavar="TEAM_ID",
                            help="a team to add the user to (must exist); repeat for more")
        add_options(parser, "the user", "max_budget", "models", user_id=NEW_ID)
        parser.add_argument("--create-key", action="store_true",
                            help="also create a key for the user and show it (only this once)")
        return parser

    def take_action(self, parsed_args):
        teams = [team for value in parsed_args.team for team in split_list(value)]
        body = {"auto_create_key": parsed_args.create_key}
        fields = {"user_email": parsed_args.email, "user_role": parsed_args.role,
                  "user_alias": parsed_args.alias, "max_budget": parsed_args.max_budget,
                  "user_id": parsed_args.user_id, "teams": teams or None,
                  "models": split_list(parsed_args.models) if parsed_args.models else None}
        body.update({name: value for name, value in fields.items() if value is not None})
        user = self.app.client_manager.users.create(body)
        if not parsed_args.create_key:
            user.pop("key", None)
        result = showing(user, parsed_args,
                         CREATE_COLUMNS + (("key",) if parsed_args.create_key else ()))
        missing = sorted(set(teams) - set(user.get("teams") or ()))
        if missing:
            self.fail_showing(parsed_args, *result,
                              f"user {user.get('user_id')} was created but not added to "
                              f"team(s) {', '.join(missing)}")
        return result


class UpdateUser(ShowOne):
    """Change a user's email, role, name, budget, models, limits or metadata

    Only what is given changes. The user must exist (the proxy itself would
    create an unknown user instead). --metadata is merged into the user's
    metadata (the fields given are set, the others kept); a field set to null
    ('{"field": null}') is removed.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("user_id", type=valid_name, metavar="USER_ID",
                            help="the user to change")
        add_options(parser, "the user", "email")
        parser.add_argument("--role", choices=ROLES, metavar="ROLE",
                            help=f"the user's role: {', '.join(ROLES)}")
        add_options(parser, "the user", "alias", "max_budget", "budget_duration", "models",
                    "tpm_limit", "rpm_limit", "metadata", models=ANY_MODELS)
        return parser

    def take_action(self, parsed_args):
        changes = required_changes(request_body(
            parsed_args, (("user_email", "email"), ("user_role", "role"), ("user_alias", "alias"),
                          "max_budget", "budget_duration", "tpm_limit", "rpm_limit"),
            lists=("models",), objects=("metadata",)))
        user = self.app.client_manager.users.update(parsed_args.user_id, changes)
        return showing(user, parsed_args, CREATE_COLUMNS)


class DeleteUser(DeleteByIds):
    """Delete users and their keys; each id is tried and reported"""

    client, noun, metavar = "users", "user", "USER_ID"
