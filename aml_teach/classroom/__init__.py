"""Serving a class: one policy both engines use (ports, tokens, Host names, caps and message
budgets), one adapter per engine (Voila, Solara), the kernels' comm guard, the page a
class is served, and JupyterLab for one learner.

May use live, app, teaching and core.
"""
