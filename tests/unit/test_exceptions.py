"""The typed HTTP errors: one class per status, each with its exit code."""

import pytest

from litellm_cli import exceptions


class _Response:
    def __init__(self, status, text="{}", headers=None):
        self.status_code, self.text, self.reason = status, text, "Reason"
        self.headers = headers or {}


@pytest.mark.parametrize("status, cls, code", [
    (400, exceptions.BadRequest, exceptions.EXIT_REJECTED),
    (401, exceptions.Unauthorized, exceptions.EXIT_AUTH),
    (403, exceptions.Forbidden, exceptions.EXIT_AUTH),
    (404, exceptions.NotFound, exceptions.EXIT_NOT_FOUND),
    (409, exceptions.Conflict, exceptions.EXIT_REJECTED),
    (422, exceptions.UnprocessableEntity, exceptions.EXIT_REJECTED),
    (429, exceptions.TooManyRequests, exceptions.EXIT_REJECTED),
    (502, exceptions.ServerError, exceptions.EXIT_SERVER),
    (418, exceptions.HttpError, exceptions.EXIT_REJECTED),
])
def test_each_status_has_its_class_and_exit_code(status, cls, code):
    error = exceptions.from_response(_Response(status), "GET", "http://proxy/x")
    assert type(error) is cls
    assert (error.http_status, error.exit_code) == (status, code)


def test_recast_keeps_the_status_request_id_and_request():
    error = exceptions.from_response(
        _Response(400, '{"error": {"message": "team not found"}}', {"x-request-id": "r-1"}),
        "POST", "http://proxy/team/info")
    found = exceptions.not_found(error)
    assert type(found) is exceptions.NotFound and found.exit_code == exceptions.EXIT_NOT_FOUND
    assert (found.http_status, found.request_id, found.method, found.url) == (
        400, "r-1", "POST", "http://proxy/team/info")
    assert str(found) == "team not found (HTTP 400) (request id: r-1)"


def test_an_unknown_field_is_a_programming_error():
    with pytest.raises(TypeError, match="unknown HttpError fields: colour"):
        exceptions.HttpError("x", colour="red")
