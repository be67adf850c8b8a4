"""Take a form from a rendered page and post what it holds, as a browser would (brief: form tests post what the
page renders). Standard library only.

    data = form_data(response.content.decode(), form_id="fit-form")
    client.post(url, data)
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id, action=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.action = action
        self.inside = False
        self.found = False
        self.data: dict[str, str] = {}
        self._select = None
        self._textarea = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if self.found:
                return
            if self.action is not None:
                wanted = attrs.get("action") == self.action
            else:
                wanted = self.form_id is None or attrs.get("id") == self.form_id
            if wanted:
                self.inside = self.found = True
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea] = self._text.removeprefix("\n")
            self._textarea = None


def form_data(html: str, form_id: str | None = None, *, action: str | None = None) -> dict[str, str]:
    """The name → value pairs the form (by id, or by its action URL, else the page's first form) would submit."""
    parser = _FormParser(form_id, action)
    parser.feed(html)
    if not parser.found:
        raise AssertionError(f"No form {form_id or action or ''} on the page")
    return parser.data
