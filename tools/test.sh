#!/usr/bin/env bash
# Set up and run the whole test suite: unit tests, then functional tests that run the
# installed litellm-proxy against a real LiteLLM proxy with PostgreSQL (started and
# stopped by the test fixture; see tests/functional/conftest.py).
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
cd "$ROOT"
exec "$VENV/bin/python" -m pytest tests "$@"
