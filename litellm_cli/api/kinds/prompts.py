"""Prompts in a state file (``prompt_list:``): what ``POST /prompts`` takes
(the proxy's Prompt: ``prompt_id``, ``litellm_params``, ``prompt_info``).

The section is not ``prompts``: a LiteLLM config.yaml uses that name for the
proxy's own prompts. The proxy versions a prompt per environment
(``prompt_info.environment``, default ``development``): one object of the
file is a prompt in one environment, named ``prompt_id`` in the default
environment and ``prompt_id@environment`` in another; a file may list the
same prompt_id once per environment. It is compared with the latest version
in its environment (what ``/prompts/list`` shows and requests get); the file
names no version. An update is ``PUT /prompts/{id}``, which adds a version
(the older ones stay, for requests that ask for one): the proxy's own way of
changing a prompt, never rewriting a version a client may use. A delete
removes every version in the environment.

The owner marker goes in ``prompt_info`` (the proxy keeps any key there).
Prompts of the proxy's config.yaml (``prompt_type: config``) are never owned,
so never pruned. ``litellm_params.api_key`` (the proxy shows it in clear) and
other secret-named entries are never exported nor compared; an update keeps
the proxy's. What the proxy fills in (``prompt_type: db``, the
environment's default, PromptLiteLLMParams' defaults) is not exported and
compares equal.

The proxy reads ``.v`` and ``_v`` in a prompt_id as a version
(``name_v2`` is version 2 of ``name``): such a prompt cannot be named, and
is "failed". So is a prompt_id holding '@' (it would clash with the name of
a prompt of another environment). Releases before 1.108 keep no
environments (a prompt of another environment would be one more version of
the same prompt): the engine refuses the kind there (``since``). A create
that races another run's does not fail: the proxy adds a version, which
matches the file.
"""

from litellm_cli.api import path_segment
from litellm_cli.api.kinds._view import ViewKind, trimmed
from litellm_cli.api.kinds.base import OWNER_FIELD, without_owner
from litellm_cli.redact import with_secrets_kept, without_secrets

DEFAULT_ENVIRONMENT = "development"
INFO_DEFAULTS = {"prompt_type": "db", "environment": DEFAULT_ENVIRONMENT}
# PromptLiteLLMParams' defaults, which the proxy writes when a request leaves them out.
PARAM_DEFAULTS = {"ignore_prompt_manager_model": False,
                  "ignore_prompt_manager_optional_params": False}
VERSION_MARKS = (".v", "_v")  # the proxy's get_base_prompt_id cuts a prompt_id there


def environment_of(info):
    return (info.get("environment") if isinstance(info, dict) else None) or DEFAULT_ENVIRONMENT


def prompt_name(prompt_id, environment):
    if environment == DEFAULT_ENVIRONMENT or not isinstance(prompt_id, str):
        return prompt_id
    return f"{prompt_id}@{environment}"


class Prompts(ViewKind):
    section, identity, order = "prompt_list", "prompt_id", 95
    since = "1.108"  # 1.100.5 keeps no environments for prompts (tools/compat.sh)
    owner_in = "prompt_info"

    def read(self):
        return (self.session.get_json("/prompts/list") or {}).get("prompts") or []

    def ident(self, current):
        return prompt_name(current.get("prompt_id"), environment_of(current.get("prompt_info")))

    def wanted_ident(self, obj):
        return prompt_name(obj.get("prompt_id"), environment_of(obj.get("prompt_info")))

    def owner(self, current):
        config = (current.get("prompt_info") or {}).get("prompt_type") == "config"
        return None if config else super().owner(current)

    def view(self, current):
        params = without_secrets(current.get("litellm_params"))
        return {"prompt_id": current.get("prompt_id"),
                "litellm_params": self.wanted_value("litellm_params", params),
                "prompt_info": self.wanted_value("prompt_info", current.get("prompt_info"))}

    def wanted_value(self, field, value):
        if field == "litellm_params":
            value = trimmed(value, PARAM_DEFAULTS)
        elif field == "prompt_info":
            value = trimmed(without_owner(value), INFO_DEFAULTS)
        return super().wanted_value(field, value)

    def plan(self, wanted, owner, prune=False, force_secrets=False):
        items = super().plan(wanted, owner, prune, force_secrets)
        for item in items:
            if item.wanted is None and item.action is None:
                continue  # left as it is: unmanaged
            obj = item.wanted or item.current
            prompt_id = obj.get("prompt_id")
            if isinstance(prompt_id, str) and any(m in prompt_id for m in VERSION_MARKS):
                reason = ("the proxy reads '.v' and '_v' in a prompt_id as a version "
                          "(name_v2: version 2 of name): choose a prompt_id without them")
            elif isinstance(prompt_id, str) and "@" in prompt_id:
                reason = ("a prompt_id must not hold '@': this tool names a prompt of another "
                          "environment prompt_id@environment")
            else:
                continue
            item.status, item.action, item.changes, item.reason = "failed", None, [], reason
        return items

    def body(self, item, owner):
        """The whole prompt as the file has it (POST and PUT replace it): what
        the file leaves out is the proxy's, the secrets the proxy's."""
        current = item.current or {}
        params = item.wanted.get("litellm_params", current.get("litellm_params"))
        stored = without_owner(current.get("prompt_info"))
        info = item.wanted.get("prompt_info")
        info = stored if info is None else with_secrets_kept(info, stored)
        return {"prompt_id": item.wanted["prompt_id"],
                "litellm_params": with_secrets_kept(params, current.get("litellm_params")),
                "prompt_info": {**INFO_DEFAULTS, **(info or {}), OWNER_FIELD: owner}}

    def send_create(self, item, owner):
        self.session.post_json("/prompts", self.body(item, owner))

    def update(self, item, owner):
        self.session.put(f"/prompts/{path_segment(item.wanted['prompt_id'])}",
                         json=self.body(item, owner))

    def delete(self, item):
        environment = environment_of(item.current.get("prompt_info"))
        self.session.delete(f"/prompts/{path_segment(item.current['prompt_id'])}",
                            params={"environment": environment})
