#!/usr/bin/env bash
# Set everything up, start a disposable real LiteLLM proxy (with PostgreSQL) on
# 127.0.0.1, and take litellm-proxy through its paces against it. The proxy is
# stopped when the demo ends, whatever happens.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
[ -x "$SERVER_TOOL" ] || { echo "error: test server tool not found at $SERVER_TOOL (set LITELLM_TEST_SERVER)" >&2; exit 1; }

export WORK=${LITELLM_CLI_DEMO_WORK:-/tmp/litellm-cli-demo}
echo "== setting up a disposable LiteLLM proxy in $WORK (first run: ~2 minutes)" >&2
"$SERVER_TOOL" setup
trap '"$SERVER_TOOL" stop' EXIT
URL=$("$SERVER_TOOL" start 0)
eval "$("$SERVER_TOOL" env)"
export LITELLM_PROXY_URL LITELLM_PROXY_API_KEY

step() {
  printf '\n$ litellm-proxy %s\n' "$*"
  litellm-proxy "$@" || echo "(exit code $?)"
}

echo "== proxy at $URL"
step --version
step --help
step models list
step http request GET /models
step http request POST /chat/completions -j '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}'
step --api-key sk-not-a-real-key models list
step --base-url http://127.0.0.1:9 version
