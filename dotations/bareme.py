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


COMPONENT_KEYS = ("code", "label", "basis", "key", "rate", "quantity_cap", "amount_cap", "modulated")
BAND_KEYS = ("lower", "upper", "coefficient")


def _text(value):
    return None if value is None else str(value)


def as_json(campaign) -> dict:
    """The campaign's barème as plain JSON (decimals as strings): what a consultation submits and keeps."""
    return {
        "reference_patients": campaign.reference_patients,
        "components": [
            {
                "code": c.code,
                "label": c.label,
                "basis": c.basis,
                "key": c.key,
                "rate": str(c.rate),
                "quantity_cap": _text(c.quantity_cap),
                "amount_cap": _text(c.amount_cap),
                "modulated": c.modulated,
            }
            for c in campaign.components.all()
        ],
        "bands": [
            {"lower": str(b.lower), "upper": _text(b.upper), "coefficient": str(b.coefficient)}
            for b in campaign.precarity_bands.all()
        ],
    }


def _decimal(value):
    return None if value in (None, "") else Decimal(value)


def from_json(data: dict) -> engine.Bareme:
    """The engine's ``Bareme`` of a barème stored by :func:`as_json`."""
    decimals = {"rate", "quantity_cap", "amount_cap", "lower", "upper", "coefficient"}
    return build(
        components=[
            {k: (_decimal(v) if k in decimals else v) for k, v in c.items()} for c in data.get("components", [])
        ],
        bands=[{k: _decimal(v) for k, v in b.items()} for b in data.get("bands", [])],
        reference_patients=data.get("reference_patients"),
    )
