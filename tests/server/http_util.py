"""Raw HTTP requests: paths are sent exactly as written, so encoded '..' reaches the server."""

from __future__ import annotations

import http.client
import urllib.parse


def get(
    port: int, path: str, headers: dict[str, str] | None = None, follow: int = 5
) -> tuple[int, str]:
    """GET ``path`` as written; follow up to ``follow`` redirects within this server."""
    for _ in range(follow + 1):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.putrequest("GET", path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            location = response.getheader("Location")
        finally:
            connection.close()
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response.status, body
        target = urllib.parse.urlsplit(location)
        assert target.netloc in ("", f"127.0.0.1:{port}", f"localhost:{port}"), location
        path = urllib.parse.urlunsplit(("", "", target.path, target.query, ""))
    return response.status, body


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source: str = "127.0.0.1",
) -> tuple[int, dict[str, list[str]], str]:
    """One raw request from ``source`` (any 127.x address is this machine, as another
    device would be to the server); return (status, headers by lower-case name, body)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=120, source_address=(source, 0)
    )
    try:
        connection.putrequest(
            method, path, skip_accept_encoding=True, skip_host="Host" in (headers or {})
        )
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found, text
    finally:
        connection.close()
