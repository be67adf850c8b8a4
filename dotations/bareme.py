"""From the stored barème (components and precarity bands of a campaign) to the engine's ``Bareme``."""

from decimal import Decimal

from . import engine


def build(*, components, bands, reference_patients) -> engine.Bareme:
    """``components`` and ``bands`` are model instances or dicts with the same field names."""

    def get(item, name, default=None):
        return item.get(name, default) if isinstance(item, dict) else getattr(item, name, default)

    return engine.Bareme(
        components=tuple(
            engine.Component(
                code=get(c, "code") or "",
                label=get(c, "label") or "",
                basis=get(c, "basis"),
                rate=get(c, "rate"),
                key=get(c, "key") or "",
                quantity_cap=get(c, "quantity_cap"),
                amount_cap=get(c, "amount_cap"),
                modulated=bool(get(c, "modulated", False)),
            )
            for c in components
        ),
        precarity_bands=tuple(
            engine.PrecarityBand(get(b, "lower"), get(b, "upper"), get(b, "coefficient")) for b in bands
        ),
        reference_patients=Decimal(int(reference_patients or 0)),
    )


def load(campaign) -> engine.Bareme:
    """The campaign's barème, in two queries (or none when prefetched)."""
    return build(
        components=campaign.components.all(),
        bands=campaign.precarity_bands.all(),
        reference_patients=campaign.reference_patients,
    )
