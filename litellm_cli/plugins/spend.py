"""``litellm-proxy spend ...``: spend logs (one row per call) and spend totals."""

import argparse
import datetime

from litellm_cli import exceptions
from litellm_cli.api.spend import BUDGETED, GROUPS, PAGE_SIZE_MAX, PERIODS, TOTALS
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
works too). --start is included, --end is not: a date alone as --end includes that whole day
(up to the next day's start), so consecutive daily ranges neither overlap nor leave a gap. Default
range: the 7 days up to now. One page is newest first; --all reads oldest first, so calls logged while it reads come
at the end, and goes on past the 10,000 rows the proxy's page count stops at.
The proxy writes spend logs in batches in the background: a call shows up seconds later."""

REPORT_EPILOG = """\
The totals are computed from the spend logs themselves (read page by page, as 'spend logs
--all' does), so they add up to exactly what 'spend logs' shows for the same range and
filters; the proxy's own /global/spend/report needs an Enterprise licence. Times as in
'spend logs'. Groups with no value (a call without a team, say) are one row with an empty
group. 'requests' counts the calls that succeeded, 'failed_requests' those the proxy logged
as failed (their tokens and spend, usually 0, are in the totals). --period adds a row per
day, week or month (ISO 8601 names, UTC). Grouped by key, user, team or customer, each row
also shows the object's max_budget and budget_used, the row's spend divided by it (0.25 is
a quarter); empty when the object has no budget. In csv, numbers are never quoted."""


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
    """``(start, end)`` as the API reads them, the end excluded; see LOGS_EPILOG."""
    if parsed_args.end:
        end, date_only = parsed_args.end
        if date_only:
            end += datetime.timedelta(days=1)
    else:
        # The proxy compares whole seconds: round up to include the current one.
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        end = (now + datetime.timedelta(seconds=1)).replace(microsecond=0)
    start = parsed_args.start[0] if parsed_args.start else end - datetime.timedelta(
        days=DEFAULT_DAYS)
    if start >= end:
        raise exceptions.UsageError(f"--start {start:{PROXY_TIME}} is not before the end of "
                                    f"the range, {end:{PROXY_TIME}} (excluded)")
    return start.strftime(PROXY_TIME), end.strftime(PROXY_TIME)


def _add_filter_options(parser):
    parser.add_argument("--start", type=utc_time, metavar="TIME",
                        help=f"from this UTC time (default: {DEFAULT_DAYS} days before --end)")
    parser.add_argument("--end", type=utc_time, metavar="TIME",
                        help="up to, not including, this UTC time; a date alone: up to the "
                             "end of that day (default: now)")
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
    """Show spend totals per key, user, team, model, customer, and per day, week or month"""

    shown_secrets = KEY_HASH

    _epilog = REPORT_EPILOG

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--group-by", choices=tuple(GROUPS),
                            help="what each row totals (default: day, or with --period only "
                                 "the period)")
        parser.add_argument("--period", choices=tuple(PERIODS),
                            help="also total per period: day (2025-01-31), week (2025-W05) "
                                 "or month (2025-01), in UTC")
        _add_filter_options(parser)
        return parser

    def take_action(self, parsed_args):
        group_by, period = parsed_args.group_by, parsed_args.period
        if group_by == "day" and period not in (None, "day"):
            raise exceptions.UsageError(f"--group-by day and --period {period}: choose one")
        if group_by is None and period is None:
            group_by = "day"
        start, end = _time_range(parsed_args)
        rows = self.app.client_manager.spend.report(start, end, group_by, period,
                                                    budgets=True, **_filters(parsed_args))
        if group_by == "day":
            group_by, period = None, "day"
        columns = ((period,) if period else ()) + ((GROUPS[group_by],) if group_by else ())
        columns += (("key_alias",) if group_by == "key" else ()) + TOTALS
        columns += ("max_budget", "budget_used") if group_by in BUDGETED else ()
        return listing(parsed_args, columns, rows)


def _snake_case(log):
    return {RENAMED.get(name, name): value for name, value in log.items()}
