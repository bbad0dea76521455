"""Find English left on a French page: the catalogues' English and the tables' English.

A French page must show none of the English sentences the package or the knowledge base holds
(each one has its French), and no run of plain English words. Citations and drug or brand
names are the same in both languages, so only texts of three words or more that differ from
their French are looked for.
"""

from __future__ import annotations

import functools
import html
import re

from babel.messages.pofile import read_po

from aml_teach.core.i18n import DOMAINS, po_path
from aml_teach.core.knowledge import load_knowledge_base
from aml_teach.core.translated_tables import TRANSLATED, english_rows, localized

# Words that are everyday English and never French: three of them in a row is an English phrase.
ENGLISH_ONLY = frozenset(
    "the and with which when this that these those does not only needs applies apply "
    "after before because from have has been their there where what who "
    "should would could will your you for into over under than then them they is are was "
    "were be of to in by it its at".split()
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


@functools.lru_cache(maxsize=1)
def english_texts() -> tuple[str, ...]:
    """Every English text that has a different French: catalogue messages and table cells."""
    found: set[str] = set()
    for domain in DOMAINS:
        with po_path("fr", domain).open("rb") as handle:
            for message in read_po(handle):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strs = message.string if isinstance(message.string, tuple) else (message.string,)
                for english in ids:
                    if english and english not in strs:
                        found.update(_fixed_parts(english))
    kb = load_knowledge_base()
    french = localized(kb, "fr")
    for spec in TRANSLATED:
        for en_row, fr_row in zip(english_rows(kb, spec.table), french.rows[spec.table],
                                  strict=True):
            for column in spec.texts:
                english = str(en_row[column] or "")
                if english and english != fr_row[column]:
                    found.add(english)
    return tuple(sorted(t for t in found if _words(t) >= 3))


def _fixed_parts(message: str) -> list[str]:
    """The parts of a message between its ``{fields}``: what a page shows word for word."""
    return [part.strip(" .,;:") for part in re.split(r"\{[^}]*\}", message)]


def visible_text(page: str) -> str:
    """A page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page).replace("\u00a0", " ").replace("\u202f", " "))


def leaks(text: str) -> list[str]:
    """The English texts (from the catalogues and tables) that appear in ``text``, and every
    run of three English-only words."""
    plain = re.sub(r"\s+", " ", text)
    found = [english for english in english_texts() if english in plain]
    words = _WORD.findall(plain)
    for i in range(len(words) - 2):
        run = words[i:i + 3]
        if all(w.lower() in ENGLISH_ONLY for w in run):
            found.append(" ".join(run))
    return found
