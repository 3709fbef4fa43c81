"""Virtual API keys on the proxy.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.keys import KeysAPI

    keys = KeysAPI(Session("http://localhost:4000", api_key="sk-master"))
    new = keys.generate({"models": ["gpt-4o"], "max_budget": 10, "duration": "7d"})
    for key in keys.iter_all(return_full_object=True):
        print(key["token"], key["key_alias"])
    keys.delete(new["key"])
"""

import hashlib
from urllib.parse import quote

from litellm_cli import exceptions
from litellm_cli.api.paging import PagedAPI

PAGE_SIZE_MAX = 100  # the proxy rejects larger pages with 422
# POST /key/{key}/reset_spend appeared in LiteLLM 1.81.7.
RESET_SPEND_FROM = "1.81.7"


def hash_key(key):
    """The proxy's id for a key: raw ``sk-...`` keys are stored as their SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest() if key.startswith("sk-") else key


def key_label(key):
    """How to name a key in messages without printing a secret."""
    return f"sk-...{key[-4:]}" if key.startswith("sk-") else key


def _path_id(key):
    # The hash, never the secret, goes into a URL (URLs end up in logs).
    return quote(hash_key(key), safe="")


class KeysAPI(PagedAPI):
    ITEMS, ID, PAGE_SIZE_MAX = "keys", "token", PAGE_SIZE_MAX

    def list(self, page=None, size=None, return_full_object=True, **filters):
        """One page of keys (``GET /key/list``): ``{"keys", "total_count",
        "current_page", "total_pages"}``. Without ``return_full_object`` the
        keys are bare token hashes. Filters: user_id, team_id, organization_id,
        key_hash, key_alias, include_team_keys."""
        params = {"page": page, "size": size,
                  "return_full_object": "true" if return_full_object else "false"}
        for name, value in filters.items():
            if value:
                params[name] = "true" if value is True else value
        return self.session.get_json("/key/list", params=params)

    def with_budget_ids(self, keys):
        """``keys`` (full objects from the listing), each with its ``budget_id``
        and, when it has one, its ``litellm_budget_table``: where the listing
        has no such field (``budget_id``: LiteLLM 1.80.17; the budget table:
        before 1.108, where it lists null), it is read from ``/key/info``, one
        request a key; else an import, a rotation or an export would drop the
        key's budget, or take the budget the proxy made for its soft_budget
        for a shared one."""
        for key in keys:
            if not isinstance(key, dict) or not key.get("token"):
                continue
            if "budget_id" not in key or (key["budget_id"]
                                          and not key.get("litellm_budget_table")):
                info = self.info(key["token"]).get("info") or {}
                key["budget_id"] = info.get("budget_id")
                if "litellm_budget_table" in info:
                    key["litellm_budget_table"] = info["litellm_budget_table"]
        return keys

    def generate(self, body, check=True):
        """Create a key (``POST /key/generate``); the answer holds the new ``key``.

        The proxy happily creates a key for a team that does not exist, and
        fails with a bare 500 for an unknown budget: unless ``check`` is false,
        both are looked up first (NotFound if either is missing), each once for
        the life of this client.
        """
        from litellm_cli.api.teams import TeamsAPI

        team, budget = body.get("team_id"), body.get("budget_id")

        def budget_found():
            if not self.budget_exists(budget):
                raise exceptions.NotFound(f"Budget {budget!r} not found")

        if check and team:
            self.look_up_once("team", team, lambda: TeamsAPI(self.session).get(team))
        if check and budget:
            self.look_up_once("budget", budget, budget_found)
        return self.session.post_json("/key/generate", body)

    def budget_exists(self, budget_id):
        """Whether a budget exists (``POST /budget/info``). The proxy fails a
        key generation naming an unknown budget with a bare 500."""
        return bool(self.session.post_json("/budget/info", {"budgets": [budget_id]}))

    def info(self, key):
        """A key's settings and spend (``GET /key/info``), by raw key or hash.

        A deleted key still answers, with ``status: "deleted"``. The query
        carries the hash: a raw key would end up in every access log.
        """
        return self.session.get_json("/key/info", params={"key": hash_key(key)})

    def delete(self, key):
        """Delete one key by raw key or hash (NotFound if there is none).

        One key per call: given several, the proxy deletes those it finds and
        still reports every one as deleted.
        """
        return self.session.post_json("/key/delete", {"keys": [key]})

    def delete_alias(self, alias):
        """Delete the keys with this alias (NotFound if there are none)."""
        return self.session.post_json("/key/delete", {"key_aliases": [alias]})

    def update(self, key, changes, merge_metadata=True):
        """Change only the given fields of a key (``POST /key/update``); returns
        the key's settings. NotFound if there is no such key.

        ``changes["metadata"]`` is merged into the key's metadata (read first),
        as a JSON merge patch: a field set to None is removed, the others are
        kept. The proxy itself would replace the whole metadata, losing fields
        such as the imported-from marker of ``keys import``; with
        ``merge_metadata=False`` it does (the caller sends the whole metadata).
        """
        if merge_metadata and changes.get("metadata") is not None:
            from litellm_cli.utils import merge_patch

            current = (self.info(hash_key(key)).get("info") or {}).get("metadata") or {}
            changes = {**changes, "metadata": merge_patch(current, changes["metadata"])}
        return self.session.post_json("/key/update", {**changes, "key": key})

    def regenerate(self, key, changes=None):
        """Issue a new secret for a key, keeping its settings (and applying
        ``changes``); the old secret stops working. The answer holds the new
        ``key``. Enterprise only: an unlicensed proxy refuses."""
        return self.session.post_json(f"/key/{_path_id(key)}/regenerate", changes or {})

    def require_reset_spend(self):
        """Refuse (exit 6, nothing sent) on a release without
        ``POST /key/{key}/reset_spend``."""
        from litellm_cli import versions

        versions.require(self.session, RESET_SPEND_FROM, "keys reset-spend")

    def block(self, key):
        """Block a key: calls with it are refused until it is unblocked."""
        return self.session.post_json("/key/block", {"key": key})

    def unblock(self, key):
        return self.session.post_json("/key/unblock", {"key": key})

    def reset_spend(self, key, reset_to=0.0):
        """Set a key's spend to ``reset_to`` (at most its current spend).
        Needs LiteLLM >= RESET_SPEND_FROM (``require_reset_spend``)."""
        return self.session.post_json(f"/key/{_path_id(key)}/reset_spend",
                                      {"reset_to": reset_to})
