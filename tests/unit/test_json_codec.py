"""json_codec gives the values `json.loads(..., parse_float=Decimal)` gives, and lines that
parse back to the message the SDK's simplejson writer would have written."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from singer_sdk.singerlib.json import serialize_json

from tap_intercom import json_codec


def stdlib_loads(data):
    return json.loads(data, parse_float=Decimal)


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": 12345678901234567890123, "b": -9223372036854775809}',  # past 64 bits
        b'{"a": 1.10, "b": 1e5, "c": -0.0, "d": 1E400, "e": -0}',  # exact decimals
        b'{"a": 1, "a": 2}',  # the last duplicate wins
        b' {"name": "Zo\\u00eb \xe7\x8e\x8b", "esc": "\\"\\\\\\n"} ',
        b'{"a": [], "b": {}, "c": null, "d": true, "e": false}',
        b'{"bad": "\\ud800"}',  # a lone surrogate: msgspec refuses, json.loads takes it
        b'{"a": NaN, "b": Infinity}',  # not JSON, but what json.loads always read
    ],
)
def test_loads_gives_the_standard_librarys_values(text):
    parsed = json_codec.loads(text)
    expected = stdlib_loads(text)
    assert parsed == expected or (
        json.dumps(parsed, default=str) == json.dumps(expected, default=str)  # NaN != NaN
    )
    assert repr(parsed) == repr(expected)  # same types: Decimal('1.10'), not 1.1


@pytest.mark.parametrize("text", [b"", b"{", b"<html>proxy</html>", b'{"a": 1} x'])
def test_loads_refuses_what_is_not_json_with_a_value_error(text):
    with pytest.raises(ValueError):
        json_codec.loads(text)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_a_line_means_what_the_sdks_serialiser_writes(value):
    line = json_codec.dumps_line(value)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1  # one line, whatever the text holds
    text = line[:-1].decode("utf-8")
    assert len(text.splitlines()) <= 1  # also for str.splitlines' own line breaks
    assert stdlib_loads(text) == stdlib_loads(serialize_json(value))


def test_line_breaks_that_str_splitlines_knows_stay_escaped():
    line = json_codec.dumps_line({"a": "x\u2028y\u2029z\x85w\x0b\x1c"})
    assert line == b'{"a":"x\\u2028y\\u2029z\\u0085w\\u000b\\u001c"}\n'
    assert stdlib_loads(line) == {"a": "x\u2028y\u2029z\x85w\x0b\x1c"}


def _escaped_everywhere(value) -> bytes:
    """The line with every U+2028/U+2029/U+0085 escaped, without first checking for them."""
    data = json_codec._encoder.encode(value)
    for raw, escaped in json_codec._LINE_BREAKS:
        data = data.replace(raw, escaped)
    return data + b"\n"


#: Text near the line breaks in UTF-8: U+2019 and U+2026 share their first two bytes,
#: U+00C5 and U+0105 end in `\x85`, U+00A0 is `\xc2\xa0`.
NEAR_LINE_BREAKS = st.text(
    alphabet=st.sampled_from(
        [
            "\u2028",
            "\u2029",
            "\x85",
            "\u2019",
            "\u2026",
            "\xc5",
            "\u0105",
            "\xa0",
            "\xe2",
            "a",
            "é",
            "王",
        ]
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(NEAR_LINE_BREAKS | st.text(), max_size=4))
def test_line_breaks_are_escaped_exactly_where_they_occur(texts):
    value = {"texts": texts}
    assert json_codec.dumps_line(value) == _escaped_everywhere(value)


@pytest.mark.parametrize(
    "text", ["\u2028", "\u2029", "\x85", "\u2019\u2026\xc5\u0105\xa0", "\u2019\u2029", "\xc5\x85"]
)
def test_each_line_break_is_found_beside_its_near_misses(text):
    assert json_codec.dumps_line({"a": text}) == _escaped_everywhere({"a": text})
    assert len(json_codec.dumps_line({"a": text}).decode().splitlines()) == 1


def test_non_ascii_text_is_utf8_not_escapes():
    assert json_codec.dumps_line({"name": "Zoë 王"}) == '{"name":"Zoë 王"}\n'.encode()


class Unknown:
    def __str__(self):
        return "unknown"


@pytest.mark.parametrize(
    "value",
    [
        {"a": Decimal("NaN")},  # msgspec refuses a non-finite Decimal
        {"a": Unknown()},  # a type msgspec does not know: the SDK's `str` fallback
    ],
)
def test_what_msgspec_cannot_write_is_written_by_the_sdks_serialiser(value):
    assert json_codec.dumps_line(value) == serialize_json(value).encode() + b"\n"
