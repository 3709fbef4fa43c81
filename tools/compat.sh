#!/usr/bin/env bash
# Run the functional tests against each given LiteLLM release, one after another, each on a
# sandbox proxy of that release (tools/proxy_sandbox.py start --litellm-version V), and print one
# line per release with its pytest counts. Arguments that are releases (1.100.5) pick the
# releases; every other argument goes to pytest (default: tests/functional):
#
#   bash tools/compat.sh 1.100.5 1.90.7                               the whole functional suite
#   bash tools/compat.sh 1.90.7 tests/functional/test_keys.py -k list  a subset
#
# The sandbox folder is the usual one ($LITELLM_CLI_SANDBOX or --dir's default); a test that needs
# a second proxy gets one of the same release. Each run's output is kept in a log whose path is
# printed. The summary goes to stderr, so the last line on stdout is the closing line of the
# last release's pytest run (its counts). Exit code: 0 if every release passed, 1 otherwise, 2
# for no release given.
set -uo pipefail

releases=() pytest_args=()
for arg in "$@"; do
  if [[ $arg =~ ^[0-9]+\.[0-9]+\.[0-9]+(\.post[0-9]+)?$ ]]; then releases+=("$arg")
  elif [ "$arg" != "--" ]; then pytest_args+=("$arg")
  fi
done
if [ ${#releases[@]} -eq 0 ]; then
  echo "usage: tools/compat.sh VERSION... [pytest arguments]" >&2
  exit 2
fi
. "$(dirname "$0")/bootstrap.sh"
cd "$ROOT"
[ ${#pytest_args[@]} -gt 0 ] || pytest_args=(tests/functional)
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/litellm-cli-compat.XXXXXX")
NAME=compat-$$
trap '"${SANDBOX[@]}" stop --name "$NAME" >/dev/null 2>&1' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

summary=() failed=0 closing=
for release in "${releases[@]}"; do
  closing=
  log=$LOGS/litellm-$release.log
  echo "== litellm $release: starting a sandbox proxy (log: $log)" >&2
  if ! url=$(LITELLM_CLI_SANDBOX_LITELLM=$release "${SANDBOX[@]}" start --name "$NAME" 2>>"$log"); then
    summary+=("litellm $release: the proxy did not start (see $log)")
    failed=1
    continue
  fi
  key=$(eval "$("${SANDBOX[@]}" env --name "$NAME")" && printf '%s' "$LITELLM_PROXY_API_KEY")
  echo "== litellm $release: pytest ${pytest_args[*]} against $url" >&2
  LITELLM_CLI_SANDBOX_LITELLM=$release LITELLM_CLI_TEST_URL=$url LITELLM_CLI_TEST_KEY=$key \
    LITELLM_CLI_TEST_URL2='' LITELLM_CLI_TEST_KEY2='' \
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider "${pytest_args[@]}" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
  closing=$(tail -n 1 "$log")
  counts=$(printf '%s' "$closing" | sed -E 's/^=+ //; s/ in [0-9.]+s.*$//')
  summary+=("litellm $release: $counts (pytest exit $rc)")
  [ "$rc" -eq 0 ] || failed=1
  "${SANDBOX[@]}" stop --name "$NAME" >>"$log" 2>&1
done
printf '%s\n' "${summary[@]}" >&2
echo "logs: $LOGS" >&2
[ -z "$closing" ] || printf '%s\n' "$closing"
exit $failed
