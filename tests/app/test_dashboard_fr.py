"""The dashboard in French: every state a student can reach shows no English, and the page's
switch changes the language in place, keeping the patient's factors."""

from __future__ import annotations

import re

import ipywidgets as widgets
import pytest

from aml_teach import load_knowledge_base
from aml_teach.app.checklist import Checklist
from aml_teach.app.dashboard import App
from aml_teach.app.epi_panel import EpiPanel
from aml_teach.app.language import LanguageSwitch
from aml_teach.app.options_view import explorer
from aml_teach.app.printing import PrintButton
from aml_teach.classroom import page
from aml_teach.classroom.language import LANGUAGE_ENV, asked_language, class_language
from aml_teach.core.i18n import LanguageError
from aml_teach.core.translated_tables import localized

from ..leaks import leaks, visible_text
from .test_dashboard import browser_update


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def _walk(widget: widgets.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def without_citations(html: str) -> str:
    """A region less its reference lists (the printed summary lists its sources too)."""
    return re.sub(r'(?s)<ol class="aml-(sources|references)".*?</ol>', " ", html)


def page_text(app: App) -> str:
    """Everything the page says, as a reader meets it: the HTML regions' text, each input's
    label, choices and help; not the reference list (citations are the same in every
    language) nor the switch's language names."""
    parts: list[str] = []
    for widget in _walk(app):
        if widget is getattr(app, "references", None) or isinstance(widget, LanguageSwitch):
            continue
        if isinstance(widget, widgets.HTML):
            parts.append(visible_text(without_citations(widget.value)))
            continue
        if isinstance(widget, Checklist):
            parts += [widget.description, *(label for label, _, _ in widget.options),
                      *(group for _, _, group in widget.options), *widget.words.values()]
            continue
        if isinstance(widget, PrintButton):
            parts.append(widget.description)
        for name in ("description", "placeholder"):
            parts.append(str(getattr(widget, name, "") or ""))
        parts += [str(label) for label in getattr(widget, "_options_labels", ())]
    return "\n".join(parts)


def assert_french(app: App, where: str) -> None:
    found = leaks(page_text(app))
    assert not found, f"{where}: English on the French page: {found[:5]}"


def factors_of(app: App) -> dict:
    return {**app.factors._factor_values(), "case": app.factors.case.value,
            "excluded": app.show_excluded.value, "regimen": app.schedules.regimen.value,
            "variant": app.schedules.variant.value, "cyto": app.epi.cytogenetics.value}


def test_the_french_page_has_no_english_in_any_case_or_state(kb):
    app = App(kb, lang="fr")
    assert_french(app, "the page as it opens")
    browser_update(app.show_excluded, value=True)
    assert_french(app, "with what does not apply")
    for case in kb.keyed("cases"):
        app.factors.load_case(case)
        assert_french(app, case)
        browser_update(app.factors.age, value=app.factors.age.value + 1)  # "changed: age"
        assert_french(app, f"{case}, changed")
        assert "Cas " in app.factors.case.label and "modifié" in app.factors.case.label
    for _, regimen in app.schedules.regimen.options:
        app.schedules.regimen.value = regimen
        for _, variant in app.schedules.variant.options:
            app.schedules.variant.value = variant
            assert_french(app, f"schedule {regimen} {variant or 'all'}")
    for cyto in app.epi.cytogenetics.options:
        app.epi.cytogenetics.value = cyto[1]
        assert_french(app, f"index {cyto[1]}")


@pytest.mark.parametrize(
    ("widget", "state"),
    [("age", {"value": 150}), ("age", {"value": 70}), ("remission", {"value": -3.0}),
     ("white_count", {"value": "beaucoup"}), ("disease", {"index": 1}),
     ("age", {"value": "soixante-dix"}), ("fit", {"value": "oui"}), ("disease", {"index": 7}),
     ("case", {"index": 999}), ("prior", {"value": ["no-such-option"]}),
     ("prior_transplant", {"index": 2})],
)
def test_every_message_a_student_can_meet_is_french(kb, widget, state):
    """Invalid factors, refused browser values, refractory disease, an older patient."""
    app = App(kb, lang="fr")
    browser_update(getattr(app.factors, widget), **state)
    assert_french(app, f"{widget} {state}")
    text = page_text(app)
    assert "Veuillez vérifier" in text or "Remarque" in text or "réfractaire" in text


def test_the_index_alone_and_the_explorer_are_french(kb):
    panel = EpiPanel(kb=kb, lang="fr")
    browser_update(panel.age, value=7)  # below 18: the index's own check
    assert "Âge à la rechute (ans)" in panel.result.value
    assert not leaks(visible_text(panel.result.value))
    tool = explorer(show_excluded=True, kb=kb, lang="fr")
    assert not leaks(visible_text(tool.options.value))
    assert tool.show_excluded.description.startswith("Montrer")


def test_the_printed_summary_is_french(kb):
    app = App(kb, lang="fr")
    app.factors.load_case("case-2")
    printed = visible_text(app.print_area.value)
    assert "ce patient, les options qui s’appliquent" in printed.replace("'", "’") or \
        "ce patient, les options qui s'appliquent" in printed
    assert not leaks(visible_text(without_citations(app.print_area.value)))


def test_the_switch_keeps_the_factors_and_changes_every_word(kb):
    """Set factors, switch to French: the same factors, every word French; switch back:
    the very page an English learner with those factors sees."""
    app = App(kb)
    app.factors.load_case("case-3")
    browser_update(app.factors.age, value=47)
    browser_update(app.factors.markers["FLT3"], value=True)
    browser_update(app.factors.prior, value=["gilteritinib"])
    browser_update(app.show_excluded, value=True)
    browser_update(app.schedules.regimen, index=0)
    browser_update(app.epi.cytogenetics, index=2)
    before = factors_of(app)
    english = page_text(app)

    browser_update(app.language, lang="fr")  # the page's button
    assert app.lang == "fr" and factors_of(app) == before
    assert app.factors.patient().age == 47
    assert_french(app, "after the switch")
    assert "Facteurs du patient" in page_text(app)
    assert "modifié" in app.factors.case.label

    browser_update(app.language, lang="en")
    assert factors_of(app) == before and page_text(app) == english


def test_the_switch_announces_no_change_of_factors(kb):
    app = App(kb)
    calls = []
    app.factors.on_change(lambda: calls.append(1))
    app.set_language("fr")
    assert calls == []


def test_the_page_declares_its_language_and_refuses_an_unknown_one(kb):
    app = App(kb, lang="fr")
    assert app.language.lang == "fr" and app.language.label == "Langue"
    assert [code for code, _ in app.language.choices] == ["fr", "en"]
    browser_update(app.language, lang="de")  # a browser may send anything
    assert app.lang == "fr" and app.language.lang == "fr"
    with pytest.raises(LanguageError):
        App(kb, lang="xx")
    with pytest.raises(ValueError, match="unknown language"):
        app.set_language("english")


def test_the_class_page_takes_the_class_language_and_the_address(monkeypatch, kb):
    monkeypatch.setenv(LANGUAGE_ENV, "fr")
    assert class_language() == "fr"
    assert asked_language("") == "fr" and asked_language("lang=en") == "en"
    assert asked_language("lang=de&token=x") == "fr"
    served = page.App(kb, lessons="note")
    assert served.lang == "fr"
    intro = visible_text(served.page_intro.value)
    assert "LMA en rechute ou réfractaire" in intro and "Les leçons" in intro
    assert not leaks(intro)
    monkeypatch.setenv(LANGUAGE_ENV, "xx")
    assert class_language() == "en"
    monkeypatch.delenv(LANGUAGE_ENV)
    links = page.App(kb, lang="fr").page_intro.value
    french = (page.NOTEBOOKS / "fr" / "01-start-here.ipynb").is_file()
    assert f'href="{"fr/" if french else ""}01-start-here.ipynb"' in links


def test_serve_takes_lang_and_refuses_an_unknown_one(capsys):
    from aml_teach.__main__ import build_parser

    parser = build_parser()
    assert parser.parse_args(["serve", "--lang", "fr"]).lang == "fr"
    assert parser.parse_args(["serve", "--engine", "solara", "--lang", "fr"]).lang == "fr"
    assert parser.parse_args(["serve"]).lang == "en"
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(["serve", "--lang", "de"])
    assert stopped.value.code == 2
    assert "--lang: invalid choice: 'de'" in capsys.readouterr().err


def test_every_french_state_renders_without_english_in_the_checklist(kb):
    """The treatments list's groups and labels are the French option names."""
    app = App(kb, lang="fr")
    groups = {group for _, _, group in app.factors.prior.options}
    assert "Chimiothérapie intensive" in groups and "Traitement du SNC" in groups
    french = {row["option"]: row["name"] for row in localized(kb, "fr").rows["options"]}
    assert all(label == french[value] for label, value, _ in app.factors.prior.options)


class _Handler:
    """What :func:`plain_page` uses of a tornado handler."""

    def __init__(self) -> None:
        self.status, self.body = 0, ""

    def clear(self) -> None: ...

    def set_status(self, status: int) -> None:
        self.status = status

    def set_header(self, name: str, value: str) -> None: ...

    def finish(self, body: str) -> None:
        self.body = body


def test_the_pages_that_turn_a_student_away_speak_the_asked_language():
    from aml_teach.classroom import solara_gate
    from aml_teach.classroom.voila_classroom import FULL_PAGE
    from aml_teach.classroom.voila_handlers import plain_page
    from aml_teach.core.knowledge import Message

    handler = _Handler()
    plain_page(handler, 503, *FULL_PAGE, asked_language("lang=fr"))
    assert handler.status == 503 and '<html lang="fr">' in handler.body
    assert "La classe est pleine" in handler.body and not leaks(visible_text(handler.body))
    plain_page(handler, 503, *FULL_PAGE)
    assert '<html lang="en">' in handler.body and "The class is full" in handler.body

    full = Message(solara_gate.FULL_CLASS, count=3, cap=3)
    page = solara_gate._plain_page(full, "fr").decode()
    assert '<html lang="fr">' in page and "déjà 3 apprenants" in page
    assert not leaks(visible_text(page))
    assert "already has 3 learners" in solara_gate._plain_page(full).decode()


def test_the_page_words_of_the_class_template_follow_the_switch(kb):
    app = App(kb)
    assert app.language.page_words["reload"] == "Reload the page"
    app.set_language("fr")
    assert app.language.page_words["reload"] == "Recharger la page"
    assert not leaks(" ".join(app.language.page_words.values()))


def test_the_banner_speaks_the_class_language(monkeypatch):
    from aml_teach.classroom import solara_engine, voila_engine

    english = voila_engine._banner("0.0.0.0", 8866, "tok", 30, 3, 1024)
    assert "Class mode: students on this network can open" in english
    monkeypatch.setenv(LANGUAGE_ENV, "fr")
    french = voila_engine._banner("0.0.0.0", 8866, "tok", 30, 3, 1024)
    assert "Mode classe\u00a0: les étudiants de ce réseau peuvent ouvrir" in french
    assert "Jusqu'à 30 apprenants à la fois" in french and "?token=tok" in french
    assert not leaks(french)
    local = solara_engine._banner("localhost", 8866, None, 400)
    assert "Le tableau de bord (Solara) est à l'adresse http://localhost:8866/" in local
    assert not leaks(local)


def test_a_schedule_that_cannot_be_drawn_says_so_in_french(kb, monkeypatch):
    from aml_teach.app import schedule_viewer
    from aml_teach.core.schedules import UnknownRegimenError, schedule_rows

    with pytest.raises(UnknownRegimenError) as caught:
        schedule_rows("no-such-regimen", kb=kb)

    def unknown(*args, **kwargs):
        raise caught.value

    app = App(kb, lang="fr")
    monkeypatch.setattr(schedule_viewer, "schedule_rows", unknown)
    app.schedules.refresh()
    shown = visible_text(app.schedules.figure.value)
    assert "Remarque" in shown and "no-such-regimen" in shown
    assert not leaks(shown), leaks(shown)


def test_the_switch_tells_the_live_class_box(kb):
    """The live class box (aml_teach.live) follows the page's language too."""

    class Box(widgets.HTML):
        said: list = []

        def set_language(self, lang: str) -> None:
            self.said.append(lang)

    app = App(kb, live_box=lambda factors, look: Box())
    browser_update(app.language, lang="fr")
    assert app.live.said == ["fr"]
