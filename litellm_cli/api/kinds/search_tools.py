"""Search tools in a state file (``search_tool_list:``), by
``search_tool_name``: what ``POST /search_tools`` takes (the proxy's
SearchTool: ``litellm_params`` with the provider and its ``api_key``, and
``search_tool_info``).

The section is not ``search_tools``: a LiteLLM config.yaml uses that name for
its own tools, and a config stays a valid state file. The owner marker goes
in ``search_tool_info``. The proxy keeps each tool under a uuid of its own;
tools of its config.yaml are listed too, never owned.

Updates replace the whole tool (``PUT /search_tools/{id}``): the update sends
the file's litellm_params over the ones the proxy shows. The proxy stores the
api_key encrypted and never shows it (LiteLLM 1.80.17 lists it in clear;
this tool never exports it either way), so it cannot be kept for the proxy:
an update of a tool that holds one is possible only when the file gives it
(``cli.environ/NAME``), else it fails, saying so, and nothing is sent.
"""

from litellm_cli.api.kinds._params import PARAMS, ParamsKind, hidden
from litellm_cli.api.kinds.base import Item


class SearchTools(ParamsKind):
    section, identity, order = "search_tool_list", "search_tool_name", 110
    id_field, route, owner_in = "search_tool_id", "/search_tools", "search_tool_info"

    def read(self):
        return (self.session.get_json("/search_tools/list") or {}).get("search_tools") or []

    def from_config(self, current):
        return bool(current.get("is_from_config"))

    def plan_update(self, obj, current, owner, force_secrets=False):
        item = super().plan_update(obj, current, owner, force_secrets)
        given = obj.get(PARAMS) or {}
        lost = sorted(k for k, v in (current.get(PARAMS) or {}).items()
                      if hidden(k) and v is not None and k not in given)
        if item.action != "update" or not lost:
            return item
        return Item(self.section, item.name, "failed", wanted=obj, current=current,
                    changes=item.changes,
                    reason=(f"the proxy replaces a search tool's litellm_params on update and "
                            f"never shows its {', '.join(lost)}: give it in the file "
                            f"(cli.environ/NAME) to update this tool"))

    def send_create(self, item, owner):
        self.session.post_json(self.route, {"search_tool": self.marked(item.wanted, owner)})

    def update(self, item, owner):
        params = {**self.view(item.current)[PARAMS], **(item.wanted.get(PARAMS) or {})}
        tool = {self.identity: item.name,
                PARAMS: {k: v for k, v in params.items() if v is not None}}
        tool[self.owner_in] = self.marked(item.wanted, owner, item.current)[self.owner_in]
        self.session.put(self.path(item), json={"search_tool": tool})
