"""Every status column has a lifecycle table, and only `portal.lifecycle` writes a status.

The scan reads the source (AST), so a status written any other way, by any code in the product (the
demo seed included), fails here with its file and line.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

from portal import lifecycle
from portal.extensions import db

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("portal", "notices", "evidence", "arbitration")
SCANNED = (*PACKAGES, "scripts", "benchmarks", "wsgi.py")
ALLOWED = {Path("portal/lifecycle.py")}
# Value objects that are not lifecycle rows but carry a field named `status` (an adapter's answer).
VALUE_OBJECTS = {
    Path("portal/adapters/esign/docusign.py"): "SigningResult, a provider's answer, not a row",
    Path("portal/adapters/razorpay_links.py"): "the HTTP status of the last response seen",
}
# Lifecycles still being moved onto a table (issue 15); each line goes when its package is done.
PENDING: set[str] = set()


def _import_everything() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(info.name)


def status_columns() -> list[tuple[type, str, type]]:
    """(mapped class, attribute key, enum) of every enum column named status."""
    out = []
    for mapper in db.Model.registry.mappers:
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            enum_class = getattr(column.type, "enum_class", None)
            if enum_class is not None and column.name == "status":
                out.append((mapper.class_, prop.key, enum_class))
    return out


def _pending(path: Path) -> bool:
    return any(str(path).startswith(p) for p in PENDING)


def test_every_status_column_has_a_machine(app):
    _import_everything()
    by_enum = {m.statuses: m for m in lifecycle.MACHINES.values()}
    missing = []
    for cls, key, enum_class in status_columns():
        machine = by_enum.get(enum_class)
        source = Path(importlib.import_module(cls.__module__).__file__).relative_to(ROOT)
        if machine is None:
            if not _pending(source):
                missing.append(f"{cls.__name__}.{key} ({enum_class.__name__})")
        else:
            assert machine.attr == key, (cls, machine.name)
    assert missing == []


def _forbidden() -> tuple[set[str], set[str], set[str]]:
    """(status attribute names, class names, table names) of every lifecycle row."""
    columns = status_columns()
    return ({key for _, key, _ in columns} | {"status"}, {cls.__name__ for cls, _, _ in columns},
            {cls.__tablename__ for cls, _, _ in columns})


class _Scan(ast.NodeVisitor):
    def __init__(self, attrs: set[str], classes: set[str], tables: set[str]) -> None:
        self.attrs, self.classes, self.tables = attrs, classes, tables
        self.found: list[tuple[int, str]] = []
        self._class: list[str] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._class.append(node.name)
        self.generic_visit(node)
        self._class.pop()

    def _target(self, node: ast.AST, lineno: int) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute) and sub.attr in self.attrs:
                on_self = isinstance(sub.value, ast.Name) and sub.value.id == "self"
                if on_self and self._class and self._class[-1] not in self.classes:
                    continue  # an exception's or a value object's own field, not a row's status
                self.found.append((lineno, f"assigns .{sub.attr}"))

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, node.lineno)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, node.lineno)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target, node.lineno)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        keywords = {k.arg for k in node.keywords}
        if name in self.classes and keywords & self.attrs:
            self.found.append((node.lineno, f"passes a status to {name}()"))
        if name == "setattr" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) \
                and node.args[1].value in self.attrs:
            self.found.append((node.lineno, "setattr of a status"))
        if name == "values" and keywords & self.attrs and any(
                isinstance(n, ast.Call) and getattr(n.func, "id", "") == "update" for n in ast.walk(func)):
            self.found.append((node.lineno, "update(...).values(status=...)"))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            words = " ".join(node.value.lower().split())
            if any(f"update {table} set" in words for table in self.tables) and "status" in words:
                self.found.append((node.lineno, "raw SQL UPDATE of a status"))


def status_writes(tree: ast.AST, attrs: set[str], classes: set[str], tables: set[str]) -> list[tuple[int, str]]:
    scan = _Scan(attrs, classes, tables)
    scan.visit(tree)
    return scan.found


def python_files():
    for entry in SCANNED:
        path = ROOT / entry
        yield from ([path] if path.suffix == ".py" else sorted(path.rglob("*.py")))


def test_only_lifecycle_fire_writes_a_status(app):
    attrs, classes, tables = _forbidden()
    offenders = []
    for path in python_files():
        rel = path.relative_to(ROOT)
        if rel in ALLOWED or rel in VALUE_OBJECTS or _pending(rel):
            continue
        tree = ast.parse(path.read_text(), filename=str(rel))
        offenders += [f"{rel}:{line}: {what}" for line, what in status_writes(tree, attrs, classes, tables)]
    assert offenders == []


def test_the_scan_finds_status_writes(app):
    """The scan is not vacuous: each way of writing a status is caught, and fields are not."""
    attrs, classes, tables = _forbidden()
    assert {"Case", "Notice", "Dispatch", "Offer"} <= classes
    sample = ast.parse(
        "case._status = CaseStatus.PAID\n"
        "Case(reference='x', _status=CaseStatus.FILED)\n"
        "setattr(case, '_status', 'paid')\n"
        "db.session.execute(update(Case).where(Case.id == 1).values(_status='paid'))\n"
        "db.session.execute(text('UPDATE  cases SET status = :s'))\n"
        "notice.status, notice.signed_at = NoticeStatus.SIGNED, now\n"
        "Offer(case_id=1, status=OfferStatus.LIVE)\n"
        "class Refused(Exception):\n"
        "    def __init__(self, status):\n"
        "        self.status = status\n")
    assert sorted({line for line, _ in status_writes(sample, attrs, classes, tables)}) == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("name", ["case"])
def test_policy_windows_come_from_the_tables(name):
    machine = lifecycle.MACHINES[name]
    for t in machine.transitions:
        assert machine.sources(t.action) == t.sources
