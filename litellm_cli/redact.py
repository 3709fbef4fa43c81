"""Masking of secrets in everything the CLI prints or logs.

Secrets are recognised four ways, because any one alone leaks:

- by header name (``Authorization``, and any name ending in key, token,
  secret or auth, e.g. ``x-goog-api-key``);
- by field name, at any depth of JSON (``api_key``, ``aws_access_key_id``,
  ``vertex_credentials``, ``*password*``, ``*secret*``, ``*token*``...), and
  by header name inside a ``*headers*`` field (``extra_headers``), in what
  every command shows and in ``--debug`` bodies;
- by value: every secret this process was handed (the API key in use, and the
  value of every secret-named ``-p``/``-i`` pair, JSON option, YAML file field
  or header) is masked wherever it shows up, under any name; in ``--debug``
  logs and error lines also anything shaped like a LiteLLM key (``sk-...``);
- by shape: the ``user:password@`` part of any URL.

One ``Redactor`` per process (``REDACTOR``) collects the secrets: parsers call
``remember``/``remember_fields`` on what the user gives, the session adds its
API key, and display code calls ``mask_output`` on what it prints.
"""

import json
import re

MASK = "***"
# Shorter values are masked by name only: masking "abc" wherever it appears
# would garble ordinary output without protecting much.
MIN_VALUE_LENGTH = 4

_SECRET_HEADERS = {"authorization", "proxy-authorization", "api-key", "cookie", "set-cookie"}
_SECRET_HEADER_ENDINGS = ("key", "token", "secret", "auth", "password")
_SECRET_FIELDS = {
    "key",
    "keys",
    "api_key",
    "apikey",
    "master_key",
    "authorization",
    "credential_values",
    "new_key",
    "new_master_key",
    # Headers an MCP server or an agent sends upstream: the proxy shows them in
    # clear, and they hold API keys whatever the header's name (x-other: ...).
    "static_headers",
}
_SECRET_SUFFIXES = ("_key", "-key", "_key_id")
_SECRET_WORDS = {"token", "secret", "password", "passwd", "credentials", "authorization"}
_PRICE_WORDS = {"cost", "costs", "price", "prices", "pricing", "per"}
_WORDS = re.compile(r"[^a-z0-9]+")
# LiteLLM virtual and master keys start with "sk-".
_KEY_PATTERN = re.compile(r"sk-[A-Za-z0-9_\-]{4,}")
# The userinfo of a URL: scheme://user:password@host. The scheme's length is
# bounded so that hostile text ("a.a.a.a...") cannot make the search quadratic.
_USERINFO = re.compile(
    r"(\b[A-Za-z][A-Za-z0-9+.\-]{0,30}://)[^/?#\s\"'<>@]*(?:@[^/?#\s\"'<>@]*)*@")


def is_secret_field(name):
    """True for a JSON field or ``-p`` key whose value is a secret."""
    name = str(name).lower()
    if name in _SECRET_FIELDS or name.endswith(_SECRET_SUFFIXES):
        return True
    words = _WORDS.split(name)
    # input_cost_per_token, cache_read_input_token_cost: "token" in a price
    # is the unit priced, not a credential.
    price = not _PRICE_WORDS.isdisjoint(words)
    for word in words:
        if word == "token" and price:
            continue
        if word in _SECRET_WORDS or "secret" in word or "password" in word:
            return True
    return False


def is_secret_header(name):
    name = name.lower()
    return (name in _SECRET_HEADERS or name.endswith(_SECRET_HEADER_ENDINGS)
            or is_secret_field(name))


def _holds_headers(name):
    """A JSON field whose keys are HTTP header names (``extra_headers``)."""
    return "header" in str(name).lower()


def _is_secret(name, in_headers):
    """The one name rule for JSON: a header's name inside a headers field
    (``extra_headers: {"X-Corp-Auth": ...}``), a field's name elsewhere."""
    return is_secret_header(str(name)) if in_headers else is_secret_field(name)


def without_secrets(value, in_headers=False):
    """``value`` without its secret-named entries, at any depth (headers by
    their names inside ``*headers*`` fields): what a file written from the
    proxy's objects (``state export``) may hold. Not even masked: gone."""
    if isinstance(value, dict):
        return {k: without_secrets(v, _holds_headers(k)) for k, v in value.items()
                if not _is_secret(k, in_headers)}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value


