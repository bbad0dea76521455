"""The clinical model: the knowledge base and its check, the patient, the options engine,
schedules, the response classifier, the prognostic index and the review date.

No widgets, no server, no pandas at import. Imports nothing else of aml_teach.
"""
