"""Check markup by its structure: find elements by tag, attributes and text, whatever the attribute order, the
quoting, the entities or the white space.

    assert elements(html, "a", href="/structures/?mine=on")
    (link,) = elements(html, "a", text="Enregistrer une structure")
    assert link.attrs["href"] == reverse("structures:create")
    assert not elements(html, name="region")                        # any tag
    assert elements(html, "th", aria_sort="descending")              # aria_sort → aria-sort
    assert elements(html, "nav", class_="fr-pagination")             # a class among the element's classes

For a whole fragment (its children and text too), use ``assertContains(response, fragment, html=True)`` or
``assertInHTML(fragment, html)``.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The element's text, white space collapsed."""
        return " ".join("".join(self.parts).split())

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: "" if value is None else value for name, value in attrs})
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {name: "" if value is None else value for name, value in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for element in self.open:
            element.parts.append(data)


def parse(html) -> list[Element]:
    """Every element of ``html`` (a string or a response), in document order."""
    reader = _Reader()
    reader.feed(html if isinstance(html, str) else html.content.decode())
    reader.close()
    return reader.elements


def elements(
    html, tag: str | None = None, *, text: str | None = None, text_starts: str | None = None, **attrs
) -> list[Element]:
    """The elements with ``tag`` (any if None), every attribute of ``attrs`` (``aria_sort`` for aria-sort;
    ``class_`` for one or more classes among the element's), and, if given, exactly this ``text`` or a text
    starting with ``text_starts`` (a link followed by words for screen readers)."""
    wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
    found = []
    for element in parse(html):
        if tag is not None and element.tag != tag:
            continue
        if text is not None and element.text != text:
            continue
        if text_starts is not None and not element.text.startswith(text_starts):
            continue
        ok = True
        for name, value in wanted.items():
            if name == "class":
                ok = set(value.split()) <= element.classes
            elif value is True:
                ok = name in element.attrs
            else:
                ok = element.attrs.get(name) == str(value)
            if not ok:
                break
        if ok:
            found.append(element)
    return found
