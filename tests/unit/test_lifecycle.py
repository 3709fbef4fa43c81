"""keys update/regenerate/block/reset-spend/import, teams update/block/info/member update/
assign-key, users update and credentials update, against fake sessions."""

import datetime
import hashlib
import os
import stat
import types

import pytest

from litellm_cli import exceptions, utils
from litellm_cli.api.keyimport import MARKER, KeyImport
from litellm_cli.plugins import credentials, keys, teams, users
from tests.unit.conftest import PINNED, FakeSession, release, run, shown
from tests.unit.test_shell import _modules_after

NOT_FOUND = exceptions.NotFound("Key not found.", http_status=404)


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


# -- shared helpers -----------------------------------------------------------

def test_delete_each_alone_raises_the_error_itself():
    with pytest.raises(exceptions.NotFound):
        utils.delete_each([("key a", lambda: (_ for _ in ()).throw(NOT_FOUND))], print, "keys",
                         "block", "Blocked")


class _NothingExists(dict):
    """FakeSession answers: every request is for an object the proxy does not have."""

    def __missing__(self, request):
        return exceptions.NotFound(f"{request[1]}: no such object", http_status=404)

    def __bool__(self):  # empty, yet given
        return True


@pytest.mark.parametrize("command, argv", [
    ("customers.BlockCustomer", ["c-gone"]), ("customers.UnblockCustomer", ["c-gone"]),
    ("customers.DeleteCustomer", ["c-gone"]), ("teams.BlockTeam", ["t-gone"]),
    ("teams.UnblockTeam", ["t-gone"]), ("teams.DeleteTeam", ["t-gone"]),
    ("keys.BlockKey", ["sk-gone"]), ("keys.UnblockKey", ["sk-gone"]),
    ("keys.DeleteKey", ["--keys", "sk-gone"]), ("users.DeleteUser", ["u-gone"]),
    ("budgets.DeleteBudget", ["b-gone"]), ("orgs.DeleteOrg", ["o-gone"]),
    ("models.DeleteModel", ["m-gone"]), ("credentials.DeleteCredential", ["cred-gone"]),
])
def test_one_unknown_id_exits_not_found_for_every_per_item_command(command, argv):
    import importlib

    module, name = command.split(".")
    cls = getattr(importlib.import_module(f"litellm_cli.plugins.{module}"), name)
    with pytest.raises(exceptions.CLIError) as error:
        run(cls, argv, FakeSession(_NothingExists()))
    assert error.value.exit_code == exceptions.EXIT_NOT_FOUND, error.value


def test_delete_each_names_the_action_in_the_count():
    reports = []

    def fail():
        raise NOT_FOUND

    with pytest.raises(exceptions.CLIError) as error:
        utils.delete_each([("key a", fail), ("key b", lambda: None)], reports.append, "keys",
                         "block", "Blocked")
    assert str(error.value) == "1 of 2 keys failed to block"
    assert reports == ["Failed to block key a: Key not found. (HTTP 404)", "Blocked key b"]


@pytest.mark.parametrize("status, code", [(400, 4), (403, 4), (500, 7)])
def test_enterprise_refusals_exit_4_but_a_5xx_stays_7(status, code):
    body = ('{"error": {"message": "Regenerating Virtual Keys is an Enterprise feature, You '
            'must be a LiteLLM Enterprise user to use this feature."}}')
    response = types.SimpleNamespace(status_code=status, text=body, reason="", headers={})
    error = exceptions.from_response(response)
    assert isinstance(error, exceptions.EnterpriseOnly)
    assert error.exit_code == code  # the CLI never hides that the proxy failed
    assert str(error).startswith("Regenerating Virtual Keys is an Enterprise feature")


def test_other_server_errors_keep_their_code():
    response = types.SimpleNamespace(status_code=500, text='{"detail": "boom"}', reason="",
                                     headers={})
    assert exceptions.from_response(response).exit_code == exceptions.EXIT_SERVER


