"""What guardrails and search tools share: objects named by a unique name,
kept by the proxy under a uuid of its own (``id_field``, the one its routes
take), with provider settings in ``litellm_params`` and an operator's mapping
(``owner_in``) that holds the owner marker.

``litellm_params`` is compared entry by entry, only the entries the file
gives (one left out keeps its value). An entry the proxy masks when it lists
the objects (any name holding key, token, secret, password, credentials,
authorization) is a secret: never exported, compared only with
``--force-secrets``. What the proxy fills in by itself (the request model's
defaults, in the release's schema) is not exported and compares equal.
Objects of the proxy's config.yaml cannot be changed through the API: they
are never owned, so never pruned, and a file that would change one fails.
"""

from functools import cached_property

from litellm_cli.api import path_segment
from litellm_cli.api.kinds._view import ViewKind, empty
from litellm_cli.api.kinds.base import OWNER_FIELD, Item, owner_of, same, without_owner
from litellm_cli.redact import is_secret_field, without_secrets

PARAMS = "litellm_params"
# Names the proxy masks in a listing's litellm_params (get_masked_values).
MASKED_WORDS = ("authorization", "token", "key", "secret", "credentials", "password", "passwd")


def hidden(name):
    """True for a litellm_params entry the proxy never shows: a secret."""
    lowered = str(name).lower()
    return is_secret_field(lowered) or any(word in lowered for word in MASKED_WORDS)


def param_defaults(release, section):
    """``{entry: default}`` of the litellm_params of ``section``'s request
    model in ``release``'s schema (None: the pinned release)."""
    from litellm_cli.api.state import DEFAULT_RELEASE, load_schema

    document = load_schema(release or DEFAULT_RELEASE)

    def resolved(node):
        ref = node.get("$ref", "")
        return document["$defs"].get(ref.rsplit("/", 1)[-1], {}) if ref else node

    model = resolved(document["kinds"].get(section, {}))
    params = resolved(model.get("properties", {}).get(PARAMS, {}))
    return {name: field["default"] for name, field in params.get("properties", {}).items()
            if field.get("default") is not None}


class ParamsKind(ViewKind):
    """``id_field``: the proxy's id of an object; ``route``: the routes'
    common path (``/guardrails``); ``filled``: litellm_params the proxy sets
    when a request leaves them out, beyond the schema's defaults."""

    id_field = route = None
    filled = {}

    def from_config(self, current):
        raise NotImplementedError

    @cached_property
    def param_defaults(self):
        return {**param_defaults(self.release, self.section), **self.filled}

    def owner(self, current):
        return None if self.from_config(current) else owner_of(current.get(self.owner_in))

    def view(self, current):
        params = current.get(PARAMS) or {}
        return {self.identity: current.get(self.identity),
                PARAMS: without_secrets({k: v for k, v in params.items()
                                         if v is not None and not hidden(k)}),
                self.owner_in: without_owner(current.get(self.owner_in))}

    def export(self, current):
        out = super().export(current)
        defaults = self.param_defaults
        params = {k: v for k, v in out.pop(PARAMS, {}).items()
                  if not (k in defaults and same(v, defaults[k]))}
        return {**out, PARAMS: params} if params else out

    # -- comparing: litellm_params entry by entry -------------------------------

    def compared(self, wanted):
        out = {k: v for k, v in wanted.items() if k != PARAMS}
        params = wanted.get(PARAMS)
        if isinstance(params, dict):
            out.update((f"{PARAMS}.{k}", v) for k, v in params.items())
        return out

    def is_secret(self, field):
        head, _, name = field.partition(".")
        return head == PARAMS and hidden(name)

    def current_value(self, shown, field):
        head, _, name = field.partition(".")
        if head != PARAMS:
            return super().current_value(shown, field)
        old = shown[PARAMS].get(name, self.param_defaults.get(name))
        return None if empty(old) else old

    def plan_update(self, obj, current, owner, force_secrets=False):
        item = super().plan_update(obj, current, owner, force_secrets)
        if not self.from_config(current) or item.action is None:
            return item
        changes = [row for row in item.changes if not row["field"].endswith(OWNER_FIELD)]
        if not changes:
            item.status, item.action, item.changes = "unchanged", None, []
            item.reason = "defined in the proxy's config file (never owned)"
            return item
        return Item(self.section, item.name, "failed", wanted=obj, current=current,
                    changes=changes, reason="defined in the proxy's config file: the API "
                                            "cannot change it (change the config)")

    # -- writing -------------------------------------------------------------------

    def path(self, item):
        return f"{self.route}/{path_segment(item.current[self.id_field])}"

    def delete(self, item):
        self.session.delete(self.path(item))
