"""The SDK: plain API clients for the proxy (they print nothing and import no cliff)."""

from urllib.parse import quote


def path_segment(value):
    """``value`` as one URL path segment, for ids and names in paths.

    Every reserved character is quoted, so ``/``, ``?`` or ``#`` in a name
    cannot reach another endpoint. ``""``, ``.`` and ``..`` are refused: they
    would address the collection or the path above it (requests sends %2E as
    a plain dot, and servers in front of the proxy resolve dot segments).
    """
    if str(value) in ("", ".", ".."):
        raise ValueError(f"{value!r} cannot name an object in a URL path")
    return quote(str(value), safe="")


class API:
    """Base of an API client: it calls the proxy through ``session`` (a
    ``litellm_cli.session.Session``)."""

    def __init__(self, session):
        self.session = session
        self._found = set()

    def look_up_once(self, kind, name, look_up):
        """Call ``look_up()`` (which raises NotFound when ``name`` is missing),
        unless this client found ``name`` of ``kind`` before: a run that makes
        a thousand keys of one team looks the team up once."""
        if (kind, name) not in self._found:
            look_up()
            self._found.add((kind, name))
