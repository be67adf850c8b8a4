"""The law's contents at sending (art. L. 6323-6-2 I, issue 9 deliverable 8): at least one indicator of quality,
one of performance and one of user satisfaction, the coordination obligation and the obligation of users'
participation in the decision-making and evaluation bodies. The refusal names what is missing; the send page
and the draft's page show the checklist before the button."""

from html import unescape

import pytest
from django.urls import reverse

from conventions.enums import ConventionStatus, IndicatorCategory, Obligation
from conventions.law import law_checklist, law_missing
from conventions.models import Convention, Indicator
from conventions.services import conventions as services
from conventions.workflow import TransitionError
from tests.conftest import client_for
from tests.factories import ConventionFactory, StructureFactory, default_line, ensure_catalogue, terms

pytestmark = pytest.mark.django_db

LAW = "Exigé par la loi (art. L. 6323-6-2 I du code de la santé publique) : "


def test_the_checklist_by_hand():
    everything = [IndicatorCategory.QUALITY, IndicatorCategory.PERFORMANCE, IndicatorCategory.SATISFACTION]
    assert law_missing(Obligation.values, everything) == []
    missing = law_missing(["users_in_governance"], [IndicatorCategory.ACCESS, IndicatorCategory.QUALITY])
    assert missing == [
        "ajoutez à un objectif au moins un indicateur de performance",
        "ajoutez à un objectif au moins un indicateur de satisfaction des usagers",
        "cochez une obligation de coordination (réunions de coordination, dossier patient partagé ou partenariats "
        "du territoire)",
        "cochez l'obligation de participation des usagers : « Usagers associés à l'évaluation de la structure »",
    ]
    # Any of the three coordination obligations will do; participation needs decision-making and evaluation.
    assert not law_missing(["local_partners", "users_in_governance", "users_in_evaluation"], everything)
    items = law_checklist([], [])
    assert [item.met for item in items] == [False] * 5
    assert items[0].label == "Au moins un indicateur « Qualité »"


@pytest.fixture
def incomplete(manager, ars_idf, cnam):
    """An access and a coordination indicator, the coordination obligation and half the participation one (built
    through the services: the factory would add the indicators the law requires)."""
    ensure_catalogue()
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    convention = services.convention_prepare(
        structure=structure, user=cnam, **terms(obligations=["coordination_meetings", "users_in_governance"])
    )
    services.objective_save(
        convention=convention,
        user=cnam,
        title="Coordonner et accueillir",
        description="",
        lines=[
            default_line(Indicator.objects.get(code=code), convention.years, n)
            for n, code in enumerate(("coordination_meetings", "first_appointment_delay"))
        ],
    )
    return Convention.objects.get(pk=convention.pk)


def test_sending_without_the_laws_contents_is_refused_and_names_what_is_missing(incomplete, cnam):
    with pytest.raises(TransitionError) as refused:
        services.convention_send(convention=incomplete, user=cnam)
    message = refused.value.message
    assert message.startswith("La convention ne peut pas encore être envoyée : ")
    for missing in (
        "ajoutez à un objectif au moins un indicateur de qualité.",
        "ajoutez à un objectif au moins un indicateur de performance.",
        "ajoutez à un objectif au moins un indicateur de satisfaction des usagers.",
        "cochez l'obligation de participation des usagers : « Usagers associés à l'évaluation de la structure ».",
    ):
        assert LAW + missing in message
    assert "obligation de coordination" not in message  # the coordination meetings are checked
    assert Convention.objects.get(pk=incomplete.pk).status == ConventionStatus.DRAFT


def test_the_send_page_shows_the_checklist_before_the_button(incomplete, cnam, django_assert_max_num_queries):
    client = client_for(cnam)
    url = reverse("conventions:send", args=[incomplete.pk])
    with django_assert_max_num_queries(14):
        page = client.get(url)
    content = unescape(page.content.decode())
    checklist = content.index("Contenu exigé par la loi (art. L. 6323-6-2 I du code de la santé publique)")
    assert checklist < content.index("Envoyer la convention</button>")
    assert "Rempli : </span>L'obligation de coordination des soins" in content
    assert "Manquant : </span><strong>Au moins un indicateur « Performance »</strong>" in content
    assert "Manquant : </span><strong>L'obligation de participation des usagers aux instances" in content
    # Posting anyway is refused with the same words, nothing sent.
    response = client.post(url, follow=True)
    assert "ajoutez à un objectif au moins un indicateur de qualité" in unescape(response.content.decode())
    assert Convention.objects.get(pk=incomplete.pk).status == ConventionStatus.DRAFT
    detail = unescape(client.get(reverse("conventions:detail", args=[incomplete.pk])).content.decode())
    assert "Contenu exigé par la loi" in detail


def test_a_convention_with_the_laws_contents_is_sent(manager, ars_idf, cnam):
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    convention = ConventionFactory(
        structure=structure,
        cnam=cnam,
        indicators=("flu_vaccination_65", "missed_appointments", "satisfaction_score"),
        obligations=["shared_record", "users_in_governance", "users_in_evaluation"],
    )
    page = unescape(client_for(cnam).get(reverse("conventions:send", args=[convention.pk])).content.decode())
    assert "Manquant" not in page
    assert services.convention_send(convention=convention, user=cnam).status == ConventionStatus.SENT


def test_every_demo_convention_holds_the_laws_contents(db):
    from conventions import demo
    from secpa_portal.accounts.demo import seed_accounts
    from structures import demo as structures_demo

    users = seed_accounts()
    structures_demo.seed(users)
    demo.seed(users)
    conventions = list(Convention.objects.all())
    assert len(conventions) >= 10
    for convention in conventions:
        categories = set(
            convention.indicators.filter(objective__isnull=False).values_list("indicator__category", flat=True)
        )
        assert law_missing(convention.obligations, categories) == [], convention.reference
