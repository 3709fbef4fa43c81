"""Display helpers: the streaming JSON list formatter writes what cliff's would."""

import argparse
import io
import json

import pytest
from cliff.formatters.json_format import JSONFormatter

from litellm_cli.display import JSONColumn, StreamingJSONFormatter

ROWS = [("a", 1, JSONColumn({"x": [1, 2]})), ("b", None, JSONColumn([])), ("c", 2.5, "t")]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
@pytest.mark.parametrize("noindent", [False, True])
def test_streaming_json_is_identical_to_cliffs(rows, noindent):
    args = argparse.Namespace(noindent=noindent)
    ours, theirs = io.StringIO(), io.StringIO()
    StreamingJSONFormatter().emit_list(("n", "v", "j"), iter(rows), ours, args)
    JSONFormatter().emit_list(("n", "v", "j"), list(rows), theirs, args)
    assert ours.getvalue() == theirs.getvalue()
    assert len(json.loads(ours.getvalue())) == len(rows)


def test_streaming_json_consumes_rows_one_at_a_time():
    seen = []

    def rows():
        for i in range(3):
            seen.append(i)
            yield (i,)

    out = io.StringIO()

    class Tracking(io.StringIO):
        def write(self, text):
            # Every row written so far was produced before the next is asked for.
            out.write(f"{len(seen)}:{text!r}|")
            return super().write(text)

    StreamingJSONFormatter().emit_list(("i",), rows(), Tracking(),
                                       argparse.Namespace(noindent=True))
    assert out.getvalue().startswith("0:'['|1:'{\"i\": 0}'|2:")
