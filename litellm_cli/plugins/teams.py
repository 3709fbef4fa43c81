"""``litellm-proxy teams ...``: list, inspect, create, change, block and delete
teams; add, change and remove members; move a key into a team."""

import functools

from litellm_cli import exceptions, resolve
from litellm_cli.command import Command, DeleteByIds, DeleteCommand, Lister, ShowById, ShowOne
from litellm_cli.display import listing, object_row, showing
from litellm_cli.arguments import (NEW_ID, add_filters, add_member_options, add_object,
                                   add_options)
from litellm_cli.utils import (amount, delete_each, member_body, read_key, request_body,
                               required_changes, valid_name)

LIST_COLUMNS = ("team_id", "team_alias", "organization_id", "models", "max_budget", "spend",
                "blocked")
CREATE_COLUMNS = ("team_id", "team_alias", "organization_id", "models", "max_budget",
                  "budget_duration", "tpm_limit", "rpm_limit", "members_with_roles")
MEMBER_COLUMNS = ("team_id", "user_id", "user_email", "role", "max_budget_in_team")
MEMBER_ROLES = ("user", "admin")
INFO_COLUMNS = ("user_id", "user_email", "role", "spend", "max_budget_in_team",
                "budget_duration", "tpm_limit", "rpm_limit")
MEMBER_UPDATE_COLUMNS = ("team_id", "user_id", "user_email", "max_budget_in_team",
                         "budget_duration", "tpm_limit", "rpm_limit", "allowed_models")
# The help of a team named on the command line (see litellm_cli.resolve).
_TEAM_NAME = "the team: its id, or an alias only it has"


def _add_member_options(parser, role=None):
    """TEAM_ID and the member; with ``role`` (--role's settings), also
    --role and --max-budget-in-team."""
    add_object(parser, "team_id", "TEAM_ID", "team", _TEAM_NAME, "--team-id")
    add_member_options(parser)
    if role is not None:
        parser.add_argument("--role", choices=MEMBER_ROLES, **role)
        parser.add_argument("--max-budget-in-team", type=amount, metavar="USD",
                            help="the most this member may spend within the team")


class ListTeam(Lister):
    """List teams"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_filters(parser, "teams", "user_id", "organization_id")
        return parser

    def take_action(self, parsed_args):
        teams = self.app.client_manager.teams.list(
            user_id=parsed_args.user_id, organization_id=parsed_args.organization_id)
        return listing(parsed_args, LIST_COLUMNS, teams)


class ShowTeam(ShowById):
    """Show a team with its members, limits and keys"""

    client, noun, metavar = "teams", "team", "TEAM_ID"
    id_help = _TEAM_NAME

    def find(self, name):
        return resolve.team(self.api, name)
    shown_secrets = ("keys",)  # the hashes of the team's keys

    def format(self, answer):
        """``/team/info``'s answer as one object: the team's fields, its members'
        budgets and spend (``team_memberships``) and the hashes of its keys."""
        team = dict(answer.get("team_info") or {})
        team["team_memberships"] = answer.get("team_memberships") or []
        team["keys"] = [key.get("token") for key in answer.get("keys") or []]
        return team


class _SaveTeam(ShowOne):
    """What ``teams create`` and ``teams update`` share: the team's settings.
    ``add_team_id`` declares how the team is named."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        self.add_team_id(parser)
        add_options(parser, "the team", "alias", "models", "max_budget", "budget_duration",
                    "tpm_limit", "rpm_limit", "organization_id", "metadata")
        return parser

    def settings(self, parsed_args):
        """The request body for the settings options that were given."""
        return request_body(parsed_args, (("team_alias", "alias"), "max_budget",
                                          "budget_duration", "tpm_limit", "rpm_limit",
                                          "organization_id"),
                            lists=("models",), objects=("metadata",))


class CreateTeam(_SaveTeam):
    """Create a team"""

    def add_team_id(self, parser):
        add_object(parser, "team_id", "TEAM_ID", "team", NEW_ID.format(owner="the team"),
                   "--team-id", required=False)

    def take_action(self, parsed_args):
        body = self.settings(parsed_args)
        if parsed_args.team_id is not None:
            body["team_id"] = parsed_args.team_id
        team = self.app.client_manager.teams.create(body)
        return showing(team, parsed_args, CREATE_COLUMNS)