def with_secrets_kept(new, old, in_headers=False):
    """``new`` (a mapping from a file, written without secrets) with the
    secret-named entries of ``old`` (the proxy's) that it does not give put
    back, at any depth: sending ``new`` whole must not drop them."""
    if not isinstance(new, dict) or not isinstance(old, dict):
        return new
    kept = {k: with_secrets_kept(v, old.get(k), _holds_headers(k)) for k, v in new.items()}
    kept.update((k, v) for k, v in old.items() if k not in new and _is_secret(k, in_headers))
    return kept


def url_secrets(url):
    """The secrets written into a URL: the values of its secret-named query
    parameters (``/key/info?key=...``) and anything shaped like an ``sk-``
    key. URLs end up in access logs, so each is a secret given away."""
    from urllib.parse import parse_qsl, urlsplit

    query = urlsplit(str(url)).query
    found = [value for name, value in parse_qsl(query, keep_blank_values=True)
             if value and is_secret_field(name)]
    return found + _KEY_PATTERN.findall(str(url))


def has_url_password(text):
    """True when a URL in ``text`` holds a password (``user:password@``)."""
    return any(":" in match.group(0)[len(match.group(1)):] for match in _USERINFO.finditer(text))


def mask_url_userinfo(text):
    """``https://user:pass@host`` -> ``https://***@host``, anywhere in ``text``."""
    return _USERINFO.sub(r"\1" + MASK + "@", text) if "@" in text and "://" in text else text


# What a secret looks like once masked: a run of asterisks and at most a few
# characters of the secret around it (the proxy's "sk****23" or "*****", the
# CLI's "***" or "sk-***").
_MASKED = re.compile(r"[^*]{0,3}\*{3,}[^*]{0,2}")


def looks_masked(value):
    """True for a value shaped like a masked secret rather than a secret:
    what ``credentials show`` or the proxy's answers display, copied back."""
    return isinstance(value, str) and _MASKED.fullmatch(value.strip()) is not None


def masked_fields(data, path=()):
    """The dotted names of the fields of ``data`` (a JSON object, at any
    depth) whose value looks masked (``looks_masked``)."""
    found = []
    for name, value in (data or {}).items():
        where = (*path, str(name))
        if isinstance(value, dict):
            found += masked_fields(value, where)
        elif looks_masked(value):
            found.append(".".join(where))
    return found


# Secret-looking names of the proxy's that hold no secret: a key's hash, and
# the name of a model's price entry.
NOT_SECRETS = ("token", "model_info.key")


def _is_shown(path, shown):
    """Whether ``shown`` names the field at ``path``: a name (``token``) or
    the end of a dotted path (``model_info.key``), at any depth."""
    for name in shown:
        parts = tuple(name.split("."))
        if path[-len(parts):] == parts:
            return True
    return False


def _strings(data):
    """Every distinct scalar in a JSON-like structure, each container visited once."""
    seen, todo, found = set(), [data], []
    while todo:
        item = todo.pop()
        if isinstance(item, (dict, list)):
            if id(item) not in seen:
                seen.add(id(item))
                todo.extend(item.values() if isinstance(item, dict) else item)
        else:
            found.append(item)
    return found


