"""``litellm-proxy orgs ...``: organizations (LiteLLM Enterprise): list, create,
delete, add members."""


from litellm_cli.command import DeleteByIds, Lister, ShowOne
from litellm_cli.display import listing, object_row, showing
from litellm_cli.arguments import (BUDGET_FIELDS, NEW_ID, add_filters, add_member_options,
                                   add_object, add_options)
from litellm_cli.utils import amount, member_body, request_body, valid_name

COLUMNS = ("organization_id", "organization_alias", "models", "budget_id", "spend", "teams")
MEMBER_COLUMNS = ("organization_id", "user_id", "user_email", "role",
                  "max_budget_in_organization")
MEMBER_ROLES = ("org_admin", "internal_user", "internal_user_view_only")

ENTERPRISE = """\
Organizations are a LiteLLM Enterprise feature from LiteLLM 1.102: a proxy without a licence
refuses these commands with its licence message (HTTP 403, exit code 4; for delete of several
ids, which reports each, exit code 1). Older releases serve them without a licence."""


def _format_org(org):
    """The organization, with its teams as ids (the proxy sends whole teams)."""
    return {**org, "teams": [team.get("team_id") for team in org.get("teams") or []]}


class ListOrg(Lister):
    """List organizations (LiteLLM Enterprise)"""

    _epilog = ENTERPRISE

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_filters(parser, "organizations", organization_id="only the organization with this id")
        parser.add_argument("--alias", type=valid_name, metavar="TEXT",
                            help="only organizations whose alias contains this (any case)")
        return parser

    def take_action(self, parsed_args):
        orgs = self.app.client_manager.orgs.list(organization_id=parsed_args.organization_id,
                                          alias=parsed_args.alias)
        return listing(parsed_args, COLUMNS, map(_format_org, orgs))


class CreateOrg(ShowOne):
    """Create an organization (LiteLLM Enterprise)"""

    _epilog = ENTERPRISE

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_object(parser, "organization_id", "ORG_ID", "organization",
                   NEW_ID.format(owner="the organization"), "--organization-id", required=False)
        add_options(parser, "the organization", "alias", "models", "budget_id", *BUDGET_FIELDS,
                    "metadata", alias={"required": True, "help": "the organization's name"})
        return parser

    def take_action(self, parsed_args):
        body = request_body(parsed_args, ("organization_id", "budget_id") + BUDGET_FIELDS,
                            lists=("models",), objects=("metadata",))
        body["organization_alias"] = parsed_args.alias
        org = self.app.client_manager.orgs.create(body)
        return showing(_format_org(org), parsed_args, COLUMNS)


class DeleteOrg(DeleteByIds):
    """Delete organizations (LiteLLM Enterprise); each id is tried and reported"""

    _epilog = ENTERPRISE

    client, noun, metavar = "orgs", "organization", "ORG_ID"


class AddOrgMember(ShowOne):
    """Add a user to an organization (LiteLLM Enterprise)"""

    _epilog = ENTERPRISE

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_object(parser, "organization_id", "ORG_ID", "organization", "the organization",
                   "--organization-id")
        add_member_options(parser)
        parser.add_argument("--role", choices=MEMBER_ROLES, default="internal_user",
                            help="the member's role in the organization (default: "
                                 "internal_user)")
        parser.add_argument("--max-budget-in-organization", type=amount, metavar="USD",
                            help="the most this member may spend within the organization")
        return parser

    def take_action(self, parsed_args):
        answer = self.app.client_manager.orgs.add_member(
            parsed_args.organization_id, member_body(parsed_args),
            parsed_args.max_budget_in_organization)
        user = (answer.get("updated_users") or [{}])[0]
        added = {"organization_id": parsed_args.organization_id,
                 "user_id": user.get("user_id") or parsed_args.user_id,
                 "user_email": user.get("user_email") or parsed_args.email,
                 "role": parsed_args.role,
                 "max_budget_in_organization": parsed_args.max_budget_in_organization}
        return MEMBER_COLUMNS, object_row(added, MEMBER_COLUMNS)
