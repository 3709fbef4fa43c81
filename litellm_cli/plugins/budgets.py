"""``litellm-proxy budgets ...``: list, create, update and delete budgets."""

from litellm_cli.command import DeleteByIds, Lister, ShowOne
from litellm_cli.display import listing, showing
from litellm_cli.arguments import BUDGET_FIELDS, NEW_ID, add_object, add_options
from litellm_cli.utils import request_body

COLUMNS = ("budget_id", "max_budget", "soft_budget", "budget_duration", "budget_reset_at",
           "tpm_limit", "rpm_limit", "max_parallel_requests")

EPILOG = """\
A budget is a set of limits kept under one id; keys (keys generate --budget-id), customers
(customers create --budget-id) and organizations point at it, and share its limits."""


def _add_options(parser):
    add_options(parser, "its holders", *BUDGET_FIELDS)
    parser.add_argument("--model-max-budget", metavar="JSON",
                        help='limits per model as a JSON object, e.g. \'{"gpt-4o": '
                             '{"max_budget": 10, "budget_duration": "1d"}}\' (@FILE reads a '
                             'file; LiteLLM Enterprise: refused without a licence)')


def _body(parsed_args):
    return request_body(parsed_args, ("budget_id",) + BUDGET_FIELDS,
                        objects=("model_max_budget",))


class ListBudget(Lister):
    """List budgets"""

    def take_action(self, parsed_args):
        return listing(parsed_args, COLUMNS, self.app.client_manager.budgets.list())


class _SaveBudget(ShowOne):
    """Sends the budget the options give to ``budgets.<action>``; ``budget_id``
    is the help of BUDGET_ID (--budget-id still accepted), ``required`` whether
    it must be given."""

    action = budget_id = None
    required = True

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_object(parser, "budget_id", "BUDGET_ID", "budget", self.budget_id, "--budget-id",
                   required=self.required)
        _add_options(parser)
        return parser

    def take_action(self, parsed_args):
        budget = getattr(self.app.client_manager.budgets, self.action)(_body(parsed_args))
        return showing(budget, parsed_args, COLUMNS)


class CreateBudget(_SaveBudget):
    """Create a budget"""

    _epilog = EPILOG
    action = "create"
    budget_id = NEW_ID.format(owner="the budget")
    required = False


class UpdateBudget(_SaveBudget):
    """Change a budget's limits; options not given stay as they are"""

    action = "update"
    budget_id = "the budget to change"


class DeleteBudget(DeleteByIds):
    """Delete budgets; each id is tried and reported"""

    client, noun, metavar = "budgets", "budget", "BUDGET_ID"
