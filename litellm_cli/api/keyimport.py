"""Copy virtual keys from one proxy to another, with the teams and users they need.

A proxy stores only the hash of a key, so no key can be moved: the destination
issues a NEW secret for every imported key, and the source's secrets do not
work there. Usable without the CLI::

    importer = KeyImport(Session(source_url, api_key=...), Session(dest_url, api_key=...))
    for result in importer.run(on_secret=lambda old, new: print(old["key_alias"], new)):
        print(result)   # {"object", "name", "status", "detail"}

Everything it creates carries an owner in its metadata (``owned``), as
``state apply`` marks what it creates: the source object's owner when it has
one (a key that a state file manages on the source stays that file's), else
this tool's default marker.

Re-running is safe: each imported key carries the hash of its source key in
its metadata (``MARKER``), and a source key whose hash is already on the
destination is skipped. A key whose new secret could not be stored is
deleted again, so a re-run retries it.
"""

import functools

from litellm_cli import exceptions
from litellm_cli.api.keys import KeysAPI, hash_key, key_label
from litellm_cli.api.kinds.base import DEFAULT_OWNER, OWNER_FIELD
from litellm_cli.api.teams import TeamsAPI
from litellm_cli.api.users import UsersAPI

MARKER = "litellm_cli_imported_from"

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


class _Refusals:
    """A session whose 401/403 errors say which proxy refused: the same error,
    its message starting with ``refused`` ("the source proxy ... refused ...")."""

    def __init__(self, session, refused):
        self._session, self._refused = session, refused

    def __getattr__(self, name):
        attribute = getattr(self._session, name)
        if not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def call(*args, **kwargs):
            try:
                return attribute(*args, **kwargs)
            except (exceptions.Unauthorized, exceptions.Forbidden) as exc:
                raise exc.recast(type(exc), f"{self._refused}: {exc.details}") from None

        return call


def _place(url):
    """Where a proxy URL points: origin and path, as normalised for comparing."""
    from urllib.parse import urlsplit

    from litellm_cli.session import origin

    return origin(url), urlsplit(url).path.rstrip("/")


def _copy(source, fields):
    """The fields of ``source`` worth sending: set, and not an empty default."""
    body = {}
    for field in fields:
        value = source.get(field)
        if value is None or value is False or value == {} or value == [] or value == "":
            continue
        body[field] = value
    return body


def owned(metadata):
    """``metadata`` with an owner: the one it has, else this tool's default."""
    metadata = dict(metadata or {})
    if not isinstance(metadata.get(OWNER_FIELD), str):
        metadata[OWNER_FIELD] = DEFAULT_OWNER
    return metadata


def _result(kind, name, status, detail=""):
    return {"object": kind, "name": name, "status": status, "detail": detail}


def key_name(key):
    """How a source key is named in results: its alias, else its masked name."""
    return key.get("key_alias") or key.get("key_name") or key_label(key.get("token", ""))


def parse_time(text):
    """A proxy timestamp (``2026-01-31T12:00:00.000Z``) as an aware UTC
    datetime (UTC when it names no zone), or None (also when it is out of
    range in UTC, such as 9999-12-31T23:00:00-14:00)."""
    import datetime

    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc)
    except (ValueError, OverflowError):
        return None


