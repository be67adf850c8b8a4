"""Template helpers of the list mechanism (``secpa_portal.core.lists``)."""

from django import template
from django.template import engines
from django.template.defaulttags import querystring
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe

from secpa_portal.core import lists

register = template.Library()


@register.simple_tag(takes_context=True)
def list_url(context, url):
    """A crumb's URL, with its list's querystring when it leads back to a list the user filtered."""
    return lists.back_url(context.get("request"), url)


register.filter("fill", lists.fill)
register.filter("label", lists.label)


@register.simple_tag
def filter_fields(filters):
    """The filter form's fields (``includes/lists/filter_fields.html``), rendered once per distinct form state
    per process (``lists.render_filter_fields``)."""
    return lists.render_filter_fields(filters["form"], filters["sort_param"])


@register.simple_tag(takes_context=True)
def rows(context, template_name):
    """The Jinja2 template ``template_name`` (``templates/jinja2/``) rendered with this template's context: the
    rows of a long list (``core/jinja.py``)."""
    return mark_safe(engines["rows"].env.get_template(template_name).render(context.flatten()))


# The sort headers and the pagination are written here rather than included: as templates (an include and a dozen
# ``{% querystring %}`` per page) they were a tenth of a list page (issue 14). Their markup is what the includes
# wrote, byte for byte.

SORT_HINTS = {
    "ascending": (
        " (trié par ordre croissant ; cliquer pour l'ordre décroissant)",
        ' <span aria-hidden="true">▲</span>',
    ),
    "descending": (
        " (trié par ordre décroissant ; cliquer pour l'ordre croissant)",
        ' <span aria-hidden="true">▼</span>',
    ),
    "": (" (trier par cette colonne)", ""),
}


@register.simple_tag(takes_context=True)
def sort_header(context, column, amount=False):
    """A sortable column's header (``Listing.columns``): a link that sorts by it, its state said to screen readers
    (``aria-sort``) and shown by an arrow."""
    state = column["state"]
    hint, arrow = SORT_HINTS[state]
    href = querystring(context, context["request"].GET, column["query"])
    return mark_safe(
        '<th scope="col"'
        + (f' aria-sort="{escape(state)}"' if state else "")
        + (' class="secpa-amount"' if amount else "")
        + f'><a class="fr-link" href="{escape(href)}">{escape(column["label"])}<span class="fr-sr-only">{hint}</span>'
        + f"</a>{arrow}</th>\n"
    )


@register.simple_tag(takes_context=True)
def pagination(context):
    """The DSFR pagination of ``page_obj`` (first, previous, the elided ``page_range``, next, last), when there is
    more than one page."""
    page = context["page_obj"]
    last = page.paginator.num_pages
    if last <= 1:
        return "\n"
    ellipsis = context.get("ellipsis")

    def edge(css, label, number):
        css = f"fr-pagination__link fr-pagination__link--{css}"
        if number is None:
            return f'    <li><a class="{css}" aria-disabled="true" role="link">{label}</a></li>\n'
        return f'    <li><a class="{css}" href="{escape(querystring(context, page=number))}">{label}</a></li>\n'

    numbers = []
    for number in context.get("page_range") or ():
        if number == ellipsis:
            item = f'<li><span class="fr-pagination__link fr-displayed-lg">{escape(ellipsis)}</span></li>\n      '
        else:
            shown = escape(localize(number))
            if number == page.number:
                current = f'aria-current="page" title="Page {shown}"'
                item = f'<li><a class="fr-pagination__link" {current}>{shown}</a></li>\n      '
            else:
                href = escape(querystring(context, page=number))
                item = f'<li><a class="fr-pagination__link" href="{href}" title="Page {shown}">{shown}</a></li>'
        numbers.append(f"\n      {item}\n    ")
    return mark_safe(
        '\n<nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">\n'
        '  <ul class="fr-pagination__list">\n'
        + edge("first", "Première page", 1 if page.number > 1 else None)
        + edge(
            "prev fr-pagination__link--lg-label",
            "Page précédente",
            page.previous_page_number() if page.has_previous() else None,
        )
        + "    "
        + "".join(numbers)
        + "\n"
        + edge(
            "next fr-pagination__link--lg-label", "Page suivante", page.next_page_number() if page.has_next() else None
        )
        + edge("last", "Dernière page", last if page.number < last else None)
        + "  </ul>\n</nav>\n\n"
    )
