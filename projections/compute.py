"""A scenario's results: its population read in batches, each unit computed by the engine (``projection``)."""

from django.utils import timezone

from dotations import bareme as bareme_module
from secpa_portal.reference.models import Region

from . import population
from .projection import Assumptions, Projection


def assumptions_of(scenario) -> Assumptions:
    return Assumptions(
        first_year=scenario.first_year,
        horizon=scenario.horizon,
        indexation=scenario.indexation,
        ramp_up=scenario.ramp_up,
        attrition=scenario.attrition,
    )


def project(scenario, *, batch_size: int = population.BATCH_SIZE) -> Projection:
    """The projection of ``scenario`` as it stands, in a bounded number of queries: the barème (2), the regions
    and the groups (2), then about five per batch of ``batch_size`` structures."""
    bareme = bareme_module.load(scenario.campaign)
    projection = Projection(bareme, assumptions_of(scenario))
    groups = list(scenario.groups.all())
    pool = population.MedianPool() if groups else None
    for unit in population.existing_units(scenario, bareme, batch_size=batch_size, pool=pool):
        projection.add(unit)
    region_labels = dict(Region.objects.values_list("code", "name"))
    for unit in population.new_units(scenario, groups, pool or population.MedianPool(), region_labels):
        projection.add(unit)
    projection.group_sources = [(group.pk, getattr(group, "profile_source", "")) for group in groups]
    projection.region_labels = region_labels
    return projection


def results(scenario, *, batch_size: int = population.BATCH_SIZE) -> dict:
    """What a scenario stores: the projection's tables, the labels they need, the envelope compared with."""
    projection = project(scenario, batch_size=batch_size)
    data = projection.as_json()
    data["region_labels"] = {code: projection.region_labels.get(code, "Sans région") for code in data["by_region"]}
    data["group_sources"] = {str(pk): source for pk, source in projection.group_sources}
    data["envelope"] = str(scenario.campaign.envelope)
    data["envelope_year"] = scenario.campaign.year
    data["computed_at"] = timezone.now().isoformat()
    return data
