"""A file sent back and submitted again returns to its reviewer, and the review page shows what changed
since the request: fields, team lines, missions and documents, old and new side by side."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from secpa_portal.journal.models import Event
from structures import services
from structures.changes import diff, snapshot
from structures.enums import DocumentKind, ProfessionalCategory, StructureStatus
from structures.models import Structure
from tests.conftest import client_for, make_user
from tests.factories import TEAM_LINES, StructureFactory, mission_lines, pdf_upload

pytestmark = pytest.mark.django_db


def review_url(structure):
    return reverse("structures:review", args=[structure.pk])


def change_rows(html):
    """(section, label, before, after) of each highlighted row of the review page."""
    section = re.search(r'<section[^>]*id="modifications".*?</section>', html, re.S)
    assert section, "the review page shows the changes"
    rows = re.findall(
        r'<tr class="secpa-change">\s*<td>(.*?)</td>\s*<th scope="row">(.*?)</th>\s*'
        r"<td><del>(.*?)</del></td>\s*<td><ins><mark>(.*?)</mark></ins></td>",
        section.group(0),
        re.S,
    )
    return [tuple(cell.strip() for cell in row) for row in rows]


def correct_the_file(structure, manager):
    services.structure_update(structure=structure, user=manager, fields={"postal_code": "93210", "legal_form": "SCIC"})
    team = [dict(line) for line in TEAM_LINES]
    team[1]["fte"] = Decimal("1.95")  # nurses (never more FTE than people)
    team.append({"category": ProfessionalCategory.SOCIAL_WORKER, "headcount": 1, "fte": Decimal("0.50")})
    services.team_replace(structure=structure, user=manager, lines=team)
    missions = mission_lines()
    missions[0]["description"] = "Consultations sans rendez-vous le samedi matin."
    services.missions_replace(structure=structure, user=manager, lines=missions)
    services.document_add(
        structure=structure, user=manager, kind=DocumentKind.OTHER, uploaded_file=pdf_upload("pv-ag.pdf")
    )


def test_the_send_back_keeps_a_snapshot_of_the_file_in_the_journal(manager, ars_idf):
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    event = Event.objects.get(verb="changes_requested", structure_id=structure.pk)
    assert event.payload["snapshot"] == snapshot(Structure.objects.get(pk=structure.pk))
    assert event.payload["snapshot"]["fields"]["postal_code"] == ["code postal", "93200"]


def test_the_resubmitted_file_returns_to_its_reviewer_in_review(manager, ars_idf, django_capture_on_commit_callbacks):
    colleague = make_user("ars.idf2@test.example", role="ars_agent", region_code="11")
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.structure_submit(structure=structure, user=manager)
    structure = Structure.objects.get(pk=structure.pk)
    assert (structure.status, structure.reviewer) == (StructureStatus.IN_REVIEW, ars_idf)
    submitted, returned = Event.objects.for_structure(structure.pk).order_by("-id")[:2][::-1]
    assert (submitted.verb, submitted.to_state, submitted.actor) == ("submitted", "submitted", manager)
    assert (returned.verb, returned.from_state, returned.to_state) == (
        "returned_to_reviewer",
        "submitted",
        "in_review",
    )
    assert returned.actor is None and returned.payload == {"reviewer": ars_idf.pk}
    # Only the reviewer is told, not the region's other agents: nobody has to take it again.
    assert [m.to for m in mail.outbox] == [[ars_idf.email]]
    assert colleague.email not in str([m.to for m in mail.outbox])
    assert "revient directement" in mail.outbox[0].body


def test_a_reviewer_gone_from_the_region_leaves_the_file_to_take(manager, ars_idf):
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    ars_idf.is_active = False
    ars_idf.save()
    services.structure_submit(structure=structure, user=manager)
    assert Structure.objects.get(pk=structure.pk).status == StructureStatus.SUBMITTED
    assert not Event.objects.filter(verb="returned_to_reviewer").exists()


@pytest.mark.parametrize("added", [2, 30])
def test_the_review_page_shows_every_change_old_and_new(added, manager, ars_idf, django_assert_max_num_queries):
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    for n in range(added):
        services.document_add(
            structure=structure, user=manager, kind=DocumentKind.OTHER, uploaded_file=pdf_upload(f"annexe-{n}.pdf")
        )
    correct_the_file(structure, manager)
    client_for(manager).post(reverse("structures:submit", args=[structure.pk]))
    client = client_for(ars_idf)
    with django_assert_max_num_queries(12):  # the review page's own bound (test_review.py)
        html = client.get(review_url(structure)).content.decode()
    rows = change_rows(html)
    assert ("Dossier", "code postal", "93200", "93210") in rows
    assert ("Dossier", "forme juridique", "Association loi 1901", "SCIC") in rows
    assert ("Équipe", "Infirmier ou infirmière", "2\u00a0personnes, 1,80 ETP", "2\u00a0personnes, 1,95 ETP") in rows
    assert any(r[0] == "Équipe" and r[2] == "(absent)" and "0,50 ETP" in r[3] for r in rows)
    assert any(r[0] == "Missions" and "samedi matin" in r[3] and "samedi" not in r[2] for r in rows)
    assert any(r[0] == "Pièces" and r[2] == "(absent)" and r[3] == "pv-ag.pdf" for r in rows)
    assert len(rows) == 6 + added, rows  # plus one row per annex added after the request


def test_nothing_changed_says_so(manager, ars_idf):
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    services.structure_submit(structure=structure, user=manager)
    html = client_for(ars_idf).get(review_url(structure)).content.decode()
    assert "sans rien y modifier" in html


def test_no_changes_section_before_any_send_back_or_after_the_next_decision(manager, ars_idf):
    structure = StructureFactory(manager=manager, in_review=True, reviewer=ars_idf)
    assert 'id="modifications"' not in client_for(ars_idf).get(review_url(structure)).content.decode()
    services.structure_decide(structure=structure, user=ars_idf, decision="request_changes", reason="Statuts ?")
    services.structure_submit(structure=structure, user=manager)
    services.structure_decide(structure=structure, user=ars_idf, decision="declare_eligible")
    assert 'id="modifications"' not in client_for(ars_idf).get(review_url(structure)).content.decode()


def test_diff_lists_removed_entries():
    before = {"team": {"nurse": ["Infirmier", "1\u00a0personne, 1,80 ETP"]}, "documents": {"3": ["Statuts", "s.pdf"]}}
    changes = diff(before, {"team": {}, "documents": {}})
    assert [(c.section, c.old, c.new) for c in changes] == [
        ("Équipe", "1\u00a0personne, 1,80 ETP", "(absent)"),
        ("Pièces", "s.pdf", "(absent)"),
    ]


def test_a_snapshot_stored_with_the_old_wording_shows_no_change_for_an_unchanged_line():
    before = {"team": {"nurse": ["Infirmier", "2 personne(s), 1,80 ETP"]}, "documents": {}}
    after = {"team": {"nurse": ["Infirmier", "2\u00a0personnes, 1,80 ETP"]}, "documents": {}}
    assert diff(before, after) == []
    before["team"]["nurse"][1] = "1 personne(s), 1,80 ETP"
    assert [c.old for c in diff(before, after)] == ["1\u00a0personne, 1,80 ETP"]
