"""axe-core (through axe-playwright-python) on the module's own content.

Only serious and critical violations fail a test; every violation found, of any impact, is
written to ``test-artifacts/axe-<name>.txt`` so the lesser ones can be read too.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from .conftest import ARTIFACTS

# axe's tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA, and its best practices
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING = ("serious", "critical")
_AXE = Axe()


def violations(page, name: str, include: list[str], exclude: list[str] = ()) -> list[str]:
    """Serious and critical violations inside ``include`` (CSS selectors), less ``exclude``."""
    context: dict = {"include": [[s] for s in include]}
    if exclude:
        context["exclude"] = [[s] for s in exclude]
    results = _AXE.run(page, context=context,
                       options={"runOnly": {"type": "tag", "values": TAGS}})
    found = results.response["violations"]
    lines = [
        f"{v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])} nodes) "
        f"{[n['target'] for n in v['nodes']][:6]}"
        for v in found
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.txt").write_text("\n".join(lines) + "\n" if lines else "(none)\n")
    return [line for line, v in zip(lines, found, strict=True) if v["impact"] in FAILING]
