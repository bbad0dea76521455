"""The browser can send any widget value over the websocket, not only what a widget allows.

Each hostile value must give a friendly message in the page (no traceback anywhere in what
the kernel sends back), and the same kernel must keep serving that learner.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.voila_client import KernelSession, fetch_page, is_update_of, run

FRIENDLY = 'class="aml-message"'


def _shows_message(region: str):
    """A predicate: the options region now holds a plain message."""

    def predicate(msg: dict) -> bool:
        if not is_update_of({region})(msg):
            return False
        return FRIENDLY in str(msg["content"]["data"]["state"].get("value", ""))

    return predicate


HOSTILE = [
    ("Age (years)", {"value": -1}, "Age"),
    ("Age (years)", {"value": 10**12}, "Age"),
    ("Age (years)", {"value": "seventy"}, ""),
    ("Age (years)", {"value": None}, ""),
    ("Remission lasted (months)", {"value": 1e300}, "remission"),
    ("Remission lasted (months)", {"value": -3.0}, "remission"),
    ("Remission lasted (months)", {"value": "forever"}, ""),
    ("Fit for intensive chemotherapy", {"value": "yes"}, ""),
    ("FLT3 mutation", {"value": "true"}, ""),
    ("Disease", {"index": 7}, ""),
    ("Teaching case", {"index": 999}, ""),
    ("Treatments already given (Ctrl or Shift to pick several)", {"index": [999]}, ""),
    ("Treatments already given (Ctrl or Shift to pick several)", {"index": "all"}, ""),
]


@pytest.mark.parametrize(
    ("label", "state", "words"), HOSTILE, ids=[f"{h[0][:12]}={h[1]}" for h in HOSTILE]
)
def test_hostile_value_gets_a_friendly_message_and_the_kernel_keeps_serving(
    classroom, label, state, words
):
    async def attempt():
        _, kernel_id, _ = fetch_page(classroom.url)
        session = await KernelSession.connect(classroom.url, kernel_id)
        await session.request_states()
        region = session.find("HTMLModel", _dom_classes=["aml-options"])
        await session.update(session.find_by_description(label), **state)
        message = await session.wait_for(_shows_message(region), 20)
        # the same learner can carry on: a valid change brings options back
        await session.update(session.find_by_description("Age (years)"), value=64)
        recovered = await session.wait_for(
            lambda m: (
                is_update_of({region})(m)
                and "apply</strong>" in m["content"]["data"]["state"].get("value", "")
            ),
            60,
        )
        await asyncio.sleep(0.5)
        await session.close()
        return message, recovered, session.received

    message, recovered, received = run(attempt())
    text = message["content"]["data"]["state"]["value"]
    assert words.lower() in text.lower()
    assert "Traceback" not in text
    for msg in received:
        content = str(msg.get("content", ""))
        assert "Traceback" not in content and 'File "' not in content, content[:400]
