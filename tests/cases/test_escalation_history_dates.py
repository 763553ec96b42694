"""An escalation's change log is dated when each step happened, also for the demo's escalations of
the past (written as records of the past, each step's record dated by `set_history_date`)."""

from __future__ import annotations

from cases.choices import EscalationStatus
from cases.models import Escalation

# The note the demo's past escalations close with (cases/demo_escalations.py).
PAST_NOTE = "Avslutat: arbetet fortsätter i kommunens ordinarie insatser."


def test_each_step_of_a_past_escalation_is_logged_on_the_day_it_happened(demo):
    past = list(Escalation.objects.filter(closing_note=PAST_NOTE).order_by("pk"))
    assert len(past) > 20
    for item in past:
        when = {
            EscalationStatus.NEW: item.created_at,
            EscalationStatus.ACKNOWLEDGED: item.acknowledged_at,
            EscalationStatus.ANSWERED: item.answered_at,
            EscalationStatus.CLOSED: item.closed_at,
        }
        changes = Escalation.history.filter(id=item.pk, history_type="~").order_by("history_id")
        logged = [(record.status, record.history_date) for record in changes]
        assert logged == list(when.items()), item.pk
