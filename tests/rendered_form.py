"""The values a browser would submit from a rendered form, so that form tests post what the page renders."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.forms: list[dict[str, list[str]]] = []
        self.values: dict[str, list[str]] = {}
        self._select = None
        self._option = None
        self._textarea = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.inside, self.values = True, {}
            self.forms.append(self.values)
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select" and name:
            self._select, self._option = name, None
        elif tag == "option" and self._select:
            if "selected" in attrs or self._option is None:
                self._option = (attrs.get("value", ""), "selected" in attrs)
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            if self._option is not None:
                self._add(self._select, self._option[0])
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def form_values(html: str, containing: str) -> dict[str, list[str]]:
    """The values of the first POST form that has a field named ``containing`` (not the header's log-out form)."""
    parser = _FormParser()
    parser.feed(html)
    forms = [values for values in parser.forms if containing in values]
    assert forms, f"no POST form with a field {containing!r} rendered"
    return forms[0]
