"""``run.py lab --lang fr``: the French lessons' folder, JupyterLab's interface language, a clear
error for an unknown language, and the run-again note saved in the notebook's language."""

from __future__ import annotations

import json

import pytest

from aml_teach.classroom import lab
from aml_teach.core.i18n import translator

from ..conftest import ROOT
from .test_run_lab import _run_py


def test_run_py_passes_the_language_to_the_lab():
    argv = _run_py().lab_argv(["--lang", "fr", "--no-browser"])
    assert argv[argv.index("-m") + 1] == "aml_teach.classroom.lab"
    assert argv[-3:] == ["--lang", "fr", "--no-browser"]


def test_the_french_lab_opens_the_french_lesson_01():
    lang, rest = lab.split_lang(["--no-browser", "--lang", "fr"])
    assert (lang, rest) == ("fr", ["--no-browser"])
    argv = lab.lab_argv(rest, lab.FIRST, lang)
    assert argv[0] == str(ROOT / "notebooks" / "fr" / "01-start-here.ipynb")
    assert "--LabApp.default_url=/lab/tree/01-start-here.ipynb" in argv
    # English stays the default
    assert lab.split_lang(["--no-browser"]) == ("en", ["--no-browser"])
    assert lab.lab_argv([])[0] == str(ROOT / "notebooks" / "01-start-here.ipynb")


def test_jupyterlab_is_told_to_speak_french_with_an_installed_language_pack():
    from pathlib import Path

    import jupyterlab_language_pack_fr_FR as pack

    config = lab.LAB_LANGUAGE_CONFIG["fr"] / "labconfig" / "default_setting_overrides.json"
    locale = json.loads(config.read_text())["@jupyterlab/translation-extension:plugin"]["locale"]
    assert (Path(pack.__file__).parent / "locale" / locale).is_dir(), locale
    assert "en" not in lab.LAB_LANGUAGE_CONFIG  # English: JupyterLab's own default


def test_an_unknown_language_is_a_clear_error(capsys):
    assert lab.main(["--lang", "de", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "'de'" in err and "'fr'" in err and "'en'" in err


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_saved_lesson_says_run_it_again_in_its_own_language(lang):
    content = {
        "metadata": {"aml_teach": {"lang": lang}} if lang != "en" else {},
        "cells": [{"cell_type": "code", "outputs": [
            {"output_type": "display_data",
             "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "x"}}}]}],
    }
    lab.pre_save({"type": "notebook", "content": content})
    (note,) = content["cells"][0]["outputs"]
    _ = translator(lang)
    assert (_(lab.RUN_AGAIN) == lab.RUN_AGAIN) is (lang == "en"), "the note is not translated"
    assert _(lab.RUN_AGAIN) in note["data"]["text/html"]
    assert note["data"]["text/plain"] == f"{_(lab.RUN_AGAIN_LABEL)} {_(lab.RUN_AGAIN)}"
