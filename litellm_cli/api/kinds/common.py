"""What the teams, users and customers adapters share (kinds/teams.py,
users.py, customers.py): the proxy's object made comparable with the file,
updates that keep what the proxy stores beside the file's fields, a
check after each write (of its answer, else a read), and creates that meet
an object made meanwhile.

The proxy keeps some request fields inside the object's ``metadata`` (its
``LiteLLM_ManagementEndpoint_MetadataFields``: ``model_rpm_limit``,
``tags``...), and an update that sends ``metadata`` replaces the whole
mapping. So an object as read is *normalized* first: those fields are lifted
out of ``metadata`` to where the file writes them, and the proxy's own keys
(``team_member_budget_id``) are dropped; an update that sends ``metadata``
sends back the lifted fields the file does not change.
"""

from litellm_cli import exceptions
from litellm_cli.api.kinds.base import Item, Kind, without_owner

# Request fields the proxy (1.108.7, _types.py: LiteLLM_ManagementEndpoint_MetadataFields
# and its _Premium list) stores inside an object's metadata.
METADATA_FIELDS = frozenset({
    "model_rpm_limit", "model_tpm_limit", "model_itpm_limit", "model_otpm_limit",
    "default_estimated_output_tokens", "default_estimated_output_tokens_per_model",
    "mcp_rpm_limit", "tag_rpm_limit", "rpm_limit_type", "tpm_limit_type", "enforced_params",
    "temp_budget_increase", "temp_budget_expiry", "allowed_vector_store_indexes",
    "enforced_batch_output_expires_after", "enforced_file_expires_after",
    "throttle_on_budget_exceeded", "enable_prompt_caching", "end_user_budget_id",
    "require_trace_id", "disable_global_guardrails", "guardrails", "policies", "tags",
    "team_member_key_duration", "prompts", "logging", "secret_manager_settings",
    "allowed_passthrough_routes", "denied_passthrough_routes"})
# Metadata keys the proxy writes for itself.
SYSTEM_METADATA = frozenset({"team_member_budget_id"})
# The key under which a normalized object keeps the metadata as stored.
STORED = "_stored_metadata"


def empty(value, default=None):
    """True for what the proxy shows when nothing was set: None, [], {}, or
    the field's ``default`` (a team's ``blocked: false``)."""
    return value is None or value in ([], {}) or (default is not None and value is default)


