"""One list mechanism for every list page (issue 8 §5, issue 12 §11, issue 14 §1).

A list page declares a :class:`Listing`: its sort keys (a whitelist: any other ``?o=`` value is ignored), its
default sort, its page size and its query parameter names. The view filters with a django-filter
``FilterSet`` and calls :meth:`Listing.context`, which returns everything the shared includes need:

- ``page_obj`` and ``page_range`` for ``{% pagination %}`` (``core/templatetags/lists.py``);
- ``columns`` (label, ``aria-sort`` state and next value of each sortable column) for
  ``{% sort_header columns.<key> %}``;
- ``filters`` (the form, the reset link, the active-filter tags, each with a link that removes it) for
  ``includes/lists/filters.html``: one filter layout, one « Réinitialiser les filtres » everywhere.

Sorting always ends with the primary key, so that rows with equal keys never swap between two pages.

The list's querystring is kept for the breadcrumbs: :func:`remember` stores it in a cookie (no session write,
so no query), and the breadcrumb's ``list_url`` filter appends it to any crumb that points at that list. The
detail page's breadcrumb thus returns to the filtered, sorted page the user came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote

from django.core.paginator import Paginator
from django.db.models import Count, F
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import aggregates
from .collation import french

COOKIE = "secpa_lists"
COOKIE_MAX = 3000  # characters: well under a browser's 4 KB per cookie
QUERY_MAX = 600


@dataclass(frozen=True)
class Sort:
    """A sortable column: its label, the fields it orders by (all reversed by a ``-`` in front of the key),
    fields that follow unreversed (``then``), the annotations it needs, and where empty values go."""

    label: str
    fields: tuple[str, ...]
    then: tuple[str, ...] = ()
    annotations: dict = field(default_factory=dict)
    nulls_last: bool = False
    # The first field takes few values and is never empty (the reports' year, the payments' due date): a page's ids
    # are then read one value at a time (``NarrowRows``), which spares sorting every row on keys of other tables; a
    # page across more than two values is read in one query.
    few_values: bool = False

    def order(self, queryset, descending: bool):
        if self.annotations:
            queryset = queryset.annotate(**self.annotations)
        first, *rest = self.fields
        nulls = {"nulls_last": True} if self.nulls_last else {}
        expression = _sortable(first).desc(**nulls) if descending else _sortable(first).asc(**nulls)
        rest = [_sortable(name).desc() if descending else _sortable(name).asc() for name in rest]
        then = [_sortable(name[1:]).desc() if name.startswith("-") else _sortable(name).asc() for name in self.then]
        return queryset.order_by(expression, *rest, *then, "pk")


def _sortable(name: str):
    """A name (``name``, ``structure__name``, ``original_name``…) in French alphabetical order
    (``core.collation``), anything else as stored."""
    return french(name) if name.split("__")[-1].endswith("name") else F(name)


@dataclass(frozen=True)
class Listing:
    """How one list page sorts and paginates; see the module's docstring."""

    sorts: dict[str, Sort]
    default: str
    sort_param: str = "o"
    page_size: int = 25
    # Parameters whose removal means « no value » rather than « the page's default » (e.g. the dotation
    # list shows the current campaign when ``campaign`` is absent): their tag sets them empty.
    empty_means_all: frozenset = frozenset()
    # The fields the rows show (``QuerySet.only``), when reading whole rows of wide related models (a structure has
    # some forty columns) was a noticeable part of the page: 50 payments 4.5 → 2.6 ms. Empty: every field.
    row_fields: tuple[str, ...] = ()
    # With a ``few_values`` sort, the rows per value of an unfiltered list are the reader's scope's: kept under this
    # name by ``core.aggregates`` as the list's totals are (an ARS agent's payments per due date: 0.9 ms).
    sizes_name: str = ""

    # --- sorting ---------------------------------------------------------------------------------------------

    def sort_value(self, params) -> str:
        """The ``?o=`` value if it is a whitelisted key (optionally with one ``-``), else an empty string."""
        value = params.get(self.sort_param, "") or ""
        key = value[1:] if value.startswith("-") else value
        return value if key in self.sorts else ""

    def current_sort(self, params) -> str:
        return self.sort_value(params) or self.default

    def order(self, queryset, params):
        value = self.current_sort(params)
        descending = value.startswith("-")
        return self.sorts[value.lstrip("-")].order(queryset, descending)

    def columns(self, params) -> dict:
        """Each sortable column: label, ``aria-sort`` state and the querystring update that sorts by it."""
        current = self.current_sort(params)
        columns = {}
        for key, sort in self.sorts.items():
            if current == key:
                state, following = "ascending", f"-{key}"
            elif current == f"-{key}":
                state, following = "descending", key
            else:
                state, following = "", key
            columns[key] = {
                "key": key,
                "label": sort.label,
                "state": state,
                "next": following,
                "query": {self.sort_param: following, "page": None},
            }
        return columns

    # --- pagination ------------------------------------------------------------------------------------------

    def paginate(self, queryset, params, *, count: int | None = None, keep_sizes=None):
        """The requested page (an odd or out-of-range number gives the nearest page, never an error).

        ``count``, when the view already knows it (from its totals), spares the paginator's ``COUNT``;
        ``keep_sizes(compute)`` returns the rows per value of a ``few_values`` sort, kept (see ``context``)."""
        value = self.current_sort(params)
        sort = self.sorts.get(value.lstrip("-"))  # a list may have no sortable column
        groups = (sort.fields[0], value.startswith("-")) if sort and sort.few_values else None
        rows = NarrowRows(queryset, groups=groups, fields=self.row_fields, keep_sizes=keep_sizes)
        paginator = Paginator(rows, self.page_size)
        if count is not None:
            paginator.count = count  # a cached_property: the paginator then never counts
        page = paginator.get_page(params.get("page"))
        page.page_range_elided = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        return page

    # --- filters ---------------------------------------------------------------------------------------------

    @staticmethod
    def unfiltered(filterset, params, *, but=()) -> bool:
        """No filter of ``filterset`` has a value in ``params`` (those named in ``but`` aside): the list shows
        everything its reader sees, so its totals are the reader's scope's, which ``core.aggregates`` keeps."""
        return not any(params.get(name) for name in filterset.filters if name not in but)

    def totals(self, name: str, user, filterset, params, compute):
        """``compute()`` (the list's count or totals): kept per scope under ``name`` by ``core.aggregates`` when no
        filter narrows the list, computed otherwise."""
        scope = aggregates.scope(user) if self.unfiltered(filterset, params) else None
        return aggregates.cached(name, scope, compute)

    def active_filters(self, filterset, params) -> list[dict]:
        """A tag per filter the user set (in the form, valid, not empty), each with the link that removes it."""
        form = filterset.form
        if not filterset.is_bound:
            return []
        form.is_valid()  # an invalid value is ignored by the filter: it gets no tag either
        tags = []
        for name, bound in form.fields.items():
            if name in (self.sort_param, "page") or name in form.errors or not params.get(name):
                continue
            value = form.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            label = str(bound.label)
            text = _display(bound, value)
            query = params.copy()
            query.pop("page", None)
            if name in self.empty_means_all:
                query[name] = ""
            else:
                query.pop(name, None)
            tags.append(
                {
                    "name": name,
                    "text": f"{label} : {text}" if text else label,
                    "remove": "?" + query.urlencode() if query else "?",
                }
            )
        return tags

    def context(self, request, filterset, queryset, *, count: int | None = None, reset_url: str = "") -> dict:
        """Everything the shared includes need: the page, its columns, the filter layout's parts."""
        params = request.GET
        keep_sizes = None
        if self.sizes_name and self.unfiltered(filterset, params):
            name, scope = f"{self.sizes_name}:{self.current_sort(params)}", aggregates.scope(request.user)
            keep_sizes = lambda compute: aggregates.cached(name, scope, compute)  # noqa: E731
        page = self.paginate(queryset, params, count=count, keep_sizes=keep_sizes)
        tags = self.active_filters(filterset, params)
        return {
            "page_obj": page,
            "page_range": page.page_range_elided,
            "ellipsis": Paginator.ELLIPSIS,
            "columns": self.columns(params),
            "filtered": bool(tags),
            "filters": {
                "form": filterset.form,
                "tags": tags,
                "reset_url": reset_url or request.path,
                "sort_param": self.sort_param,
                "sort": self.sort_value(params),
            },
        }


