"""The settings the Solara engine gives Solara, read back the way Solara itself reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from aml_teach.classroom.solara_engine import (
    DISCONNECTED_SECONDS,
    LEARNERS_PER_CORE,
    default_max_learners,
    solara_environment,
)

from .servers import ROOT

READ_BACK = """
import json
import solara.settings
import solara.server.settings as s
import solara.util
print(json.dumps({
    "cull": solara.util.parse_timedelta(s.kernel.cull_timeout),
    "mixpanel": s.telemetry.mixpanel_enable,
    "banner": s.theme.show_banner,
    "mode": s.main.mode,
    "proxy": solara.settings.assets.proxy,
    "cdn": solara.settings.assets.cdn,
    "root_path": s.main.root_path,
}))
"""


def test_solara_reads_the_classroom_settings():
    env = {**os.environ, **solara_environment()}
    result = subprocess.run(
        [sys.executable, "-c", READ_BACK],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["cull"] == DISCONNECTED_SECONDS  # not Solara's 24 hours
    assert seen["mixpanel"] is False  # no calls home
    assert seen["banner"] is False  # no "This website runs on Solara"
    assert seen["mode"] == "production"
    assert seen["proxy"] is True  # the front-end is served from this server
    assert seen["cdn"].startswith("http://127.0.0.1:")  # ... never fetched from outside
    assert seen["root_path"] == ""


def test_the_class_cap_is_sized_by_cpu():
    cores = len(os.sched_getaffinity(0))
    assert default_max_learners() == LEARNERS_PER_CORE * cores
