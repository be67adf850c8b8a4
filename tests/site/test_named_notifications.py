"""Which e-mail goes with which event is written down: each template of templates/emails/ is named, as a literal,
by its own function in an app's notifications module, and no template name is built by string formatting."""

import ast
import inspect
from pathlib import Path

import pytest

from conventions import notifications as convention_notifications
from conventions import report_notifications
from dotations import consultation_notifications, payment_notifications, recovery_notifications
from dotations import notifications as dotation_notifications
from secpa_portal.messaging import notifications as message_notifications
from structures import notifications as structure_notifications

MODULES = [
    structure_notifications,
    convention_notifications,
    report_notifications,
    dotation_notifications,
    payment_notifications,
    recovery_notifications,
    consultation_notifications,
    message_notifications,
]
TEMPLATES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "templates" / "emails").glob("*.txt"))


def _functions_naming(template):
    """The module-level functions whose body holds ``template`` as a string literal."""
    found = []
    for module in MODULES:
        for node in ast.parse(inspect.getsource(module)).body:
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(leaf, ast.Constant) and leaf.value == template for leaf in ast.walk(node)
            ):
                found.append(f"{module.__name__}.{node.name}")
    return found


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_email_has_its_own_function(template):
    assert len(_functions_naming(template)) == 1, template


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_no_template_name_is_built(module):
    tree = ast.parse(inspect.getsource(module))
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)]
    assert not [
        node for node in ast.walk(tree) if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add))
    ]
