"""Live class mode: the room's state, the instructor view, a learner's live box, and one
channel per engine (HTTP for Voila's kernels, shared memory for Solara's pages).

May use app, teaching and core.
"""
