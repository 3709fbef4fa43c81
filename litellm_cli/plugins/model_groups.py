"""``litellm-proxy model-groups list``: the model names clients call, with
their mode, limits and prices."""

from litellm_cli.command import Lister
from litellm_cli.display import listing
from litellm_cli.utils import valid_name

COLUMNS = ("model_group", "providers", "mode", "max_input_tokens", "max_output_tokens",
           "input_cost_per_token", "output_cost_per_token", "tpm", "rpm")


class ListModelGroup(Lister):
    """List the model groups your key may call, with mode, limits and prices"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--model-group", type=valid_name, metavar="NAME",
                            help="only this model group")
        return parser

    def take_action(self, parsed_args):
        groups = self.app.client_manager.model_groups.list(parsed_args.model_group)
        return listing(parsed_args, COLUMNS, groups)