class Redactor:
    """Masks secrets in text and data, given the secret values known to be in use."""

    def __init__(self, secrets=()):
        self._secrets = set()
        self._pattern = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        """Mask ``secret`` wherever it appears from now on.

        A dict or list adds every value in it (a JSON service-account file).
        """
        if isinstance(secret, (dict, list)):
            for item in _strings(secret):
                self.add(item)
            return
        if secret is None or isinstance(secret, bool):
            return
        secret = str(secret)
        if len(secret) >= MIN_VALUE_LENGTH and secret not in self._secrets:
            self._secrets.add(secret)
            self._pattern = None

    def add_fields(self, data):
        """``add`` the value of every secret-named field in ``data``, at any depth,
        and the password of every URL in it.

        Iterative, and each container is walked once however often it is
        referenced, so neither deep nesting nor a YAML alias bomb ("billion
        laughs") costs more than the text it came from.
        """
        seen, todo = set(), [(data, False)]
        while todo:
            item, in_headers = todo.pop()
            if isinstance(item, (dict, list)):
                if id(item) in seen:
                    continue
                seen.add(id(item))
            if isinstance(item, dict):
                for name, value in item.items():
                    # A list of objects under a secret name is records (a
                    # state file's ``keys``), walked field by field.
                    if _is_secret(name, in_headers) and not _records(value):
                        self.add(value)
                    else:
                        todo.append((value, _holds_headers(name)))
            elif isinstance(item, list):
                todo.extend((value, in_headers) for value in item)
            elif isinstance(item, str) and "@" in item and "://" in item:
                for found in _USERINFO.finditer(item):
                    userinfo = item[found.end(1):found.end() - 1]
                    self.add(userinfo)
                    self.add(userinfo.partition(":")[2])

    def values(self, value):
        """Mask known secret values and URL userinfo (not the ``sk-`` shape)."""
        value = mask_url_userinfo(value if isinstance(value, str) else str(value))
        if self._secrets:
            if self._pattern is None:
                # Longest first, so a secret inside another never leaves a tail; any
                # case, as a proxy may echo a value lowercased in its error.
                ordered = sorted(self._secrets, key=len, reverse=True)
                self._pattern = re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE)
            value = self._pattern.sub(MASK, value)
        return value

    def text(self, value):
        """Mask a log or error line: known values, URL userinfo and ``sk-`` keys."""
        return _KEY_PATTERN.sub("sk-" + MASK, self.values(value))

    def header(self, name, value):
        return MASK if is_secret_header(name) else self.text(value)

    def data(self, data, by_name=True, shown=(), path=(), in_headers=False):
        """A copy of a JSON-like structure with secrets masked in every string;
        with ``by_name`` also the value of every secret-named field (see
        ``field``), unless ``shown`` names it. ``path`` is where
        ``data`` sits (field names from the top; lists add nothing)."""
        if isinstance(data, str):
            return self.values(data)
        if isinstance(data, dict):
            return {k: self.field(k, v, by_name, shown, path, in_headers)
                    for k, v in data.items()}
        if isinstance(data, (list, tuple)):
            return type(data)([self.data(v, by_name, shown, path, in_headers) for v in data])
        return data

    def field(self, name, value, by_name=True, shown=(), path=(), in_headers=False):
        """The value of the field ``name`` at ``path``, masked as ``data`` masks it."""
        here = (*path, str(name))
        if (by_name and _is_secret(name, in_headers) and value not in (None, "", [], {})
                and not _is_shown(here, shown)
                # A list of objects (a team's keys) is masked field by field.
                and not (isinstance(value, list) and all(isinstance(v, dict) for v in value))):
            return MASK
        return self.data(value, by_name, shown, here, _holds_headers(name))

    def body(self, raw):
        """Mask a request or response body, JSON-aware when it parses."""
        if raw is None:
            return ""
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                return f"<{len(raw)} bytes of binary data>"
        try:
            data = json.loads(raw)
        except ValueError:
            return self.text(raw)
        return self.text(json.dumps(self.data(data)))

    def url(self, url):
        """Mask secret query parameters (e.g. /key/info?key=sk-...) and userinfo."""
        base, sep, query = str(url).partition("?")
        if not sep:
            return self.text(url)
        parts = []
        for pair in query.split("&"):
            name, eq, _ = pair.partition("=")
            parts.append(f"{name}={MASK}" if eq and is_secret_field(name) else pair)
        return self.text(base + "?" + "&".join(parts))


# The secrets of this process. One CLI process runs one command, so one
# collection serves the parsers, the session and the display code.
REDACTOR = Redactor()


def remember(secret):
    """Record a secret value the user handed in (see ``Redactor.add``)."""
    REDACTOR.add(secret)


def _records(value):
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) for i in value)


def remember_fields(data):
    """Record the values of the secret-named fields of user input (any depth)."""
    REDACTOR.add_fields(data)


def mask_output(value, name=None, shown=()):
    """What a command prints (the value of its field ``name``): every known
    secret value and URL userinfo masked, and the value of every secret-named
    field at any depth, headers by their names inside ``*headers*`` fields.
    ``shown`` lists the fields the command exists to show (see
    ``command.Lister.shown_secrets``); NOT_SECRETS are always shown."""
    shown = NOT_SECRETS + tuple(shown)
    if name is None:
        return REDACTOR.data(value, shown=shown)
    return REDACTOR.field(name, value, shown=shown)