class Managed(Kind):
    """A kind whose objects are flat mappings with proxy-filled defaults.

    Subclasses give ``read`` (normalized with ``normalize``), ``read_one``,
    ``send_create``, ``send_update`` and ``delete``.
    """

    defaults = {}  # field: the value the proxy fills in when the file gives none
    not_exported = frozenset()  # request fields the file never holds

    # -- the proxy's object as the file writes it ----------------------------

    def normalize(self, current):
        """``current`` with metadata-backed fields lifted out of its metadata."""
        stored = current.get("metadata")
        out = dict(current)
        if isinstance(stored, dict):
            out[STORED] = stored
            out["metadata"] = {k: v for k, v in stored.items()
                               if k not in SYSTEM_METADATA and not self._lifted(k)}
            for field in METADATA_FIELDS & stored.keys():
                if self._lifted(field) and out.get(field) in (None, [], {}):
                    out[field] = stored[field]
        return out

    def _lifted(self, field):
        return field in METADATA_FIELDS and field in self.request_fields

    def shown(self, current, field):
        """The proxy's value of ``field`` as the file would write it (None if unset)."""
        value = current.get(field)
        if field == "metadata":
            value = without_owner(value)
        return None if empty(value, self.defaults.get(field)) else value

    def export(self, current):
        skipped = self.not_exported | self.proxy_fields | self.secret_fields
        out = {}
        for field in [self.identity] + [f for f in self.request_fields if f != self.identity]:
            value = self.shown(current, field)
            if value is not None and field not in skipped and not _secret(field):
                out[field] = value
        return out

    not_compared = frozenset({"members"})  # a team's members are items of their own

    def is_secret(self, field):
        return field in self.secret_fields or _secret(field)

    def comparable(self, current):
        return current

    def current_value(self, shown, field):
        return self.shown(shown, field)

    def wanted_value(self, field, value):
        return None if empty(value, self.defaults.get(field)) else value

    # -- writing -------------------------------------------------------------

    def body(self, item, owner, current=None):
        """What to send: every field of the file for a create; for an update
        the changed ones, with the metadata (owner marker, fields the proxy
        keeps there) that must survive the update."""
        wanted = {k: v for k, v in item.wanted.items() if k != "members"}
        if current is None:
            return self.marked(wanted, owner)
        fields = {c["field"].partition(".")[0] for c in item.changes}
        # A null for a field the proxy keeps in metadata is sent by leaving it
        # out of the metadata below (the proxy has no column to set to null).
        body = {f: wanted[f] for f in fields
                if f in wanted and not (wanted[f] is None and self._lifted(f))}
        if self.markable:
            body["metadata"] = self.marked(wanted, owner, current)["metadata"]
            stored = current.get(STORED) or {}
            for key, value in stored.items():
                cleared = key in wanted and wanted[key] is None
                if key in SYSTEM_METADATA or key in body or cleared:
                    continue
                if self._lifted(key):
                    body["metadata"].setdefault(key, value)
        return body

    def create(self, item, owner):
        try:
            answer = self.send_create(self.body(item, owner))
        except exceptions.HttpError:
            current = self._read_quietly(item.name)
            if current is None:
                raise
            # Made meanwhile (another run of the same file): update it in place.
            item.current = current
            item.action = "update"
            item.changes, _ = self.differences(item.wanted, current)
            if not item.changes and self.owner(current) == (owner if self.markable else None):
                item.status = "unchanged"  # the engine keeps it
                item.reason = "created meanwhile by another run, as the file says: nothing sent"
                return
            item.reason = "created meanwhile by another run: updated in place"
            self.update(item, owner)
            return
        self.check(item, "create", answer)

    def update(self, item, owner):
        answer = self.send_update(item.name, self.body(item, owner, item.current))
        self.check(item, "update", answer)

    def check(self, item, what, answer=None):
        """Read back: the file's fields as the proxy now holds them. A write
        that answers with the stored object showing every field of the file
        as sent needs no read (one request an object instead of two); an
        answer that shows less, or another value, is checked by reading."""
        stored = self.stored(answer, item.name)
        if stored is not None and not self.differences(item.wanted, stored)[0]:
            return
        current = self.read_one(item.name)
        if current is None:
            raise exceptions.UnexpectedAnswer(
                f"the proxy answered the {what} but has no {self.identity} {item.name!r}")
        left, _ = self.differences(item.wanted, current)
        if left:
            fields = ", ".join(c["field"] for c in left)
            raise exceptions.CLIError(f"the proxy did not store {fields} (a null it cannot "
                                      f"clear, or a value it changed)")

    def stored(self, answer, name):
        """The object a write answered with, normalized as ``read`` does, or
        None if the answer is not that object."""
        if isinstance(answer, dict) and answer.get(self.identity) == name:
            return self.normalize(answer)
        return None

    def _read_quietly(self, name):
        try:
            return self.read_one(name)
        except exceptions.NotFound:
            return None

    def send_create(self, body):
        """Create; return the proxy's answer."""
        raise NotImplementedError

    def send_update(self, name, body):
        """Update; return the proxy's answer."""
        raise NotImplementedError

    def failed(self, obj, current, reason):
        return Item(self.section, obj.get(self.identity), "failed", wanted=obj,
                    current=current, reason=reason)


def _secret(field):
    from litellm_cli.redact import is_secret_field

    return is_secret_field(field)
