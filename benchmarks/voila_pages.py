"""What the Voila load benchmarks share: the server they start, and a page opened and closed
as a browser does (load_class, load_live, kernel_cost and burst_profile use it;
none of them imports another's script, so there is no circle)."""

from __future__ import annotations

import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.classroom.voila.conftest import Server, start
from tests.voila_client import COOKIES

HOST = "127.0.0.1"
MAX_LEARNERS = 150


def _open_page(url: str, timeout: float) -> tuple[str, str, float, str]:
    """GET the page with a cookie jar, as a browser: the server binds the kernel to this
    browser's cookie, and the shutdown beacon quotes the _xsrf cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    start = time.perf_counter()
    with opener.open(url, timeout=timeout) as response:
        html = response.read().decode("utf-8")
    elapsed = time.perf_counter() - start
    marker = '"kernelId": "'
    at = html.find(marker)
    if at < 0:
        raise RuntimeError("the page holds no kernel id")
    kernel_id = html[at + len(marker) : html.find('"', at + len(marker))]
    COOKIES[kernel_id] = "; ".join(f"{c.name}={c.value}" for c in jar)
    xsrf = next((c.value for c in jar if c.name == "_xsrf"), "")
    return html, kernel_id, elapsed, xsrf


def _close_tab(base: str, kernel_id: str, xsrf: str) -> None:
    """What the page's beforeunload beacon does: ask the server to shut the kernel down."""
    body = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
    request = urllib.request.Request(
        f"{base}voila/api/shutdown/{kernel_id}",
        data=body,
        method="POST",
        headers={"Cookie": COOKIES.get(kernel_id, f"_xsrf={xsrf}")},
    )
    try:
        with urllib.request.urlopen(request, timeout=30):
            pass
    except urllib.error.HTTPError as error:
        if error.code != 404:  # 404: the culler closed this idle kernel first, as it should
            raise


def start_server(port: int, pool: int, cull: int, *extra: str) -> Server:
    """The README's serve command, as the server tests start it."""
    return start("load", "--pool", str(pool), "--cull-idle", str(cull), *extra, port=port)