@pytest.mark.parametrize("words", [
    ["keys", "update"], ["keys", "regenerate"], ["keys", "block"], ["keys", "unblock"],
    ["keys", "reset-spend"], ["keys", "import"], ["teams", "update"], ["teams", "block"],
    ["teams", "unblock"], ["teams", "info"], ["teams", "available"], ["teams", "assign-key"],
    ["teams", "member", "update"], ["users", "update"], ["credentials", "update"]])
def test_help_of_each_new_command_imports_only_its_own_module(words):
    modules = _modules_after("help", *words)
    own = f"litellm_cli.plugins.{words[0]}"
    assert own in modules
    assert {m for m in modules if m.startswith("litellm_cli.plugins.")} == {own}
    for heavy in ("requests", "yaml", "cmd2", "litellm_cli.api.keyimport"):
        assert heavy not in modules, heavy


# -- keys ---------------------------------------------------------------------

def test_update_sends_only_the_given_settings_and_hides_the_echoed_secret():
    session = FakeSession({("POST", "/key/update"): lambda body: {
        **body, "token": _hash(body["key"]), "key_name": "sk-...1234"},
        ("GET", "/key/info"): {"info": {"metadata": None}}})
    (columns, rows), _ = run(keys.UpdateKey, ["sk-a-1234", "--models", "gpt-4o,b",
                                              "--spend", "5", "--metadata", '{"x": 1}',
                                              "--rpm-limit", "3", "--tags", "t1"], session)
    [_, (_, _, body)] = session.calls
    assert body["body"] == {"key": "sk-a-1234", "models": ["gpt-4o", "b"], "max_budget": 5.0,
                            "metadata": {"x": 1}, "rpm_limit": 3, "tags": ["t1"]}
    [row] = list(rows)
    assert "sk-a-1234" not in map(str, row)
    assert row[columns.index("token")] == _hash("sk-a-1234")


def test_update_metadata_merges_into_the_keys_metadata_and_null_removes_a_field():
    stored = {"env": "prod", "team": {"name": "a", "cost_centre": 7}, MARKER: "h-source",
              "old": True}
    session = FakeSession({("GET", "/key/info"): {"key": "h", "info": {"metadata": stored}},
                           ("POST", "/key/update"): lambda body: body})
    run(keys.UpdateKey, ["sk-raw", "--metadata", '{"env": "dev", "team": {"name": "b"}, '
                                                 '"old": null, "new": [1]}'], session)
    # Read by its hash: a secret never goes into a URL.
    assert session.calls[0][2]["params"] == {"key": _hash("sk-raw")}
    assert session.calls[-1][2]["body"]["metadata"] == {
        "env": "dev", "team": {"name": "b", "cost_centre": 7}, MARKER: "h-source", "new": [1]}
    assert stored["old"] is True  # what was read is not changed in place


def test_update_without_metadata_does_not_read_the_key_first():
    session = FakeSession({("POST", "/key/update"): lambda body: body})
    run(keys.UpdateKey, ["a" * 64, "--rpm-limit", "3"], session)
    assert [c[1] for c in session.calls] == ["/key/update"]


def test_update_rejects_one_alias_for_several_keys_and_empty_changes():
    with pytest.raises(exceptions.UsageError, match="only one KEY"):
        run(keys.UpdateKey, ["sk-a", "sk-b", "--key-alias", "x"], FakeSession())
    with pytest.raises(exceptions.UsageError, match="nothing to change"):
        run(keys.UpdateKey, ["sk-a"], FakeSession())


