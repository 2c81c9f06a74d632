"""HTTP Basic with the SID as user and the token as password, and nothing else.

The header is built once and only it is kept (base64 of SID:token, which is
reversible, so this object is as secret as the token); ``repr`` shows only the SID,
so logging this object, or a request's auth, prints no credential.
"""

from __future__ import annotations

import base64

from requests import PreparedRequest
from requests.auth import AuthBase


class PaycomAuth(AuthBase):
    """Adds ``Authorization: Basic base64(SID:token)`` to each request."""

    def __init__(self, sid: str, token: str) -> None:
        """Encode the pair once; keep only the header value."""
        pair = f"{sid}:{token}".encode()
        self.__header = "Basic " + base64.b64encode(pair).decode("ascii")
        self.sid = sid

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        """Attach the header."""
        request.headers["Authorization"] = self.__header
        return request

    def __repr__(self) -> str:
        """Show the SID only."""
        return f"PaycomAuth(sid={self.sid!r}, token=<hidden>)"
