"""What the law requires a convention to contain before it is sent (art. L. 6323-6-2 I of the bill, domain.md):
indicators of quality, performance and user satisfaction, the obligation of care coordination and the obligation
of users' participation in the structure's decision-making and evaluation bodies.

``law_checklist`` is read by ``services.conventions.send_blockers`` (the refusal) and by the send page and the
draft's page (the checklist shown before the button). Pure: it reads the lines it is given, no query.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .enums import IndicatorCategory, Obligation

# An indicator counts when an objective follows it (activity figures followed without an objective do not).
REQUIRED_CATEGORIES = (IndicatorCategory.QUALITY, IndicatorCategory.PERFORMANCE, IndicatorCategory.SATISFACTION)
# Care coordination: any of these obligations.
COORDINATION_OBLIGATIONS = (Obligation.COORDINATION_MEETINGS, Obligation.SHARED_RECORD, Obligation.LOCAL_PARTNERS)
# Users' participation: in the decision-making bodies and in the evaluation, both named by the law.
PARTICIPATION_OBLIGATIONS = (Obligation.USERS_IN_GOVERNANCE, Obligation.USERS_IN_EVALUATION)


@dataclass(frozen=True)
class LawItem:
    label: str
    met: bool
    missing: str  # the refusal's words when not met


def law_checklist(obligations, categories) -> list[LawItem]:
    """The five contents the law requires. ``obligations``: the convention's obligation codes; ``categories``:
    the categories of the indicators its objectives follow."""
    obligations, categories = set(obligations or ()), set(categories)
    category_labels = dict(IndicatorCategory.choices)
    items = []
    for category, missing in zip(
        REQUIRED_CATEGORIES,
        (
            _("ajoutez à un objectif au moins un indicateur de qualité"),
            _("ajoutez à un objectif au moins un indicateur de performance"),
            _("ajoutez à un objectif au moins un indicateur de satisfaction des usagers"),
        ),
        strict=True,
    ):
        items.append(
            LawItem(
                _("Au moins un indicateur « %(category)s »") % {"category": category_labels[category]},
                category in categories,
                missing,
            )
        )
    items.append(
        LawItem(
            _("L'obligation de coordination des soins"),
            bool(obligations & {str(code) for code in COORDINATION_OBLIGATIONS}),
            _(
                "cochez une obligation de coordination (réunions de coordination, dossier patient partagé ou "
                "partenariats du territoire)"
            ),
        )
    )
    labels = dict(Obligation.choices)
    missing_participation = [code for code in PARTICIPATION_OBLIGATIONS if str(code) not in obligations]
    items.append(
        LawItem(
            _("L'obligation de participation des usagers aux instances de décision et d'évaluation"),
            not missing_participation,
            _("cochez l'obligation de participation des usagers : %(missing)s")
            % {"missing": " ; ".join(f"« {labels[code]} »" for code in missing_participation)},
        )
    )
    return items


def law_missing(obligations, categories) -> list[str]:
    return [item.missing for item in law_checklist(obligations, categories) if not item.met]
