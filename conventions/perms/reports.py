"""Who may do what on an annual report. Templates and services ask the same predicates."""

from structures.perms import is_member, is_region_agent

from ..enums import ConventionStatus
from ..report_workflow import EDITABLE_STATES, REPORT_WORKFLOW

# A report may be opened for a convention in force, and still once it ended or was terminated (its last years).
REPORTABLE_CONVENTION_STATUSES = (ConventionStatus.ACTIVE, ConventionStatus.ENDED, ConventionStatus.TERMINATED)
EDITABLE_STATUSES = EDITABLE_STATES


def can_open(user, convention) -> bool:
    """A manager of the structure opens the report of a year of a convention in force (or ended)."""
    return convention.status in REPORTABLE_CONVENTION_STATUSES and is_member(user, convention.structure)


def can_edit(user, report) -> bool:
    """A manager of the structure fills the report while it is a draft or returned for corrections."""
    return report.status in EDITABLE_STATUSES and is_member(user, report.convention.structure)


def can_submit(user, report) -> bool:
    """A manager of the structure files a draft or returned report."""
    return can_edit(user, report)


def can_validate(user, report) -> bool:
    """An ARS agent of the structure's region validates a filed report."""
    return REPORT_WORKFLOW.allows("validate", report.status) and is_region_agent(user, report.convention.structure)


def can_return(user, report) -> bool:
    """An ARS agent of the structure's region returns a filed report, with a reason."""
    return REPORT_WORKFLOW.allows("return", report.status) and is_region_agent(user, report.convention.structure)


def can_view_national(user) -> bool:
    """CNAM agents see attainment across all structures; ARS agents the same view for their region."""
    return user.is_authenticated and (user.sees_national or user.is_ars_agent)
