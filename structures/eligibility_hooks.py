"""What ending (or suspending) a structure's eligibility means beyond the structures app.

Deciding « non éligible » or reopening the review of a structure that has a convention in force concerns the
CNAM (the convention and its funding live in apps above this one, which this app never imports). Those apps
register here:

* a *warning* provider, ``provider(structure) -> list[str]``: French sentences the ARS agent reads on the
  confirmation page before deciding;
* the ``eligibility_withdrawn`` signal (``structure``, ``user``, ``verb``: « ineligible » or « reopened »,
  ``reason``), sent inside the transition's transaction, so its receivers can notify after the commit.
"""

from collections.abc import Callable

from django.dispatch import Signal

eligibility_withdrawn = Signal()

_warnings: list[Callable] = []


def register_warning(provider: Callable) -> None:
    if provider not in _warnings:
        _warnings.append(provider)


def withdrawal_warnings(structure) -> list[str]:
    """What the ARS agent must know before declaring ``structure`` non éligible or reopening its review."""
    return [line for provider in _warnings for line in provider(structure)]