# --- The filter form's fields, rendered once per state ------------------------------------------------------------

FILTER_FIELDS_TEMPLATE = "includes/lists/filter_fields.html"


def render_filter_fields(form, sort_param: str) -> str:
    """The filter form's visible fields as HTML, from a per-process cache keyed by everything the HTML depends on.

    Rendering them (labels, hints, errors and the selects of 101 départements through crispy's templates) was a
    third of a national list page (issue 14), while nearly every request shows the same form: the same fields,
    choices and values. The key holds the form's class, the language, and for each field its name, label, hint,
    widget attributes, choices, value and errors; a form whose choices are a queryset (read at each render) is
    rendered without the cache.
    """
    if any(isinstance(getattr(f, "choices", None), ModelChoiceIterator) for f in form.fields.values()):
        return _render_filter_fields(form, sort_param)
    _read_choices_once(form)
    key = _filter_fields_key(form, sort_param)
    html = _FILTER_FIELDS.get(key)
    if html is None:
        if len(_FILTER_FIELDS) >= FILTER_FIELDS_MAX:
            _FILTER_FIELDS.clear()
        html = _FILTER_FIELDS[key] = _render_filter_fields(form, sort_param)
    return html


def forget_filter_fields() -> None:
    """Empty the cache (tests: a rollback changes choices without a new request)."""
    _FILTER_FIELDS.clear()


