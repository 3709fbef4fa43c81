"""``litellm-proxy customers ...``: the proxy's end users (the ``user`` an
application sends with each call): list, create, update, block, unblock, delete."""

import functools

from litellm_cli.command import Command, DeleteByIds, Lister, ShowOne
from litellm_cli.display import listing, showing
from litellm_cli.arguments import BUDGET_FIELDS, add_object, add_options
from litellm_cli.utils import delete_each, request_body, valid_name

COLUMNS = ("user_id", "alias", "blocked", "spend", "max_budget", "budget_id", "default_model",
           "models")
REGIONS = ("eu", "us")

EPILOG = """\
A customer is the end user your application names in the "user" field of its calls; the
proxy tracks their spend and applies their budget.

--models needs LiteLLM >= 1.106 (older releases store no models for a customer) and is
refused, nothing sent, on an older proxy."""

UPDATE_EPILOG = """Needs LiteLLM >= 1.106 for --models and for a value of zero: older releases answer such an
update with success and keep the old value, so it is refused, nothing sent."""

BLOCK_EPILOG = """\
Changes the customer's stored "blocked" flag (unknown ids fail, none is created). The proxy
enforces the flag only with its blocked-user check enabled (callbacks: ["blocked_user_check"]
in its config, a LiteLLM Enterprise feature); without it, calls naming the customer still
pass."""

UNBLOCK_EPILOG = BLOCK_EPILOG + """

Unblocking needs LiteLLM >= 1.106: older releases answer it with success and keep the
customer blocked, so it is refused there, nothing sent."""


def _format_customer(customer):
    """The customer with its budget's ``max_budget`` beside its own fields. The
    budget's id comes from the budget where the customer lacks it (LiteLLM 1.90.7
    leaves ``budget_id`` out of /customer/list and /customer/info)."""
    budget = customer.get("litellm_budget_table") or {}
    return {**customer, "max_budget": budget.get("max_budget"),
            "budget_id": customer.get("budget_id") or budget.get("budget_id")}


class _SaveCustomer(ShowOne):
    """Sends the customer the options give to ``customers.<action>``;
    ``id_help`` is the help of USER_ID (--id still accepted), ``budget_fields``
    the budget limits the proxy takes there."""

    action = id_help = None
    budget_fields = BUDGET_FIELDS

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_object(parser, "id", "USER_ID", "customer", self.id_help, "--id")
        add_options(parser, "the customer", "alias", "models")
        parser.add_argument("--default-model", type=valid_name, metavar="MODEL",
                            help="the model to use when the requested one is not allowed in the "
                                 "customer's region")
        parser.add_argument("--region", dest="allowed_model_region", choices=REGIONS,
                            help="only route the customer's calls to deployments in this region")
        budget = parser.add_argument_group(
            "budget", "give either --budget-id or the customer's own limits")
        add_options(budget, "the customer", "budget_id", *self.budget_fields)
        return parser

    def take_action(self, parsed_args):
        body = request_body(parsed_args, ("alias", "default_model", "allowed_model_region",
                                          "budget_id") + self.budget_fields, lists=("models",))
        body["user_id"] = parsed_args.id
        customer = getattr(self.app.client_manager.customers, self.action)(body)
        return showing(_format_customer(customer), parsed_args, COLUMNS)


class ListCustomer(Lister):
    """List customers with their spend and budget"""

    def take_action(self, parsed_args):
        customers = map(_format_customer, self.app.client_manager.customers.list())
        return listing(parsed_args, COLUMNS, customers)


class CreateCustomer(_SaveCustomer):
    """Create a customer"""

    _epilog = EPILOG
    action, id_help = "create", "the id your application sends as 'user'"


class UpdateCustomer(_SaveCustomer):
    """Change a customer; options not given stay as they are"""

    _epilog = UPDATE_EPILOG
    action, id_help = "update", "the customer"
    # The proxy's update takes only max_budget of the budget's limits.
    budget_fields = ("max_budget",)


class BlockCustomer(Command):
    """Mark customers as blocked (see below); each id is tried and reported"""

    _epilog = BLOCK_EPILOG
    blocked = True
    verb, done = "block", "Blocked"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("ids", type=valid_name, nargs="+", metavar="USER_ID",
                            help="the customers")
        return parser

    def take_action(self, parsed_args):
        api = self.app.client_manager.customers
        delete_each([(f"customer {user_id}",
                      functools.partial(api.set_blocked, user_id, self.blocked))
                     for user_id in parsed_args.ids],
                    self.warn, "customers", verb=self.verb, done=self.done)


class UnblockCustomer(BlockCustomer):
    """Clear the blocked mark of customers; each id is tried and reported"""

    _epilog = UNBLOCK_EPILOG
    blocked = False
    verb, done = "unblock", "Unblocked"


class DeleteCustomer(DeleteByIds):
    """Delete customers; each id is tried and reported"""

    client, noun, metavar = "customers", "customer", "USER_ID"
