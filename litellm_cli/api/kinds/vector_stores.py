"""Vector stores in a state file (``vector_store_list:``), by
``vector_store_id`` (the file gives it): what ``POST /vector_store/new``
takes (the proxy's LiteLLM_ManagedVectorStore).

The section is not ``vector_store_registry``: a LiteLLM config.yaml uses that
name for the proxy's own stores. The owner marker goes in
``vector_store_metadata``. Stores of the proxy's config.yaml (``is_config``)
cannot be changed through the API: they are never owned, so never pruned.

``litellm_params`` holds the provider's credentials: the proxy keeps them in
clear in its database and shows them as ``REDACTED_BY_LITELM``; those entries
(and secret-named ones) are never exported nor compared. The proxy fills in
the defaults of its GenericLiteLLMParams (``use_litellm_proxy: false``...):
not exported, equal to a file that leaves them out.

``/vector_store/update`` is partial (a field left out keeps its value, a null
clears it) and takes only the provider, name, description and metadata: it
ignores ``litellm_params`` and ``litellm_credential_name``. A file that
changes those is "failed" with that reason; the store must be deleted and
created again. The proxy sets ``team_id`` and ``user_id`` from the caller's
key: no operator's setting, not exported.
"""

from litellm_cli.api.kinds._view import ViewKind, trimmed
from litellm_cli.api.kinds.base import Item, without_owner
from litellm_cli.redact import without_secrets

FIELDS = ("vector_store_id", "custom_llm_provider", "vector_store_name",
          "vector_store_description", "vector_store_metadata", "litellm_credential_name",
          "litellm_params")
UPDATABLE = ("custom_llm_provider", "vector_store_name", "vector_store_description",
             "vector_store_metadata")
REDACTED = "REDACTED_BY_LITELM"  # the proxy's stand-in for a credential it holds
# What the proxy writes into litellm_params by itself (GenericLiteLLMParams' defaults).
FILLED_PARAMS = {"use_xai_oauth": False, "use_litellm_proxy": False,
                 "use_in_pass_through": False, "allow_client_keepalive_override": False,
                 "merge_reasoning_content_in_choices": False}


def shown(params, stored):
    """``params`` without the entries that ``stored`` (the proxy's) shows
    redacted, at any depth: those the proxy never lets be compared."""
    if not isinstance(params, dict) or not isinstance(stored, dict):
        return params
    return {k: shown(v, stored.get(k)) for k, v in params.items() if stored.get(k) != REDACTED}


class VectorStores(ViewKind):
    section, identity, order = "vector_store_list", "vector_store_id", 95
    since = "1.90"  # 1.80.17 answers in other shapes (tools/compat.sh)
    owner_in = "vector_store_metadata"

    def read(self):
        return (self.session.get_json("/vector_store/list") or {}).get("data") or []

    def owner(self, current):
        return None if current.get("is_config") else super().owner(current)

    def view(self, current):
        out = {field: current.get(field) for field in FIELDS}
        out[self.owner_in] = without_owner(out[self.owner_in])
        params = current.get("litellm_params")
        out["litellm_params"] = trimmed(without_secrets(shown(params, params)), FILLED_PARAMS)
        return out

    def differences(self, wanted, current, force_secrets=False):
        given = wanted.get("litellm_params")
        if not isinstance(given, dict):
            return super().differences(wanted, current, force_secrets)
        params = shown(given, current.get("litellm_params"))  # as the view shows the proxy's
        wanted = {**wanted, "litellm_params": trimmed(params, FILLED_PARAMS)}
        changes, reason = super().differences(wanted, current, force_secrets)
        if params != given:
            note = "litellm_params: the entries the proxy shows redacted are not compared"
            reason = f"{reason}; {note}" if reason else note
        return changes, reason

    def plan(self, wanted, owner, prune=False, force_secrets=False):
        items = super().plan(wanted, owner, prune, force_secrets)
        for item in items:
            metadata = (item.wanted or {}).get(self.owner_in)
            if metadata is not None and not isinstance(metadata, dict):
                item.status, item.action, item.changes = "failed", None, []
                item.reason = f"{self.owner_in} must be a mapping (it holds the owner marker)"
        return items

    def plan_update(self, obj, current, owner, force_secrets=False):
        item = super().plan_update(obj, current, owner, force_secrets)
        fixed = [row["field"] for row in item.changes
                 if row["field"] in ("litellm_params", "litellm_credential_name")]
        if fixed:
            return Item(self.section, item.name, "failed", wanted=obj, current=current,
                        changes=item.changes,
                        reason=f"the proxy cannot change a vector store's {' or '.join(fixed)} "
                               "(/vector_store/update ignores them): delete the store and "
                               "apply again")
        return item

    def send_create(self, item, owner):
        self.session.post_json("/vector_store/new", self.marked(item.wanted, owner))

    def update(self, item, owner):
        body = {field: item.wanted[field] for field in UPDATABLE
                if field in item.wanted and any(row["field"] == field for row in item.changes)}
        body = self.marked(body, owner, item.current)
        self.session.post_json("/vector_store/update", {"vector_store_id": item.name, **body})

    def delete(self, item):
        self.session.post_json("/vector_store/delete", {"vector_store_id": item.name})
