"""The one state-table shape (sutohamu/states.py) and the three tables kept in it."""

import pytest

from cases.choices import CaseStatus, EscalationStatus
from cases.lifecycle import LIFE_CYCLE
from cases.models.escalations import ESCALATION_STATES
from councils.choices import MedskickStatus
from councils.models.medskick import MEDSKICK_STATES
from sutohamu.states import StateTable


def test_a_step_is_allowed_only_from_the_states_that_list_it():
    table = StateTable({"a": frozenset({"go"}), "b": frozenset()})
    assert table.allows("a", "go")
    assert not table.allows("b", "go")
    assert not table.allows("unknown", "go")
    assert table.states_allowing("go") == {"a"}


def test_a_page_offers_all_that_is_allowed_unless_told_fewer():
    plain = StateTable({"a": frozenset({"go", "stop"})})
    assert plain.offered_from("a") == {"go", "stop"}
    fewer = StateTable({"a": frozenset({"go", "stop"})}, offered={"a": frozenset({"go"})})
    assert fewer.offered_from("a") == {"go"}
    assert fewer.allows("a", "stop")


def test_a_page_offers_nothing_from_a_state_a_table_of_offers_leaves_out():
    table = StateTable(
        {"a": frozenset({"go"}), "b": frozenset({"go"})}, offered={"a": frozenset({"go"})}
    )
    assert table.offered_from("b") == frozenset()
    assert table.allows("b", "go")
    assert table.offered_from("unknown") == frozenset()
    assert StateTable({"a": frozenset({"go"})}).offered_from("unknown") == frozenset()


def test_a_table_offering_what_it_does_not_allow_is_refused():
    with pytest.raises(ValueError, match="not allowed"):
        StateTable({"a": frozenset({"go"})}, offered={"a": frozenset({"fly"})})


def test_the_case_life_cycle_is_kept_in_the_shape():
    assert LIFE_CYCLE.allows(CaseStatus.REPORTED, CaseStatus.ASSESSING)
    assert not LIFE_CYCLE.allows(CaseStatus.REPORTED, CaseStatus.CLOSED)


@pytest.mark.parametrize("status", [EscalationStatus.CLOSED, EscalationStatus.WITHDRAWN])
def test_a_finished_escalation_allows_nothing(status):
    assert ESCALATION_STATES.allowed_from(status) == frozenset()


def test_an_escalation_is_answered_from_new_but_offered_the_answer_once_acknowledged():
    assert ESCALATION_STATES.allows(EscalationStatus.NEW, "answer")
    assert "answer" not in ESCALATION_STATES.offered_from(EscalationStatus.NEW)
    assert "answer" in ESCALATION_STATES.offered_from(EscalationStatus.ACKNOWLEDGED)


def test_a_medskick_is_received_once_sent_and_answered_while_sent_or_received():
    assert MEDSKICK_STATES.states_allowing("receive") == {MedskickStatus.SENT}
    assert MEDSKICK_STATES.states_allowing("answer") == {
        MedskickStatus.SENT,
        MedskickStatus.RECEIVED,
    }
    assert MEDSKICK_STATES.allowed_from(MedskickStatus.CLOSED) == frozenset()
