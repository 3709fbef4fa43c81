"""Organizations in a state file (``organizations:``): refused.

Organizations are a LiteLLM Enterprise feature from LiteLLM 1.102: an
unlicensed proxy refuses them. A file that lists organizations is refused
with the proxy's own licence message (one line, exit 6), before anything is
written; export writes no organizations section (state_sync.NOT_EXPORTED), and an empty list applies
as nothing. A proxy that serves them (a licence, or a release before 1.102)
is told that state files do not manage them yet.
"""

from litellm_cli import exceptions
from litellm_cli.api.kinds.base import Kind


class Organizations(Kind):
    section, identity, order = "organizations", "organization_alias", 15

    def plan(self, wanted, owner, prune=False, force_secrets=False):
        if not wanted:
            return []  # nothing to manage
        try:
            self.session.get_json("/organization/list")
        except exceptions.EnterpriseOnly as refused:
            raise exceptions.CLIError(f"{self.section}: {refused.details}",
                                      exceptions.EXIT_REJECTED) from None
        raise exceptions.CLIError(
            f"{self.section}: state files do not manage organizations yet (use litellm-proxy "
            f"orgs)", exceptions.EXIT_REJECTED)
