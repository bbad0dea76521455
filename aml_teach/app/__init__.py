"""The widgets (factor panel, options view, schedule viewer, prognostic index panel, input
guard, shared look) and the dashboard ``App``.

Uses teaching and core; knows nothing of servers or the live class.
"""
