"""The notebooks in JupyterLab, as a student opens them: ``python -m aml_teach lab``.

A widget lives only as long as the kernel that made it. JupyterLab saves a widget's output as
a pointer to that live object, so a notebook saved (autosave does it every two minutes) and
opened again showed "Error displaying widget: model not found" in every interactive cell.
This server saves, in place of each such pointer, a short note asking the learner to run the
notebook again (:func:`pre_save`); the page in front of the learner keeps its live widgets.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIRST = "01-start-here.ipynb"
# JupyterLab's settings for this project (classroom/lab/settings/overrides.json): no news or
# update pop-up over the lesson, and the file list shows whole names (no date column).
LAB_SETTINGS = ROOT / "classroom" / "lab" / "settings"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN_AGAIN = (
    "This interactive panel needs Python to be running. To bring it back, run the notebook "
    "again: choose Run, then Run All Cells."
)
RUN_AGAIN_HTML = (
    f'<div class="aml-run-again" role="note" style="border: 2px dashed #767676; '
    f'padding: 0.5em 0.8em; color: #1a1a1a; background: #f7f7f7;">'
    f"<strong>Run it again:</strong> {RUN_AGAIN}</div>"
)


def run_again_output() -> dict[str, Any]:
    """The output saved in place of a widget: the run-again note, as HTML and as text."""
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {"text/html": RUN_AGAIN_HTML, "text/plain": f"Run it again: {RUN_AGAIN}"},
    }


def replace_widget_views(cells: list[dict[str, Any]]) -> int:
    """Put the run-again note in place of every widget output; return how many were replaced.

    A cell shows at most one note, however many widgets it displayed.
    """
    replaced = 0
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        outputs, noted = [], False
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                replaced += 1
                if not noted:
                    outputs.append(run_again_output())
                    noted = True
            else:
                outputs.append(output)
        cell["outputs"] = outputs
    return replaced


def pre_save(model: dict[str, Any], **_kwargs: Any) -> None:
    """Jupyter server pre-save hook: a saved notebook holds no dangling widget views."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    content = model["content"]
    replace_widget_views(content.get("cells", []))
    content.get("metadata", {}).pop("widgets", None)


def _has_curve() -> bool:
    import zmq

    return bool(zmq.has("curve"))


def lab_argv(extra: list[str] | None = None, notebook: str | None = FIRST) -> list[str]:
    """JupyterLab's command line: the run-again save hook, and Voila's previews drawn with
    the classroom template (the default one fetches Font Awesome from the internet). The
    address printed (and opened) is the first lesson's, and the log shows only it and problems."""
    argv = [
        "--ContentsManager.pre_save_hook=aml_teach.classroom.lab.pre_save",
        f"--LabApp.app_settings_dir={LAB_SETTINGS}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        # the terminal shows the address and real problems, not the server's routine lines
        "--ServerApp.log_level=ERROR",
        "--LabApp.log_level=ERROR",
        # the kernel talks to the server over encrypted local TCP (CurveZMQ, where pyzmq has
        # it): nothing on this computer can listen in, and no "without encryption" warning
        *(["--KernelManager.transport_encryption=auto"] if _has_curve() else []),
        "--VoilaConfiguration.template=aml",
        # Voila's page loads MathJax from the internet unless both settings read "null"
        # (as its own server leaves them); no lesson has any mathematics to typeset.
        "--ServerApp.tornado_settings=mathjax_url=null",
        "--ServerApp.tornado_settings=mathjax_config=null",
    ]
    if notebook:
        argv.insert(0, str(NOTEBOOKS / notebook))
        argv.append(f"--LabApp.default_url=/lab/tree/{notebook}")
    return argv + list(extra or [])


def main(argv: list[str] | None = None) -> int:
    import os
    import warnings

    from jupyterlab.labapp import LabApp

    from .voila_engine import TEMPLATES

    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATES), os.environ.get("JUPYTER_PATH", "")) if p
    )
    import voila  # noqa: F401 - its import turns traitlets' deprecation warnings on; then:

    # extensions use settings traitlets or Jupyter Server renamed: noise to a learner
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="traitlets")
    extra = sys.argv[1:] if argv is None else argv
    elsewhere = any(arg.startswith(("--ServerApp.root_dir", "--notebook-dir")) for arg in extra)
    LabApp.launch_instance(argv=lab_argv(extra, None if elsewhere else FIRST))
    return 0


if __name__ == "__main__":
    sys.exit(main())
