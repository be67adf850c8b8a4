"""Which dossiers carry a message thread. The core imports no app: each app registers its dossiers here
from its ``AppConfig.ready`` (structure file, convention, annual report, dotation)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Dossier:
    kind: str  # the URL segment: « structure », « convention », « rapport », « dotation »
    model: type[models.Model]
    label: Callable  # obj -> the French title of the thread
    url: Callable  # obj -> the dossier page's path
    structure_id: Callable  # obj -> the structure's id (scoping, managers)
    region_id: Callable  # obj -> the region's id (ARS agents)
    agent_roles: frozenset  # the agents' roles who take part besides the region's ARS agents
    # What ``label`` and ``region_id`` read, loaded with the dossier.
    select_related: tuple = ()


_REGISTRY: dict[str, Dossier] = {}


def register(dossier: Dossier) -> None:
    _REGISTRY[dossier.kind] = dossier


def get(kind: str) -> Dossier | None:
    return _REGISTRY.get(kind)


def for_object(obj) -> Dossier:
    for dossier in _REGISTRY.values():
        if isinstance(obj, dossier.model):
            return dossier
    raise LookupError(f"No message thread for {type(obj).__name__}")
