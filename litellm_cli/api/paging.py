"""Paging over the proxy's offset-paged listings."""

import itertools

from litellm_cli.api import API


def walk_pages(fetch, identity, first_page=1):
    """Yield every item of a paged listing, one page in memory at a time.

    ``fetch(page)`` returns ``(items, total_pages)``. When objects are created
    while we walk, offset paging shows some items again at the top of the next
    page; those are dropped by ``identity(item)``, remembering one page only.
    """
    page, previous = first_page, set()
    while True:
        items, total_pages = fetch(page)
        current = set()
        for item in items:
            ident = identity(item)
            current.add(ident)
            if ident not in previous:
                yield item
        if not items or page >= (total_pages or 0):
            return
        page, previous = page + 1, current


class PagedAPI(API):
    """Base of an API client whose ``list(page=, size=, **filters)`` answers one
    page as ``{ITEMS: [...], "total_pages": N}``; adds ``iter_all`` and ``items``."""

    ITEMS = None  # the field of the answer that holds the page's items
    ID = None  # the field that identifies an item (a bare string is its own id)
    PAGE_SIZE_MAX = None  # the largest page the proxy accepts

    def last_page(self, body, page, size):
        """The number of the last page, from the answer to page ``page``."""
        return body.get("total_pages")

    def iter_all(self, first_page=1, size=None, **filters):
        """Every item, fetched page by page as the caller iterates."""
        size = size or self.PAGE_SIZE_MAX

        def fetch(page):
            body = self.list(page=page, size=size, **filters)
            return body.get(self.ITEMS) or [], self.last_page(body, page, size)

        return walk_pages(fetch, lambda item: item if isinstance(item, str) else item[self.ID],
                          first_page)

    def all_parallel(self, pool, size=None, ahead=4, **filters):
        """Every item, the pages after the first fetched on ``pool`` (a
        concurrent.futures executor), ``ahead`` pages at a time, in page
        order: memory holds those pages, however long the listing. For
        listings whose ``total_pages`` is exact; an item that objects created
        meanwhile push onto the next page is kept once."""
        import collections

        size = size or self.PAGE_SIZE_MAX
        first = self.list(page=1, size=size, **filters)
        numbers = iter(range(2, (self.last_page(first, 1, size) or 1) + 1))

        def fetch(page):
            return self.list(page=page, size=size, **filters)

        def bodies():
            yield first
            window = collections.deque(pool.submit(fetch, page)
                                       for _, page in zip(range(ahead), numbers))
            while window:
                body = window.popleft().result()
                for page in itertools.islice(numbers, 1):
                    window.append(pool.submit(fetch, page))
                yield body

        seen = set()
        for body in bodies():
            for item in body.get(self.ITEMS) or []:
                ident = item if isinstance(item, str) else item[self.ID]
                if ident not in seen:
                    seen.add(ident)
                    yield item

    def items(self, page=None, size=None, all_pages=False, **filters):
        """The items of one page, or with ``all_pages`` of every page from ``page`` on."""
        if all_pages:
            return self.iter_all(first_page=page or 1, size=size, **filters)
        return self.list(page=page, size=size, **filters).get(self.ITEMS) or []
