"""Région and département choices read once per process (issue 14).

Reference data only changes through migrations (and the admin); the filter forms of every list page offered them
by a query and 18 + 101 model instances per request. ``clear()`` forgets them: called on any save or delete of a
région or département (signals in ``apps.py``) and after ``migrate``; tests clear them around each test.
"""

_cache = {}


def _load():
    from .models import Departement, Region

    if not _cache:
        _cache["regions"] = tuple((pk, name) for pk, name in Region.objects.order_by("code").values_list("pk", "name"))
        _cache["region_names"] = dict(_cache["regions"])
        rows = list(Departement.objects.order_by("code").values_list("pk", "code", "name", "region_id"))
        _cache["departements"] = tuple((pk, f"{code} – {name}", region_id) for pk, code, name, region_id in rows)
        _cache["departement_names"] = {pk: f"{name} ({code})" for pk, code, name, _region in rows}
    return _cache


def region_choices():
    """[(pk, name)] in the official order (as ``str(region)``)."""
    return list(_load()["regions"])


def departement_choices(region_id=None, ids=None):
    """[(pk, "code – name")] in code order, optionally within one région or among the given pks."""
    rows = _load()["departements"]
    if region_id is not None:
        rows = [row for row in rows if row[2] == region_id]
    if ids is not None:
        ids = set(ids)
        rows = [row for row in rows if row[0] in ids]
    return [(pk, label) for pk, label, _region in rows]


def region_names() -> dict:
    """{pk: name}: a row's région named without joining its table (the list rows, issue 14); not to be changed."""
    return _load()["region_names"]


def departement_names() -> dict:
    """{pk: "name (code)"}, as the structure list writes a département under its commune (not to be changed)."""
    return _load()["departement_names"]


def clear(*args, **kwargs):
    _cache.clear()
