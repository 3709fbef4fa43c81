"""The proxy's LiteLLM release: for messages, and for commands whose requests
depend on it.

::

    from litellm_cli import versions

    versions.server_version(session)      # "1.108.7", or None when the proxy does not say
    versions.at_least(session, "1.110")   # True from 1.110.0 on; False when older or unknown
    versions.parse("1.82.0-stable")       # (1, 82, 0)
    versions.describe(session)            # "LiteLLM 1.108.7", for messages
    versions.require(session, "1.109", "removing a param")   # else exit 6, naming both

The proxy is asked once per session, and only when something needs the
answer (``--help`` and most commands never ask): the first call sends one
request on current releases (two on releases without ``/public/model_hub/info``)
and the answer, even "unknown", is kept on the session for the rest of the run.
Both routes answer without an API key.
"""

import re

# Where the proxy says its version, newest releases first: /public/model_hub/info
# (every recent release); /health/readiness (older ones; current ones keep the
# version for the authenticated /health/readiness/details).
SOURCES = ("/public/model_hub/info", "/health/readiness")
_CACHE = "_litellm_cli_server_version"
_VERSION = re.compile(r"\s*v?(\d+(?:\.\d+)*)")


def parse(text):
    """``"1.108.7"`` -> ``(1, 108, 7)``, for comparing releases.

    A leading ``v`` and anything after the dotted numbers (``-stable``,
    ``.dev1``, ``rc2``) are ignored; text without a version gives ``()``,
    which is older than every release.
    """
    found = _VERSION.match(text or "")
    return tuple(int(part) for part in found.group(1).split(".")) if found else ()


def server_version(session):
    """The LiteLLM version of the proxy behind ``session``, or None when it
    does not say. A proxy that cannot be reached raises ``ConnectionFailure``
    (and is asked again next time)."""
    cached = getattr(session, _CACHE, session)
    if cached is not session:
        return cached
    from litellm_cli import exceptions

    version = None
    for path in SOURCES:
        # raise_exc=False: an error status must not turn into error_for(), which
        # may itself ask for the version.
        try:
            body = session.get_json(path, authenticated=False, raise_exc=False)
        except exceptions.UnexpectedAnswer:  # not JSON: not this route's answer
            continue
        if isinstance(body, dict) and isinstance(body.get("litellm_version"), str):
            version = body["litellm_version"]
            break
    setattr(session, _CACHE, version)
    return version


def at_least(session, minimum):
    """True when the proxy's release is ``minimum`` (``"1.110"``) or newer;
    False when it is older or does not say its version."""
    version = server_version(session)
    return version is not None and parse(version) >= parse(minimum)


def is_litellm(session):
    """True when ``/health/liveliness``, which every release serves without a
    key, answers as a LiteLLM proxy does ("I'm alive!")."""
    from litellm_cli import exceptions

    try:
        body = session.get_json("/health/liveliness", authenticated=False, raise_exc=False)
    except exceptions.CLIError:
        return False
    return isinstance(body, str) and "alive" in body


def describe(session):
    """``"LiteLLM 1.108.7"``, for messages that name the proxy's release."""
    version = server_version(session)
    if not version:
        return "a LiteLLM release that does not say its version"
    # The proxy's text, kept to one short line whatever it holds.
    version = version[:40]
    return f"LiteLLM {version if version.isprintable() else ascii(version)}"


def require(session, minimum, feature):
    """Refuse (exit 6, nothing sent) unless the proxy is release ``minimum`` or
    newer: "``feature`` needs LiteLLM >= 1.109; this proxy is LiteLLM 1.108.7"."""
    if at_least(session, minimum):
        return
    from litellm_cli import exceptions

    raise exceptions.TooOld(f"{feature} needs LiteLLM >= {minimum}; this proxy is "
                            f"{describe(session)}")


def not_applied(session, what):
    """The error for a write the proxy answered as done but did not do (read
    back): "this proxy (LiteLLM 1.100.5) answered success but did not apply ..."."""
    from litellm_cli import exceptions

    return exceptions.CLIError(f"this proxy ({describe(session)}) answered success but did not "
                               f"apply {what}")
