"""A tolerant reader for Paycom's ``Link`` paging header.

Paycom's own sample drops a ``<`` and ends with a stray comma, so this does not
split on commas: it finds each absolute URL and reads the ``rel`` that follows it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_URL = re.compile(r"https?://[^\s<>;\"']+")
_REL = re.compile(r"""rel\s*=\s*["']?([^"';,]+)""", re.IGNORECASE)


def parse_link_header(header: str | None) -> dict[str, str]:
    """Map each ``rel`` (first, prev, next, last) to its URL; unknown text is ignored."""
    links: dict[str, str] = {}
    if not header:
        return links
    matches = list(_URL.finditer(header))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(header)
        rel = _REL.search(header, match.end(), end)
        if rel is None:
            continue
        url = match.group(0).rstrip(",")
        for name in rel.group(1).lower().split():
            links.setdefault(name, url)
    return links


def page_number(url: str) -> int | None:
    """The ``page`` query parameter of a paging URL, if it is a number."""
    values = parse_qs(urlsplit(url).query).get("page")
    if not values:
        return None
    try:
        return int(values[0])
    except ValueError:
        return None
