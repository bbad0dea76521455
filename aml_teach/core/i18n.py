"""Two languages, one module: the package's words through gettext, numbers and dates through babel.

Every room marks the words a person reads with ``_("...")`` (``N_("...")`` for a module-level
constant translated where it is shown) and asks :func:`translator` for ``_`` in the page's
language; the code never branches on the language. The French words live in gettext catalogues,
one per room, under ``aml_teach/locale/fr/LC_MESSAGES/<room>.po`` (kept in git; babel extracts
and compiles them: see docs/translating.md). The knowledge base's own text is translated in
``data/fr/`` tables (see :mod:`aml_teach.core.knowledge`), not here.

A message may hold ``{named}`` fields: ``_("{n} options apply", n=3)`` translates first and
fills the fields after, so a translator may move them.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("en", "fr")
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
# babel locales: Canadian English and Canadian French (numbers "0,5", dates "23 décembre 2019")
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
# one catalogue (gettext domain) per room, so each room's words are kept beside each other
# (plus "notebooks": the captions and descriptions the English lessons pass to the package as
# arguments, so the French lessons' code cells can stay the same but for ``lang="fr"``)
DOMAINS: tuple[str, ...] = ("core", "teaching", "app", "classroom", "live", "export", "notebooks")
NOTEBOOKS = LOCALE_DIR.parents[1] / "notebooks"  # in a clone: the English lessons


class LanguageError(ValueError):
    """An unknown language code: says which ones exist."""


def check_lang(lang: object) -> str:
    """``lang`` if the module speaks it, else a :class:`LanguageError` naming the choices."""
    if isinstance(lang, str) and lang in LANGUAGES:
        return lang
    choices = " or ".join(f"'{code}' ({LANGUAGE_NAMES[code]})" for code in LANGUAGES)
    raise LanguageError(f"unknown language {lang!r:.40}: use {choices}")


def N_(message: str) -> str:
    """Mark a module-level constant for the catalogue; it is translated where it is shown."""
    return message


class Translator:
    """``_("text", **fields)`` in one language; ``_.plural(one, many, n, **fields)`` too."""

    def __init__(self, lang: str, catalogue: gettext.NullTranslations) -> None:
        self.lang = lang
        self._catalogue = catalogue

    def __call__(self, message: str, /, **fields: object) -> str:
        text = self._catalogue.gettext(message)
        return text.format(**fields) if fields else text

    def plural(self, singular: str, plural: str, n: int, /, **fields: object) -> str:
        """The form for ``n`` (French: 0 and 1 are singular); ``{n}`` may be used in it."""
        text = self._catalogue.ngettext(singular, plural, n)
        return text.format(n=n, **fields) if "{" in text else text

    def number(self, value: float) -> str:
        return number(value, self.lang)


@functools.lru_cache(maxsize=len(LANGUAGES))
def translator(lang: str = DEFAULT_LANGUAGE) -> Translator:
    """The ``_`` of ``lang``, with every room's catalogue (English needs none: the text is the
    English)."""
    lang = check_lang(lang)
    catalogue: gettext.NullTranslations = gettext.NullTranslations()
    if lang != DEFAULT_LANGUAGE:
        catalogues = [_catalogue(lang, domain) for domain in DOMAINS]
        catalogue = catalogues[0]
        for extra in catalogues[1:]:
            catalogue.add_fallback(extra)
    return Translator(lang, catalogue)


def po_path(lang: str, domain: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def _catalogue(lang: str, domain: str) -> gettext.GNUTranslations:
    """The compiled catalogue: the ``.mo`` built at install, or compiled now if missing/stale."""
    po = po_path(lang, domain)
    mo = po.with_suffix(".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    return gettext.GNUTranslations(io.BytesIO(compile_po(po)))


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of one ``.po`` file (babel's compiler)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def compile_all(langs: Iterable[str] = LANGUAGES[1:]) -> list[Path]:
    """Write every ``.mo`` beside its ``.po`` (run at install; harmless to run again)."""
    written = []
    for lang in langs:
        for domain in DOMAINS:
            po = po_path(lang, domain)
            if po.is_file():
                mo = po.with_suffix(".mo")
                mo.write_bytes(compile_po(po))
                written.append(mo)
    return written


def number(value: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """``0.5`` as "0.5" or "0,5", ``1000`` as "1,000" or "1 000" (babel, Canadian locales)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=LOCALES[check_lang(lang)])