def test_update_of_several_shows_those_that_worked_then_fails():
    def update(body):
        if body["key"] == "sk-bad":
            raise NOT_FOUND
        return {"token": _hash(body["key"]), "key": body["key"]}

    session = FakeSession({("POST", "/key/update"): update})  # no metadata: no /key/info
    shown_rows = []

    class Probe(keys.UpdateKey):
        def produce_output(self, parsed_args, columns, data):
            shown_rows.extend(data)

    with pytest.raises(exceptions.CLIError, match="1 of 3 keys failed to update"):
        run(Probe, ["sk-a", "sk-bad", "sk-c", "--tpm-limit", "5"], session)
    assert [row[0] for row in shown_rows] == [_hash("sk-a"), _hash("sk-c")]


def test_regenerate_and_reset_spend_put_the_hash_never_the_secret_in_the_url():
    session = FakeSession({
        ("POST", f"/key/{_hash('sk-secret')}/regenerate"): {"key": "sk-new", "token": "t"},
        ("POST", f"/key/{_hash('sk-secret')}/reset_spend"): {
            "key_hash": _hash("sk-secret"), "spend": 0.0, "previous_spend": 2.0,
            "max_budget": None}, **release("1.81.7")})
    result, _ = run(keys.RegenerateKey, ["sk-secret", "--grace-period", "24h"], session)
    assert shown(result)["key"] == "sk-new"
    assert session.calls[0][2]["body"] == {"grace_period": "24h"}
    (columns, rows), app = run(keys.ResetSpendKey, ["sk-secret"], session)
    assert columns == ("token", "previous_spend", "spend", "max_budget")
    assert list(rows) == [(_hash("sk-secret"), 2.0, 0.0, None)]
    assert session.calls[2][2]["body"] == {"reset_to": 0.0}
    assert "sk-secret" not in app.stderr.getvalue()


def test_reset_spend_on_a_release_without_the_route_is_refused_naming_both():
    # LiteLLM 1.80.17 has no POST /key/{key}/reset_spend (it came in 1.81.7).
    session = FakeSession(release("1.80.17"))
    with pytest.raises(exceptions.CLIError) as error:
        run(keys.ResetSpendKey, ["sk-a", "sk-b"], session)
    assert str(error.value) == ("keys reset-spend needs LiteLLM >= 1.81.7; this proxy is "
                                "LiteLLM 1.80.17")
    assert error.value.exit_code == exceptions.EXIT_REJECTED
    assert [c[:2] for c in session.calls] == [("GET", "/public/model_hub/info")]


def test_block_one_unknown_key_is_its_own_not_found():
    session = FakeSession({("POST", "/key/block"): NOT_FOUND})
    with pytest.raises(exceptions.NotFound):
        run(keys.BlockKey, ["sk-nope"], session)


@pytest.mark.parametrize("text, expected", [
    ("2026-03-01", datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)),
    ("2026-03-01_12:30", datetime.datetime(2026, 3, 1, 12, 30, tzinfo=datetime.timezone.utc)),
    ("2026-03-01T12:30:00Z", datetime.datetime(2026, 3, 1, 12, 30,
                                               tzinfo=datetime.timezone.utc))])
def test_created_since_accepts_the_official_forms_and_iso(text, expected):
    assert keys._since(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "12"])
def test_created_since_rejects_other_text(text):
    with pytest.raises(Exception):
        keys._since(text)


def test_secrets_file_is_private_and_appended(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"old": 1}\n')
    os.chmod(path, 0o644)
    with keys._open_private(str(path)) as handle:
        keys._save_secret(handle, {"key_alias": "a", "token": "h"}, "sk-new")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text().splitlines() == [
        '{"old": 1}', '{"key_alias": "a", "source_token": "h", "key": "sk-new"}']


def test_unwritable_secrets_file_is_a_usage_error(tmp_path):
    with pytest.raises(exceptions.UsageError, match="--secrets-out"):
        keys._open_private(str(tmp_path / "missing" / "s.jsonl"))


