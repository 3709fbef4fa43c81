"""litellm_cli.versions: the proxy's release named in messages, and refusals
of what a release cannot do."""

import pytest

from litellm_cli import exceptions, versions
from tests.unit.conftest import FakeSession, release


@pytest.mark.parametrize("said,described", [
    ("1.100.5", "LiteLLM 1.100.5"),
    (None, "a LiteLLM release that does not say its version"),
    ("1.9\nError: forged", "LiteLLM '1.9\\nError: forged'"),
    ("9" * 500, "LiteLLM " + "9" * 40),
])
def test_the_release_named_in_messages_is_one_short_line(said, described):
    session = FakeSession({("GET", "/public/model_hub/info"):
                           lambda **kwargs: {"litellm_version": said},
                           ("GET", "/health/readiness"): lambda **kwargs: {}})
    assert versions.describe(session) == described


def test_require_refuses_an_older_release_naming_both():
    session = FakeSession(release("1.108.7"))
    versions.require(session, "1.108", "this")
    with pytest.raises(exceptions.CLIError) as caught:
        versions.require(session, "1.109", "removing a param")
    assert str(caught.value) == ("removing a param needs LiteLLM >= 1.109; this proxy is "
                                 "LiteLLM 1.108.7")
    assert caught.value.exit_code == exceptions.EXIT_REJECTED
    assert len(session.calls) == 1  # asked once per run


def test_not_applied_names_the_release_and_fails_with_exit_1():
    error = versions.not_applied(FakeSession(release("1.100.5")), "--display-name")
    assert str(error) == ("this proxy (LiteLLM 1.100.5) answered success but did not apply "
                          "--display-name")
    assert error.exit_code == exceptions.EXIT_FAILURE
