"""Customers (the proxy's "end users"): the ``user`` your application sends
with each call, with their own budgets and a blocked flag.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.customers import CustomersAPI

    customers = CustomersAPI(Session("http://localhost:4000", api_key="sk-master"))
    customers.create({"user_id": "acme-42", "max_budget": 10})
    customers.set_blocked("acme-42", True)   # their calls are now refused
    customers.delete("acme-42")
"""

from litellm_cli.api import API

# From LiteLLM 1.109 /customer/list answers one page (50 customers unless
# page_size says otherwise, at most 100, ordered by id) with no count of pages.
PAGED_FROM, PAGE_SIZE_MAX = "1.109", 100
# Before LiteLLM 1.106 a customer has no models, and /customer/update drops
# every value that is false, zero or empty (blocked=False included) while
# answering success.
FULL_UPDATE_FROM = "1.106"


def _refuse_what_is_dropped(session, body, update):
    """Refuse (exit 6, nothing sent) a customer ``body`` holding what the
    proxy's release would answer as done without storing it."""
    from litellm_cli import versions

    for field, value in body.items():
        if field == "models":
            feature = "a customer's models"
        elif update and field != "user_id" and value in ([], {}, 0):  # False == 0
            feature = ("unblocking a customer" if field == "blocked"
                       else f"setting a customer's {field} to {value!r}")
        else:
            continue
        versions.require(session, FULL_UPDATE_FROM, feature)


class CustomersAPI(API):
    def list(self):
        """Every customer with its budget (``GET /customer/list``; page by page
        where the proxy's release pages it)."""
        from litellm_cli import versions
        from litellm_cli.api.paging import walk_pages

        if not versions.at_least(self.session, PAGED_FROM):
            return self.session.get_json("/customer/list") or []

        def fetch(page):
            items = self.session.get_json("/customer/list", params={
                "page": page, "page_size": PAGE_SIZE_MAX}) or []
            # A full page may have more after it; a short one is the last.
            return items, page + 1 if len(items) == PAGE_SIZE_MAX else page

        return list(walk_pages(fetch, lambda customer: customer["user_id"]))

    def get(self, user_id):
        """One customer (``GET /customer/info``; NotFound if there is none)."""
        return self.session.get_json("/customer/info", params={"end_user_id": user_id})

    def create(self, body):
        """Create a customer (``POST /customer/new``); ``body["user_id"]`` is required."""
        _refuse_what_is_dropped(self.session, body, update=False)
        return self.session.post_json("/customer/new", body)

    def update(self, body):
        """Change the fields given in ``body`` of customer ``body["user_id"]``
        (``POST /customer/update``; NotFound if there is none)."""
        _refuse_what_is_dropped(self.session, body, update=True)
        return self.session.post_json("/customer/update", body)

    def set_blocked(self, user_id, blocked):
        """Block or unblock one customer; NotFound if there is none.

        Goes through ``/customer/update``: ``/customer/block`` creates a
        customer for an unknown id, and ``/customer/unblock`` needs the
        Enterprise package and does not touch the stored flag.
        """
        return self.update({"user_id": user_id, "blocked": blocked})

    def delete(self, user_id):
        """Delete one customer (NotFound if there is none)."""
        return self.session.post_json("/customer/delete", {"user_ids": [user_id]})