def test_a_secrets_file_that_is_a_symbolic_link_is_refused_and_its_target_untouched(
        tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("kept\n")
    os.chmod(target, 0o644)
    (tmp_path / "s.jsonl").symlink_to(target)
    with pytest.raises(exceptions.UsageError, match="symbolic link"):
        keys._open_private(str(tmp_path / "s.jsonl"))
    assert target.read_text() == "kept\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644


def test_a_secrets_file_that_is_not_a_regular_file_is_refused_and_its_mode_kept(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o644)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so opening it to write works
    try:
        with pytest.raises(exceptions.UsageError, match="not a regular file"):
            keys._open_private(str(fifo))
    finally:
        os.close(reader)
    assert stat.S_IMODE(os.stat(fifo).st_mode) == 0o644
    with pytest.raises(exceptions.UsageError, match="--secrets-out"):
        keys._open_private(str(tmp_path))  # a folder


def test_a_secret_that_cannot_be_written_is_an_error_naming_the_file():
    from litellm_cli.plugins.state import _save

    with open("/dev/full", "a", encoding="utf-8") as full:
        with pytest.raises(exceptions.CLIError, match="cannot write out.jsonl: No space"):
            _save(full, {"key_alias": "a", "key": "sk-new"}, "out.jsonl")
        with pytest.raises(OSError):
            full.close()  # what it still holds; apply ignores it


# -- keys import (the SDK layer) ------------------------------------------------

def _key(token, **fields):
    return {"token": token, "key_name": f"sk-...{token[-4:]}", "created_at":
            "2026-01-01T00:00:00Z", "expires": None, "metadata": {}, "budget_id": None,
            "litellm_budget_table": None, **fields}  # as LiteLLM 1.108.7 lists a key


def _importer(source_keys, dest_keys=(), dest_teams=(), source_teams=None, generate=None,
              budgets=(), dest_answers=None, dest_release="1.108.7"):
    source_teams = source_teams or {}
    source = FakeSession({
        **release("1.108.7"),
        ("GET", "/key/list"): {"keys": list(source_keys), "total_pages": 1},
        ("GET", "/team/info"): lambda params: source_teams.get(params["team_id"], NOT_FOUND),
        ("GET", "/user/info"): lambda params: {"user_id": params["user_id"], "user_info": {
            "user_email": "a@example.com", "teams": ["t1", "t9"]}}})
    dest = FakeSession({
        **release(dest_release),
        ("GET", "/key/list"): {"keys": list(dest_keys), "total_pages": 1},
        ("GET", "/team/info"): lambda params: ({"team_info": {}} if params["team_id"]
                                               in dest_teams else NOT_FOUND),
        ("GET", "/user/info"): NOT_FOUND,
        ("POST", "/team/new"): lambda body: body,
        ("POST", "/user/new"): lambda body: body,
        ("POST", "/key/generate"): generate or (lambda body: {"key": "sk-new-0001",
                                                              "key_name": "sk-...0001"}),
        ("POST", "/budget/info"): lambda body: [{"budget_id": b} for b in body["budgets"]
                                                 if b in budgets],
        **(dest_answers or {})})
    source.base_url, dest.base_url = "http://old.example:4000", "http://new.example:4000"
    return KeyImport(source, dest), dest


def _posts(dest):
    return [path for method, path, _ in dest.calls if method == "POST"]


def test_import_a_key_whose_secret_cannot_be_saved_is_deleted_again_and_failed():
    importer, dest = _importer([_key("h1", key_alias="a1"), _key("h2", key_alias="a2")],
                               dest_answers={("POST", "/key/delete"): lambda body: {
                                   "deleted_keys": body["keys"]}})

    def disk_full(old, new):
        raise OSError(28, "No space left on device")

    result, after = importer.run(on_secret=disk_full)
    assert result["status"] == "failed"
    assert "could not be saved" in result["detail"] and "deleted again" in result["detail"]
    # The keys after it are not made at all: their secrets would be lost too.
    assert after["status"] == "failed" and "not created" in after["detail"]
    assert _posts(dest) == ["/key/generate", "/key/delete"]
    # Deleted by its hash, never by the lost secret.
    assert dest.calls[-1][2]["body"] == {"keys": [_hash("sk-new-0001")]}
    assert "sk-new-0001" not in str(result)


def test_import_says_to_delete_by_hand_when_a_lost_secrets_key_cannot_be_deleted():
    importer, _ = _importer([_key("h1", key_alias="a1")], dest_answers={
        ("POST", "/key/delete"): exceptions.ServerError("db down", http_status=500)})
    [result] = importer.run(on_secret=lambda old, new: 1 / 0)
    assert result["status"] == "failed"
    assert f"delete key {_hash('sk-new-0001')} by hand" in result["detail"]


@pytest.mark.parametrize("source_url, dest_url", [
    ("http://proxy:4000", "http://proxy:4000/"), ("HTTP://Proxy:80/", "http://proxy"),
    ("https://proxy/llm/", "https://proxy:443/llm")])
def test_import_refuses_a_source_url_that_is_the_destination(source_url, dest_url):
    source, dest = FakeSession(), FakeSession()
    source.base_url, dest.base_url = source_url, dest_url
    with pytest.raises(exceptions.UsageError, match="destination itself"):
        list(KeyImport(source, dest).run())
    assert source.calls == dest.calls == []


def test_import_refuses_a_source_whose_keys_are_on_the_destination_under_the_same_hash():
    importer, dest = _importer([_key("h1", key_alias="a1", team_id="t1")],
                               dest_keys=[{"token": "h1", "metadata": {}}])
    with pytest.raises(exceptions.UsageError, match="destination itself"):
        list(importer.run())
    assert _posts(dest) == []


def test_import_plan_fails_a_key_whose_budget_is_not_on_the_destination():
    keys_ = [_key("h1", key_alias="a1", budget_id="gone",
                  litellm_budget_table={"budget_id": "gone", "max_budget": 1}),
             _key("h2", key_alias="a2", budget_id="here",
                  litellm_budget_table={"budget_id": "here", "max_budget": 1})]
    importer, dest = _importer(keys_, budgets={"here"})
    results = [(r["name"], r["status"], r["detail"]) for r in importer.run(dry_run=True)]
    assert results == [
        ("a1", "would fail", "budget gone is not on the destination (create it there first)"),
        ("a2", "would create", "a new secret would be issued")]
    importer, dest = _importer(keys_, budgets={"here"})
    assert [r["status"] for r in importer.run()] == ["failed", "created"]
    assert [c[2]["body"].get("budget_id") for c in dest.calls
            if c[1] == "/key/generate"] == ["here"]


def test_import_copies_a_soft_budget_as_soft_budget_not_as_the_sources_budget_row():
    # /key/generate with a soft_budget makes a budget row for the key just
    # before it: that row is the source's own, never on the destination.
    key = _key("h1", key_alias="a1", budget_id="row-1", created_at="2026-01-01T00:00:01Z",
               litellm_budget_table={"budget_id": "row-1", "soft_budget": 2.5,
                                     "created_at": "2026-01-01T00:00:00Z"})
    importer, dest = _importer([key])
    assert [r["status"] for r in importer.run()] == ["created"]
    [body] = [c[2]["body"] for c in dest.calls if c[1] == "/key/generate"]
    assert body["soft_budget"] == 2.5 and "budget_id" not in body
    assert [c[1] for c in dest.calls if c[1] == "/budget/info"] == []


def test_import_fails_a_key_whose_settings_the_destination_release_cannot_take():
    keys_ = [_key("h1", key_alias="a1", tpd_limit=100), _key("h2", key_alias="a2", rpm_limit=5)]
    importer, dest = _importer(keys_, dest_release="1.80.17")
    results = [(r["name"], r["status"], r["detail"]) for r in importer.run()]
    assert results == [
        ("a1", "failed", "the destination proxy (LiteLLM 1.80.17) takes no tpd_limit, which "
                         "this key sets"),
        ("a2", "created", "new secret sk-...0001")]
    [body] = [c[2]["body"] for c in dest.calls if c[1] == "/key/generate"]
    assert body["key_alias"] == "a2" and body["rpm_limit"] == 5


def test_import_says_a_teams_spend_is_not_copied():
    importer, _ = _importer([_key("h1", key_alias="a1", team_id="t1")], source_teams={
        "t1": {"team_info": {"team_id": "t1", "spend": 3.5}}})
    team = next(importer.run())
    assert team["status"] == "created" and "(3.5 USD) is not copied" in team["detail"]


@pytest.mark.parametrize("side", ["source", "destination"])
@pytest.mark.parametrize("error", [exceptions.Unauthorized, exceptions.Forbidden])
def test_import_auth_errors_say_which_proxy_refused(side, error):
    importer, dest = _importer([_key("h1")])
    session = dest if side == "destination" else importer.source_keys.session._session
    session.answers[("GET", "/key/list")] = error("Authentication Error")
    with pytest.raises(error) as raised:
        list(importer.run())
    assert str(raised.value).startswith(f"the {side} proxy http://")
    assert raised.value.exit_code == exceptions.EXIT_AUTH


def test_import_without_secrets_out_is_a_usage_error_before_any_request():
    session = FakeSession()
    with pytest.raises(exceptions.UsageError, match="--secrets-out FILE is required"):
        run(keys.ImportKey, ["--source-base-url", "http://127.0.0.1:9"], session)
    assert session.calls == []


def test_each_secret_is_synced_to_disk_before_the_key_is_reported(tmp_path, monkeypatch):
    synced = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    with keys._open_private(str(tmp_path / "s.jsonl")) as handle:
        synced.clear()  # the folder's sync on opening
        keys._save_secret(handle, {"key_alias": "a", "token": "h"}, "sk-new")
        assert synced == [handle.fileno()]


def test_import_creates_team_then_user_then_key_with_its_settings_and_marker():
    key = _key("h1", key_alias="a1", team_id="t1", user_id="u1", max_budget=5,
               rpm_limit=7, spend=1.5, models=[], blocked=False, org_id="o1",
               metadata={"env": "prod"})
    importer, dest = _importer([key], source_teams={"t1": {"team_info": {
        "team_id": "t1", "team_alias": "T", "max_budget": 9, "spend": 3}}})
    secrets = []
    results = list(importer.run(on_secret=lambda old, new: secrets.append((old["token"], new))))
    assert [(r["object"], r["status"]) for r in results] == [
        ("team", "created"), ("user", "created"), ("key", "created")]
    posts = [(path, kw["body"]) for method, path, kw in dest.calls if method == "POST"]
    owned = {"litellm_cli_owner": "litellm-cli"}
    assert posts[0] == ("/team/new", {"team_id": "t1", "team_alias": "T", "max_budget": 9,
                                      "metadata": owned})
    assert posts[1][1] == {"user_id": "u1", "user_email": "a@example.com", "teams": ["t1"],
                           "auto_create_key": False, "metadata": owned}
    assert posts[2][1] == {"key_alias": "a1", "team_id": "t1", "user_id": "u1",
                           "max_budget": 5, "rpm_limit": 7, "spend": 1.5,
                           "organization_id": "o1",
                           "metadata": {"env": "prod", MARKER: "h1", **owned}}
    assert secrets == [("h1", "sk-new-0001")]
    assert "sk-new-0001" not in str(results)


def test_import_keeps_the_owner_a_source_key_has():
    key = _key("h1", key_alias="a1", metadata={"litellm_cli_owner": "platform"})
    importer, dest = _importer([key])
    list(importer.run(on_secret=lambda old, new: None))
    body = [kw["body"] for method, path, kw in dest.calls if path == "/key/generate"][0]
    assert body["metadata"] == {"litellm_cli_owner": "platform", MARKER: "h1"}


def test_import_skips_keys_already_imported_expired_and_of_the_ui():
    done = _key("h1", key_alias="a1")
    # No user is brought for a key that is skipped.
    expired = _key("h2", key_alias="a2", expires="2020-01-01T00:00:00Z", user_id="u2")
    ui = _key("h3", key_alias="a3", team_id="litellm-dashboard")
    importer, dest = _importer([done, expired, ui], dest_keys=[
        {"token": "x", "metadata": {MARKER: "h1"}}])
    results = list(importer.run())
    assert [(r["name"], r["status"], r["detail"]) for r in results] == [
        ("a1", "skipped", "already imported"), ("a2", "skipped", "expired on the source"),
        ("a3", "skipped", "the proxy UI's own session key")]
    assert not [c for c in dest.calls if c[0] == "POST"]


def test_import_does_not_create_a_key_whose_team_failed():
    importer, dest = _importer([_key("h1", key_alias="a1", team_id="t1")], source_teams={
        "t1": exceptions.Forbidden("not allowed")})
    results = list(importer.run())
    assert results[0]["status"] == "failed" and "cannot read it from the source" in \
        results[0]["detail"]
    assert results[1]["status"] == "failed" and "team t1 is not on the destination" in \
        results[1]["detail"]
    assert not [c for c in dest.calls if c[1] == "/key/generate"]


def test_import_keeps_a_team_id_the_source_does_not_know_either():
    importer, dest = _importer([_key("h1", key_alias="a1", team_id="ghost")])
    results = list(importer.run())
    assert (results[0]["status"], results[1]["status"]) == ("skipped", "created")
    assert not [c for c in dest.calls if c[1] == "/team/new"]


def test_import_dry_run_writes_nothing_and_expiry_becomes_a_duration():
    soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2))
    key = _key("h1", key_alias="a1", team_id="t1", expires=soon.isoformat())
    importer, dest = _importer([key], dest_teams={"t1"})
    assert [r["status"] for r in importer.run(dry_run=True)] == ["skipped", "would create"]
    assert not [c for c in dest.calls if c[0] == "POST"]
    generated = []
    importer, _ = _importer([key], dest_teams={"t1"}, generate=lambda body: generated.append(
        body) or {"key": "sk-n", "key_name": "sk-...n"})
    list(importer.run())
    seconds = int(generated[0]["duration"].rstrip("s"))
    assert 7100 < seconds <= 7200


