"""Models on the proxy: the deployments behind each public model name.

Plain API client, usable without the CLI::

    from litellm_cli.session import Session
    from litellm_cli.api.models import ModelsAPI

    models = ModelsAPI(Session("http://localhost:4000", api_key="sk-..."))
    new = models.create("my-gpt", {"model": "openai/gpt-4o", "api_key": "sk-..."})
    models.delete(new["model_id"])
"""

import contextlib
import re
import threading

from litellm_cli import exceptions, versions
from litellm_cli.api import API, path_segment

# `models get --name` only needs to tell one deployment from several.
FIND_PAGE_SIZE = 100
# How /model/new says it kept a row it cannot serve (see ModelsAPI.create).
_UNSERVED = re.compile(r"saved to the database, but the model id\(s\) \[([^\]]*)\] are not live")
# The first release whose /model/new says so; older ones answer 200 for such a
# row, so the CLI looks the new deployment up instead.
CREATE_CHECKED_FROM = "1.96"
# On those releases two /model/new at once can hide each other: each reloads the
# router from its own read of the database, and the later reload drops a
# deployment the other added (until the proxy's next sync, 30s later), so the
# look-up would wrongly find it unserved. Their creates go one at a time, and so
# do their updates (LiteLLM 1.80.17, two PATCH /model/{id}/update at once: one
# of the two changes is missing from /model/info afterwards).
_OLD_RELEASE_WRITES = threading.Lock()
# PATCH /model/{id}/update takes litellm_params_to_remove from LiteLLM 1.109;
# before, a param set to null is ignored and keeps its value.
PARAM_REMOVAL_FROM = "1.109"
# The litellm_params a PATCH /model/{id}/update clears when sent as null
# (LiteLLM 1.108.7: NULL_CLEARABLE_LITELLM_PARAMS), each with the first release
# seen to clear it (the prices from 1.87: 1.86.0 clears nothing, 1.80.17
# neither); the proxy ignores any other null.
CLEAR_FROM = {
    **dict.fromkeys(("input_cost_per_token", "output_cost_per_token",
                     "input_cost_per_character", "output_cost_per_character",
                     "cache_read_input_token_cost", "cache_creation_input_token_cost"), "1.87"),
    "cache_control_injection_points": "1.103", "litellm_credential_name": "1.106",
    "tiered_pricing": "1.108"}
CLEARABLE_PARAMS = frozenset(CLEAR_FROM)


CHUNK_SIZE = 1 << 16


def _array_items(chunks, key):
    """The items of the list under ``key`` in a JSON object sent in ``chunks``
    (bytes), one at a time; only one item is held in memory."""
    import codecs
    import json

    decoder, text = json.JSONDecoder(), codecs.getincrementaldecoder("utf-8")()
    chunks, buffer = iter(chunks), ""

    def more():
        nonlocal buffer
        chunk = next(chunks, None)
        if chunk is None:
            raise exceptions.CLIError(f"the proxy's answer ended early or has no {key!r} list")
        buffer += text.decode(chunk)

    start = re.compile(rf'"{re.escape(key)}"\s*:\s*\[')
    while not (found := start.search(buffer)):
        more()
    position = found.end()
    while True:
        while position < len(buffer) and buffer[position] in " \t\r\n,":
            position += 1
        if position == len(buffer):
            more()
            continue
        if buffer[position] == "]":
            return
        try:
            item, end = decoder.raw_decode(buffer, position)
        except ValueError:  # not all there yet
            more()
            continue
        yield item
        buffer, position = buffer[end:], 0


