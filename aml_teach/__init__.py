"""aml-teach: an interactive teaching module on relapsed and refractory AML.

Educational only: not a prescribing tool and not a substitute for a clinician's advice.
"""

from .epi import PrognosticIndex, european_prognostic_index
from .knowledge import DataError, DataProblem, KnowledgeBase, check_data, load_knowledge_base
from .options import treatment_options
from .patient import Patient, PatientError
from .response import Verdict, classify_history
from .schedules import UnknownRegimenError, regimen_schedule

DISCLAIMER = (
    "aml-teach is for education only. It is not a prescribing tool and does not replace the "
    "advice of a qualified healthcare professional; treatment decisions belong to a patient "
    "and their care team."
)

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
    "load_knowledge_base",
    "regimen_schedule",
    "treatment_options",
]
