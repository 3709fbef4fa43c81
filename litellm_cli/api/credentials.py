"""Named credentials on the proxy, which models reference by name.

Plain API client, usable without the CLI::

    creds = CredentialsAPI(session)
    creds.create("azure-prod", {"api_key": "..."}, {"custom_llm_provider": "azure"})
"""

from litellm_cli.api import API, path_segment


# ``update(display_name=UNCHANGED)`` leaves the label as it is.
UNCHANGED = object()


class CredentialsAPI(API):
    def list(self):
        """Every credential, with its values masked by the proxy."""
        return self.session.get_json("/credentials").get("credentials", [])

    def get(self, name):
        """One credential by name, values masked (NotFound if unknown)."""
        return self.session.get_json(f"/credentials/by_name/{path_segment(name)}")

    def create(self, name, values, info=None):
        """Store a credential; a duplicate name is a Conflict (409)."""
        body = {"credential_name": name, "credential_info": info or {},
                "credential_values": values}
        return self.session.post_json("/credentials", body)

    def update(self, name, values=None, info=None, display_name=UNCHANGED, remove=()):
        """Change the given values of a credential; others are kept.

        A non-empty ``info`` replaces the stored credential_info (the proxy
        does not merge it), so send it whole. ``display_name=None`` clears the
        label; ``remove`` names values to drop. The name itself cannot change.
        NotFound if there is no such credential.
        """
        from litellm_cli.session import decode_json

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
        """Remove a credential (NotFound if unknown)."""
        from litellm_cli.session import decode_json

        return decode_json(self.session.delete(f"/credentials/{path_segment(name)}"))
