"""Post what the page renders: read a page's forms from the HTML, as a browser would send them.

The one form reader of the tests:

    data = rendered_form(page.content.decode())                      # the page's first form
    data = rendered_form(html, "fit-form")                           # by id (or by a marker attribute)
    data = rendered_form(html, action=url)                           # by its action URL
    data = form_holding(response, "token")                           # the POST form holding a field
    form = find_form(html, action=url, method="post"); form.items(tick_all=True)   # every checkbox ticked
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

NOT_SENT = ("submit", "button", "image", "reset", "file")


@dataclass
class Control:
    name: str
    value: str
    kind: str = "text"  # the input type, or "select", "textarea"
    checked: bool = True  # a checkbox or radio box is sent only when checked


@dataclass
class Form:
    attrs: dict
    controls: list[Control] = field(default_factory=list)

    @property
    def method(self) -> str:
        return (self.attrs.get("method") or "get").lower()

    @property
    def action(self) -> str | None:
        return self.attrs.get("action")

    def items(self, *, tick_all: bool = False) -> list[tuple[str, str]]:
        """The (name, value) pairs a browser posts; ``tick_all`` ticks every checkbox first."""
        return [
            (control.name, control.value)
            for control in self.controls
            if control.checked or (tick_all and control.kind == "checkbox")
        ]

    def data(self) -> dict:
        """Name → value; a name sent several times keeps the list of its values."""
        data: dict = {}
        for name, value in self.items():
            data.setdefault(name, []).append(value)
        return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


class _FormsReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select = None  # [name, options: list of (value, selected)]
        self._option = None  # [value or None, text, selected]
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in NOT_SENT:
                return
            if kind in ("checkbox", "radio"):
                self._form.controls.append(Control(name, attrs.get("value", "on"), kind, "checked" in attrs))
            else:
                self._form.controls.append(Control(name, attrs.get("value") or "", kind))
        elif tag == "select" and name and "disabled" not in attrs:
            self._select = [name, []]
        elif tag == "option" and self._select:
            self._close_option()
            self._option = [attrs.get("value"), "", "selected" in attrs]
        elif tag == "textarea" and name and "disabled" not in attrs:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option[1] += data

    def _close_option(self):
        if self._option is not None:
            value, text, selected = self._option
            self._select[1].append((text.strip() if value is None else value, selected))
            self._option = None

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._select:
            self._close_option()
        elif tag == "select" and self._select:
            self._close_option()
            name, options = self._select
            chosen = [value for value, selected in options if selected] or [value for value, _ in options[:1]]
            self._form.controls.extend(Control(name, value, "select") for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # the newline right after <textarea> is not part of the value
            self._form.controls.append(Control(name, text.removeprefix("\n"), "textarea"))
            self._textarea = None


def page_forms(html) -> list[Form]:
    """Every form of ``html`` (a string or a response)."""
    reader = _FormsReader()
    reader.feed(html if isinstance(html, str) else html.content.decode())
    return reader.forms


def find_form(html, marker: str | None = None, *, action=None, method=None, having=None, index=None) -> Form:
    """The first form with attribute or id ``marker``, ``action`` URL, ``method``, holding field ``having``
    (or the ``index``-th of those)."""
    forms = page_forms(html)
    if marker is not None:
        forms = [form for form in forms if marker in form.attrs or form.attrs.get("id") == marker]
    if action is not None:
        forms = [form for form in forms if form.action == action]
    if method is not None:
        forms = [form for form in forms if form.method == method]
    if having is not None:
        forms = [form for form in forms if any(control.name == having for control in form.controls)]
    assert forms, f"no form {marker or action or having or ''} in the page"
    return forms[index or 0]


def rendered_form(html, marker: str | None = None, *, action: str | None = None) -> dict:
    """The first form of ``html`` (or the one with attribute or id ``marker``, or with ``action``) as a dict of
    what it would post. Repeated names keep their last value (use ``rendered_form_items`` for multi-valued
    fields)."""
    return dict(rendered_form_items(html, marker, action=action))


def rendered_form_items(html, marker: str | None = None, *, action: str | None = None) -> list[tuple[str, str]]:
    return find_form(html, marker, action=action).items()


def form_holding(response, having: str | None = None, *, index: int | None = None) -> dict:
    """The data of the page's POST form holding the field ``having`` (or number ``index``), as a browser posts it.

    Multi-valued fields (checkboxes, multiple selects) keep a list of their values."""
    return find_form(response, method="post", having=having, index=index).data()