def test_import_created_since_drops_older_keys():
    old, new = _key("h1", key_alias="old"), _key("h2", key_alias="new",
                                                  created_at="2026-06-01T00:00:00Z")
    importer, _ = _importer([old, new])
    since = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
    assert [r["name"] for r in importer.run(created_since=since, dry_run=True)] == ["new"]


# -- teams, users, credentials ----------------------------------------------------

@pytest.mark.parametrize("command, effect", [(teams.BlockTeam, "keep working"),
                                             (teams.UnblockTeam, "stay refused")])
def test_team_block_and_unblock_say_the_proxys_cache_delays_them(command, effect):
    session = FakeSession({("GET", "/team/info"): {"team_id": "t1", "team_info": {}},
                           ("POST", "/team/block"): lambda body: body,
                           ("POST", "/team/unblock"): lambda body: body})
    _, app = run(command, ["t1"], session)
    *_, done, note = app.stderr.getvalue().splitlines()
    assert done.endswith("ed team t1")
    assert note.startswith("Note: the proxy checks keys against its cached copy of a team")
    assert "user_api_key_cache_ttl" in note and effect in note


TEAM_INFO = {"team_id": "t1", "team_info": {"team_alias": "T", "models": ["gpt-4o"], "members_with_roles": [
    {"user_id": "u1", "user_email": "a@x", "role": "admin"},
    {"user_id": "u2", "user_email": None, "role": "user"}]},
    "team_memberships": [
        {"user_id": "u2", "spend": 1.25, "litellm_budget_table": {"max_budget": 4.0,
                                                                  "rpm_limit": 3}},
        {"user_id": "stray", "spend": 0.0}]}


