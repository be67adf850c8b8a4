"""One table of team and mission situations, run through the team step (the rendered form, posted), the
pre-check and submission: the three give the same verdict (structures/rules.py is their one source)."""

from decimal import Decimal

import pytest
from django.contrib.messages import WARNING

from structures import services
from structures.enums import DeliveryMode, Mission, ProfessionalCategory
from structures.precheck import run_precheck, submission_blockers
from structures.steps import STEPS_BY_SLUG, is_complete
from structures.workflow import TransitionError
from tests.conftest import client_for
from tests.factories import StructureFactory
from tests.structures import wizard_data
from tests.structures.test_manage_steps import messages_of, post_step

pytestmark = pytest.mark.django_db

Cat = ProfessionalCategory
GP = (Cat.GENERAL_PRACTITIONER, 3, "2.40")
NURSE = (Cat.NURSE, 2, "1.80")
PSY = (Cat.PSYCHOLOGIST, 1, "0.80")
MEDIATOR = (Cat.HEALTH_MEDIATOR, 2, "1.50")
FULL = [GP, NURSE, PSY, MEDIATOR]

# (situation, team lines (category, headcount, FTE), in-house FTE of the missions, verdict)
# invalid: the form refuses it, the pre-check fails, submission is refused.
# incomplete: a draft may hold it, but the step is not complete and submission is refused.
# weighed: accepted with a warning; the pre-check reports it « À apprécier »; submission goes through.
# ok: accepted without a word; submission goes through.
CASES = [
    ("complete team", FULL, "0.50", "ok"),
    ("1 nurse at 1.50 FTE", [GP, (Cat.NURSE, 1, "1.50"), PSY, MEDIATOR], "0.50", "invalid"),
    ("GP + dentist", [GP, (Cat.DENTIST, 1, "1.00"), PSY, MEDIATOR], "0.50", "incomplete"),
    ("GP + specialist", [GP, (Cat.SPECIALIST, 1, "1.00"), PSY, MEDIATOR], "0.50", "incomplete"),
    ("GP + pharmacist", [GP, (Cat.PHARMACIST, 1, "1.00"), PSY, MEDIATOR], "0.50", "incomplete"),
    ("GP + midwife", [GP, (Cat.MIDWIFE, 1, "1.00"), PSY, MEDIATOR], "0.50", "incomplete"),
    ("GP + physiotherapist", [GP, (Cat.PHYSIOTHERAPIST, 1, "0.50"), PSY, MEDIATOR], "0.50", "ok"),
    ("GP line at 0 FTE", [(Cat.GENERAL_PRACTITIONER, 2, "0"), NURSE, PSY, MEDIATOR], "0.50", "incomplete"),
    ("no psychologist in-house", [GP, NURSE, MEDIATOR], "0", "weighed"),
    ("mission FTE beyond the team's", FULL, "1.00", "weighed"),
]


def _typed(lines):
    return {category: (str(headcount), fte.replace(".", ",")) for category, headcount, fte in lines}


def _set_psy_mission(structure, manager, fte):
    lines = [
        {
            "mission": line.mission,
            "delivery_mode": line.delivery_mode,
            "in_house_fte": line.in_house_fte,
            "partner_name": line.partner_name,
            "description": line.description,
        }
        for line in structure.mission_lines.all()
    ]
    for line in lines:
        if line["mission"] == Mission.PSYCHOLOGICAL_SUPPORT:
            if Decimal(fte) > 0:
                line |= {"delivery_mode": DeliveryMode.IN_HOUSE, "in_house_fte": Decimal(fte), "partner_name": ""}
            else:
                line |= {"delivery_mode": DeliveryMode.PARTNER, "in_house_fte": None, "partner_name": "CMP voisin"}
    services.missions_replace(structure=structure, user=manager, lines=lines)


@pytest.mark.parametrize(("situation", "team", "psy_fte", "verdict"), CASES, ids=[case[0] for case in CASES])
def test_the_step_form_the_precheck_and_submission_agree(manager, situation, team, psy_fte, verdict):
    # Through the team step, as a manager types it.
    structure = StructureFactory(manager=manager, complete=True)
    _set_psy_mission(structure, manager, psy_fte)
    client = client_for(manager)
    response = post_step(client, structure, "equipe", wizard_data.team(_typed(team)))
    form_accepts = response.status_code == 302
    form_warns = bool(form_accepts and messages_of(response, WARNING))

    # The same lines saved directly (as the demo did), then the pre-check and submission.
    other = StructureFactory(manager=manager, complete=True)
    _set_psy_mission(other, manager, psy_fte)
    lines = [{"category": c, "headcount": h, "fte": Decimal(f)} for c, h, f in team]
    services.team_replace(structure=other, user=manager, lines=lines)
    criteria = run_precheck(other)
    step_complete = is_complete(STEPS_BY_SLUG["equipe"], criteria)
    weighed_failing = [c for c in criteria if c.weighed and not c.passed]
    try:
        services.structure_submit(structure=other, user=manager)
        submitted = True
    except TransitionError:
        submitted = False
    assert bool(submission_blockers(criteria)) is not submitted

    observed = {
        "invalid": (False, False, False, False),
        "incomplete": (True, False, False, False),
        "weighed": (True, True, True, True),
        "ok": (True, True, True, False),
    }
    assert (form_accepts, step_complete, submitted, bool(weighed_failing)) == observed[verdict]
    if verdict == "weighed":
        assert form_warns
        warnings = messages_of(response, WARNING)
        assert any(c.explanation in warnings or c.explanation in " ".join(warnings) for c in weighed_failing)
    if verdict == "ok":
        assert not form_warns
    if verdict == "invalid":
        assert "Les ETP ne peuvent dépasser l&#x27;effectif" in response.content.decode()
        [team_criterion] = [c for c in criteria if c.code == "team"]
        assert "Les ETP ne peuvent dépasser l'effectif" in team_criterion.explanation
