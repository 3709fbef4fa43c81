#!/usr/bin/env bash
# Set up and run the whole test suite: unit tests, then functional tests that run the
# installed litellm-proxy against a real LiteLLM proxy with PostgreSQL, started and
# stopped by the test fixture with tools/proxy_sandbox.py (see tests/functional/conftest.py),
# unless LITELLM_CLI_TEST_URL and LITELLM_CLI_TEST_KEY name a running one.
#
# Without arguments (what CI runs), a second stage follows: the functional suite again, on a
# sandbox proxy of the oldest LiteLLM release the CLI supports (tools/compat.sh). Both stages
# must pass; LITELLM_CLI_SKIP_OLDEST=1 skips the second one. Arguments go to pytest, and then
# only pytest runs.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
cd "$ROOT"
OLDEST=1.80.17   # the oldest supported release: README, "Works with"
# Set the sandbox up here, so that its progress shows (the fixture then only starts it),
# unless only unit tests run or the tests are pointed at a running proxy.
case " $* " in
  *" tests/unit"*) ;;
  *) [ -n "${LITELLM_CLI_TEST_URL:-}" ] || "${SANDBOX[@]}" setup ;;
esac
if [ $# -gt 0 ] || [ -n "${LITELLM_CLI_SKIP_OLDEST:-}" ]; then
  exec "$VENV/bin/python" -m pytest "$@"   # no paths: testpaths (tests/) from tox.ini
fi
rc=0
"$VENV/bin/python" -m pytest || rc=$?
# Left to the first stage: test_sandbox (the sandbox tool itself) and test_neighbour (the pip
# environment) do not depend on the proxy's release; test_key_import needs a second proxy
# (keys import still runs here, in test_redaction).
bash tools/compat.sh "$OLDEST" tests/functional --ignore tests/functional/test_sandbox.py \
  --ignore tests/functional/test_neighbour.py --ignore tests/functional/test_key_import.py \
  || rc=$?
exit $rc
