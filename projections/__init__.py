"""Projection scenarios for the social-security budget (issue 13 §1): what funding a population of structures
would cost over one to five years, computed with the campaigns' own engine (``dotations.engine``)."""
