"""The notebooks in JupyterLab, as a student opens them: ``python -m aml_teach lab``.

A widget lives only as long as the kernel that made it. JupyterLab saves a widget's output as
a pointer to that live object, so a notebook saved (autosave does it every two minutes) and
opened again showed "Error displaying widget: model not found" in every interactive cell.
This server saves, in place of each such pointer, a short note asking the learner to run the
notebook again (:func:`pre_save`); the page in front of the learner keeps its live widgets.

``--lang fr`` opens the French lessons (notebooks/fr) with JupyterLab's own menus and dialogs
in French (the jupyterlab-language-pack-fr-FR package); English stays the default.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..core.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, check_lang, translator

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIRST = "01-start-here.ipynb"
# Each language's lessons: the English ones, and their translations in a folder of their own
# (the server's root is that folder, so the file list shows one language's lessons).
LESSONS = {"en": NOTEBOOKS, "fr": NOTEBOOKS / "fr"}
# JupyterLab's interface language: a Jupyter config folder whose labconfig sets the default of
# the translation extension's "locale" (a language pack provides it). A learner's own choice in
# Settings > Language still wins; English needs none.
LAB_LANGUAGE_CONFIG = {"fr": ROOT / "classroom" / "lab" / "fr"}
# JupyterLab's settings for this project (classroom/lab/settings/overrides.json): no news or
# update pop-up over the lesson, and the file list shows whole names (no date column).
LAB_SETTINGS = ROOT / "classroom" / "lab" / "settings"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN_AGAIN = N_(
    "This interactive panel needs Python to be running. To bring it back, run the notebook "
    "again: choose Run, then Run All Cells."
)
RUN_AGAIN_LABEL = N_("Run it again:")
RUN_AGAIN_HTML = (
    '<div class="aml-run-again" role="note" style="border: 2px dashed #767676; '
    'padding: 0.5em 0.8em; color: #1a1a1a; background: #f7f7f7;">'
    "<strong>{label}</strong> {note}</div>"
)


def run_again_output(lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The output saved in place of a widget: the run-again note, as HTML and as text, in the
    notebook's language."""
    from html import escape

    _ = translator(lang)
    label, note = _(RUN_AGAIN_LABEL), _(RUN_AGAIN)
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {"text/html": RUN_AGAIN_HTML.format(label=escape(label), note=escape(note)),
                 "text/plain": f"{label} {note}"},
    }


def notebook_language(content: dict[str, Any]) -> str:
    """The language a notebook's metadata declares (the French lessons and glossary say
    ``"aml_teach": {"lang": "fr"}``); English for any other notebook."""
    lang = content.get("metadata", {}).get("aml_teach", {}).get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def replace_widget_views(cells: list[dict[str, Any]], lang: str = DEFAULT_LANGUAGE) -> int:
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
                    outputs.append(run_again_output(lang))
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
    replace_widget_views(content.get("cells", []), notebook_language(content))
    content.get("metadata", {}).pop("widgets", None)


def _has_curve() -> bool:
    import zmq

    return bool(zmq.has("curve"))


def lab_argv(extra: list[str] | None = None, notebook: str | None = FIRST,
             lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """JupyterLab's command line: the run-again save hook, and Voila's previews drawn with
    the classroom template (the default one fetches Font Awesome from the internet). The
    address printed (and opened) is the first lesson's, in ``lang``'s folder, and the log shows
    only it and problems."""
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
        argv.insert(0, str(LESSONS[check_lang(lang)] / notebook))
        argv.append(f"--LabApp.default_url=/lab/tree/{notebook}")
    return argv + list(extra or [])


def split_lang(args: list[str]) -> tuple[str, list[str]]:
    """``--lang fr`` (or ``--lang=fr``) taken out of the command line, checked; the rest is
    JupyterLab's."""
    import argparse

    parser = argparse.ArgumentParser(prog="run.py lab", add_help=False, allow_abbrev=False)
    parser.add_argument("--lang", default=DEFAULT_LANGUAGE)
    known, rest = parser.parse_known_args(args)
    return check_lang(known.lang), rest


def _prepend_path(variable: str, folder: Path) -> None:
    import os

    os.environ[variable] = os.pathsep.join(
        p for p in (str(folder), os.environ.get(variable, "")) if p)


def main(argv: list[str] | None = None) -> int:
    import warnings

    from jupyterlab.labapp import LabApp

    from ..core.i18n import LanguageError
    from .voila_engine import TEMPLATES

    try:
        lang, extra = split_lang(sys.argv[1:] if argv is None else argv)
    except LanguageError as error:
        print(f"run.py lab: {error}", file=sys.stderr)
        return 2
    _prepend_path("JUPYTER_PATH", TEMPLATES)
    if lang in LAB_LANGUAGE_CONFIG:
        _prepend_path("JUPYTER_CONFIG_PATH", LAB_LANGUAGE_CONFIG[lang])
    import voila  # noqa: F401 - its import turns traitlets' deprecation warnings on; then:

    # extensions use settings traitlets or Jupyter Server renamed: noise to a learner
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="traitlets")
    elsewhere = any(arg.startswith(("--ServerApp.root_dir", "--notebook-dir")) for arg in extra)
    LabApp.launch_instance(argv=lab_argv(extra, None if elsewhere else FIRST, lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
