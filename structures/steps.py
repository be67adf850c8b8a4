"""The seven steps of the registration form, and which of them a file still needs (design.md §7)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    # The pre-check criteria this step fills in; all must pass for the step to be complete.
    criteria: tuple[str, ...] = ()

    @property
    def number(self) -> int:
        return STEPS.index(self) + 1


STEPS = [
    Step("identite", _("Identité"), ("kind", "identifiers")),
    Step("localisation", _("Localisation et territoire"), ("location", "territory")),
    Step("equipe", _("Équipe et activité"), ("team",)),
    Step("missions", _("Missions"), ("missions",)),
    Step("attestations", _("Attestations"), ("open_to_all", "tiers_payant", "no_overbilling", "general_medicine")),
    Step("documents", _("Pièces justificatives"), ("documents",)),
    Step("recapitulatif", _("Récapitulatif et dépôt")),
]
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
SUMMARY = STEPS[-1]


def step_after(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def step_before(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None


def is_complete(step: Step, criteria) -> bool:
    """Whether ``step`` holds everything a submission needs. The summary step is never "complete"."""
    if step is SUMMARY:
        return False
    passed = {criterion.code: criterion.passed for criterion in criteria}
    return all(passed.get(code, False) for code in step.criteria)


def step_states(criteria) -> list[dict]:
    return [{"step": step, "complete": is_complete(step, criteria)} for step in STEPS]


def first_incomplete(criteria) -> Step:
    """Where a manager resumes a draft: the first step still missing something, else the summary."""
    return next((step for step in STEPS if not is_complete(step, criteria)), SUMMARY)
