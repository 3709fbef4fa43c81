"""The proxy's health: is it alive, is it ready (database, cache), which
version runs, and do its model deployments answer.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.health import HealthAPI

    health = HealthAPI(Session("http://localhost:4000", api_key="sk-master"))
    print(health.readiness())          # {"status": "healthy", "db": "connected", ...}
    print(health.models()["unhealthy_endpoints"])   # calls every upstream: may cost money
"""

from litellm_cli import exceptions
from litellm_cli.api import API


class HealthAPI(API):
    def _probe(self, path, authenticated=True):
        from litellm_cli.session import decode_json

        # A sick proxy answers 503 with a body worth showing: no retries, no raise.
        response = self.session.get(path, authenticated=authenticated, idempotent=False,
                                    raise_exc=False)
        try:
            body = decode_json(response)
        except exceptions.CLIError:
            body = response.text.strip()
        return response.status_code, body

    def liveliness(self):
        """``(http_status, body)`` of ``/health/liveliness`` (no key needed)."""
        return self._probe("/health/liveliness", authenticated=False)

    def readiness(self):
        """``(http_status, body)``: ``/health/readiness/details`` (status, db,
        cache, litellm_version; needs a key), or the public ``/health/readiness``
        (status and db only) when the key may not read the details, or when the
        proxy has no details route (LiteLLM 1.80.17 and 1.82, whose ``/health/readiness``
        itself tells the version)."""
        status, body = self._probe("/health/readiness/details")
        if status in (401, 403, 404):
            status, body = self._probe("/health/readiness", authenticated=False)
        return status, body

    def models(self, model=None, model_id=None):
        """Run the proxy's check of every deployment, or of one model name or
        deployment id (``GET /health``): ``{"healthy_endpoints",
        "unhealthy_endpoints", "healthy_count", "unhealthy_count"}``.

        The proxy sends a real request to each upstream, so this can cost
        money; it is never retried. The proxy answers 503 when nothing is
        healthy, still with this body.
        """
        from litellm_cli.session import decode_json

        params = {"model": model, "model_id": model_id}
        response = self.session.get("/health", params=params, idempotent=False,
                                    raise_exc=False)
        body = decode_json(response) if response.status_code in (200, 503) else None
        if not isinstance(body, dict) or "healthy_endpoints" not in body:
            raise exceptions.from_response(response, "GET", "/health")
        return body
