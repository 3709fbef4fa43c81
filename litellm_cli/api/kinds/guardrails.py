"""Guardrails in a state file (``guardrail_list:``), by ``guardrail_name``:
what ``POST /guardrails`` takes (the proxy's Guardrail: ``litellm_params``
and ``guardrail_info``).

The section is not ``guardrails``: a LiteLLM config.yaml uses that name for
its own guardrails, and a config stays a valid state file. The owner marker
goes in ``guardrail_info``. The proxy keeps each guardrail under a uuid of
its own; guardrails of its config.yaml are listed too, never owned.

Updates are partial (``PATCH /guardrails/{id}``): the proxy merges the
litellm_params entries sent into the stored ones, so a secret the file
leaves out (the proxy stores them encrypted and lists them masked) keeps its
value; ``guardrail_info`` is replaced whole. (``PUT`` would replace
litellm_params whole, dropping the secrets.)
"""

from litellm_cli.api.kinds._params import PARAMS, ParamsKind


class Guardrails(ParamsKind):
    section, identity, order = "guardrail_list", "guardrail_name", 100
    since = "1.90"  # 1.80.17 answers in other shapes (tools/compat.sh)
    id_field, route, owner_in = "guardrail_id", "/guardrails", "guardrail_info"
    filled = {"default_on": False}  # the proxy's LitellmParams sets it when not given

    def read(self):
        return (self.session.get_json("/v2/guardrails/list") or {}).get("guardrails") or []

    def from_config(self, current):
        return current.get("guardrail_definition_location") == "config"

    def send_create(self, item, owner):
        self.session.post_json(self.route, {"guardrail": self.marked(item.wanted, owner)})

    def update(self, item, owner):
        body = {self.owner_in: self.marked(item.wanted, owner, item.current)[self.owner_in]}
        wanted = item.wanted.get(PARAMS) or {}
        params = {name: wanted.get(name) for head, _, name
                  in (row["field"].partition(".") for row in item.changes) if head == PARAMS}
        if params:
            body[PARAMS] = params
        self.session.patch(self.path(item), json=body)