FILTER_FIELDS_MAX = 512
_FILTER_FIELDS: dict = {}


def _render_filter_fields(form, sort_param):
    return render_to_string(FILTER_FIELDS_TEMPLATE, {"form": form, "sort_param": sort_param})


def _read_choices_once(form) -> None:
    """Callable choices (the campaign years) are read at each iteration: read them once onto the widget, which
    renders them, so that the key and the rendering see the same choices and a hit and a miss cost the same
    queries."""
    for form_field in form.fields.values():
        choices = getattr(form_field, "choices", None)
        if choices is not None and not isinstance(choices, (list, tuple)):
            form_field.widget.choices = list(choices)


def _filter_fields_key(form, sort_param) -> tuple:
    errors = form.errors if form.is_bound else {}
    parts = [type(form).__module__, type(form).__qualname__, translation.get_language(), sort_param, form.prefix]
    for name, form_field in form.fields.items():
        value = form[name].value()
        parts.append(
            (
                name,
                str(form_field.label),
                str(form_field.help_text),
                form_field.required,
                type(form_field.widget).__name__,
                tuple(sorted((k, str(v)) for k, v in form_field.widget.attrs.items())),
                tuple((str(v), str(label)) for v, label in getattr(form_field.widget, "choices", ())),
                tuple(map(str, value)) if isinstance(value, (list, tuple)) else str(value),
                tuple(map(str, errors.get(name, ()))),
            )
        )
    return tuple(parts)


# --- Pages -----------------------------------------------------------------------------------------------------


# A page reads its rows' ids in the sort order first (a narrow sort, which the sort index or a small sort serves),
# then the wide rows of those ids only: sorting every wide row (with its joins) to keep 25 of them is what made
# the report and payment lists slow, and deep pages slower still (issue 14: 33 → 7 ms for the first page of
# 20,000 reports). One query more per page, the same on every list.
#
# When the sort's first field takes few values (``Sort.few_values``: the reports' year, the payments' due date),
# the rows are counted per value (one grouped query, which also gives the paginator its count) and the page's ids
# are read within the one or two values the page spans: PostgreSQL then sorts one year's reports by structure name
# instead of all of them (issue 14: 8 → 2 ms for the first page of 20,000 reports).
SPANNED = 2


