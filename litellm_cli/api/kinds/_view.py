"""What the adapters of the other kinds (tags, MCP servers...) share: they
compare the file with a *view* of the proxy's object (its request fields,
without what the proxy fills in by itself), and they handle a create that
another run made first.

``view(current)``: every field an operator can set, as the proxy holds it
(defaults included, so ``transport: sse`` in a file is no change);
``export(current)``: the view without the proxy's defaults, so a file
written from it applies back with no change.
"""

from litellm_cli import exceptions
from litellm_cli.api.kinds.base import OWNER_FIELD, Kind, same, without_owner
from litellm_cli.redact import with_secrets_kept, without_secrets


def empty(value):
    return value is None or value == [] or value == {}


def trimmed(mapping, defaults):
    """``mapping`` (a nested mapping such as ``litellm_params``) without its
    empty entries and those equal to the proxy's ``defaults`` (``{key:
    value}``): what an operator set in it."""
    if not isinstance(mapping, dict):
        return mapping
    return {k: v for k, v in mapping.items()
            if not empty(v) and not (k in defaults and same(v, defaults[k]))}


class ViewKind(Kind):
    """A Kind compared through ``view``; ``defaults``: the request model's
    defaults, left out of an export (``{field: value}``)."""

    defaults = {}

    def view(self, current):
        raise NotImplementedError

    def export(self, current):
        out = {}
        for field, value in self.view(current).items():
            value = without_secrets(value)  # a mapping of only secrets is no setting
            if field in self.secret_fields or empty(value):
                continue
            if field in self.defaults and same(value, self.defaults[field]):
                continue
            out[field] = value
        return out

    def comparable(self, current):
        return self.view(current)

    def current_value(self, shown, field):
        old = shown.get(field, self.defaults.get(field))
        return None if empty(old) else old

    def wanted_value(self, field, value):
        if field == self.owner_in:
            value = without_owner(value)
        return None if empty(value) else value

    def marked(self, wanted, owner, current=None):
        if not self.markable or self.owner_in == "metadata":
            return super().marked(wanted, owner, current)
        info = wanted.get(self.owner_in)
        if current is not None:  # the file's mapping, with the proxy's secrets it cannot give
            stored = self.view(current)[self.owner_in]
            info = stored if info is None else with_secrets_kept(info, stored)
        return {**wanted, self.owner_in: {**(info or {}), OWNER_FIELD: owner}}

    def plan_update(self, obj, current, owner, force_secrets=False):
        item = super().plan_update(obj, current, owner, force_secrets)
        if self.markable and self.owner_in != "metadata":  # say where the marker is
            prefix = "metadata."
            for row in item.changes:
                if row["field"].startswith(prefix):
                    row["field"] = f"{self.owner_in}.{row['field'][len(prefix):]}"
        return item

    # -- a create that another run made first -----------------------------------

    def create(self, item, owner):
        try:
            self.send_create(item, owner)
        except exceptions.HttpError as error:
            if isinstance(error, (exceptions.Unauthorized, exceptions.Forbidden)):
                raise
            self.created_meanwhile(item, owner, error)

    def send_create(self, item, owner):
        raise NotImplementedError

    def created_meanwhile(self, item, owner, error):
        """The create was refused: if the object exists now (another run made
        it), say so and bring it to the file in place; else the refusal
        stands."""
        found = [c for c in self.read() if self.ident(c) == item.name]
        if len(found) != 1:
            raise error
        item.current = found[0]
        planned = self.plan_update(item.wanted, found[0], owner)
        if planned.status == "failed":  # it cannot be brought to the file in place
            raise exceptions.CLIError(f"created meanwhile by another run; {planned.reason}")
        if planned.action is None:
            # With the engine's status kept (see the report), "unchanged".
            item.status = "unchanged"
            item.reason = "created meanwhile by another run; it matches the file"
            return
        item.action, item.changes = "update", planned.changes
        self.update(item, owner)
        item.reason = "created meanwhile by another run; updated in place"
