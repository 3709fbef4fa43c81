"""The users adapter (litellm_cli/api/kinds/users.py) on a fake proxy."""

from litellm_cli.api.kinds.users import Users
from litellm_cli.api.state_sync import request_fields
from tests.unit.conftest import FakeSession

OWNER = "kteams-test"


def _user(user_id, **fields):
    return {"user_id": user_id, "spend": 1.0, "models": [], "teams": ["t1"],
            "created_at": "2026-01-01", "metadata": {"litellm_cli_owner": OWNER}, **fields}


def _pages(users, size=100):
    def page(params, **kw):
        start = (params["page"] - 1) * size
        return {"users": users[start:start + size], "total_pages": -(-len(users) // size)}
    return page


def test_read_walks_every_page_and_export_keeps_what_an_operator_set():
    users = [_user(f"u{i}") for i in range(150)] + [_user("alice", user_alias="A",
                                                          metadata={"a": 1})]
    session = FakeSession({("GET", "/user/list"): _pages(users)})
    adapter = Users(session, request_fields("1.108.7", "users"))
    read = list(adapter.read())
    assert len(read) == 151
    # Pages over a unique order: the proxy's default (created_at) has ties.
    assert {(c[2]["params"]["sort_by"], c[2]["params"]["sort_order"])
            for c in session.calls} == {("user_id", "asc")}
    assert adapter.export(read[-1]) == {"user_id": "alice", "metadata": {"a": 1},
                                        "user_alias": "A"}


def test_create_never_makes_a_key_and_carries_the_owner():
    created = {}

    def new(body, **kw):
        created.update(body)
        return {"user_id": body["user_id"], "teams": []}

    adapter = Users(FakeSession({
        ("GET", "/user/list"): _pages([]), ("POST", "/user/new"): new,
        ("GET", "/user/info"): lambda params, **kw: {"user_info": _user(
            "alice", max_budget=5.0)}}), request_fields("1.108.7", "users"))
    [item] = adapter.plan([{"user_id": "alice", "max_budget": 5}], OWNER)
    adapter.send(item, OWNER)
    assert created == {"user_id": "alice", "max_budget": 5, "auto_create_key": False,
                       "metadata": {"litellm_cli_owner": OWNER}}


def test_a_password_is_never_compared_nor_exported():
    adapter = Users(FakeSession({("GET", "/user/list"): _pages([_user("alice")])}),
                    request_fields("1.108.7", "users"))
    [item] = adapter.plan([{"user_id": "alice", "password": "pw"}], OWNER)
    assert item.status == "unchanged" and "password" in item.reason
    [item] = adapter.plan([{"user_id": "alice", "password": "pw"}], OWNER, force_secrets=True)
    assert item.changes == [{"field": "password", "old": "***", "new": "***"}]
