"""Masking of secrets in anything the CLI logs.

Secrets are recognised three ways, because any one alone leaks:
by header name, by JSON field name (at any depth), and by value (the API key
in use, and anything shaped like a LiteLLM key, ``sk-...``).
"""

import json
import re

MASK = "***"

_SECRET_HEADERS = {
    "authorization",
    "proxy-authorization",
    "x-litellm-api-key",
    "api-key",
    "x-api-key",
    "cookie",
    "set-cookie",
}
_SECRET_FIELDS = {
    "key",
    "keys",
    "token",
    "api_key",
    "apikey",
    "master_key",
    "password",
    "authorization",
    "credential_values",
    "new_key",
    "new_master_key",
}
_SECRET_SUFFIXES = ("_key", "_token", "_secret", "_password")
_SECRET_PARTS = ("secret", "password")
# LiteLLM virtual and master keys start with "sk-".
_KEY_PATTERN = re.compile(r"sk-[A-Za-z0-9_\-]{4,}")


def is_secret_field(name):
    name = str(name).lower()
    return (
        name in _SECRET_FIELDS
        or name.endswith(_SECRET_SUFFIXES)
        or any(part in name for part in _SECRET_PARTS)
    )


def is_secret_header(name):
    return name.lower() in _SECRET_HEADERS


def mask_data(data):
    """Return a copy of a JSON-like structure with secret fields masked."""
    if isinstance(data, dict):
        return {
            k: (MASK if is_secret_field(k) and v not in (None, "", [], {}) else mask_data(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [mask_data(v) for v in data]
    return data


class Redactor:
    """Masks secrets in text, given the secret values known to be in use."""

    def __init__(self, secrets=()):
        self.secrets = [s for s in secrets if s]

    def add(self, secret):
        if secret and secret not in self.secrets:
            self.secrets.append(secret)

    def text(self, value):
        value = str(value)
        for secret in self.secrets:
            value = value.replace(secret, MASK)
        return _KEY_PATTERN.sub("sk-" + MASK, value)

    def header(self, name, value):
        return MASK if is_secret_header(name) else self.text(value)

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
        return self.text(json.dumps(mask_data(data)))

    def url(self, url):
        """Mask secret query parameters (e.g. /key/info?key=sk-...)."""
        base, sep, query = str(url).partition("?")
        if not sep:
            return self.text(url)
        parts = []
        for pair in query.split("&"):
            name, eq, _ = pair.partition("=")
            parts.append(f"{name}={MASK}" if eq and is_secret_field(name) else pair)
        return self.text(base + "?" + "&".join(parts))
