#!/usr/bin/env bash
# Set everything up, start a disposable real LiteLLM proxy (with PostgreSQL) on
# 127.0.0.1 with tools/proxy_sandbox.py, and take litellm-proxy through its paces
# against it. The proxy is stopped when the demo ends, whatever happens.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"

DEMO=demo-$$
WORK=$(mktemp -d)
trap '"${SANDBOX[@]}" stop --name "$DEMO-b" 2>/dev/null; "${SANDBOX[@]}" stop --name "$DEMO"; rm -rf "$WORK"' EXIT
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
step models export -o "$WORK/exported.yaml"
sed -i 's/smart answer/smarter answer/' "$WORK/exported.yaml"
echo "(changed one mock_response in the exported file)"
step models diff "$WORK/exported.yaml"
step models apply "$WORK/exported.yaml"
step models diff "$WORK/exported.yaml"
step model-groups list
step credentials list
step chat completions "$DEMO-smart" -m "user:Hello, how are you?" --usage
step chat completions gpt-4o -m "system:Be brief" -m "user:What is the capital of France?" --stream
step teams create "$DEMO-team" --alias "$DEMO team" --models gpt-4o
step users create --user-id "$DEMO-user" --email "$DEMO@example.com" --role internal_user --team "$DEMO-team" --max-budget 10
step teams get "$DEMO team" -f yaml   # a unique alias names the team too
KEY=$(litellm-proxy keys generate --models gpt-4o --spend 1 --duration 1h --key-alias "$DEMO-key" -f value -c key)
(umask 077; printf '%s\n' "$KEY" > "$WORK/key")
echo "(generated a key limited to gpt-4o; it is kept in a shell variable and a 0600 file, never printed)"
step_with_key chat completions gpt-4o -m "user:May I use gpt-4o?"
step_with_key chat completions mistral-mock -m "user:And mistral?"
step keys list --key-alias "$DEMO-key"
step keys update @"$WORK/key" --max-budget 20 --rpm-limit 60 --metadata '{"app": "demo"}'
step keys block "$DEMO-key"
step_with_key chat completions gpt-4o -m "user:Still there?"
step keys unblock @"$WORK/key"
step keys reset-spend @"$WORK/key"
step keys regenerate @"$WORK/key"
step teams update "$DEMO-team" --max-budget 800 --models gpt-4o,mistral-mock
step teams member update "$DEMO-team" --user-id "$DEMO-user" --max-budget-in-team 20
step teams info "$DEMO-team"
step teams assign-key "$DEMO-team" --key @"$WORK/key"
step teams available
step users update "$DEMO-user" --max-budget 50
printf '{"api_key": "rotated-upstream-key"}' > "$WORK/values.json"
step credentials update "$DEMO-cred" --display-name "Demo credential" --values @"$WORK/values.json"
echo "== a second disposable proxy, to copy keys into"
SECOND=$("${SANDBOX[@]}" start --name "$DEMO-b")   # same sandbox, so the same master key
printf '%s\n' "$LITELLM_PROXY_API_KEY" > "$WORK/source-key"
step --base-url "$SECOND" keys import --source-base-url "$URL" --source-api-key @"$WORK/source-key" --dry-run
step --base-url "$SECOND" keys import --source-base-url "$URL" --source-api-key @"$WORK/source-key" --secrets-out "$WORK/new-keys.jsonl"
step --base-url "$SECOND" keys import --source-base-url "$URL" --source-api-key @"$WORK/source-key" --secrets-out "$WORK/new-keys.jsonl"
step --base-url "$SECOND" keys list
step health
step health -f json
step health models --model gpt-4o
step budgets create "$DEMO-free" --max-budget 5 --budget-duration 30d
step customers create "$DEMO-acme" --alias ACME --budget-id "$DEMO-free"
step chat completions gpt-4o -m "user:hi" --user "$DEMO-acme"
echo "(spend logs are written by the proxy in batches; waiting up to 60 s for them)"
for _ in $(seq 30); do
  [ -n "$(litellm-proxy spend logs --customer "$DEMO-acme" -f value -c request_id 2>/dev/null)" ] && break
  sleep 2
done
step spend logs --size 5
step spend report --group-by model -f csv
step spend report --period day --group-by team -f csv
step audit --fail-on critical -c severity -c rule -c kind -c object
step keys rotate "$DEMO-key" --grace 1h --secrets-out "$WORK/rotated.jsonl"
echo "(the new secret went only to a 0600 file: $(wc -l < "$WORK/rotated.jsonl") line)"
step keys rotate --finish --dry-run
step customers block "$DEMO-acme"
step customers list
step customers delete -y "$DEMO-acme"
step budgets delete -y "$DEMO-free"
step orgs list
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
