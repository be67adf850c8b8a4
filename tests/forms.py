"""Post what the page renders: read a form's fields and values from the HTML, as a browser would send them."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, marker: str | None):
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.depth = 0  # inside the chosen form when > 0
        self.done = False
        self.data: list[tuple[str, str]] = []
        self._select = None
        self._select_value = None
        self._select_first = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and self.depth == 0:
            if self.marker is None or self.marker in attrs or attrs.get("id") == self.marker:
                self.depth = 1
            return
        if not self.depth:
            return
        if tag == "input" and attrs.get("name") and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.data.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self._select, self._select_value, self._select_first = attrs["name"], None, None
        elif tag == "option" and self._select:
            self._option = attrs.get("value")
            if self._select_first is None:
                self._select_first = self._option
            if "selected" in attrs:
                self._select_value = self._option
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._select and self._option is None:
            pass

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth, self.done = 0, True
        elif tag == "select" and self._select:
            value = self._select_value if self._select_value is not None else self._select_first
            self.data.append((self._select, value or ""))
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def rendered_form(html: str, marker: str | None = None) -> dict:
    """The first form of ``html`` (or the one with attribute or id ``marker``) as a dict of what it would post.

    Repeated names keep their last value (use ``rendered_form_items`` for multi-valued fields).
    """
    return dict(rendered_form_items(html, marker))


def rendered_form_items(html: str, marker: str | None = None) -> list[tuple[str, str]]:
    reader = _FormReader(marker)
    reader.feed(html)
    assert reader.done, f"no form {marker or ''} in the page"
    return reader.data
