# Sourced by tools/test.sh and tools/demo.sh: create .venv and install litellm-cli into it.
# A fresh machine needs only Python 3.10+ with venv; the real proxy is set up by
# tools/proxy_sandbox.py (see the README, "Try it without a proxy of your own").
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${LITELLM_CLI_VENV:-$ROOT/.venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || { echo "error: python3 -m venv failed (apt-get install python3-venv)" >&2; exit 1; }
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[test]" >&2 \
  || { echo "error: installing litellm-cli into $VENV failed" >&2; exit 1; }
export PATH="$VENV/bin:$PATH"
SANDBOX=("$VENV/bin/python" "$ROOT/tools/proxy_sandbox.py")
