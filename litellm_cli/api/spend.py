"""Spend logs on the proxy, and totals computed from them.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.spend import SpendAPI

    spend = SpendAPI(Session("http://localhost:4000", api_key="sk-master"))
    for log in spend.iter_logs("2025-01-01 00:00:00", "2025-02-01 00:00:00", model="gpt-4o"):
        print(log["request_id"], log["spend"])
    for row in spend.report("2025-01-01 00:00:00", "2025-02-01 00:00:00", group_by="team"):
        print(row["team_id"], row["spend"])

Times are UTC, as ``YYYY-MM-DD HH:MM:SS``; a range includes its start and
excludes its end (so the ranges of consecutive days neither overlap nor leave
a gap). The proxy writes spend logs in batches from a background job, so a
call shows up in them seconds later.
"""

import datetime
from decimal import Decimal

from litellm_cli.api.keys import hash_key
from litellm_cli.api.paging import PagedAPI

PAGE_SIZE_MAX = 1000  # the proxy rejects larger pages with 422
# Releases before LiteLLM 1.95 reject pages of more than 100 logs.
LARGE_PAGES_FROM, OLD_PAGE_SIZE_MAX = "1.95", 100
# /spend/logs/v2 takes model_group from LiteLLM 1.89 (1.88.0 ignores it: every
# model's logs) and sort_order from 1.82 (1.81.9 and 1.80.17: newest first only).
MODEL_FILTER_FROM, SORTED_FROM = "1.89", "1.82"

# --filter name -> the query parameter of /spend/logs/v2.
FILTERS = {"key": "api_key", "user": "user_id", "team": "team_id", "model": "model_group",
           "customer": "end_user"}

# --group-by name -> the field of a spend log it groups on.
GROUPS = {"key": "api_key", "user": "user", "team": "team_id", "model": "model_group",
          "customer": "end_user", "day": "day"}
# --period name -> the ISO 8601 name of a log's period, from its UTC start time.
PERIODS = {"day": lambda t: f"{t:%Y-%m-%d}",
           "week": lambda t: "{0}-W{1:02d}".format(*t.isocalendar()),
           "month": lambda t: f"{t:%Y-%m}"}
# The groups whose objects have a budget (max_budget).
BUDGETED = ("key", "user", "team", "customer")
# requests: the calls that succeeded; failed_requests: those the proxy logged
# with status "failure" (their tokens and spend, usually 0, are in the totals).
TOTALS = ("requests", "failed_requests", "prompt_tokens", "completion_tokens", "total_tokens",
          "spend")


def _params(start, end, filters):
    params = {"start_date": start, "end_date": end, "sort_by": "startTime"}
    for name, value in filters.items():
        if value is None:
            continue
        if name not in FILTERS:
            raise TypeError(f"unknown spend log filter {name!r}")
        params[FILTERS[name]] = hash_key(value) if name == "key" else value
    return params


def log_time(log):
    """A spend log's start time, as a naive UTC datetime (None if it has none)."""
    text = str(log.get("startTime") or "")
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def _before(logs, end):
    """The logs that started before ``end``: the proxy's end is inclusive (it
    keeps a call that started at exactly ``end``), ours is not."""
    end = datetime.datetime.strptime(end, "%Y-%m-%d %H:%M:%S")
    for log in logs:
        started = log_time(log)
        if started is None or started < end:
            yield log


