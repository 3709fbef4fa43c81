"""Copy virtual keys from one proxy to another, with the teams and users they need.

A proxy stores only the hash of a key, so no key can be moved: the destination
issues a NEW secret for every imported key, and the source's secrets do not
work there. Usable without the CLI::

    importer = KeyImport(Session(source_url, api_key=...), Session(dest_url, api_key=...))
    for result in importer.run(on_secret=lambda old, new: print(old["key_alias"], new)):
        print(result)   # {"object", "name", "status", "detail"}

Re-running is safe: each imported key carries the hash of its source key in
its metadata (``MARKER``), and a source key whose hash is already on the
destination is skipped.
"""

import functools

from litellm_cli import exceptions
from litellm_cli.api.keys import KeysAPI, key_label
from litellm_cli.api.teams import TeamsAPI
from litellm_cli.api.users import UsersAPI

MARKER = "litellm_cli_imported_from"

# What /key/generate accepts, as /key/list spells it on the source.
# organization_id is "org_id" in a listed key.
KEY_FIELDS = (
    "key_alias", "models", "aliases", "config", "spend", "max_budget", "budget_duration",
    "tpm_limit", "rpm_limit", "tpd_limit", "max_parallel_requests", "metadata", "team_id",
    "user_id", "budget_id", "permissions", "model_max_budget", "budget_fallbacks",
    "allowed_cache_controls", "allowed_routes", "blocked", "key_type", "router_settings",
    "budget_limits", "access_group_ids", "auto_rotate", "rotation_interval", "project_id",
    "agent_id",
)
TEAM_FIELDS = (
    "team_id", "team_alias", "models", "max_budget", "budget_duration", "tpm_limit",
    "rpm_limit", "tpd_limit", "max_parallel_requests", "metadata", "blocked", "soft_budget",
    "model_aliases", "team_member_permissions", "router_settings",
)
USER_FIELDS = (
    "user_id", "user_email", "user_alias", "user_role", "max_budget", "budget_duration",
    "models", "metadata", "tpm_limit", "rpm_limit", "max_parallel_requests", "spend",
)
# Keys the proxy's admin UI makes for its own sessions; they mean nothing elsewhere.
UI_TEAM = "litellm-dashboard"


def _copy(source, fields):
    """The fields of ``source`` worth sending: set, and not an empty default."""
    body = {}
    for field in fields:
        value = source.get(field)
        if value is None or value is False or value == {} or value == [] or value == "":
            continue
        body[field] = value
    return body


def _result(kind, name, status, detail=""):
    return {"object": kind, "name": name, "status": status, "detail": detail}


def key_name(key):
    """How a source key is named in results: its alias, else its masked name."""
    return key.get("key_alias") or key.get("key_name") or key_label(key.get("token", ""))


def parse_time(text):
    """A proxy timestamp (``2026-01-31T12:00:00.000Z``) as an aware datetime, or None."""
    import datetime

    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value


