"""The project's form renderer writes ``<select>`` in Python (issue 14): same markup as Django's template."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

from secpa_portal.core.form_renderer import Renderer


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Toutes"), ("a", "Île-de-France"), ("b", "<b>Bretagne & co</b>")])
    grouped = forms.ChoiceField(
        choices=[("Métropole", [("11", "Île-de-France"), ("53", "Bretagne")]), ("Outre-mer", [("01", "Guadeloupe")])]
    )
    several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")], required=False)
    yes_no = forms.NullBooleanField()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plain": "b", "grouped": "53", "several": ["x", "z"], "yes_no": "true"},
        {"plain": "nope", "grouped": '"><script>', "yes_no": "false"},
    ],
)
def test_selects_render_as_djangos_template_does(data):
    for name in ("plain", "grouped", "several", "yes_no"):
        ours = Choices(data or None, renderer=Renderer())[name]
        django = Choices(data or None, renderer=DjangoTemplates())[name]
        attrs = {"class": "fr-select", "aria-describedby": "id_help", "disabled": name == "several"}
        rendered = ours.as_widget(attrs=attrs)
        assert parse_html(rendered) == parse_html(django.as_widget(attrs=attrs)), rendered
        assert "<script>" not in rendered


def test_other_widgets_still_render_through_templates():
    form = forms.Form(renderer=Renderer())
    form.fields["text"] = forms.CharField()
    assert '<input type="text" name="text"' in str(form["text"])
