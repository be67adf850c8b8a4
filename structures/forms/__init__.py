"""Forms of the manager side: the registration steps, documents, withdrawal."""

from .documents import DocumentForm, WithdrawForm
from .members import MemberAddForm
from .missions import MissionFormSet, mission_formset
from .registration import ActivityForm, AttestationsForm, IdentityForm, LocationForm, VersionForm, structure_initial
from .team import TeamFormSet, team_formset

__all__ = [
    "ActivityForm",
    "AttestationsForm",
    "DocumentForm",
    "IdentityForm",
    "LocationForm",
    "MemberAddForm",
    "MissionFormSet",
    "TeamFormSet",
    "VersionForm",
    "WithdrawForm",
    "mission_formset",
    "structure_initial",
    "team_formset",
]
