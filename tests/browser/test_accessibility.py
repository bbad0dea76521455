"""axe-core on the dashboard and on every notebook served by Voila, and the offline check.

The dashboard is checked as the class sees it (the README's serve command) in three states;
each notebook is rendered by the Voila preview of the JupyterLab that students start (the
classroom template), with every request that would leave this machine refused.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .a11y import violations
from .conftest import ARTIFACTS, RENDER_TIMEOUT_MS, ROOT, open_dashboard

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def _excluded_list(page) -> None:
    page.get_by_label("Show what doesn't apply, and why", exact=True).check()
    expect(page.locator("section.aml-excluded-list")).to_be_visible()


def _case_loaded(page) -> None:
    page.get_by_label("Teaching case", exact=True).select_option(index=3)
    expect(page.locator(".aml-case-story")).to_contain_text("Case 3")


@pytest.mark.parametrize(
    "state, action",
    [("default", None), ("excluded-list", _excluded_list), ("case-loaded", _case_loaded)],
)
def test_the_dashboard_has_no_serious_accessibility_violation(page, dashboard_url, state, action):
    open_dashboard(page, dashboard_url)
    if action:
        action(page)
    expect(page.locator("main")).to_have_count(1)
    engine = "solara" if "solara" in dashboard_url else "voila"
    found = violations(page, f"dashboard-{engine}-{state}", ["body"])
    assert found == [], "\n".join(found)


def only_this_machine(context, attempted: list[str]) -> None:
    def route(request_route):
        url = request_route.request.url
        host = url.split("/")[2].split(":")[0] if "://" in url else ""
        if host in ("localhost", "127.0.0.1"):
            request_route.continue_()
        else:
            attempted.append(url)
            request_route.abort("internetdisconnected")

    context.route("**/*", route)


@pytest.mark.lab
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_served_by_voila_is_offline_and_accessible(browser, lab, name, request):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    attempted: list[str] = []
    only_this_machine(context, attempted)
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    try:
        page.goto(f"{lab.url}voila/render/{name}?token={lab.token}")
        page.locator("#rendered_cells").wait_for(state="visible")
        expect(page.locator(".jp-OutputArea-output").last).to_be_visible()
        assert page.get_by_text("Error displaying widget").count() == 0
        assert attempted == [], f"{name} tried to fetch from the internet: {attempted}"
        found = violations(page, f"voila-{name}", ["body"])
        assert found == [], "\n".join(found)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"voila-{name}.png"), full_page=True)
        raise
    finally:
        context.close()