class SpendAPI(PagedAPI):
    ITEMS, ID, PAGE_SIZE_MAX = "data", "request_id", PAGE_SIZE_MAX

    def list(self, start, end, page=None, size=None, oldest_first=False, **filters):
        """One page of spend logs between two UTC times (``GET /spend/logs/v2``):
        ``{"data", "total", "page", "page_size", "total_pages"}``, newest first
        unless ``oldest_first``. As the proxy answers it, ``end`` included (see
        ``items`` and ``iter_all``, which exclude it). Filters: key (raw key or hash), user, team,
        model (the model name clients call), customer."""
        from litellm_cli import versions

        if filters.get("model") is not None:
            versions.require(self.session, MODEL_FILTER_FROM, "filtering spend logs by model")
        params = _params(start, end, filters)
        params.update(page=page, page_size=size, sort_order="asc" if oldest_first else "desc")
        return self.session.get_json("/spend/logs/v2", params=params)

    def last_page(self, body, page, size):
        # The proxy's total stops counting at 10,000 rows, but its pages go
        # on: read until a page comes back short.
        return page + 1 if len(body.get(self.ITEMS) or []) == size else page

    def iter_all(self, first_page=1, size=None, oldest_first=True, **filters):
        """Every spend log of ``filters`` (from ``start`` up to, not including,
        ``end``), fetched page by page; oldest first, so logs written while it
        reads land after the rows already read. ``size`` defaults to the
        largest page the proxy's release accepts."""
        from litellm_cli import versions

        size = size or self.page_size_max()
        if oldest_first and not versions.at_least(self.session, SORTED_FROM):
            # Pages come newest first whatever is asked: read them all, then turn them round.
            logs = list(super().iter_all(first_page, size, oldest_first=False, **filters))
            return _before(reversed(logs), filters["end"])
        return _before(super().iter_all(first_page, size, oldest_first=oldest_first, **filters),
                       filters["end"])

    def page_size_max(self):
        """The largest page of logs this proxy's release accepts."""
        from litellm_cli import versions

        return (PAGE_SIZE_MAX if versions.at_least(self.session, LARGE_PAGES_FROM)
                else OLD_PAGE_SIZE_MAX)

    def items(self, page=None, size=None, all_pages=False, **filters):
        logs = super().items(page, size, all_pages, **filters)
        # iter_all (all_pages) has dropped the logs at ``end`` already.
        return logs if all_pages else list(_before(logs, filters["end"]))

    def iter_logs(self, start, end, first_page=1, size=None, **filters):
        """Every spend log in the range, oldest first (see ``iter_all``)."""
        return self.iter_all(first_page, size, start=start, end=end, **filters)

    def report(self, start, end, group_by=None, period=None, budgets=False, **filters):
        """Totals of the spend logs in the range, one dict per group and period:
        the period (``day`` 2025-01-31, ``week`` 2025-W05 or ``month`` 2025-01,
        ISO 8601) under its own name, the group field (and ``key_alias`` for
        keys), ``requests`` (that succeeded), ``failed_requests``, the token
        counts and ``spend``; periods in order, groups by spend, largest first.
        ``group_by="day"`` is ``period="day"`` alone. With ``budgets``, groups
        of key, user, team or customer also get the object's ``max_budget``
        and ``budget_used`` (the row's spend divided by it).

        Computed here from the logs, so the totals are exactly the sum of what
        ``iter_logs`` returns for the same range and filters.
        """
        if group_by == "day":
            group_by, period = None, period or "day"
            if period != "day":
                raise ValueError("group by day or by another period, not both")
        field = GROUPS[group_by] if group_by else None
        groups = {}
        for log in self.iter_logs(start, end, **filters):
            started = log_time(log) if period else None
            when = PERIODS[period](started) if started else None
            value = log.get(field) if field else None
            group = groups.get((when, value))
            if group is None:
                group = groups[(when, value)] = {}
                if period:
                    group[period] = when
                if field:
                    group[field] = value
                if group_by == "key":
                    group["key_alias"] = (log.get("metadata") or {}).get("user_api_key_alias")
                group.update(dict.fromkeys(TOTALS, 0), spend=Decimal(0))
            group["failed_requests" if log.get("status") == "failure" else "requests"] += 1
            for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
                group[name] += log.get(name) or 0
            # Summed as the decimals the proxy sent: exact, whatever the count.
            group["spend"] += Decimal(repr(log.get("spend") or 0.0))
        limits = self.budgets(group_by) if budgets and group_by in BUDGETED else None
        rows = []
        for (when, value), row in sorted(groups.items(), key=lambda item: (
                str(item[0][0]), -item[1]["spend"], str(item[0][1]))):
            if limits is not None:
                limit = limits.get(value)
                row["max_budget"] = limit
                row["budget_used"] = float(row["spend"] / Decimal(repr(limit))) if limit else None
            row["spend"] = float(row["spend"])
            rows.append(row)
        return rows

    def budgets(self, group_by):
        """``{id: max_budget}`` of every key (by hash), user, team or customer."""
        if group_by == "key":
            from litellm_cli.api.keys import KeysAPI

            return {key["token"]: _budget_of(key) for key in KeysAPI(self.session).iter_all()}
        if group_by == "user":
            from litellm_cli.api.users import UsersAPI

            return {user["user_id"]: user.get("max_budget")
                    for user in UsersAPI(self.session).iter_all()}
        if group_by == "team":
            from litellm_cli.api.teams import TeamsAPI

            return {team["team_id"]: team.get("max_budget")
                    for team in TeamsAPI(self.session).list()}
        from litellm_cli.api.customers import CustomersAPI

        return {customer["user_id"]: _budget_of(customer)
                for customer in CustomersAPI(self.session).list()}


def _budget_of(item):
    """An object's own max_budget, else that of the budget it is linked to."""
    if item.get("max_budget") is not None:
        return item["max_budget"]
    return (item.get("litellm_budget_table") or {}).get("max_budget")
