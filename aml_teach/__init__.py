"""aml-teach: an interactive teaching module on relapsed and refractory AML.

Educational only: not a prescribing tool and not a substitute for a clinician's advice.
"""

from .core.data_check import check_data
from .core.epi import PrognosticIndex, european_prognostic_index
from .core.knowledge import DataError, DataProblem, KnowledgeBase, load_knowledge_base
from .core.options import evaluate_options, treatment_options
from .core.patient import Patient, PatientError
from .core.response import Verdict, classify_history
from .core.review import DISCLAIMER
from .core.schedules import UnknownRegimenError, regimen_schedule

__all__ = [
    "DISCLAIMER",
    "DataError",
    "DataProblem",
    "KnowledgeBase",
    "Patient",
    "PatientError",
    "PrognosticIndex",
    "UnknownRegimenError",
    "Verdict",
    "check_data",
    "classify_history",
    "european_prognostic_index",
    "evaluate_options",
    "load_knowledge_base",
    "regimen_schedule",
    "treatment_options",
]
