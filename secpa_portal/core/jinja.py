"""The Jinja2 environment of the long lists' rows (docs/decisions.md « Rows of the long lists in Jinja2 », issue 14).

Pages are Django templates. The rows of the long lists (50 payments; 25 structures, conventions, reports or
dotations per page) are Jinja2 templates under ``templates/jinja2/``, included by the ``{% rows %}`` tag of
``core/templatetags/lists.py``: the Django engine resolved about 25 variables per row, a third of the payment list's
time, where Jinja2 compiles the row to Python. The filters are the Django templates' own functions
(``core.formats``, ``core.lists``), so a row reads the same in both engines; values are escaped as Django escapes
them (``escape`` below), so Django's safe strings stay safe and an apostrophe reads « &#x27; » as before.
"""

import html

from jinja2 import Environment, StrictUndefined

from . import formats, lists


def environment(**options) -> Environment:
    options["undefined"] = StrictUndefined  # a misspelt name fails the test that renders it, never a blank cell
    # Every value written is escaped once, by ``escape`` (Jinja2's autoescaping would escape its result again, a
    # fifth of the rows' time): a safe string (``__html__``) is kept, anything else is escaped as Django does.
    options["finalize"] = escape
    options["autoescape"] = False
    env = Environment(**options)
    env.filters.update(
        {
            "euros": formats.euros,
            "euros_round": formats.euros_round,
            "number": formats.number,
            "fraction_percent": formats.fraction_percent,
            "date_fr": formats.date_fr,
            "datetime_fr": formats.datetime_fr,
            "label": lists.label,
            "fill": lists.fill,
        }
    )
    return env


def escape(value) -> str:
    """What Django's ``conditional_escape`` writes (``html.escape``: « &#x27; », not markupsafe's « &#39; »), without
    its lazy-string wrapper, which was half the rows' time. A plain string: with autoescaping off, Jinja2 joins
    what this returns as it is."""
    kind = type(value)
    if kind is str:
        return html.escape(value)
    if kind is int:
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
