"""Per-student memory and login-to-dashboard time on the course hub (deploy/jupyterhub).

Runs the hub of ``deploy/jupyterhub/jupyterhub_config.py`` on localhost (as root, like the hub
tests) and, for each of a few students, one after the other:

1. with the dashboard: the student signs up, then logs in at a link to the dashboard
   (``/hub/user-redirect/voila/render/notebooks/dashboard.ipynb``), timed from the click on
   "Sign in" to the first options list drawn (the server's start included);
2. with JupyterLab and a notebook: the dashboard page closed, JupyterLab open on lesson 04
   with every cell run;
3. idle server: stopped, then started again through the hub's API with nothing opened (what
   a student who logged in and walked away costs).

Memory is every process running as the student's system user (their server and kernels):
RSS, and USS (memory no other process shares, what each extra student really adds).

    sudo .venv/bin/python benchmarks/bench_hub.py [--students 3]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import launch_chromium  # noqa: E402
from tests.hub.hubctl import PASSWORD, Hub, sign_up  # noqa: E402

SETTLE_SECONDS = 3
DASHBOARD = "voila/render/notebooks/dashboard.ipynb"
NOTEBOOK_04 = "notebooks/04-intensive-or-less-intensive.ipynb"


def memory_mib(hub: Hub, name: str) -> tuple[float, float]:
    """RSS and USS, in MiB, of all processes of one student's system user."""
    rss = uss = 0
    for pid in hub.user_pids(name):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                field, _, value = line.partition(":")
                if field == "Rss":
                    rss += int(value.split()[0])
                elif field in ("Private_Clean", "Private_Dirty"):
                    uss += int(value.split()[0])
        except OSError:
            continue
    return rss / 1024, uss / 1024


def wait_ready(hub: Hub, name: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        server = hub.api(f"/users/{name}")["servers"].get("")
        if server and server.get("ready"):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{name}'s server was not ready within {seconds} s:\n{hub.tail()}")


def stop_server(hub: Hub, name: str, admin_token: str) -> None:
    hub.api(f"/users/{name}/server", method="DELETE", token=admin_token)
    while hub.api(f"/users/{name}")["servers"]:
        time.sleep(0.5)


def run_all_cells(page: object, hub: Hub, name: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{hub.url}/user/{name}/lab/tree/{NOTEBOOK_04}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=120_000)
    page.locator("#jp-menu-panel").get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    time.sleep(1)
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=120_000)


def measure(hub: Hub, browser: object, admin_token: str) -> dict[str, float]:
    name = hub.new_user("bench")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    sign_up(page, hub, name)

    page.goto(f"{hub.url}/hub/login?next=/hub/user-redirect/{DASHBOARD}")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(PASSWORD)
    start = time.perf_counter()
    page.locator("#login_submit").click()
    page.locator(".aml-options .aml-count").wait_for(timeout=180_000)
    login_to_dashboard = time.perf_counter() - start
    time.sleep(SETTLE_SECONDS)
    dashboard = memory_mib(hub, name)

    page.close()
    page = context.new_page()
    page.set_default_timeout(120_000)
    run_all_cells(page, hub, name)
    time.sleep(SETTLE_SECONDS)
    lab = memory_mib(hub, name)
    context.close()
    stop_server(hub, name, admin_token)
    hub.api(f"/users/{name}/server", method="POST", token=admin_token)
    wait_ready(hub, name)
    time.sleep(SETTLE_SECONDS)
    idle = memory_mib(hub, name)
    stop_server(hub, name, admin_token)
    return {
        "login_to_dashboard_s": login_to_dashboard,
        "idle_rss": idle[0], "idle_uss": idle[1],
        "dashboard_rss": dashboard[0], "dashboard_uss": dashboard[1],
        "lab_rss": lab[0], "lab_uss": lab[1],
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=3)
    args = parser.parse_args()
    admin_token = secrets.token_hex(16)
    extra = f"""
c.JupyterHub.services.append({{"name": "bench", "api_token": {admin_token!r}}})
c.JupyterHub.load_roles.append(
    {{"name": "bench", "scopes": ["servers", "read:users"], "services": ["bench"]}}
)
"""
    hub = Hub(extra=extra)
    from playwright.sync_api import sync_playwright

    try:
        hub.start()
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            rows = [measure(hub, browser, admin_token) for _ in range(args.students)]
            browser.close()
    finally:
        hub.cleanup()
    print(f"Course hub on localhost, {args.students} students one after the other (medians):")
    print("| state of one student's server | RSS (MiB) | USS (MiB) |")
    print("|---|---|---|")
    for key, label in (
        ("idle", "idle server (nothing open)"),
        ("dashboard", "with the dashboard (Voila kernel)"),
        ("lab", "with JupyterLab and lesson 04 run"),
    ):
        rss = statistics.median(r[f"{key}_rss"] for r in rows)
        uss = statistics.median(r[f"{key}_uss"] for r in rows)
        print(f"| {label} | {rss:.0f} | {uss:.0f} |")
    times = [r["login_to_dashboard_s"] for r in rows]
    print(
        f"login to a usable dashboard (server start included): "
        f"median {statistics.median(times):.1f} s"
        f" (each: {', '.join(f'{t:.1f}' for t in times)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
