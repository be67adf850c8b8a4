"""Every write of the conventions app: conventions and amendments (convention.py), indicators
(catalogue.py), annual reports and reminders (report.py)."""
