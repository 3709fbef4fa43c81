"""Organizations in a state file are refused with the proxy's own licence message."""

import pytest

from litellm_cli import exceptions
from litellm_cli.api.kinds.organizations import Organizations
from tests.unit.conftest import FakeSession

LICENCE = ("Organizations are only available for LiteLLM Enterprise users. You must be a "
           "LiteLLM Enterprise user to use this feature. \nPricing: https://example")


def test_a_file_with_organizations_is_refused_with_the_licence_message_exit_6():
    session = FakeSession({("GET", "/organization/list"):
                           exceptions.EnterpriseOnly(" ".join(LICENCE.split()), http_status=403)})
    with pytest.raises(exceptions.CLIError) as caught:
        Organizations(session).plan([{"organization_alias": "o"}], "owner")
    assert caught.value.exit_code == exceptions.EXIT_REJECTED
    assert str(caught.value).startswith("organizations: Organizations are only available")
    assert "(HTTP" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_proxy_that_serves_them_is_told_they_are_not_managed_yet():
    session = FakeSession({("GET", "/organization/list"): []})
    with pytest.raises(exceptions.CLIError) as caught:
        Organizations(session).plan([{"organization_alias": "o"}], "owner")
    assert caught.value.exit_code == exceptions.EXIT_REJECTED
    assert "do not manage organizations" in str(caught.value)


def test_an_empty_list_is_nothing_to_do_and_export_writes_none():
    session = FakeSession({})
    assert Organizations(session).plan([], "owner", prune=True) == []
    assert session.calls == []
    from litellm_cli.api.state_sync import EXPORTED
    assert "organizations" not in EXPORTED
