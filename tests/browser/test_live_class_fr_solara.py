"""The bilingual live class in Chromium, served by the Solara engine (one process).

The imported tests are the very functions of test_live_class_fr.py (an English and a French
page, one push, one tally; a learner switching language mid-question keeps their answer); in
this module ``live_server`` is a ``serve --engine solara --class`` server with a token.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.classroom.solara.servers import SolaraServer, start_solara, stop

from . import test_live_class_fr as voila_fr
from .conftest import ARTIFACTS

TOKEN, link_of = voila_fr.TOKEN, voila_fr.link_of
instructor = voila_fr.instructor
test_one_push_reaches_an_english_and_a_french_page = (
    voila_fr.test_one_push_reaches_an_english_and_a_french_page
)
test_the_page_switch_rewords_the_box_in_place = (
    voila_fr.test_the_page_switch_rewords_the_box_in_place
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server() -> Iterator[tuple[SolaraServer, str]]:
    (ARTIFACTS / "solara-livefr.log").unlink(missing_ok=True)  # only this start's link
    server = start_solara("livefr", "--class", token=TOKEN)
    try:
        yield server, link_of(server)  # type: ignore[arg-type]
    finally:
        stop(server.process)
