"""One confirmation pattern for every irreversible action (issue 12 §6).

A ``Confirmation`` says what will happen and where to post. The page offers it with
``{% include "includes/confirm.html" with confirmation=… %}``: a link to ``confirmation.url`` (GET shows the
confirmation page, ``core/confirm.html``) and, next to it, a DSFR modal (``fr-modal``) holding the same text and
the same form. ``static/js/confirm.js`` turns the link into a button that opens the modal when the DSFR script
runs; without JavaScript the link leads to the page. Either way the action is a POST to the same URL, so the
view is ``GET → confirm.page(...)``, ``POST → the service``.

An action that asks for something (a reason) gives its ``form``: the modal and the page render it above the
buttons. A refused post (the form invalid, or the service's French refusal added to it) answers with the page
itself, the form bound: what was typed in the modal is kept, with the error beside it.
"""

from dataclasses import dataclass, field

from django.shortcuts import render


@dataclass(frozen=True)
class Confirmation:
    key: str  # unique on the page: the modal's id is ``confirm-<key>``
    title: str  # « Ouvrir la campagne 2026 ? »
    url: str  # GET: the confirmation page; POST: the action
    button: str  # the confirming button: « Ouvrir la campagne »
    cancel_url: str  # where « Annuler » leads from the page
    lines: tuple[str, ...] = ()  # what will happen, one sentence each
    trigger: str = ""  # the button on the page that asks; defaults to ``button``
    trigger_detail: str = ""  # read by screen readers after the trigger: « statuts.pdf »
    trigger_class: str = "fr-btn"
    danger: bool = False
    hidden: dict = field(default_factory=dict)  # extra fields posted with the form
    form: object = None  # a Django form asking for something (a reason), rendered with crispy above the buttons

    @property
    def modal_id(self) -> str:
        return f"confirm-{self.key}"

    @property
    def trigger_label(self) -> str:
        return self.trigger or self.button


def page(request, confirmation: Confirmation, crumbs):
    """The confirmation page: what the modal shows, for a browser without JavaScript (or a direct link)."""
    return render(request, "core/confirm.html", {"confirmation": confirmation, "crumbs": crumbs})
