"""The demo's QPV sample: a clearly labelled, invented extract in the 2024 list's format, one quartier per
demo structure's commune (``data/qpv_demo_sample.csv``).  Production loads the official list with
``manage.py import_qpv`` instead."""

from pathlib import Path

from secpa_portal.reference.management.commands.import_qpv import Command as ImportQPV

QPV_SAMPLE = Path(__file__).resolve().parent / "data" / "qpv_demo_sample.csv"


def seed(users=None) -> None:
    """Load (or refresh) the sample; idempotent."""
    command = ImportQPV()
    command.save(command.read_rows(QPV_SAMPLE))
