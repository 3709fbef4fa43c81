#!/usr/bin/env bash
# Set up and run the whole test suite: unit tests, then functional tests that run the
# installed litellm-proxy against a real LiteLLM proxy with PostgreSQL, started and
# stopped by the test fixture with tools/proxy_sandbox.py (see tests/functional/conftest.py),
# unless LITELLM_CLI_TEST_URL and LITELLM_CLI_TEST_KEY name a running one.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
cd "$ROOT"
# Set the sandbox up here, so that its progress shows (the fixture then only starts it),
# unless only unit tests run or the tests are pointed at a running proxy.
case " $* " in
  *" tests/unit"*) ;;
  *) [ -n "${LITELLM_CLI_TEST_URL:-}" ] || "${SANDBOX[@]}" setup ;;
esac
exec "$VENV/bin/python" -m pytest "$@"   # no paths: testpaths (tests/) from tox.ini
