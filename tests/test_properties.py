"""Property tests for the parsers that face Paycom's loose data."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tap_paycom.coerce import BadValue, to_bool, to_date, to_datetime, to_int, to_number
from tap_paycom.envelope import EnvelopeError, parse_envelope
from tap_paycom.links import page_number, parse_link_header

RELS = ("first", "prev", "next", "last")
request_ids = st.text("0123456789abcdef", min_size=32, max_size=32)


@st.composite
def link_headers(draw: st.DrawFn) -> tuple[str, dict[str, int]]:
    """A Link header with Paycom's irregularities, and the pages it names."""
    request_id = draw(request_ids)
    rels = draw(st.lists(st.sampled_from(RELS), min_size=1, max_size=4, unique=True))
    pages = {rel: draw(st.integers(1, 10_000)) for rel in rels}
    host = draw(st.sampled_from(["https://api.paycomonline.net", "http://127.0.0.1:8089"]))
    parts = []
    for rel in rels:
        url = (f"{host}/v4/rest/index.php/api/v1/employeedirectory?"
               f"requestid={request_id}&page={pages[rel]}")
        open_bracket = draw(st.sampled_from(["<", ""]))  # Paycom's sample drops one
        quote = draw(st.sampled_from(['"', ""]))
        space = draw(st.sampled_from(["", " ", "  "]))
        parts.append(f"{open_bracket}{url}>;{space}rel={quote}{rel}{quote}")
    header = draw(st.sampled_from([", ", ",", " , "])).join(parts)
    header += draw(st.sampled_from(["", ",", ", "]))  # and ends with a stray comma
    return header, pages


@given(link_headers())
def test_link_headers_give_back_every_rel_and_page(case: tuple[str, dict[str, int]]):
    header, pages = case
    links = parse_link_header(header)
    assert {rel: page_number(url) for rel, url in links.items()} == pages


@given(st.text())
def test_link_parser_never_raises(text: str):
    assert isinstance(parse_link_header(text), dict)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%dT00:00:00-05:00",
                        "%Y-%m-%dT23:59:59+09:00", "%-m/%-d/%Y"]))
def test_every_paycom_date_spelling_reads_as_the_same_calendar_date(day: date, pattern: str):
    assert to_date(day.strftime(pattern)) == day.isoformat()


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.booleans(), st.none()))
def test_date_reader_returns_iso_none_or_says_bad_value(value: object):
    try:
        result = to_date(value)
    except BadValue:
        return
    assert result is None or date.fromisoformat(result)


@given(st.one_of(st.text(max_size=40), st.integers(), st.none()))
def test_datetime_reader_returns_iso_none_or_says_bad_value(value: object):
    try:
        result = to_datetime(value)
    except BadValue:
        return
    assert result is None or "T" in result


@given(st.integers(-10**12, 10**12), st.booleans(), st.booleans())
def test_integers_as_strings_with_or_without_separators(number: int, grouped: bool,
                                                        spaced: bool):
    text = f"{number:,}" if grouped else str(number)
    if spaced:
        text = f"  {text} "
    assert to_int(text) == number
    assert to_int(number) == number
    assert to_number(text) == float(number)


@given(st.one_of(st.text(max_size=20), st.floats(allow_nan=False, allow_infinity=False)))
def test_number_readers_return_numbers_none_or_say_bad_value(value: object):
    for reader in (to_int, to_number, to_bool):
        try:
            result = reader(value)
        except BadValue:
            continue
        assert result is None or isinstance(result, (int, float, bool))


rows = st.lists(st.dictionaries(st.text(min_size=1, max_size=8),
                                st.one_of(st.text(max_size=8), st.integers(), st.none()),
                                max_size=4), max_size=5)


@given(rows, st.one_of(st.none(), st.integers(0, 10**6), st.text(max_size=5)))
def test_successful_envelopes_give_their_rows(data: list[dict], records: object):
    body = json.dumps({"result": True, "data": data, "errors": [], "errorCount": 0,
                       "records": records})
    assert parse_envelope(body).data == data


@given(rows, st.lists(st.text(max_size=30), min_size=1, max_size=3),
       st.sampled_from(["result", "count"]))
def test_envelopes_that_report_errors_raise_with_paycoms_words(data: list[dict],
                                                               messages: list[str], how: str):
    payload = {"result": how != "result", "data": data, "errors": messages,
               "errorCount": len(messages) if how == "count" else 0}
    with pytest.raises(EnvelopeError) as caught:
        parse_envelope(json.dumps(payload))
    assert caught.value.errors == messages
    assert not caught.value.truncated


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_any_body_is_an_envelope_or_an_envelope_error(body: bytes):
    try:
        envelope = parse_envelope(body)
    except EnvelopeError:
        return
    assert all(isinstance(row, dict) for row in envelope.data)


def test_a_body_cut_in_half_is_flagged_truncated():
    body = json.dumps({"result": True, "data": [{"eecode": "A001"}] * 3}).encode()
    with pytest.raises(EnvelopeError) as caught:
        parse_envelope(body[: len(body) // 2])
    assert caught.value.truncated