def number_range(low: float, high: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """"100 to 200" / "100 à 200"."""
    _ = translator(lang)
    return _("{low} to {high}", low=number(low, lang), high=number(high, lang))


def long_date(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """"December 23, 2019" / "23 décembre 2019" (babel's long date format)."""
    from babel.dates import format_date

    return format_date(value, format="long", locale=LOCALES[check_lang(lang)])


def month_year(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """"December 2026" / "décembre 2026"."""
    from babel.dates import format_date

    return format_date(value, format="LLLL y", locale=LOCALES[check_lang(lang)])


# what babel looks for in the code: _("..."), N_("..."), _.plural("one", "many", n)
KEYWORDS = {"_": None, "N_": None, "plural": (1, 2)}
PO_WIDTH = 100
CATALOGUE_DATE = datetime(2026, 12, 7)  # fixed, so refreshing a catalogue changes only its words
HEADER_COMMENT = (
    "# aml-teach: the {domain} room's words in Canadian French.\n"
    "# Refresh from the code with `python -m aml_teach.core.i18n update`; see docs/translating.md."
)


def extract(domain: str):  # -> babel.messages.catalog.Catalog
    """The messages one room's code marks (babel's extractor), with where each one is."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    room = LOCALE_DIR.parent / domain
    template = Catalog(project="aml-teach", domain=domain, version="0.1",
                       creation_date=CATALOGUE_DATE)
    if domain == "notebooks":
        for where, message in notebook_texts():
            template.add(message, None, [where])
        return template
    for filename, lineno, message, comments, context in extract_from_dir(
        str(room), method_map=[("**.py", "python")], keywords=KEYWORDS,
        comment_tags=("Translators:",),
    ):
        where = [(f"aml_teach/{domain}/{filename}", lineno)]
        template.add(message, None, where, auto_comments=comments, context=context)
    return template


def notebook_texts() -> list[tuple[tuple[str, int], str]]:
    """Every string argument of two words or more in the English lessons' code cells (a
    caption, a title, a factor change's description): the package translates it when shown."""
    import ast
    import json

    found = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells, start=1):
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.Call):
                    args = [*node.args, *(k.value for k in node.keywords)]
                    # a pair of captions is passed as a tuple: compare_options(a, b, (..., ...))
                    args += [e for a in args if isinstance(a, ast.Tuple) for e in a.elts]
                    for arg in args:
                        if (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                                and " " in arg.value.strip()):
                            found.append(((f"notebooks/{path.name}", number), arg.value))
    return found


def update(*domains: str, lang: str = "fr") -> list[Path]:
    """Bring the rooms' ``.po`` (all, or those named) up to date with the code: new messages get
    an empty translation (a test then fails until someone writes it), gone ones are dropped."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    written = []
    for domain in domains or DOMAINS:
        po = po_path(lang, domain)
        if po.is_file():
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=LOCALES[lang], domain=domain)
        else:
            catalog = Catalog(locale=LOCALES[lang], domain=domain, project="aml-teach")
        catalog.update(extract(domain), no_fuzzy_matching=True)
        catalog.fuzzy = False
        catalog.revision_date = CATALOGUE_DATE
        catalog.version = "0.1"
        catalog.last_translator = "aml-teach translators"
        catalog.language_team = "aml-teach (fr-CA)"
        catalog.msgid_bugs_address = ""
        catalog.header_comment = HEADER_COMMENT.format(domain=domain)
        catalog._num_plurals, catalog._plural_expr = 2, "(n > 1)"  # gettext's French rule
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as handle:
            write_po(handle, catalog, width=PO_WIDTH, ignore_obsolete=True, sort_by_file=True)
        written.append(po)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m aml_teach.core.i18n update [ROOM ...]|compile``: refresh the ``.po`` files
    from the code, or build the ``.mo`` files (run.py does this at install)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    usage = "usage: python -m aml_teach.core.i18n update [ROOM ...] | compile"
    if not args or args[0] not in ("update", "compile") or (
        args[0] == "compile" and len(args) > 1
    ) or any(room not in DOMAINS for room in args[1:]):
        print(f"{usage}\nrooms: {', '.join(DOMAINS)}", file=sys.stderr)
        return 2
    paths = update(*args[1:]) if args[0] == "update" else compile_all()
    for path in paths:
        print(f"{args[0]}: {path.relative_to(LOCALE_DIR.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
