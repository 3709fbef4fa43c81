"""Write the JSON Schemas of a LiteLLM release's request models, for
``litellm-proxy state validate``.

Run it with the python of an environment where that release is installed:

    /path/to/venv/bin/python tools/extract_schema.py [OUTPUT_DIR]

It imports the proxy's own pydantic models (what /budget/new, /team/new,
/team/member_add, /user/new, /customer/new, /credentials, /model/new,
/key/generate, /tag/new, /v1/mcp/server, /guardrails, /search_tools, /organization/new,
/v1/access_group, /v1/agents, /vector_store/new and /prompts accept) and writes their schemas,
sharing one ``$defs``, to
OUTPUT_DIR/litellm-<version>.json (default: litellm_cli/schemas beside this
script). Descriptions, titles and examples are dropped: the file is data for
a validator, not documentation. Standard library and the release's own
packages only.
"""

import importlib
import json
import os
import sys
from importlib.metadata import version

# Each kind of the state file and the model that describes one object of it,
# as (module, class); a class that moved between releases is found in the
# first module that has it.
KINDS = {
    "budgets": (("litellm.proxy._types",), "BudgetNewRequest"),
    "teams": (("litellm.proxy._types",), "NewTeamRequest"),
    "users": (("litellm.proxy._types",), "NewUserRequest"),
    "customers": (("litellm.proxy._types",), "NewCustomerRequest"),
    "credential_list": (("litellm.types.utils", "litellm.proxy._types"), "CredentialItem"),
    "model_list": (("litellm.types.router",), "Deployment"),
    "keys": (("litellm.proxy._types",), "GenerateKeyRequest"),
    "tags": (("litellm.types.tag_management",), "TagNewRequest"),
    "mcp_server_list": (("litellm.proxy._types",), "NewMCPServerRequest"),
    "guardrail_list": (("litellm.types.guardrails",), "Guardrail"),
    "search_tool_list": (("litellm.types.search",), "SearchTool"),
    "organizations": (("litellm.proxy._types",), "NewOrganizationRequest"),
    "access_group_list": (("litellm.types.access_group",), "AccessGroupCreateRequest"),
    "agent_list": (("litellm.types.agents",), "AgentConfig"),
    "vector_store_list": (("litellm.types.vector_stores",), "LiteLLM_ManagedVectorStore"),
    "prompt_list": (("litellm.proxy.prompts.prompt_endpoints",), "Prompt"),
}
DROPPED = ("description", "title", "examples")
# Fields of a request model (a TypedDict) that the proxy sets itself: its id
# and timestamps, never an operator's setting; and, by model, more of them (a
# vector store's team and user are the caller's) and the fields its route
# requires that the TypedDict leaves optional (/vector_store/new: id, provider).
SERVER_SET = ("guardrail_id", "search_tool_id", "created_at", "updated_at")
SERVER_SET_OF = {"LiteLLM_ManagedVectorStore": ("team_id", "user_id", "is_config")}
REQUIRED_OF = {"LiteLLM_ManagedVectorStore": ("vector_store_id", "custom_llm_provider")}


def find(modules, name):
    for module in modules:
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ModuleNotFoundError:
            continue
        if found is not None:
            return found
    return None  # not in this release: its schema has no such kind


def as_model(found):
    """A pydantic model of ``found``: itself, or a TypedDict's fields (those an
    operator sets; its required keys required) as a model of the same name."""
    import pydantic
    import typing_extensions  # the release's (its TypedDicts use ReadOnly)

    if not typing_extensions.is_typeddict(found):
        return found
    hints = typing_extensions.get_type_hints(found)
    skipped = SERVER_SET + SERVER_SET_OF.get(found.__name__, ())
    required = set(found.__required_keys__) | set(REQUIRED_OF.get(found.__name__, ()))
    return pydantic.create_model(found.__name__, **{
        name: (hint, ... if name in required else None)
        for name, hint in hints.items() if name not in skipped})


def team_member():
    """A team's member as the state file nests it: the proxy's Member (user
    and role) with the member's budget in the team, as /team/member_add
    takes it (TeamMemberAddRequest.max_budget_in_team)."""
    import pydantic

    member = find(("litellm.proxy._types",), "Member")
    budget = find(("litellm.proxy._types",), "TeamMemberAddRequest").model_fields[
        "max_budget_in_team"]
    return pydantic.create_model("TeamMember", __base__=member,
                                 max_budget_in_team=(budget.annotation, budget))


def prompt(model):
    """The proxy's Prompt (what /prompts takes) with ``prompt_info.prompt_type``
    optional: apply sends the proxy's own default, db, when a file leaves it out."""
    import pydantic

    info = find(("litellm.types.prompts.init_prompts",), "PromptInfo")
    kind = info.model_fields["prompt_type"]
    info = pydantic.create_model("PromptInfo", __base__=info, prompt_type=(kind.annotation, "db"))
    return pydantic.create_model("Prompt", __base__=model, prompt_info=(info | None, None))


def strip(node):
    """``node`` without documentation (keeps a property that happens to be
    named like one: only the keywords of a schema are dropped)."""
    if isinstance(node, list):
        return [strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: (({name: strip(value) for name, value in child.items()})
                  if key in ("properties", "$defs") else strip(child))
            for key, child in node.items() if key not in DROPPED}


def main(argv):
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network at import
    from pydantic.json_schema import models_json_schema

    found = {kind: find(*where) for kind, where in KINDS.items()}
    found = {kind: model for kind, model in found.items() if model is not None}
    if "prompt_list" in found:
        found["prompt_list"] = prompt(found["prompt_list"])
    models = {kind: as_model(model) for kind, model in found.items()}
    models["team_members"] = team_member()
    refs, schema = models_json_schema([(model, "validation") for model in models.values()])
    release = version("litellm")
    document = {
        "litellm_version": release,
        "pydantic_version": version("pydantic"),
        "kinds": {kind: refs[(model, "validation")] for kind, model in models.items()},
        "$defs": strip(schema["$defs"]),
    }
    folder = argv[1] if len(argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), os.pardir, "litellm_cli", "schemas")
    path = os.path.join(folder, f"litellm-{release}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1, sort_keys=True)  # readable diffs
        handle.write("\n")
    print(path)


if __name__ == "__main__":
    main(sys.argv)
