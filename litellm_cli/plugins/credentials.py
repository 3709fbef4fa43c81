"""``litellm-proxy credentials ...``: named provider credentials that models can use."""

from litellm_cli import exceptions
from litellm_cli.api.credentials import CredentialsAPI
from litellm_cli.command import DeleteCommand, Lister, ShowOne
from litellm_cli.redact import MASK
from litellm_cli.display import JSONColumn
from litellm_cli.utils import parse_json, read_argument

CREDENTIAL_COLUMNS = ("credential_name", "custom_llm_provider", "display_name", "source",
                      "credential_info", "credential_values")


def _provider(credential):
    return (credential.get("credential_info") or {}).get("custom_llm_provider")


def _format_credential(credential):
    """One credential for display; its values arrive masked by the proxy."""
    return (
        credential.get("credential_name"),
        _provider(credential),
        credential.get("display_name"),
        credential.get("source"),
        JSONColumn(credential.get("credential_info") or {}),
        JSONColumn(credential.get("credential_values") or {}),
    )


def _add_name(parser):
    parser.add_argument("credential_name", metavar="CREDENTIAL_NAME",
                        help="the credential's name")
    return parser


class ListCredential(Lister):
    """List the credentials stored on the proxy"""

    def take_action(self, parsed_args):
        credentials = CredentialsAPI(self.session).list()
        rows = [(c.get("credential_name"), _provider(c)) for c in credentials]
        # The names the spec gives the table; -c credential_name still works.
        return ("Credential Name", "Custom LLM Provider"), rows


class CreateCredential(ShowOne):
    """Store a named credential (API key, base URL...) for models to use"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("credential_name", metavar="CREDENTIAL_NAME",
                            help="name models refer to (litellm_credential_name)")
        parser.add_argument(
            "--info", metavar="JSON", default="{}",
            help='JSON object describing the credential, e.g. '
                 '\'{"custom_llm_provider": "azure"}\' (default {})')
        parser.add_argument(
            "--values", metavar="JSON", required=True,
            help='JSON object of secret values, e.g. \'{"api_key": "...", "api_base": "..."}\'; '
                 "@FILE or @- reads it from a file or stdin, keeping it out of shell history")
        return parser

    def take_action(self, parsed_args):
        info = parse_json(parsed_args.info, "--info", expect=dict)
        values = parse_json(read_argument(parsed_args.values, "--values"), "--values",
                            expect=dict)
        if not values:
            raise exceptions.UsageError("--values must hold at least one value")
        CredentialsAPI(self.session).create(parsed_args.credential_name, values, info)
        # Show which values were stored, never the values themselves.
        return CREDENTIAL_COLUMNS, _format_credential({
            "credential_name": parsed_args.credential_name, "credential_info": info,
            "credential_values": {name: MASK for name in values}, "source": "db"})


class ShowCredential(ShowOne):
    """Show one credential, its secret values masked"""

    def get_parser(self, prog_name):
        return _add_name(super().get_parser(prog_name))

    def take_action(self, parsed_args):
        credential = CredentialsAPI(self.session).get(parsed_args.credential_name)
        return CREDENTIAL_COLUMNS, _format_credential(credential)


class DeleteCredential(DeleteCommand):
    """Delete a credential from the proxy"""

    def get_parser(self, prog_name):
        return _add_name(super().get_parser(prog_name))

    def take_action(self, parsed_args):
        self.confirm(parsed_args, f"credential {parsed_args.credential_name!r}")
        CredentialsAPI(self.session).delete(parsed_args.credential_name)
        self.warn(f"Deleted credential {parsed_args.credential_name}")