def test_team_info_merges_members_with_their_spend_and_budget():
    session = FakeSession({("GET", "/team/info"): TEAM_INFO})
    (columns, rows), _ = run(teams.ListTeamMember, ["t1"], session)
    members = [dict(zip(columns, row)) for row in rows]
    assert [m["user_id"] for m in members] == ["u1", "u2"]  # not the stray membership
    assert members[1]["spend"] == 1.25 and members[1]["max_budget_in_team"] == 4.0
    assert members[1]["rpm_limit"] == 3 and members[0]["spend"] is None


def test_member_update_checks_membership_first():
    session = FakeSession({("GET", "/team/info"): TEAM_INFO})
    with pytest.raises(exceptions.NotFound, match="not a member"):
        run(teams.UpdateTeamMember, ["--team-id", "t1", "--user-id", "stray",
                                     "--max-budget-in-team", "2"], session)
    assert [c[1] for c in session.calls] == ["/team/info"]


def test_member_update_shows_the_kept_role():
    session = FakeSession({("GET", "/team/info"): TEAM_INFO,
                           ("POST", "/team/member_update"): lambda body: body})
    result, _ = run(teams.UpdateTeamMember, ["--team-id", "t1", "--email", "a@x",
                                             "--allowed-models", "gpt-4o"], session)
    assert shown(result)["role"] == "admin"
    assert session.calls[1][2]["body"] == {"team_id": "t1", "user_email": "a@x",
                                           "allowed_models": ["gpt-4o"]}


