"""``litellm-proxy credentials ...``: named provider credentials that models can use."""

from litellm_cli import exceptions
from litellm_cli.command import DeleteCommand, Lister, ShowOne
from litellm_cli.redact import MASK
from litellm_cli.display import JSONColumn
from litellm_cli.utils import parse_json, read_argument, valid_name

# credential_values is shown field by field: its secret-named values are
# masked, the rest (api_base...) is not.
SHOWN = ("credential_values",)
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


def _add_name(parser, help="the credential's name"):
    parser.add_argument("credential_name", type=valid_name, metavar="CREDENTIAL_NAME", help=help)
    return parser


class ListCredential(Lister):
    """List the credentials stored on the proxy"""

    def take_action(self, parsed_args):
        credentials = self.app.client_manager.credentials.list()
        rows = [(c.get("credential_name"), _provider(c)) for c in credentials]
        return ("credential_name", "custom_llm_provider"), rows


class CreateCredential(ShowOne):
    """Store a named credential (API key, base URL...) for models to use"""

    shown_secrets = SHOWN

    def get_parser(self, prog_name):
        parser = _add_name(super().get_parser(prog_name),
                           "name models refer to (litellm_credential_name)")
        parser.add_argument(
            "--info", metavar="JSON", default="{}",
            help='JSON object describing the credential, e.g. '
                 '\'{"custom_llm_provider": "azure"}\' (default {}); @FILE or @- reads it '
                 "from a file or stdin")
        parser.add_argument(
            "--values", metavar="JSON", required=True,
            help='JSON object of secret values, e.g. \'{"api_key": "...", "api_base": "..."}\'; '
                 "@FILE or @- reads it from a file or stdin, keeping it out of shell history")
        return parser

    def take_action(self, parsed_args):
        if parsed_args.info == parsed_args.values == "@-":
            raise exceptions.UsageError("--info and --values cannot both read stdin (@-)")
        info = parse_json(read_argument(parsed_args.info, "--info"), "--info", expect=dict)
        values = parse_json(read_argument(parsed_args.values, "--values"), "--values",
                            expect=dict)
        if not values:
            raise exceptions.UsageError("--values must hold at least one value")
        self.app.client_manager.credentials.create(parsed_args.credential_name, values, info)
        # Show which values were stored, never the values themselves.
        return CREDENTIAL_COLUMNS, _format_credential({
            "credential_name": parsed_args.credential_name, "credential_info": info,
            "credential_values": {name: MASK for name in values}, "source": "db"})


class ShowCredential(ShowOne):
    """Show one credential, its secret values masked"""

    shown_secrets = SHOWN

    def get_parser(self, prog_name):
        return _add_name(super().get_parser(prog_name))

    def take_action(self, parsed_args):
        credential = self.app.client_manager.credentials.get(parsed_args.credential_name)
        return CREDENTIAL_COLUMNS, _format_credential(credential)


class UpdateCredential(ShowOne):
    """Change a credential's display name, info or secret values; the name stays

    --info and --values are merged into what is stored: values not named stay
    as they are; --remove-value drops one.
    """

    shown_secrets = SHOWN
    _epilog = """\
The labels and --remove-value need LiteLLM >= 1.106: older releases answer
success and ignore them. The credential is read back after the update, and
what the proxy did not apply fails the command (exit 1), naming its release.
Before LiteLLM 1.85 the proxy serves an update after its next database sync
(within 30s): the command says so when the read-back does not show it yet."""

    def get_parser(self, prog_name):
        parser = _add_name(super().get_parser(prog_name))
        label = parser.add_mutually_exclusive_group()
        label.add_argument("--display-name", metavar="TEXT",
                           help="a new label shown in the proxy's UI")
        label.add_argument("--clear-display-name", action="store_true",
                           help="remove the label (the UI then shows the name)")
        parser.add_argument("--info", metavar="JSON",
                            help="JSON object of info fields to set, e.g. "
                                 '\'{"custom_llm_provider": "azure"}\'')
        parser.add_argument(
            "--values", metavar="JSON",
            help='JSON object of secret values to set, e.g. \'{"api_key": "..."}\'; '
                 "@FILE or @- reads it from a file or stdin, keeping it out of shell history")
        parser.add_argument("--remove-value", action="append", default=[], metavar="NAME",
                            help="drop this secret value; repeat for more")
        return parser

    def take_action(self, parsed_args):
        from litellm_cli import versions
        from litellm_cli.api.credentials import UNCHANGED, UPDATE_SHOWN_FROM, not_shown, unapplied

        info = (parse_json(parsed_args.info, "--info", expect=dict)
                if parsed_args.info is not None else {})
        values = (parse_json(read_argument(parsed_args.values, "--values"), "--values",
                             expect=dict) if parsed_args.values is not None else {})
        display_name = (None if parsed_args.clear_display_name
                        else parsed_args.display_name if parsed_args.display_name is not None
                        else UNCHANGED)
        if not (info or values or parsed_args.remove_value or display_name is not UNCHANGED):
            raise exceptions.UsageError("nothing to change: give at least one setting")
        api = self.app.client_manager.credentials
        if info:
            # The proxy replaces the stored info rather than merging it.
            info = {**(api.get(parsed_args.credential_name).get("credential_info") or {}),
                    **info}
        api.update(parsed_args.credential_name, values, info, display_name,
                   parsed_args.remove_value)
        credential = api.get(parsed_args.credential_name)
        result = CREDENTIAL_COLUMNS, _format_credential(credential)
        pending = not_shown(credential, values, info)
        if pending and not versions.at_least(api.session, UPDATE_SHOWN_FROM):
            self.warn(f"this proxy ({versions.describe(api.session)}) stored the update; it shows "
                      f"and serves {', '.join(pending)} only after its next database sync "
                      "(within 30s)")
        missed = unapplied(credential, display_name, parsed_args.remove_value)
        if missed:
            self.fail_showing(parsed_args, *result,
                              versions.not_applied(api.session, "; ".join(missed)))
        return result


class DeleteCredential(DeleteCommand):
    """Delete a credential from the proxy"""

    def get_parser(self, prog_name):
        return _add_name(super().get_parser(prog_name))

    def take_action(self, parsed_args):
        self.confirm(parsed_args, f"credential {parsed_args.credential_name!r}")
        self.app.client_manager.credentials.delete(parsed_args.credential_name)
        self.warn(f"Deleted credential {parsed_args.credential_name}")
