"""factory_boy factories for every object of the portal; the workflow states go through the real services.

    from tests.factories import ConventionFactory, StructureFactory

    structure = StructureFactory(manager=manager, eligible=True, reviewer=ars_idf)
    convention = ConventionFactory(structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, active=True)

See each module's docstring, and docs/contributing.md « Écrire un test ».
"""

from .conventions import (
    DEFAULT_INDICATORS,
    LAW_INDICATORS,
    START,
    ConventionFactory,
    FundedConventionFactory,
    IndicatorFactory,
    default_line,
    ensure_catalogue,
    terms,
)
from .dotations import BANDS, COMPONENTS, EXPECTED_TOTAL, CampaignFactory, DotationFactory, approve_dotation
from .reports import ACTIVITY, AFTER_2026, FTE, TODAY, ReportFactory, ValidatedReportFactory, complete_figures, fill
from .structures import (
    FIGURES,
    FUNDED_TEAM,
    PDF_BYTES,
    TEAM_LINES,
    FundedStructureFactory,
    MembershipFactory,
    StructureFactory,
    fill_structure,
    identity_fields,
    mission_lines,
    pdf_upload,
)
from .users import UserFactory

__all__ = [
    "ACTIVITY",
    "AFTER_2026",
    "BANDS",
    "COMPONENTS",
    "DEFAULT_INDICATORS",
    "LAW_INDICATORS",
    "EXPECTED_TOTAL",
    "FIGURES",
    "FTE",
    "FUNDED_TEAM",
    "PDF_BYTES",
    "START",
    "TEAM_LINES",
    "TODAY",
    "CampaignFactory",
    "ConventionFactory",
    "DotationFactory",
    "FundedConventionFactory",
    "FundedStructureFactory",
    "IndicatorFactory",
    "MembershipFactory",
    "ReportFactory",
    "StructureFactory",
    "UserFactory",
    "ValidatedReportFactory",
    "approve_dotation",
    "complete_figures",
    "default_line",
    "ensure_catalogue",
    "fill",
    "fill_structure",
    "identity_fields",
    "mission_lines",
    "pdf_upload",
    "terms",
]
