"""Named credentials on the proxy, which models reference by name.

Plain API client, usable without the CLI::

    creds = CredentialsAPI(session)
    creds.create("azure-prod", {"api_key": "..."}, {"custom_llm_provider": "azure"})
"""

from litellm_cli.api import API, path_segment


# ``update(display_name=UNCHANGED)`` leaves the label as it is.
UNCHANGED = object()

# Before LiteLLM 1.101 DELETE /credentials/{name} answers success whatever
# happened, an unknown name included.
TRUSTED_DELETE_FROM = "1.101"


def unapplied(credential, display_name=UNCHANGED, remove=()):
    """What of an ``update(display_name=..., remove=...)`` the credential read
    back afterwards does not show: a list of phrases, empty when all is there.

    Releases before LiteLLM 1.106 answer such an update with success and
    ignore both fields.
    """
    missed = []
    stored = credential.get("display_name")
    wanted = display_name.strip() if isinstance(display_name, str) else display_name
    if display_name is not UNCHANGED and stored != wanted:
        missed.append("--clear-display-name" if display_name is None
                      else f"--display-name (the label is still {stored!r})")
    kept = sorted(set(remove) & set(credential.get("credential_values") or {}))
    if kept:
        missed.append(f"--remove-value {', '.join(map(repr, kept))}")
    return missed


# Before this release (1.82.0 is the newest seen without it) PATCH
# /credentials/{name} changes the database only: the proxy serves and shows the
# credential as it was until its next database sync (every 30s).
UPDATE_SHOWN_FROM = "1.85"


def not_shown(credential, values=None, info=None):
    """The fields of an update (``values``, ``info``) the credential read back
    does not show yet: a list of dotted names, empty when all are there.

    A secret value shows masked as the proxy masks it (its first and last two
    characters, or only asterisks when short), so only those are compared.
    """
    stored_info = credential.get("credential_info") or {}
    stored = credential.get("credential_values") or {}
    missed = [f"credential_info.{k}" for k, v in (info or {}).items() if stored_info.get(k) != v]
    for name, value in (values or {}).items():
        shown = stored.get(name)
        if not isinstance(value, str) or shown == value:
            continue
        masked = isinstance(shown, str) and "*" in shown and (
            set(shown) == {"*"} if len(value) <= 4
            else shown[:2] == value[:2] and shown[-2:] == value[-2:])
        if not masked:
            missed.append(f"credential_values.{name}")
    return missed


def refuse_masked(values):
    """UsageError (nothing sent) when a credential value looks like a masked
    secret (``sk****23``, ``***``: what the proxy and ``credentials show``
    display) rather than the secret itself.

    A masked value sent back is never what the operator meant: LiteLLM before
    1.110 stores it as the secret, destroying the real one; from 1.110
    ``PATCH /credentials/{name}`` keeps the stored secret instead (and
    ``POST /credentials`` still stores the mask). Leaving the value out keeps
    the stored secret on every release.
    """
    from litellm_cli import exceptions
    from litellm_cli.redact import masked_fields

    masked = masked_fields(values)
    if masked:
        raise exceptions.UsageError(
            f"credential value {', '.join(masked)} looks masked (as the proxy shows it), not "
            f"a secret: give the real value, or leave it out to keep the stored one")


class CredentialsAPI(API):
    def list(self):
        """Every credential, with its values masked by the proxy."""
        return self.session.get_json("/credentials").get("credentials", [])

    def get(self, name):
        """One credential by name, values masked (NotFound if unknown)."""
        return self.session.get_json(f"/credentials/by_name/{path_segment(name)}")

    def create(self, name, values, info=None):
        """Store a credential; a duplicate name is a Conflict (409). A value
        that looks masked is refused (``refuse_masked``)."""
        refuse_masked(values)
        body = {"credential_name": name, "credential_info": info or {},
                "credential_values": values}
        return self.session.post_json("/credentials", body)

    def update(self, name, values=None, info=None, display_name=UNCHANGED, remove=()):
        """Change the given values of a credential; others are kept.

        A non-empty ``info`` replaces the stored credential_info (the proxy
        does not merge it), so send it whole. ``display_name=None`` clears the
        label; ``remove`` names values to drop. The name itself cannot change.
        NotFound if there is no such credential. A value that looks masked is
        refused (``refuse_masked``).
        """
        from litellm_cli.session import decode_json

        refuse_masked(values)

        body = {"credential_name": name, "credential_values": values or {},
                "credential_info": info or {}}
        if display_name is not UNCHANGED:
            body["display_name"] = display_name
        if remove:
            body["credential_values_to_delete"] = list(remove)
        # A merge of the same values twice is harmless, so retrying is safe.
        return decode_json(self.session.patch(f"/credentials/{path_segment(name)}", json=body,
                                              idempotent=True))

    def delete(self, name):
        """Remove a credential (NotFound if unknown).

        Where the proxy's answer says nothing (LiteLLM < 1.101), the name is
        looked up before (NotFound) and after (still there: an error).
        """
        from litellm_cli import exceptions, versions
        from litellm_cli.session import decode_json

        trusted = versions.at_least(self.session, TRUSTED_DELETE_FROM)
        if not trusted:
            self.get(name)
        answer = decode_json(self.session.delete(f"/credentials/{path_segment(name)}"))
        if not trusted:
            try:
                self.get(name)
            except exceptions.NotFound:
                return answer
            raise versions.not_applied(self.session, f"the deletion of credential {name!r}")
        return answer
