"""ACME's spend reports, from the proxy's /global/spend endpoints."""

from litellm_cli.command import Lister


class _SpendLister(Lister):
    path = None

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--limit", type=int, default=20, metavar="N",
                            help="how many rows to show, largest spend first (default 20)")
        return parser

    def fetch(self, parsed_args):
        return self.session.get_json(self.path, params={"limit": parsed_args.limit}) or []


class ListModelSpend(_SpendLister):
    """Show the total spend of each model"""

    path = "/global/spend/models"

    def take_action(self, parsed_args):
        rows = [(r.get("model"), r.get("total_spend")) for r in self.fetch(parsed_args)]
        return ("model", "total_spend"), rows


class ListKeySpend(_SpendLister):
    """Show the total spend of each key"""

    path = "/global/spend/keys"

    def take_action(self, parsed_args):
        rows = [(r.get("key_alias"), r.get("key_name"), r.get("api_key"), r.get("total_spend"))
                for r in self.fetch(parsed_args)]
        return ("key_alias", "key_name", "token", "total_spend"), rows
