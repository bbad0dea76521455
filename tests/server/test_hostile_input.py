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


PRIOR = "Treatments already given (Ctrl or Shift to pick several)"
# (widget label, what a hostile browser sends, words the message must hold, a good value after)
HOSTILE = [
    ("Age (years)", {"value": -1}, "Age", {"value": 64}),
    ("Age (years)", {"value": 10**12}, "Age", {"value": 64}),
    ("Age (years)", {"value": "seventy"}, "whole number", {"value": 64}),
    ("Age (years)", {"value": None}, "whole number", {"value": 64}),
    ("Remission lasted (months)", {"value": 1e300}, "remission", {"value": 20.0}),
    ("Remission lasted (months)", {"value": -3.0}, "remission", {"value": 20.0}),
    ("Remission lasted (months)", {"value": "forever"}, "a number", {"value": 20.0}),
    ("Fit for intensive chemotherapy", {"value": "yes"}, "ticked", {"value": False}),
    ("FLT3 mutation", {"value": "true"}, "ticked", {"value": True}),
    ("Disease", {"index": 7}, "listed choices", {"index": 1}),
    ("Teaching case", {"index": 999}, "listed choices", {"index": 1}),
    (PRIOR, {"index": [999]}, "choices from the list", {"index": [0]}),
    (PRIOR, {"index": "all"}, "choices from the list", {"index": [1]}),
]


@pytest.mark.parametrize(
    ("label", "state", "words", "good"), HOSTILE, ids=[f"{h[0][:12]}={h[1]}" for h in HOSTILE]
)
def test_hostile_value_gets_a_friendly_message_and_the_kernel_keeps_serving(
    classroom, label, state, words, good
):
    async def attempt():
        _, kernel_id, _ = fetch_page(classroom.url)
        session = await KernelSession.connect(classroom.url, kernel_id)
        await session.request_states()
        region = session.find("HTMLModel", _dom_classes=["aml-options"])
        await session.update(session.find_by_description(label), **state)
        message = await session.wait_for(_shows_message(region), 20)
        # the same learner can carry on: a valid value brings the options back
        await session.update(session.find_by_description(label), **good)
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