class ModelsAPI(API):
    def list(self):
        """The public model names callers can use (``GET /models``)."""
        return self.session.get_json("/models").get("data", [])

    def info(self, model_id=None):
        """Every deployment with its params and model info (``GET /model/info``).

        With ``model_id``, only that deployment (NotFound if there is none).
        """
        params = {"litellm_model_id": model_id} if model_id else None
        try:
            return self.session.get_json("/model/info", params=params).get("data", [])
        except exceptions.BadRequest as exc:
            raise exceptions.not_found(exc) from None

    def iter_info(self):
        """Every deployment, as ``info()``, parsed as the answer arrives: memory
        stays flat however many deployments there are."""
        response = self.session.get("/model/info", stream=True)
        try:
            yield from _array_items(response.iter_content(CHUNK_SIZE), "data")
        finally:
            response.close()

    def get(self, model_id):
        """One deployment by its id."""
        return self.info(model_id)[0]

    def find(self, name):
        """Every deployment whose public name is ``name`` (possibly several).

        ``/v2/model/info?model=`` filters on the proxy, so only those are sent.
        """
        answer = self.session.get_json("/v2/model/info",
                                       params={"model": name, "size": FIND_PAGE_SIZE})
        return answer.get("data", [])

    def create(self, name, litellm_params, model_info=None):
        """Add a deployment (``POST /model/new``); returns the stored row.

        The row's ``litellm_params`` come back encrypted: use ``model_id``.
        """
        body = {"model_name": name, "litellm_params": litellm_params,
                "model_info": model_info or {}}
        # Asked first: once the row exists, no lost answer may hide it.
        if versions.at_least(self.session, CREATE_CHECKED_FROM):
            try:
                return self.session.post_json("/model/new", body)
            except exceptions.ServerError as exc:
                stored = _UNSERVED.search(exc.details)
                if not stored:
                    raise
                self._remove_unserved(re.findall(r"'([^']+)'", stored.group(1)), exc)
        with _OLD_RELEASE_WRITES:
            created = self.session.post_json("/model/new", body)
            model_id = created.get("model_id")
            if model_id and not self._served(model_id):
                self._remove_unserved([model_id])
        return created

    def one_at_a_time(self):
        """What a caller that sends updates side by side holds around each:
        nothing, or before CREATE_CHECKED_FROM the lock the creates take."""
        if versions.at_least(self.session, CREATE_CHECKED_FROM):
            return contextlib.nullcontext()
        return _OLD_RELEASE_WRITES

    def _served(self, model_id):
        """True when the proxy serves deployment ``model_id`` (``/model/info`` lists it)."""
        try:
            self.info(model_id)
        except exceptions.NotFound:
            return False
        return True

    def _remove_unserved(self, model_ids, error=None):
        """Delete rows the proxy stored but cannot serve, then report the rejection
        (``error``, the proxy's 500, or else its success answer, exit 7 too).

        The proxy saves a model before loading it; when it cannot load it (most
        often: no provider it can infer from litellm_params.model) it keeps the
        row, which ``/model/info`` never lists, and answers 500 (before LiteLLM
        1.96: 200). A failed create must leave nothing behind, or every retry
        adds another hidden row.
        """
        left = []
        for model_id in model_ids:
            try:
                self.delete(model_id)
            except exceptions.CLIError:
                left.append(model_id)
        message = ("the proxy saved the model but cannot serve it (most often "
                   "litellm_params.model lacks a provider prefix such as openai/)")
        message += (f"; delete the stored copy with: models delete {' '.join(left)}" if left
                    else "; the stored copy was removed")
        if error is None:
            raise exceptions.CLIError(f"{message} ({versions.describe(self.session)} answered "
                                      "success)", exit_code=exceptions.EXIT_SERVER)
        raise error.recast(exceptions.HttpError, message) from None

    def update(self, model_id, litellm_params=None, model_info=None, model_name=None):
        """Change only the given params and info fields (and the name) of a deployment.

        Uses ``PATCH /model/{id}/update``, which merges into what is stored. A
        param given as None is removed: CLEARABLE_PARAMS by a null (from the
        release CLEAR_FROM names), any other through
        ``removal``; refused before anything is sent by releases that cannot.
        """
        body = {"model_name": model_name} if model_name else {}
        litellm_params = dict(litellm_params or {})
        for key, value in litellm_params.items():
            if value is None and key in CLEARABLE_PARAMS:
                versions.require(self.session, CLEAR_FROM[key], f"removing {key}")
        body.update(self.removal([key for key, value in litellm_params.items()
                                  if value is None and key not in CLEARABLE_PARAMS]))
        litellm_params = {key: value for key, value in litellm_params.items()
                          if value is not None or key in CLEARABLE_PARAMS}
        if litellm_params:
            body["litellm_params"] = litellm_params
        # Without the id in model_info the proxy stores a fresh random id there.
        body["model_info"] = {**(model_info or {}), "id": model_id}
        from litellm_cli.session import decode_json

        try:
            # A merge of the same values twice is harmless, so retrying is safe.
            response = self.session.patch(f"/model/{path_segment(model_id)}/update",
                                          json=body, idempotent=True)
        except exceptions.BadRequest as exc:
            raise exceptions.not_found(exc) from None
        return decode_json(response)

    def removal(self, keys):
        """The part of a ``PATCH /model/{id}/update`` body that removes the
        litellm_params ``keys``; a CLIError (exit 6) naming the release needed
        when the proxy's release cannot remove a param."""
        if not keys:
            return {}
        versions.require(self.session, PARAM_REMOVAL_FROM, "removing a param")
        return {"litellm_params_to_remove": list(keys)}

    def delete(self, model_id):
        """Remove a deployment stored in the database (``POST /model/delete``).

        A deployment of the proxy's own config file is not in its database: the
        proxy answers "not found in db"; that is said in words that tell what to do."""
        try:
            return self.session.post_json("/model/delete", {"id": model_id})
        except exceptions.BadRequest as exc:
            refused = exc
        missing = exceptions.not_found(refused)
        if not isinstance(missing, exceptions.NotFound):
            raise refused
        try:
            configured = [m for m in self.info(model_id)
                          if not (m.get("model_info") or {}).get("db_model")]
        except exceptions.NotFound:
            configured = []
        if configured:
            raise refused.recast(exceptions.BadRequest, (
                f"model {model_id} comes from the proxy's config file, not its database: the "
                "API cannot delete it; remove it from the proxy's config.yaml and restart the "
                "proxy")) from None
        raise missing from None