class KeyImport:
    def __init__(self, source, destination):
        self.source_keys = KeysAPI(source)
        self.source_teams = TeamsAPI(source)
        self.source_users = UsersAPI(source)
        self.keys = KeysAPI(destination)
        self.teams = TeamsAPI(destination)
        self.users = UsersAPI(destination)

    def run(self, created_since=None, dry_run=False, on_secret=None, **filters):
        """Yield one result per team, user and key, in that order.

        ``created_since`` (an aware datetime) drops older source keys.
        ``on_secret(source_key, new_key)`` is called for each key created, before
        its result is yielded, so the secret can be stored at once.
        With ``dry_run`` nothing is written; statuses say "would create".
        ``filters`` (team_id, user_id...) narrow the source's key listing.
        """
        import datetime

        now = datetime.datetime.now(datetime.timezone.utc)
        imported = {(key.get("metadata") or {}).get(MARKER) for key in self.keys.iter_all()}
        todo = [key for key in self.source_keys.iter_all(**filters)
                if not created_since
                or (parse_time(key.get("created_at")) or now) >= created_since]

        def skip_reason(key):
            if key.get("team_id") == UI_TEAM:
                return "the proxy UI's own session key"
            if key["token"] in imported:
                return "already imported"
            expires = parse_time(key.get("expires"))
            if expires is not None and expires <= now:
                return "expired on the source"
            return None

        pending = [key for key in todo if skip_reason(key) is None]

        failed = {}  # team or user id -> why it is not on the destination
        ready = set()  # teams on the destination, which new users can join
        for team_id in sorted({k["team_id"] for k in pending if k.get("team_id")}):
            result = self._bring(
                "team", team_id, self.teams.get, self.source_teams.get,
                lambda answer: _copy(answer.get("team_info") or {}, TEAM_FIELDS),
                self.teams.create, dry_run)
            if result["status"] == "failed":
                failed[("team", team_id)] = result["detail"]
            elif not result["detail"].startswith("not on the source"):
                ready.add(team_id)
            yield result
        for user_id in sorted({k["user_id"] for k in pending if k.get("user_id")}):
            result = self._bring(
                "user", user_id, self.users.get, self.source_users.get,
                functools.partial(self._user_body, ready),
                # Its teams were brought over (or failed) above.
                functools.partial(self.users.create, check=False), dry_run)
            if result["status"] == "failed":
                failed[("user", user_id)] = result["detail"]
            yield result

        for key in todo:
            name = key_name(key)
            reason = skip_reason(key)
            if reason:
                yield _result("key", name, "skipped", reason)
                continue
            expires = parse_time(key.get("expires"))
            missing = [f"{kind} {ident} is not on the destination ({why})"
                       for kind, ident in (("team", key.get("team_id")),
                                           ("user", key.get("user_id")))
                       for why in [failed.get((kind, ident))] if why]
            if missing:
                yield _result("key", name, "failed", "; ".join(missing))
                continue
            body = _copy(key, KEY_FIELDS)
            if key.get("org_id"):
                body["organization_id"] = key["org_id"]
            if expires is not None:
                body["duration"] = f"{max(1, int((expires - now).total_seconds()))}s"
            body["metadata"] = {**(key.get("metadata") or {}), MARKER: key["token"]}
            if dry_run:
                yield _result("key", name, "would create", "a new secret would be issued")
                continue
            try:
                created = self.keys.generate(body, check=False)  # checked above
            except exceptions.CLIError as exc:
                yield _result("key", name, "failed", str(exc))
                continue
            if on_secret is not None:
                on_secret(key, created["key"])
            yield _result("key", name, "created", f"new secret {created.get('key_name')}")

    @staticmethod
    def _user_body(ready_teams, answer):
        """A new user as on the source, a member of its teams that are here."""
        user = answer.get("user_info") or {}
        body = _copy({**user, "user_id": answer.get("user_id") or user.get("user_id")},
                     USER_FIELDS)
        teams = [team for team in user.get("teams") or () if team in ready_teams]
        if teams:
            body["teams"] = teams
        body["auto_create_key"] = False  # else the proxy makes (and returns) a key
        return body

    def _bring(self, kind, ident, exists, fetch, body_of, create, dry_run):
        """Make sure team/user ``ident`` is on the destination; one result."""
        try:
            exists(ident)
            return _result(kind, ident, "skipped", "already on the destination")
        except exceptions.NotFound:
            pass
        except exceptions.CLIError as exc:
            return _result(kind, ident, "failed", f"cannot check the destination: {exc}")
        try:
            body = body_of(fetch(ident))
        except exceptions.NotFound:
            # The proxy lets a key name a team or user that does not exist;
            # the copy names it the same way.
            return _result(kind, ident, "skipped", "not on the source either; its keys keep "
                                                   "the id")
        except exceptions.CLIError as exc:
            return _result(kind, ident, "failed", f"cannot read it from the source: {exc}")
        if dry_run:
            return _result(kind, ident, "would create", "")
        try:
            create(body)
        except exceptions.CLIError as exc:
            return _result(kind, ident, "failed", str(exc))
        return _result(kind, ident, "created", "")
