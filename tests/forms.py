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


class _FormsParser(HTMLParser):
    """Every form of a page, for ``form_holding``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._select_first = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"), "data": {}}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        data = self._form["data"]
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    data.setdefault(name, []).append(attrs.get("value", "on"))
                return
            data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            data.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                data[self._select].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            data.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            values = self._form["data"][self._select]
            if not values and self._select_first is not None:
                values.append(self._select_first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text):
        if self._textarea and self._form is not None:
            values = self._form["data"][self._textarea]
            if not values[-1] and text.startswith("\n"):
                text = text[1:]  # the newline right after <textarea> is not part of the value
            values[-1] += text


def _all_forms(response) -> list[dict]:
    parser = _FormsParser()
    parser.feed(response.content.decode())
    return parser.forms


def form_holding(response, having: str | None = None, *, index: int | None = None) -> dict:
    """The data of the page's POST form holding the field ``having`` (or number ``index``), as a browser posts it.

    Multi-valued fields (checkboxes, multiple selects) keep a list of their values."""
    forms = [form for form in _all_forms(response) if form["method"] == "post"]
    if having is not None:
        forms = [form for form in forms if having in form["data"]]
    form = forms[index or 0]
    return {name: values[0] if len(values) == 1 else values for name, values in form["data"].items()}
