"""One way to find what a command acts on: its id, or a name only it has.

As the OpenStack client's ``find_resource``: what the user gives is tried
as an id first; when no object has that id, it names the one object with
that name (a team's alias, a key's alias). A name that several objects
share is a usage error (exit 2) listing them; one that none has is not
found (exit 5). Only ids, aliases and key hashes are named, never a secret.
"""

import re

from litellm_cli import exceptions

# A key's id as the proxy stores it: the SHA-256 of the secret.
_KEY_HASH = re.compile(r"[0-9a-f]{64}")
# The most matches an ambiguous name lists.
SHOWN = 10


def _one(noun, field, name, matches, ident):
    """The single object of ``matches`` (those whose ``field`` is ``name``)."""
    if not matches:
        raise exceptions.NotFound(f"no {noun} has the id or {field} {name!r}")
    if len(matches) > 1:
        found = ", ".join(f"{match.get(ident)} ({field} {match.get(field)!r})"
                          for match in matches[:SHOWN])
        if len(matches) > SHOWN:
            found += f" and {len(matches) - SHOWN} more"
        raise exceptions.UsageError(f"{len(matches)} {noun}s have the {field} {name!r}: "
                                    f"{found}; give the id of one")
    return matches[0]


def team(api, name):
    """The ``/team/info`` answer of the team whose id, or else whose
    ``team_alias``, is ``name`` (``api``: a TeamsAPI)."""
    try:
        return api.get(name)
    except exceptions.NotFound:
        pass
    teams = [t for t in api.list() if t.get("team_alias") == name]
    return api.get(_one("team", "team_alias", name, teams, "team_id")["team_id"])


def team_id(api, name):
    """The id of the team whose id, or else whose ``team_alias``, is ``name``."""
    return team(api, name)["team_id"]


def key(api, name):
    """The key (``sk-...``) or key hash ``name`` is, or else the hash of the
    one key whose ``key_alias`` is ``name`` (``api``: a KeysAPI). A key and a
    hash are used as they are: an alias cannot be mistaken for either."""
    if is_key_or_hash(name):
        return name
    return key_by_alias(api.list(key_alias=name, size=100)["keys"], name)


def is_key_or_hash(name):
    """True for a key (``sk-...``) or a key hash, which name a key as they are."""
    return name.startswith("sk-") or bool(_KEY_HASH.fullmatch(name))


def key_by_alias(keys, name):
    """The hash (``token``) of the one key of ``keys`` whose ``key_alias`` is ``name``."""
    return _one("key", "key_alias", name, [k for k in keys if k.get("key_alias") == name],
                "token")["token"]