class NarrowRows:
    """A queryset as the paginator sees it (count, slices), each page read narrowly (see above). ``groups``:
    ``(field, descending)`` of a first sort field with few values, or None; ``fields``: the rows' fields to read
    (``Listing.row_fields``)."""

    ordered = True

    def __init__(
        self, queryset, groups: tuple[str, bool] | None = None, fields: tuple[str, ...] = (), keep_sizes=None
    ):
        self.queryset = queryset
        self.groups = groups
        self.fields = fields
        self.keep_sizes = keep_sizes
        self._sizes = None

    def sizes(self) -> list[tuple]:
        """``[(value, rows)]`` of the first sort field, in the sort's order."""
        if self._sizes is None:
            self._sizes = self.keep_sizes(self._count_sizes) if self.keep_sizes else self._count_sizes()
        return self._sizes

    def _count_sizes(self) -> list[tuple]:
        name, descending = self.groups
        grouped = self.queryset.order_by().values_list(name).annotate(rows=Count("pk"))
        return list(grouped.order_by(F(name).desc() if descending else F(name).asc()))

    def count(self) -> int:
        if self.groups:
            return sum(rows for _value, rows in self.sizes())
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return list(self.queryset[window])
        ids = self._ids(window.start or 0, window.stop) if self.groups else self._ids_in(self.queryset, window)
        rows = {row.pk: row for row in self._rows(ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def _rows(self, ids):
        """The rows of ``ids``. When ``fields`` names what the rows show, by primary key alone, joined to the
        relations those fields cross: the ids already passed the reader's scope and the filters, and repeating
        them (an ARS agent's region is a subquery, a search a scan) doubled the query's planning. Otherwise (or
        when the queryset annotates or prefetches what a row may show), through the queryset itself."""
        queryset = self.queryset
        if not self.fields or queryset.query.annotations or queryset._prefetch_related_lookups:
            rows = queryset.order_by().filter(pk__in=ids)
            return rows.only(*self.fields) if self.fields else rows
        related = {name.rpartition("__")[0] for name in self.fields if "__" in name}
        rows = queryset.model._base_manager.using(queryset.db).filter(pk__in=ids)
        return rows.select_related(*related).only(*self.fields)

    @staticmethod
    def _ids_in(queryset, window) -> list:
        return list(queryset.values_list("pk", flat=True)[window])

    def _ids(self, start: int, stop: int) -> list:
        """The ids of rows ``start`` to ``stop`` (exclusive), read within each value of the first field they span
        (at most ``SPANNED``; a page across more values is read in one query, as without groups)."""
        name, spanned, first = self.groups[0], [], 0
        for value, rows in self.sizes():
            if first < stop and start < first + rows:
                spanned.append((value, slice(max(start - first, 0), min(stop - first, rows))))
            first += rows
        if len(spanned) > SPANNED:
            return self._ids_in(self.queryset, slice(start, stop))
        return [pk for value, window in spanned for pk in self._ids_in(self.queryset.filter(**{name: value}), window)]


def _display(bound_field, value) -> str:
    """The text of a filter's value as the form offers it: a choice's label, an object's name, « text »."""
    choices = getattr(bound_field, "choices", None)
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, bool):
        return ""
    if choices is not None and not hasattr(choices, "queryset"):
        labels = {str(key): label for key, label in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    return f"« {value} »"


# --- Labels and URLs resolved once ----------------------------------------------------------------------------


@cache
def _labels(choices_class, language: str) -> dict:
    return {value: str(label) for value, label in choices_class.choices}


def labels(choices_class) -> dict:
    """``{value: label}`` of a ``TextChoices``, translated once per language (not once per row as
    ``get_FOO_display`` does, which also hashes the whole choices list on every call)."""
    return _labels(choices_class, translation.get_language() or "")


def label(labels: dict, value):
    """The label of ``value`` in a ``labels`` dict built once per request: ``{{ labels.status|label:x.status }}``."""
    return labels.get(value, value)


SENTINEL = 987654321


def url_pattern(name: str, *args) -> str:
    """The URL of ``name`` for ``args`` then one integer argument, as a pattern whose ``{}`` the ``fill`` filter
    replaces: one ``reverse`` per page instead of one per row."""
    url = reverse(name, args=[*args, SENTINEL])
    return url.replace("{", "{{").replace("}", "}}").replace(str(SENTINEL), "{}")


def fill(pattern: str, value) -> str:
    """``url_pattern`` with its argument: ``{{ urls.detail|fill:row.pk }}``."""
    return pattern.format(value)


# --- The list's querystring kept for the breadcrumbs ------------------------------------------------------------


def _stored(request) -> dict:
    try:
        stored = json.loads(request.COOKIES.get(COOKIE, "") or "{}")
    except ValueError:
        return {}
    return stored if isinstance(stored, dict) else {}


def remember(request, response):
    """Keep the list's querystring (filters, sort, page) for the breadcrumbs that lead back to it."""
    stored = _stored(request)
    query = request.GET.urlencode()
    if len(query) > QUERY_MAX:
        query = ""
    if stored.get(request.path, "") == query:
        return response
    if query:
        stored[request.path] = query
    else:
        stored.pop(request.path, None)
    value = json.dumps(stored, separators=(",", ":"))
    while len(quote(value)) > COOKIE_MAX and stored:
        stored.pop(next(iter(stored)))
        value = json.dumps(stored, separators=(",", ":"))
    response.set_cookie(COOKIE, value, httponly=True, samesite="Lax", secure=request.is_secure())
    return response


def back_url(request, url: str) -> str:
    """``url`` with the querystring its list had when the user left it (when ``url`` is a list's plain path)."""
    if not url or "?" in url or request is None:
        return url
    query = _stored(request).get(url, "")
    if not query:
        return url
    # Only parameters, re-encoded: the cookie is the user's own, but never a way to inject markup or a URL.
    return f"{url}?{QueryDict(query).urlencode()}"
