"""Numbers Python's Decimal reads but no form may accept: every fuzz test of a numeric field draws from these."""

from hypothesis import strategies as st

SPECIAL_NUMBERS = ["sNaN", "-sNaN", "NaN", "-NaN", "snan", "Infinity", "-Infinity", "inf", "-Inf", "1e999", "-1e999"]
special_numbers = st.sampled_from(SPECIAL_NUMBERS)
