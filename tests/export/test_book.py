"""The course site: built offline from the notebooks as stored, every page there, every
internal link resolving, nothing loaded from outside."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from .conftest import ROOT

HUB = "https://hub.example.edu"
CHROMIUM = os.environ.get("AML_TEACH_CHROMIUM", "/usr/bin/chromium")
OUTWARD = ("http://", "https://", "mailto:")


class Page(HTMLParser):
    """The ids of a page, its links, and what it loads (scripts, styles, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name in ("src", "data"):
            if values.get(name):
                self.loads.append(values[name])
        if tag == "link" and values.get("href") and "stylesheet" in (values.get("rel") or ""):
            self.loads.append(values["href"])


def read(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def offline(command: list[str]) -> tuple[list[str], str]:
    """The command in a new network namespace with no interface up (root on Linux), so any
    outside request fails; otherwise as it is, and the reason says so."""
    if shutil.which("unshare") and subprocess.run(
            ["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n", *command], "network cut off with unshare -n"
    return command, "built with the network available (unshare -n is not permitted here)"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("site")
    command, how = offline([sys.executable, "-m", "aml_teach.export.book", "--output",
                            str(output), "--hub-url", HUB])
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{how}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "build succeeded" in result.stdout
    return output / "_build" / "html"


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def test_every_page_of_the_toc_is_built(site):
    pages = toc_pages()
    assert len(pages) == 10  # home, six lessons, glossary, references, quick start
    for page in pages:
        assert (site / f"{page}.html").is_file(), page
    assert (site / "index.html").is_file()
    lesson = (site / "notebooks" / "03-the-7-3-schedule.html").read_text(encoding="utf-8")
    assert "Day 1" in lesson or "day 1" in lesson, "the stored outputs are shown"


def test_every_internal_link_resolves(site):
    checked = 0
    pages = {path: read(path) for path in site.rglob("*.html")}
    for path, page in pages.items():
        for href in page.links:
            if href.startswith(OUTWARD) or href.startswith("javascript:"):
                continue
            parts = urlsplit(href)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.exists(), f"{path.relative_to(site)}: {href} is missing"
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else read(target).ids
                assert unquote(parts.fragment) in ids, (
                    f"{path.relative_to(site)}: {href} has no #{parts.fragment}")
            checked += 1
    assert checked > 500  # citations, glossary links, the toc, the downloads


def test_nothing_is_loaded_from_outside(site):
    for path in site.rglob("*.html"):
        page = read(path)
        outside = [src for src in page.loads if src.startswith(("http", "//"))]
        assert not outside, f"{path.relative_to(site)} loads {outside}"


def test_launch_buttons_dashboard_and_downloads(site):
    lesson = read(site / "notebooks" / "05-targeted-cns-transplant-support.html").links
    assert any(link.startswith("https://mybinder.org/v2/gh/aml-teach/aml-teach/") and
               "05-targeted-cns-transplant-support.ipynb" in link for link in lesson)
    hub = [link for link in lesson if link.startswith(f"{HUB}/hub/user-redirect/git-pull?")]
    assert hub and "05-targeted-cns-transplant-support.ipynb" in hub[0]
    assert any("urlpath=voila/render/notebooks/dashboard.ipynb" in link for link in lesson)
    home = read(site / "book" / "intro.html").links
    for name in ("aml-teach.apkg", "aml-teach-moodle.xml", "aml-teach-qti.zip",
                 "aml-teach-handout.html"):
        assert any(link.endswith(f"downloads/{name}") for link in home)


@pytest.mark.browser
def test_pages_request_nothing_outside_in_a_browser(site, playwright_driver):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"NO BROWSER: {CHROMIUM} is missing")
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu",
                                        "--disable-background-networking"])
    outside: list[str] = []
    try:
        context = browser.new_context()
        context.route("**/*", lambda route: (
            route.continue_() if route.request.url.startswith("file://")
            else (outside.append(route.request.url), route.abort())))
        page = context.new_page()
        for name in toc_pages():
            page.goto((site / f"{name}.html").as_uri())
            page.wait_for_load_state("load")
            page.wait_for_load_state("networkidle")
        assert outside == []
    finally:
        browser.close()
