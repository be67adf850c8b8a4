"""``can_*`` predicates: conventions and amendments in convention.py, annual reports in report.py."""
