"""Where a new convention's payment terms come from before the agent edits them.

The campaign's advance share and due dates are the defaults (domain.md); campaigns live in the dotations app,
which depends on this one, so the dotations app registers the provider when it is ready and this app never
imports it.
"""

from collections.abc import Callable

_provider: Callable[[], dict] | None = None


def register(provider: Callable[[], dict]) -> None:
    """``provider()`` returns the initial ``advance_share`` (a fraction), ``advance_due`` and ``balance_due``
    (``"MM-DD"``), or an empty dict when there is nothing to suggest."""
    global _provider
    _provider = provider


def initial_terms() -> dict:
    """The prepare form's initial terms, as the form shows them (share in percent, dates as JJ/MM)."""
    terms = _provider() if _provider is not None else {}
    initial = {}
    if terms.get("advance_share") is not None:
        from .forms.conventions import plain

        initial["advance_share"] = plain(terms["advance_share"] * 100)
    for name in ("advance_due", "balance_due"):
        if terms.get(name):
            initial[name] = terms[name]
    return initial
