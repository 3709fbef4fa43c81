"""Model groups: the model names clients call, each with its deployments'
providers, limits and prices, as the caller's key may see them.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.model_groups import ModelGroupsAPI

    for group in ModelGroupsAPI(Session("http://localhost:4000", api_key="sk-...")).list():
        print(group["model_group"], group["mode"], group["input_cost_per_token"])
"""

from litellm_cli.api import API


class ModelGroupsAPI(API):
    def list(self, model_group=None):
        """Every model group the key may use, or one (``GET /model_group/info``)."""
        body = self.session.get_json("/model_group/info", params={"model_group": model_group})
        return (body or {}).get("data") or []
