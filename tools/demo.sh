#!/usr/bin/env bash
# Set everything up, start a disposable real LiteLLM proxy (with PostgreSQL) on
# 127.0.0.1 with tools/proxy_sandbox.py, and take litellm-proxy through its paces
# against it. The proxy is stopped when the demo ends, whatever happens.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"

DEMO=demo-$$
WORK=$(mktemp -d)
trap '"${SANDBOX[@]}" stop --name "$DEMO"; rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "== setting up a disposable LiteLLM proxy (first run: a few minutes)" >&2
URL=$("${SANDBOX[@]}" start --name "$DEMO")
eval "$("${SANDBOX[@]}" env --name "$DEMO")"

step() {
  printf '\n$ litellm-proxy %s\n' "$*"
  litellm-proxy "$@" || echo "(exit code $?)"
}
# Like step, with the generated key: passed in the environment, and shown only as $KEY.
step_with_key() {
  printf '\n$ LITELLM_PROXY_API_KEY=$KEY litellm-proxy %s\n' "$*"
  LITELLM_PROXY_API_KEY=$KEY litellm-proxy "$@" || echo "(exit code $?)"
}

cat > "$WORK/demo-models.yaml" <<YAML
credential_list:
  - credential_name: $DEMO-cred
    credential_values: {api_key: fake-upstream-key}
    credential_info: {custom_llm_provider: openai}
model_list:
  - model_name: $DEMO-fast
    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:9/v1",
                     litellm_credential_name: $DEMO-cred, mock_response: "fast answer"}
    model_info: {access_groups: [beta]}
  - model_name: $DEMO-smart
    litellm_params: {model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1",
                     litellm_credential_name: $DEMO-cred, mock_response: "smart answer"}
    model_info: {access_groups: [prod]}
YAML

echo "== proxy at $URL"
step --version
step
step models
step models list
step models import "$WORK/demo-models.yaml" --dry-run
step models import "$WORK/demo-models.yaml"
step models import "$WORK/demo-models.yaml"
step models info --columns public_model,upstream_model,credential_name
step credentials list
step chat completions "$DEMO-smart" -m "user:Hello, how are you?" --usage
step chat completions gpt-4o -m "system:Be brief" -m "user:What is the capital of France?" --stream
step teams create --team-id "$DEMO-team" --alias "Demo team" --models gpt-4o
step users create --user-id "$DEMO-user" --email "$DEMO@example.com" --role internal_user --team "$DEMO-team" --max-budget 10
step teams get --id "$DEMO-team" -f yaml
KEY=$(litellm-proxy keys generate --models gpt-4o --spend 1 --duration 1h --key-alias "$DEMO-key" -f value -c key)
echo "(generated a key limited to gpt-4o; it is kept in a shell variable, not printed)"
step_with_key chat completions gpt-4o -m "user:May I use gpt-4o?"
step_with_key chat completions mistral-mock -m "user:And mistral?"
step keys list --key-alias "$DEMO-key"
step --debug http request GET /v1/models
step http request POST /chat/completions -j '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}'
step --api-key sk-not-a-real-key models info
step models get --id no-such-model
step models import /dev/null
step --base-url http://127.0.0.1:9 version
step keys delete --key-aliases "$DEMO-key"
step users delete "$DEMO-user"
step teams delete "$DEMO-team"
for id in $(litellm-proxy models info --columns public_model,id -f value | awk -v p="$DEMO-" 'index($1, p) == 1 { print $2 }'); do
  step models delete "$id"
done
step credentials delete "$DEMO-cred"
