"""Demo closure (``manage.py seed_demo``, after dotations.demo_payments; issue 9): a structure closes on 30 June
2026. Its convention is terminated with that day as its last day in force: the settlement brings its approved 2026
dotation down to the 181 days covered, cancels the balance, and issues a recovery order (*ordre de reversement*) for
the advance paid beyond it, which the second CNAM agent notifies to the structure. Idempotent: done once."""

import datetime

from conventions.enums import ConventionStatus
from conventions.models import Convention
from conventions.services.conventions import convention_terminate

from .enums import DotationStatus, PaymentKind, PaymentStatus
from .models import Dotation, RecoveryOrder
from .services.recoveries import recovery_notify

CNAM = "cnam@secpa.example"
CNAM_VALIDATION = "cnam.validation@secpa.example"
LAST_DAY = datetime.date(2026, 6, 30)
REASON = (
    "Fermeture du centre au 30 juin 2026, décidée par son association gestionnaire (départ des deux médecins "
    "généralistes non remplacés)."
)


def _candidate():
    """An approved 2026 dotation of a convention in force all year on the usual terms, its advance paid."""
    paid = Dotation.objects.filter(
        campaign__year=LAST_DAY.year,
        status=DotationStatus.APPROVED,
        convention__status=ConventionStatus.ACTIVE,
        convention__start_date__lte=datetime.date(LAST_DAY.year, 1, 1),
        payments__kind=PaymentKind.ADVANCE,
        payments__status=PaymentStatus.PAID,
    )
    return paid.select_related("convention").order_by("-structure__name", "-pk").first()


def seed(users):
    if Convention.objects.filter(status=ConventionStatus.TERMINATED).exists():
        return
    dotation = _candidate()
    if dotation is None:
        return
    convention_terminate(convention=dotation.convention, user=users[CNAM], reason=REASON, terminated_on=LAST_DAY)
    for order in RecoveryOrder.objects.filter(dotation=dotation, notified_at__isnull=True):
        recovery_notify(order=order, user=users[CNAM_VALIDATION])
