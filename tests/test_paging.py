"""206 + Link paging against the sandbox, and the Link parser on Paycom's own sample."""

from __future__ import annotations

import pytest

from tap_paycom.links import page_number, parse_link_header
from tap_paycom.sandbox import Sandbox
from tests.conftest import sync, tap_config

# Paycom's sample, as its guide prints it: the first '<' missing, a trailing comma.
PAYCOM_SAMPLE = (
    'https://api.paycomonline.net/v4/rest/index.php/api/v1/employeedirectory?'
    'requestid=0123456789abcdef0123456789abcdef&page=1>; rel="first", '
    '<https://api.paycomonline.net/v4/rest/index.php/api/v1/employeedirectory?'
    'requestid=0123456789abcdef0123456789abcdef&page=2>; rel="next", '
    '<https://api.paycomonline.net/v4/rest/index.php/api/v1/employeedirectory?'
    'requestid=0123456789abcdef0123456789abcdef&page=4>; rel="last",'
)


def test_paycoms_irregular_sample_parses():
    links = parse_link_header(PAYCOM_SAMPLE)
    assert set(links) == {"first", "next", "last"}
    assert page_number(links["next"]) == 2
    assert page_number(links["last"]) == 4
    assert links["first"].startswith("https://") and links["last"].endswith("page=4")


@pytest.mark.parametrize("last_page_status", [206, 200])
@pytest.mark.parametrize("irregular", [True, False])
def test_directory_paged_in_sevens(sandbox: Sandbox, last_page_status: int, irregular: bool):
    sandbox.options.last_page_status = last_page_status
    sandbox.options.irregular_links = irregular
    employees = sync(tap_config(sandbox, page_size=7)).by_key("employees")
    assert set(employees) == set(sandbox.tenant.people)
    pages = [r for r in sandbox.requests if r.endpoint == "employeedirectory"]
    assert [int(r.query["page"]) for r in pages] == list(range(1, 10))  # 60 rows / 7
    assert all(r.query["pagesize"] == "7" for r in pages)
    assert len({r.query.get("requestid") for r in pages[1:]}) == 1  # one snapshot


def test_locations_paged_one_per_page(sandbox: Sandbox):
    locations = sync(tap_config(sandbox, page_size=1)).by_key("locations", "location_id")
    assert len(locations) == 8
    assert sandbox.calls("locations") == 8


def test_a_single_page_answers_200_without_link(sandbox: Sandbox):
    sync(tap_config(sandbox, page_size=500))
    assert sandbox.calls("employeedirectory") == 1
    assert sandbox.calls("employeedirectory", status=200) == 1
