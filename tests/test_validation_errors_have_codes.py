"""Every ValidationError that app code raises with a message of its own carries a code.

The code is what tests, views (refusal_status) and callers match on; the message is for people
and changes with the translation. An AST walk over every app module: a ValidationError built from
a message (a string, a gettext call, an ERROR_ constant, or those formatted) needs `code=`; one
that wraps errors already made (a caught `error`, a dict of them) passes their codes on.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["sutohamu", "accounts", "councils", "cases", "meetings", "reminders", "reports"]
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "format_lazy"}


def app_modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def is_validation_error(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and (
        getattr(node.func, "id", None) == "ValidationError"
        or getattr(node.func, "attr", None) == "ValidationError"
    )


def is_message(node: ast.AST) -> bool:
    """A message made here rather than an error passed on."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return isinstance(node, ast.JoinedStr) or isinstance(node.value, str)
    if isinstance(node, ast.Call):
        return getattr(node.func, "id", getattr(node.func, "attr", None)) in GETTEXT
    if isinstance(node, ast.Name):
        return node.id.isupper()
    if isinstance(node, ast.BinOp):
        return is_message(node.left)
    return False


def uncoded(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not is_validation_error(node) or not node.args:
            continue
        if any(keyword.arg == "code" for keyword in node.keywords):
            continue
        message = node.args[0]
        parts = (
            message.values
            if isinstance(message, ast.Dict)
            else message.elts
            if isinstance(message, ast.List)
            else [message]
        )
        if any(is_message(part) for part in parts):
            lines.append(node.lineno)
    return lines


def test_every_validation_error_with_a_message_has_a_code():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in app_modules()
        if (lines := uncoded(path.read_text()))
    }
    assert not found, f"ValidationError without code=: {found}"


def test_the_walk_catches_a_message_without_a_code():
    source = (
        "raise ValidationError(_('No.'))\n"
        "raise ValidationError({'f': ERROR_NO})\n"
        "raise ValidationError(ERROR_X % {'a': 1})\n"
        "raise ValidationError(_('Yes.'), code='yes')\n"
        "raise ValidationError({'f': ValidationError(ERROR_NO, code='no')})\n"
        "raise ValidationError({'f': error})\n"
    )
    assert uncoded(source) == [1, 2, 3]