class UpdateTeam(_SaveTeam):
    """Change a team's name, models, budget, limits or metadata; only what is given

    --metadata is merged into the team's metadata (the fields given are set,
    the others kept, such as the owner a state file marked the team with); a
    field set to null ('{"field": null}') is removed.
    """

    def add_team_id(self, parser):
        parser.add_argument("team_id", type=valid_name, metavar="TEAM_ID",
                            help=_TEAM_NAME)

    def take_action(self, parsed_args):
        changes = required_changes(self.settings(parsed_args))
        api = self.app.client_manager.teams
        team = api.update(resolve.team_id(api, parsed_args.team_id), changes)
        return showing(team, parsed_args, CREATE_COLUMNS)


# /team/block and /team/unblock change the database only; each proxy instance
# keeps checking keys against its cached team (general_settings:
# user_api_key_cache_ttl, 60 s by default) until the cache entry expires.
TEAM_CACHE = ("the proxy checks keys against its cached copy of a team, so this takes effect "
              "within about 1-2 minutes (its general_settings.user_api_key_cache_ttl, 60 s by "
              "default)")


class _SetTeamBlocked(Command):
    blocked = True
    #: What the keys of the teams do meanwhile.
    meanwhile = "keys of the team may keep working until then"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        verb = "block" if self.blocked else "unblock"
        parser.add_argument("ids", type=valid_name, nargs="+", metavar="TEAM_ID",
                            help=f"the teams to {verb} (ids, or aliases only one team has)")
        return parser

    def take_action(self, parsed_args):
        api = self.app.client_manager.teams
        call = api.block if self.blocked else api.unblock
        verb = "block" if self.blocked else "unblock"
        changed = []

        def change(name):
            call(resolve.team_id(api, name))
            changed.append(name)

        try:
            delete_each([(f"team {name}", functools.partial(change, name))
                        for name in parsed_args.ids], self.warn, "teams", verb,
                        f"{verb.title()}ed")
        finally:
            if changed:
                self.warn(f"Note: {TEAM_CACHE}; {self.meanwhile}.")


class BlockTeam(_SetTeamBlocked):
    """Block teams: the proxy refuses calls made with any of their keys until unblocked

    The proxy keeps accepting the team's keys until its cached copy of the
    team expires: about 1-2 minutes (general_settings.user_api_key_cache_ttl,
    60 s by default). A note on stderr says so.
    """


class UnblockTeam(_SetTeamBlocked):
    """Unblock teams, so their keys work again

    Like blocking, this takes effect once the proxy's cached copy of the team
    expires: about 1-2 minutes; a note on stderr says so.
    """

    blocked = False
    meanwhile = "keys of the team may stay refused until then"


class DeleteTeam(DeleteByIds):
    """Delete teams; each id is tried and reported"""

    client, noun, metavar = "teams", "team", "TEAM_ID"
    ids_help = "the teams to delete (ids, or aliases only one team has)"

    def delete_one(self, ident):
        self.api.delete(resolve.team_id(self.api, ident))


class AddTeamMember(ShowOne):
    """Add a user to a team"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_member_options(parser, {"default": "user",
                                     "help": "the member's role in the team (default: user)"})
        return parser

    def take_action(self, parsed_args):
        api = self.app.client_manager.teams
        team = api.add_member(resolve.team_id(api, parsed_args.team_id),
                              member_body(parsed_args), parsed_args.max_budget_in_team)
        user = (team.get("updated_users") or [{}])[0]
        added = {"team_id": team.get("team_id"), "user_id": user.get("user_id"),
                 "user_email": user.get("user_email"), "role": parsed_args.role,
                 "max_budget_in_team": parsed_args.max_budget_in_team}
        return MEMBER_COLUMNS, object_row(added, MEMBER_COLUMNS)


class RemoveTeamMember(DeleteCommand):
    """Remove a user from a team"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_member_options(parser)
        return parser

    def take_action(self, parsed_args):
        who = parsed_args.user_id or parsed_args.email
        self.confirm(parsed_args, f"the membership of {who} in team {parsed_args.team_id}")
        api = self.app.client_manager.teams
        api.remove_member(resolve.team_id(api, parsed_args.team_id),
                          user_id=parsed_args.user_id, user_email=parsed_args.email)
        self.warn(f"Removed {parsed_args.user_id or parsed_args.email} "
                  f"from team {parsed_args.team_id}")


