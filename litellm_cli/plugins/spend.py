"""``litellm-proxy spend ...``: spend logs (one row per call) and spend totals."""

import argparse
import datetime

from litellm_cli import exceptions
from litellm_cli.api.spend import GROUPS, PAGE_SIZE_MAX, TOTALS
from litellm_cli.arguments import add_filters
from litellm_cli.command import Lister, PagedLister
from litellm_cli.display import listing
from litellm_cli.utils import read_key, valid_name

# What the proxy's spend logs call api_key is the key's hash.
KEY_HASH = ("api_key",)
LOG_COLUMNS = ("request_id", "start_time", "model_group", "api_key", "user", "team_id",
               "end_user", "total_tokens", "spend", "status")
# The proxy's camelCase log fields, under the snake_case names every command uses.
RENAMED = {"startTime": "start_time", "endTime": "end_time",
           "completionStartTime": "completion_start_time"}
DEFAULT_DAYS = 7
PROXY_TIME = "%Y-%m-%d %H:%M:%S"
TIME_FORMATS = (PROXY_TIME, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
                "%Y-%m-%d")

LOGS_EPILOG = """\
Times are UTC: YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS (a T instead of the space
works too). A date alone as --end means the end of that day. Default range: the 7 days up to
now. One page is newest first; --all reads oldest first, so calls logged while it reads come
at the end, and goes on past the 10,000 rows the proxy's page count stops at.
The proxy writes spend logs in batches in the background: a call shows up seconds later."""

REPORT_EPILOG = """\
The totals are computed from the spend logs themselves (read page by page, as 'spend logs
--all' does), so they add up to exactly what 'spend logs' shows for the same range and
filters; the proxy's own /global/spend/report needs an Enterprise licence. Times as in
'spend logs'. Groups with no value (a call without a team, say) are one row with an empty
group."""


def utc_time(text):
    """An argument type: ``(datetime, date_only)`` from the forms in TIME_FORMATS."""
    cleaned = text.strip().removesuffix("Z")
    for layout in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, layout), layout == "%Y-%m-%d"
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"expected a UTC time as YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS, "
        f"got {text!r}")


def _time_range(parsed_args):
    """``(start, end)`` as the proxy reads them; see LOGS_EPILOG for the defaults."""
    if parsed_args.end:
        end, date_only = parsed_args.end
        if date_only:
            end += datetime.timedelta(days=1, seconds=-1)
    else:
        # The proxy compares whole seconds: round up to include the current one.
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        end = (now + datetime.timedelta(seconds=1)).replace(microsecond=0)
    start = parsed_args.start[0] if parsed_args.start else end - datetime.timedelta(
        days=DEFAULT_DAYS)
    if start > end:
        raise exceptions.UsageError(f"--start {start:{PROXY_TIME}} is after --end "
                                    f"{end:{PROXY_TIME}}")
    return start.strftime(PROXY_TIME), end.strftime(PROXY_TIME)


def _add_filter_options(parser):
    parser.add_argument("--start", type=utc_time, metavar="TIME",
                        help=f"from this UTC time (default: {DEFAULT_DAYS} days before --end)")
    parser.add_argument("--end", type=utc_time, metavar="TIME",
                        help="up to this UTC time (default: now)")
    parser.add_argument("--key", type=valid_name, metavar="KEY",
                        help="only calls made with this key (sk-... or its hash); @FILE or @- "
                             "reads it from a file or stdin")
    add_filters(parser, "calls", "user", "team")
    parser.add_argument("--model", type=valid_name, metavar="MODEL",
                        help="only calls to this model name")
    parser.add_argument("--customer", type=valid_name, metavar="USER_ID",
                        help="only calls naming this customer (end user)")


def _filters(parsed_args):
    filters = {name: getattr(parsed_args, name) for name in ("user", "team", "model", "customer")}
    return {"key": read_key(parsed_args.key, "--key") if parsed_args.key else None, **filters}


class ListSpendLog(PagedLister):
    """List spend logs: one row per call, with tokens and cost"""

    _epilog = LOGS_EPILOG
    client, noun, page_size, page_size_max = "spend", "log", 50, PAGE_SIZE_MAX
    shown_secrets = KEY_HASH

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_filter_options(parser)
        return parser

    def take_action(self, parsed_args):
        start, end = _time_range(parsed_args)
        logs = self.items(parsed_args, start=start, end=end, **_filters(parsed_args))
        return listing(parsed_args, LOG_COLUMNS, map(_snake_case, logs))


class ReportSpend(Lister):
    """Show spend totals per key, user, team, model, customer or day"""

    shown_secrets = KEY_HASH

    _epilog = REPORT_EPILOG

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--group-by", choices=tuple(GROUPS), default="day",
                            help="what each row totals (default: day)")
        _add_filter_options(parser)
        return parser

    def take_action(self, parsed_args):
        start, end = _time_range(parsed_args)
        rows = self.app.client_manager.spend.report(start, end, parsed_args.group_by,
                                             **_filters(parsed_args))
        field = GROUPS[parsed_args.group_by]
        columns = (field,) + (("key_alias",) if parsed_args.group_by == "key" else ()) + TOTALS
        return listing(parsed_args, columns, rows)


def _snake_case(log):
    return {RENAMED.get(name, name): value for name, value in log.items()}
