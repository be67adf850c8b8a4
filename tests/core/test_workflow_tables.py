"""Every workflow of the portal is a table of the core's mechanism: one Transition type, one error, French
refusals, and the perms, models and views ask the table instead of re-typing its states."""

import datetime

import pytest

from conventions import report_workflow
from conventions import workflow as convention_workflow
from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import DURATION_YEARS, AnnualReport
from conventions.perms import reports as report_perms
from dotations import consultation_workflow, payment_workflow
from dotations import workflow as dotation_workflow
from secpa_portal.accounts.enums import Role
from secpa_portal.core.workflow import SYSTEM, Transition, TransitionError, Workflow
from structures import perms as structure_perms
from structures import workflow as structure_workflow
from structures.enums import StructureStatus
from structures.models import Structure

WORKFLOWS = {
    "structure": structure_workflow.WORKFLOW,
    "convention": convention_workflow.CONVENTION_WORKFLOW,
    "amendment": convention_workflow.AMENDMENT_WORKFLOW,
    "report": report_workflow.REPORT_WORKFLOW,
    "campaign": dotation_workflow.CAMPAIGN_WORKFLOW,
    "dotation": dotation_workflow.DOTATION_WORKFLOW,
    "payment": payment_workflow.WORKFLOW,
    "consultation": consultation_workflow.CONSULTATION_WORKFLOW,
}

ROWS = [(key, transition.name) for key, flow in WORKFLOWS.items() for transition in flow]


@pytest.mark.parametrize("key", WORKFLOWS)
def test_each_workflow_is_a_core_table(key):
    flow = WORKFLOWS[key]
    assert isinstance(flow, Workflow)
    assert all(isinstance(t, Transition) for t in flow)
    assert {t.actor for t in flow} <= {*Role.values, SYSTEM}


def test_the_module_level_tables_are_the_workflows():
    assert structure_workflow.TRANSITIONS is structure_workflow.WORKFLOW.transitions
    assert convention_workflow.CONVENTION_TRANSITIONS is convention_workflow.CONVENTION_WORKFLOW.transitions
    assert convention_workflow.AMENDMENT_TRANSITIONS is convention_workflow.AMENDMENT_WORKFLOW.transitions
    assert report_workflow.REPORT_TRANSITIONS is report_workflow.REPORT_WORKFLOW.transitions
    assert dotation_workflow.CAMPAIGN_TRANSITIONS is dotation_workflow.CAMPAIGN_WORKFLOW.transitions
    assert dotation_workflow.DOTATION_TRANSITIONS is dotation_workflow.DOTATION_WORKFLOW.transitions
    assert payment_workflow.TRANSITIONS is payment_workflow.WORKFLOW.transitions
    assert payment_workflow.PaymentTransitionError is TransitionError


@pytest.mark.parametrize(("key", "name"), ROWS)
def test_every_row_refuses_every_other_state_in_french(key, name):
    flow = WORKFLOWS[key]
    transition = flow[name]
    for state in flow.states.values:
        if state in transition.sources:
            assert flow.allows(name, state)
            assert flow.refusal(name, state, reason="motif") == ""
            assert flow.check(name, state, reason="motif") is transition
        else:
            assert not flow.allows(name, state)
            with pytest.raises(TransitionError) as refused:
                flow.check(name, state, reason="motif")
            assert refused.value.message.startswith("Action impossible : ")
            assert f"« {flow.states(state).label} »" in refused.value.message
            assert f"« {transition.label} »" in refused.value.message


@pytest.mark.parametrize(("key", "name"), ROWS)
def test_a_reason_is_asked_where_the_table_says(key, name):
    flow = WORKFLOWS[key]
    transition = flow[name]
    state = next(iter(transition.sources))
    if transition.reason_required:
        assert "motif écrit est obligatoire" in flow.refusal(name, state, reason=" ")
    else:
        assert flow.refusal(name, state) == ""


@pytest.mark.parametrize("status", StructureStatus.values)
def test_structure_is_editable_asks_the_table(status):
    assert Structure(status=status).is_editable == structure_workflow.WORKFLOW.allows("submit", status)


@pytest.mark.parametrize("status", ReportStatus.values)
def test_report_editable_states_come_from_the_table(status):
    assert (status in report_perms.EDITABLE_STATUSES) == report_workflow.REPORT_WORKFLOW.allows("submit", status)


def test_a_late_report_is_one_still_to_file():
    past = datetime.date(2000, 3, 31)
    assert AnnualReport(status=ReportStatus.RETURNED, due_date=past).is_late
    assert not AnnualReport(status=ReportStatus.SUBMITTED, due_date=past).is_late


def test_structure_refusal_names_the_state_then_the_actor(db, manager, ars_idf):
    from tests.factories import StructureFactory

    structure = StructureFactory(manager=manager)
    # Wrong state first, with the table's words.
    assert structure_perms.refusal(ars_idf, structure, "reopen").startswith("Action impossible : le dossier est")
    # Right state, wrong actor: the actor's refusal, the one the service raises.
    structure.status = StructureStatus.IN_REVIEW
    assert structure_perms.refusal(manager, structure, "declare_eligible") == (
        "Seul un agent de l'ARS de la région peut statuer sur ce dossier."
    )


def test_convention_duration_is_one_to_five_years():
    assert list(DURATION_YEARS) == [1, 2, 3, 4, 5]
    assert ConventionStatus.ACTIVE in convention_workflow.CONVENTION_WORKFLOW["terminate"].sources
