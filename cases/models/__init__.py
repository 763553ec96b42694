"""Anonymised concern cases; one module per part, all importable from here."""

from .case import Case, CaseCounter, Note, Subject, Transition
from .consent import Consent
from .measures import Measure
from .permissions import CaseUserObjectPermission
from .reads import CaseRead

__all__ = [
    "Case",
    "CaseCounter",
    "CaseRead",
    "CaseUserObjectPermission",
    "Consent",
    "Measure",
    "Note",
    "Subject",
    "Transition",
]