def _members(answer):
    """The members of a ``/team/info`` answer with their role, spend and budget in the team."""
    memberships = {m.get("user_id"): m for m in answer.get("team_memberships") or []}
    for member in (answer.get("team_info") or {}).get("members_with_roles") or []:
        membership = memberships.get(member.get("user_id")) or {}
        budget = membership.get("litellm_budget_table") or {}
        yield {"user_id": member.get("user_id"), "user_email": member.get("user_email"),
               "role": member.get("role"), "spend": membership.get("spend"),
               "max_budget_in_team": budget.get("max_budget"),
               "budget_duration": budget.get("budget_duration"),
               "tpm_limit": budget.get("tpm_limit"), "rpm_limit": budget.get("rpm_limit")}


class ListTeamMember(Lister):
    """List a team's members with their role, spend and budget in the team"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("team_id", type=valid_name, metavar="TEAM_ID", help=_TEAM_NAME)
        return parser

    def take_action(self, parsed_args):
        members = _members(resolve.team(self.app.client_manager.teams, parsed_args.team_id))
        return INFO_COLUMNS, [object_row(member, INFO_COLUMNS) for member in members]


class UpdateTeamMember(ShowOne):
    """Change a member's role, budget or limits in a team

    The user must already be in the team (see `teams member add`). Making a
    member an admin is an Enterprise feature of the proxy: an unlicensed proxy
    refuses it (exit 4).
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_member_options(parser, {
            "help": "the member's role in the team (admin: Enterprise only)"})
        add_options(parser, "the member", "budget_duration", "tpm_limit", "rpm_limit")
        parser.add_argument("--allowed-models", metavar="MODEL[,MODEL...]",
                            help="comma-separated models this member may call in the team")
        return parser

    def take_action(self, parsed_args):
        changes = required_changes(request_body(
            parsed_args, ("role", "max_budget_in_team", "budget_duration", "tpm_limit",
                          "rpm_limit"), lists=("allowed_models",)))
        api = self.app.client_manager.teams
        team = resolve.team(api, parsed_args.team_id)
        # The proxy "updates" users who are not in the team, storing a budget for them.
        members = (team.get("team_info") or {}).get("members_with_roles") or []
        member = next((m for m in members if parsed_args.user_id in (None, m.get("user_id"))
                       and parsed_args.email in (None, m.get("user_email"))), None)
        if member is None:
            raise exceptions.NotFound(f"{parsed_args.user_id or parsed_args.email} is not a "
                                      f"member of team {parsed_args.team_id}")
        answer = api.update_member(team["team_id"], changes, user_id=parsed_args.user_id,
                                   user_email=parsed_args.email)
        columns = MEMBER_UPDATE_COLUMNS + ("role",)
        return columns, object_row({**answer, "role": parsed_args.role or member.get("role")},
                                   columns)


class ListAvailableTeam(Lister):
    """List the teams you may join yourself (the proxy's default_team_settings decide)"""

    def take_action(self, parsed_args):
        return listing(parsed_args, LIST_COLUMNS, self.app.client_manager.teams.available())


class AssignTeamKey(ShowOne):
    """Move a key into a team: the key then has the team's models and budget

    Without --key it moves the key this CLI uses (the configured API key).
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_object(parser, "team_id", "TEAM_ID", "team",
                   "the team to move the key into: its id, or an alias only it has",
                   "--team-id")
        parser.add_argument("--key", type=valid_name, metavar="KEY",
                            help="the key (sk-...), key hash or key alias to move (default: "
                                 "the key this CLI uses); @FILE or @- reads it from a file or "
                                 "stdin")
        return parser

    def take_action(self, parsed_args):
        keys = self.app.client_manager.keys
        key = (resolve.key(keys, read_key(parsed_args.key, "--key")) if parsed_args.key
               else self.session.api_key)
        if not key:
            raise exceptions.UsageError("no key to move: give --key, or configure an API key")
        found = resolve.team(self.app.client_manager.teams, parsed_args.team_id)
        team = found.get("team_info") or {}
        try:
            answer = keys.update(key, {"team_id": found["team_id"]})
        except exceptions.NotFound as exc:
            if parsed_args.key:
                raise
            # Most often the CLI runs with the master key, which is no virtual key.
            raise exc.recast(exceptions.NotFound,
                             "the key this CLI uses is not a virtual key on the proxy (the "
                             "master key cannot join a team); give --key") from None
        result = {"token": answer.get("token"), "key_name": answer.get("key_name"),
                  "key_alias": answer.get("key_alias"), "team_id": answer.get("team_id"),
                  "team_alias": team.get("team_alias"), "team_models": team.get("models")}
        return tuple(result), object_row(result, tuple(result))