class KeyImport:
    """Copies keys from the ``source`` session's proxy to the ``destination``'s.

    ``refused`` names each side in the message of a 401/403 (default "the
    source proxy URL refused its key"), so an error says which proxy refused.
    """

    def __init__(self, source, destination, refused=None):
        self.same_place = _place(source.base_url) == _place(destination.base_url)
        refused = refused or [f"the {side} proxy {session.base_url} refused its key"
                              for side, session in (("source", source),
                                                    ("destination", destination))]
        source, destination = (_Refusals(source, refused[0]),
                               _Refusals(destination, refused[1]))
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
        its result is yielded, so the secret can be stored at once; if it
        raises, the new key is deleted again (a re-run retries it) and its
        result is "failed", as are the keys after it, which are not created.
        With ``dry_run`` nothing is written; statuses say "would create" (or
        "would fail", with the reason).
        ``filters`` (team_id, user_id...) narrow the source's key listing.

        A source that is the destination itself (the same URL, or keys of the
        same hash on both: the same proxy or database) is a UsageError,
        raised before anything is written.
        """
        import datetime

        if self.same_place:
            raise exceptions.UsageError("the source proxy is the destination itself: give "
                                        "another proxy's URL to copy keys from")
        now = datetime.datetime.now(datetime.timezone.utc)
        here = list(self.keys.iter_all())
        imported = {(key.get("metadata") or {}).get(MARKER) for key in here}
        listed = self.source_keys.with_budget_ids(list(self.source_keys.iter_all(**filters)))
        shared = {key.get("token") for key in here} & {key["token"] for key in listed}
        if shared:
            raise exceptions.UsageError(
                f"the source proxy is the destination itself (or shares its database): "
                f"keys of the same hash are on both ({len(shared)}); nothing was imported")
        todo = [key for key in listed
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
        copies, refused = self._copier() if pending else (None, None)

        failed = {}  # team or user id -> why it is not on the destination
        ready = set()  # teams on the destination, which new users can join
        for team_id in sorted({k["team_id"] for k in pending if k.get("team_id")}):
            result = self._bring(
                "team", team_id, self.teams.get, self.source_teams.get,
                lambda answer: _copy(answer.get("team_info") or {}, TEAM_FIELDS),
                self.teams.create, dry_run, note_of=_team_spend_note)
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

        budgets = {}  # budget id -> why it is missing ("" when it is there)
        unsaved = None  # why a secret could not be saved: no more keys are made then
        for key in todo:
            name = key_name(key)
            reason = skip_reason(key)
            if reason:
                yield _result("key", name, "skipped", reason)
                continue
            # The key's settings as state export writes them (its soft budget
            # as soft_budget: the budget row the proxy made for it stays there).
            body = copies.copy_body(key, now)
            missing = [f"{kind} {ident} is not on the destination ({why})"
                       for kind, ident in (("team", key.get("team_id")),
                                           ("user", key.get("user_id")))
                       for why in [failed.get((kind, ident))] if why]
            missing += self._missing_budget(body.get("budget_id"), budgets)
            missing += refused(body)
            if unsaved:
                missing.append(f"not created: an earlier key's secret could not be saved "
                               f"({unsaved})")
            if missing:
                yield _result("key", name, "would fail" if dry_run else "failed",
                              "; ".join(missing))
                continue
            body["metadata"] = {**owned(body["metadata"]), MARKER: key["token"]}
            if dry_run:
                yield _result("key", name, "would create", "a new secret would be issued")
                continue
            try:
                created = self.keys.generate(body, check=False)  # checked above
            except exceptions.CLIError as exc:
                yield _result("key", name, "failed", str(exc))
                continue
            if on_secret is not None:
                try:
                    on_secret(key, created["key"])
                except Exception as exc:  # noqa: BLE001 - any failure loses the secret
                    unsaved = str(exc)
                    yield _result("key", name, "failed",
                                  self._unsave(created, f"its new secret could not be saved "
                                                        f"({exc})"))
                    continue
            yield _result("key", name, "created", f"new secret {created.get('key_name')}")

    def _copier(self):
        """The adapter that copies a source key (the source release's fields),
        and ``refused(body)``: ``[why]`` when the body sets fields the
        destination's release does not take (the key is not created then:
        its copy would lack a limit or setting), else []."""
        from litellm_cli import versions
        from litellm_cli.api.kinds.keys import copier
        from litellm_cli.api.state_sync import request_fields, schema_release

        session = self.keys.session
        takes = set(request_fields(schema_release(session), "keys"))

        def refused(body):
            lost = sorted(set(body) - takes)
            if not lost:
                return []
            found = versions.server_version(session) or "unknown"
            return [f"the destination proxy (LiteLLM {found}) takes no {', '.join(lost)}, "
                    "which this key sets"]

        return copier(self.source_keys.session), refused

    def _unsave(self, created, why):
        """Delete a new key whose secret is lost, so a re-run creates it again;
        the failure's detail."""
        token = created.get("token") or hash_key(created["key"])
        try:
            self.keys.delete(token)
        except exceptions.CLIError as exc:
            return (f"{why}; deleting the new key failed too ({exc}): delete key {token} "
                    "by hand, then run the import again")
        return f"{why}; the new key was deleted again, so a re-run retries it"

    def _missing_budget(self, budget_id, known):
        """``[why]`` when budget ``budget_id`` is not on the destination, else []."""
        if not budget_id:
            return []
        if budget_id not in known:
            try:
                there = self.keys.budget_exists(budget_id)
            except exceptions.CLIError as exc:
                known[budget_id] = f"cannot check budget {budget_id} on the destination: {exc}"
            else:
                known[budget_id] = "" if there else (
                    f"budget {budget_id} is not on the destination (create it there first)")
        return [known[budget_id]] if known[budget_id] else []

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

    def _bring(self, kind, ident, exists, fetch, body_of, create, dry_run, note_of=None):
        """Make sure team/user ``ident`` is on the destination; one result,
        whose detail is ``note_of(source answer)`` (if given) when created."""
        try:
            exists(ident)
            return _result(kind, ident, "skipped", "already on the destination")
        except exceptions.NotFound:
            pass
        except exceptions.CLIError as exc:
            return _result(kind, ident, "failed", f"cannot check the destination: {exc}")
        try:
            answer = fetch(ident)
            body = body_of(answer)
            body["metadata"] = owned(body.get("metadata"))
        except exceptions.NotFound:
            # The proxy lets a key name a team or user that does not exist;
            # the copy names it the same way.
            return _result(kind, ident, "skipped", "not on the source either; its keys keep "
                                                   "the id")
        except exceptions.CLIError as exc:
            return _result(kind, ident, "failed", f"cannot read it from the source: {exc}")
        note = note_of(answer) if note_of else ""
        if dry_run:
            return _result(kind, ident, "would create", note)
        try:
            create(body)
        except exceptions.CLIError as exc:
            return _result(kind, ident, "failed", str(exc))
        return _result(kind, ident, "created", note)


def _team_spend_note(answer):
    """What a new team lacks: the proxy's team API cannot set a team's spend
    (/team/new and /team/update drop it), while keys and users keep theirs."""
    spend = (answer.get("team_info") or {}).get("spend")
    if not spend:
        return ""
    return (f"its spend on the source ({spend} USD) is not copied: the proxy cannot set a "
            "team's spend, so the team's budget starts again from 0")
