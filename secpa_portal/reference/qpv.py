"""What the QPV codes of a structure say once checked against the reference list and the structure's commune.

One function, used by the location step and by the pre-check (hence by submission), so they cannot disagree.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q, Subquery

from .identifiers import QPV_2015, commune_departement_code, qpv_departement_code, qpv_generation


@dataclass
class QPVFindings:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def list_2015_warning(code: str) -> str:
    return (
        f"{code} est un code de la liste 2015 des quartiers prioritaires, remplacée par la liste 2024 en vigueur "
        "depuis le 1er janvier 2024 : indiquez le code du quartier dans la liste 2024 (QN…, ex. QN09301M)."
    )


def check_qpv_codes(codes: list[str], commune_code: str = "") -> QPVFindings:
    """Errors (a code of the 2024 format missing from the loaded list) and warnings (a 2015 code, a QPV
    outside the structure's département).  Codes are already well-formed (``parse_qpv_codes``).

    A QPV in another commune of the same département is accepted without a word: a *quartier vécu* often
    straddles a commune's limit.  In another département it is a warning, not an error: the ARS judges.
    """
    from .models import QPV

    findings = QPVFindings()
    if not codes:
        return findings
    # One query: the codes typed, plus any one quartier of the 2024 list, to know whether it is loaded.
    any_2024 = QPV.objects.filter(generation=QPV.Generation.G2024).order_by("code").values("code")[:1]
    rows = list(QPV.objects.filter(Q(code__in=codes) | Q(code__in=Subquery(any_2024))))
    loaded = {qpv.code: qpv for qpv in rows if qpv.code in codes}
    list_loaded = bool(rows)
    try:
        departement = commune_departement_code(commune_code) if commune_code else ""
    except ValidationError:
        departement = ""
    for code in codes:
        try:
            generation = qpv_generation(code)
        except ValidationError as error:
            findings.errors.append(f"« {code} » : {' '.join(error.messages)}")
            continue
        if generation == QPV_2015:
            findings.warnings.append(list_2015_warning(code))
            continue
        qpv = loaded.get(code)
        if qpv is None and list_loaded:
            findings.errors.append(f"{code} ne figure pas dans la liste 2024 des quartiers prioritaires (QPV).")
            continue
        qpv_departement = qpv_departement_code(code)
        if departement and qpv_departement != departement:
            where = f"{qpv.name} ({qpv_departement})" if qpv else f"le département {qpv_departement}"
            findings.warnings.append(
                f"{code} est un quartier prioritaire de {where}, hors du département de la structure "
                f"({departement}) : vérifiez le code ; l'ARS appréciera s'il s'agit d'un quartier voisin."
            )
    return findings
