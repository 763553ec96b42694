"""The cooperation's structure; one module per part, all importable from here."""

from .action_plans import ActionPlanAssignment, Handover
from .agreement import Agreement, AgreementPoint, Signatory
from .documents import StoredDocument
from .medskick import Medskick
from .memberships import MeetingPlan, Membership
from .organisations import Body
from .priorities import CitizenPromise, Priority, PromiseActivity

__all__ = [
    "ActionPlanAssignment",
    "Agreement",
    "AgreementPoint",
    "Body",
    "CitizenPromise",
    "Handover",
    "Medskick",
    "MeetingPlan",
    "Membership",
    "Priority",
    "PromiseActivity",
    "Signatory",
    "StoredDocument",
]