def test_assign_key_uses_the_cli_key_by_default_and_checks_the_team_first():
    session = FakeSession({("GET", "/team/info"): TEAM_INFO,
                           ("POST", "/key/update"): lambda body: {
                               "token": "h", "team_id": body["team_id"], "key": body["key"]}})
    session.api_key = "sk-mine"
    result, _ = run(teams.AssignTeamKey, ["--team-id", "t1"], session)
    assert [c[1] for c in session.calls] == ["/team/info", "/key/update"]
    assert session.calls[1][2]["body"] == {"team_id": "t1", "key": "sk-mine"}
    assert shown(result) == {"token": "h", "key_name": None, "key_alias": None,
                             "team_id": "t1", "team_alias": "T", "team_models": ["gpt-4o"]}


def test_users_update_checks_that_the_user_exists():
    session = FakeSession({("GET", "/user/info"): exceptions.NotFound("User u9 not found")})
    with pytest.raises(exceptions.NotFound):
        run(users.UpdateUser, ["u9", "--max-budget", "3"], session)
    assert [c[1] for c in session.calls] == ["/user/info"]


def test_credentials_update_sends_merges_removals_and_label():
    session = FakeSession({("PATCH", "/credentials/a%2Fb"): {"success": True},
                           ("GET", "/credentials/by_name/a%2Fb"): {
                               "credential_name": "a/b", "credential_info": {"p": "azure"}},
                           **release(PINNED)})
    run(credentials.UpdateCredential, ["a/b", "--clear-display-name", "--values",
                                       '{"api_key": "k"}', "--remove-value", "api_base"],
        session)
    assert session.calls[0][2]["body"] == {
        "credential_name": "a/b", "credential_info": {}, "display_name": None,
        "credential_values": {"api_key": "k"}, "credential_values_to_delete": ["api_base"]}
    # The proxy would replace the stored info: the merged info is sent.
    run(credentials.UpdateCredential, ["a/b", "--info", '{"r": "eu"}'], session)
    patches = [c for c in session.calls if c[0] == "PATCH"]
    assert patches[1][2]["body"] == {"credential_name": "a/b", "credential_values": {},
                                           "credential_info": {"p": "azure", "r": "eu"}}
