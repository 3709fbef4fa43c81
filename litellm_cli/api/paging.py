"""Paging over the proxy's offset-paged listings."""


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
