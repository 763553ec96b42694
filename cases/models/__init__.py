"""Anonymised concern cases; one module per part, all importable from here."""

from .case import Case, CaseCounter, Note, Subject, Transition
from .consent import Consent
from .desk import DeskItem, DeskKind
from .escalations import Escalation, ProposedMeasure
from .followup import Commitment, Contact, EarlyClosure, FollowUpPlan, PlanChange
from .measures import Measure
from .permissions import CaseUserObjectPermission
from .reads import CaseRead, CaseReadSeal, ReadLogCheck
from .retention import RetentionRecord

__all__ = [
    "Case",
    "CaseCounter",
    "CaseRead",
    "CaseReadSeal",
    "CaseUserObjectPermission",
    "Commitment",
    "Consent",
    "Contact",
    "DeskItem",
    "DeskKind",
    "EarlyClosure",
    "Escalation",
    "FollowUpPlan",
    "Measure",
    "Note",
    "PlanChange",
    "ProposedMeasure",
    "ReadLogCheck",
    "RetentionRecord",
    "Subject",
    "Transition",
]
