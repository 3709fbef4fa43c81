"""``litellm-proxy teams ...``: list, inspect, create and delete teams; add and remove members."""

import functools

from litellm_cli.api.teams import TeamsAPI
from litellm_cli.command import DeleteCommand, Lister, ShowOne
from litellm_cli.display import listing, object_row, showing
from litellm_cli.utils import (amount, duration, parse_json, positive_int,
                               read_argument, split_list)

LIST_COLUMNS = ("team_id", "team_alias", "organization_id", "models", "max_budget", "spend",
                "blocked")
CREATE_COLUMNS = ("team_id", "team_alias", "organization_id", "models", "max_budget",
                  "budget_duration", "tpm_limit", "rpm_limit", "members_with_roles")
MEMBER_COLUMNS = ("team_id", "user_id", "user_email", "role", "max_budget_in_team")
MEMBER_ROLES = ("user", "admin")


def _format_team(answer):
    """``/team/info``'s answer as one object: the team's fields, its members'
    budgets and spend (``team_memberships``) and the hashes of its keys."""
    team = dict(answer.get("team_info") or {})
    team["team_memberships"] = answer.get("team_memberships") or []
    team["keys"] = [key.get("token") for key in answer.get("keys") or []]
    return team


def _add_member_options(parser):
    parser.add_argument("--team-id", required=True, metavar="TEAM_ID", help="the team")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--user-id", metavar="USER_ID", help="the member's user id")
    who.add_argument("--email", metavar="EMAIL", help="the member's email")


class ListTeam(Lister):
    """List teams"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--user-id", metavar="USER_ID", help="only teams this user is in")
        parser.add_argument("--organization-id", metavar="ORG_ID",
                            help="only teams of this organization")
        return parser

    def take_action(self, parsed_args):
        teams = TeamsAPI(self.session).list(user_id=parsed_args.user_id,
                                            organization_id=parsed_args.organization_id)
        return listing(parsed_args, LIST_COLUMNS, teams)


class ShowTeam(ShowOne):
    """Show a team with its members, limits and keys"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--id", required=True, metavar="TEAM_ID", help="the team's id")
        return parser

    def take_action(self, parsed_args):
        team = _format_team(TeamsAPI(self.session).get(parsed_args.id))
        return showing(team)


class CreateTeam(ShowOne):
    """Create a team"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--team-id", metavar="TEAM_ID",
                            help="the id to give the team (default: a new UUID)")
        parser.add_argument("--alias", metavar="NAME", help="the team's display name")
        parser.add_argument("--models", metavar="MODEL[,MODEL...]",
                            help="comma-separated models the team may call (default: all)")
        parser.add_argument("--max-budget", type=amount, metavar="USD",
                            help="the most the team may spend")
        parser.add_argument("--budget-duration", type=duration, metavar="DURATION",
                            help="reset the team's spend this often: 30d, 7d, 24h...")
        parser.add_argument("--tpm-limit", type=positive_int, metavar="N",
                            help="tokens per minute, for the whole team")
        parser.add_argument("--rpm-limit", type=positive_int, metavar="N",
                            help="requests per minute, for the whole team")
        parser.add_argument("--organization-id", metavar="ORG_ID",
                            help="the organization the team belongs to")
        parser.add_argument("--metadata", metavar="JSON",
                            help="a JSON object stored with the team (@FILE reads a file)")
        return parser

    def take_action(self, parsed_args):
        fields = {"team_id": parsed_args.team_id, "team_alias": parsed_args.alias,
                  "max_budget": parsed_args.max_budget,
                  "budget_duration": parsed_args.budget_duration,
                  "tpm_limit": parsed_args.tpm_limit, "rpm_limit": parsed_args.rpm_limit,
                  "organization_id": parsed_args.organization_id}
        body = {name: value for name, value in fields.items() if value is not None}
        if parsed_args.models is not None:
            body["models"] = split_list(parsed_args.models)
        if parsed_args.metadata is not None:
            body["metadata"] = parse_json(read_argument(parsed_args.metadata, "--metadata"),
                                          "--metadata", expect=dict)
        team = TeamsAPI(self.session).create(body)
        return showing(team, parsed_args, CREATE_COLUMNS)


class DeleteTeam(DeleteCommand):
    """Delete teams; each id is tried and reported"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("ids", nargs="+", metavar="TEAM_ID", help="the teams to delete")
        return parser

    def take_action(self, parsed_args):
        api = TeamsAPI(self.session)
        self.delete_all(parsed_args, [(f"team {team_id}", functools.partial(api.delete, team_id))
                                      for team_id in parsed_args.ids], "teams")


class AddTeamMember(ShowOne):
    """Add a user to a team"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_member_options(parser)
        parser.add_argument("--role", choices=MEMBER_ROLES, default="user",
                            help="the member's role in the team (default: user)")
        parser.add_argument("--max-budget-in-team", type=amount, metavar="USD",
                            help="the most this member may spend within the team")
        return parser

    def take_action(self, parsed_args):
        member = {"role": parsed_args.role}
        if parsed_args.user_id:
            member["user_id"] = parsed_args.user_id
        else:
            member["user_email"] = parsed_args.email
        team = TeamsAPI(self.session).add_member(parsed_args.team_id, member,
                                                 parsed_args.max_budget_in_team)
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
        TeamsAPI(self.session).remove_member(parsed_args.team_id, user_id=parsed_args.user_id,
                                             user_email=parsed_args.email)
        self.warn(f"Removed {parsed_args.user_id or parsed_args.email} "
                  f"from team {parsed_args.team_id}")
