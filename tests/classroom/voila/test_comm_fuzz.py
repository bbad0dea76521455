"""Property-based fuzzing of comm messages against a real classroom kernel.

Any widget (guarded or not, and made-up ids), any method, any state, any comm_open or
comm_close: whatever a browser sends, nothing internal comes back (no traceback, no
server path, no error message), and the kernel keeps answering.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.voila_client import KernelSession, fetch_page, run

from .test_hardening import internal_details, settle

# JSON values as a browser can send them, small enough for the message-size limit.
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=20,
)
STATE_KEYS = st.sampled_from(
    [
        "value",
        "index",
        "label",
        "options",
        "_options_labels",
        "children",
        "description",
        "layout",
        "style",
        "disabled",
        "max",
        "min",
        "_dom_classes",
        "_model_name",
        "width",
        "tabbable",
    ]
) | st.text(max_size=12)
METHODS = st.sampled_from(["update", "request_state", "custom", "echo_update"]) | JSON


def _comm_messages(model_ids: list[str]):
    comm_id = st.sampled_from(model_ids) | st.text(max_size=8) | JSON
    update = st.fixed_dictionaries(
        {
            "comm_id": comm_id,
            "data": st.fixed_dictionaries(
                {
                    "method": METHODS,
                    "state": st.dictionaries(STATE_KEYS, JSON, max_size=4) | JSON,
                    "buffer_paths": st.just([]) | JSON,
                }
            )
            | JSON,
        }
    )
    opened = st.fixed_dictionaries(
        {
            "comm_id": st.text(max_size=8) | JSON,
            "target_name": st.sampled_from(["jupyter.widget", "x"]) | JSON,
            "data": JSON,
        }
    )
    return st.one_of(
        st.tuples(st.just("comm_msg"), update),
        st.tuples(st.just("comm_msg"), st.dictionaries(st.text(max_size=8), JSON, max_size=3)),
        st.tuples(st.just("comm_open"), opened),
        st.tuples(st.just("comm_close"), st.fixed_dictionaries({"comm_id": JSON})),
    )


def test_no_comm_message_brings_back_internal_details(classroom):
    _, kernel_id, _ = fetch_page(classroom.url)

    async def states() -> list[str]:
        session = await KernelSession.connect(classroom.url, kernel_id)
        found = await session.request_states()
        await session.close()
        return list(found)

    model_ids = run(states())

    async def send_all(messages) -> list[dict]:
        session = await KernelSession.connect(classroom.url, kernel_id)
        for msg_type, content in messages:
            await session.send(msg_type, content)
            await asyncio.sleep(0.15)  # within the server's per-kernel message rate
        received = await settle(session)
        await session.close()
        return received

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(_comm_messages(model_ids), min_size=1, max_size=6))
    def property(messages):
        received = run(send_all(messages))
        assert internal_details(received) == [], messages

    property()

    # the kernel still answers (closing comms may have emptied this page, not the kernel)
    async def alive() -> bool:
        session = await KernelSession.connect(classroom.url, kernel_id)
        await settle(session)
        await session.close()
        return True

    assert run(alive())
