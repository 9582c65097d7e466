"""The error tree: every exception Marsad defines lives in ``marsad.errors`` and is drawn there."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import marsad
from marsad import errors

PACKAGE = Path(marsad.__file__).parent


def _error_classes() -> dict[str, type[errors.MarsadError]]:
    return {
        name: cls
        for name, cls in vars(errors).items()
        if inspect.isclass(cls)
        and issubclass(cls, BaseException)
        and cls.__module__ == errors.__name__
    }


def test_no_exception_class_is_defined_outside_errors_py() -> None:
    known = set(_error_classes()) | {"Exception", "BaseException", "ValueError", "RuntimeError"}
    elsewhere = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                }
                if bases & known or any(b.endswith(("Error", "Exception")) for b in bases):
                    elsewhere.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert elsewhere == []


def test_the_docstring_draws_every_class_and_all_exports_them() -> None:
    classes = _error_classes()
    drawn = set(re.findall(r"[├└]── (\w+)", errors.__doc__ or ""))
    drawn.add("MarsadError")
    assert drawn == set(classes)
    assert sorted(errors.__all__) == sorted(classes)
    assert all(issubclass(cls, errors.MarsadError) for cls in classes.values())


def test_every_error_class_is_used_somewhere() -> None:
    """Dead error classes go: each one is raised or caught outside errors.py."""
    sources = "\n".join(
        p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py") if p != PACKAGE / "errors.py"
    )
    unused = [name for name in _error_classes() if name not in sources]
    assert unused == []


def test_storage_unavailable_is_a_503_storage_error_in_both_languages() -> None:
    exc = errors.StorageUnavailable()
    assert isinstance(exc, errors.StorageError)
    assert exc.status == 503 and exc.retry_after > 0
    assert exc.message.startswith("the database is unavailable")
    assert "قاعدة البيانات" in exc.message_ar
