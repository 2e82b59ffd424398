"""Imports point down the layers, never up: read every .py under app/ (imports inside functions included).

Layers, lowest first (docs/architecture.md):
  0  app.extensions, app.errors, app.formatting, app.sanitise
  1  app.models, app.permissions
  2  app.queries
  3  app.services, app.email
  4  app.forms, app.web, the blueprints (app/<audience>/)
  5  app (the factory), app.cli, app.demo
A module may import its own layer and the layers below. Narrower still: models import only app.extensions,
app.errors, app.formatting, app.models.* and app.permissions; app.permissions imports only app.models.*; services
and app.email never touch the request (flask.request, flash, session, redirect, url_for, abort, current_user).
"""
import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

LAYER = {
    "extensions": 0, "errors": 0, "formatting": 0, "sanitise": 0,
    "models": 1, "permissions": 1,
    "queries": 2, "csv_format": 2,
    "services": 3, "email": 3,
    "forms": 4, "web": 4,
    "app": 5, "cli": 5, "demo": 5,
}
LAYER_NAMES = {0: "the foundation", 1: "models", 2: "queries", 3: "services", 4: "web, forms and blueprints",
               5: "the factory, CLI and demo data"}
# Tighter than "its own layer and below".
ONLY = {
    "models": {"extensions", "errors", "formatting", "models", "permissions"},
    "permissions": {"models"},
}
# Names that belong to a request; a service or an email reading them would tie the rules to the web.
REQUEST_NAMES = {
    "flask": {"request", "flash", "session", "redirect", "url_for", "abort"},
    "flask_login": {"current_user"},
}
NO_REQUEST = {"services", "email"}


def blueprints(root: Path = APP) -> set[str]:
    """The audience packages: each app/<name>/__init__.py that creates a Blueprint."""
    return {p.parent.name for p in root.glob("*/__init__.py") if "Blueprint(" in p.read_text()}


def module_name(path: Path, root: Path = APP) -> str:
    """app/vcse/needs.py -> app.vcse.needs; app/models/__init__.py -> app.models."""
    parts = ("app",) + path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_app_module(name: str, root: Path = APP) -> bool:
    """Whether a dotted name under app is a module or package in the tree."""
    rel = Path(*name.split(".")[1:]) if "." in name else Path()
    return name == "app" or (root / rel).with_suffix(".py").is_file() or (root / rel / "__init__.py").is_file()


def room(name: str) -> str:
    """The top-level room of an app module: app.services.pledges -> services; app -> app."""
    return name.split(".")[1] if "." in name else "app"


@dataclass(frozen=True)
class Import:
    """One thing a module takes from another: a module, or a name from a module (`flask` + `request`)."""

    line: int
    module: str
    name: str | None = None

    def __str__(self) -> str:
        return f"{self.module}.{self.name}" if self.name else self.module


def _dotted(node: ast.AST) -> str | None:
    """`a.b.c` for an attribute chain on a bare name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def imports_of(source: str, module: str, is_package: bool, root: Path = APP) -> list[Import]:
    """Every import in a module's source (module level, in functions, under TYPE_CHECKING), and every
    `flask.request`-style attribute read through an imported flask or flask_login module's name."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    aliases: dict[str, str] = {}  # local name -> the module it is bound to
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(node.lineno, alias.name))
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if base.split(".")[0] == "app" and is_app_module(candidate, root):
                    found.append(Import(node.lineno, candidate))
                else:
                    found.append(Import(node.lineno, base, alias.name))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) \
                and (_dotted(node.func) or "").split(".")[-1] in {"import_module", "__import__"}:
            found.append(Import(node.lineno, node.args[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Store):
            dotted = _dotted(node)
            head, _, rest = (dotted or "").partition(".")
            if head in aliases and rest and aliases[head].split(".")[0] in REQUEST_NAMES:
                target = aliases[head] + "." + rest
                found.append(Import(node.lineno, target.rpartition(".")[0], target.rpartition(".")[2]))
    return found


def problems_in(module: str, imports: list[Import], blueprint_names: set[str]) -> list[str]:
    """What is wrong with one module's imports, each naming the module, the line and what it imports."""
    layers = dict(LAYER, **{b: 4 for b in blueprint_names})
    own = room(module)
    found = []
    for imp in imports:
        why = None
        top = imp.module.split(".")[0]
        if top == "app":
            target = room(imp.module)
            if target == own:
                continue
            if own in ONLY and target not in ONLY[own]:
                allowed = ", ".join(sorted(f"app.{r}" for r in ONLY[own]))
                why = f"app.{own} may import only {allowed}"
            elif target not in layers:
                why = f"app.{target} is in no layer (add it to LAYER in tests/test_layers.py)"
            elif own in layers and layers[target] > layers[own]:
                why = (f"{LAYER_NAMES[layers[own]]} may not import {LAYER_NAMES[layers[target]]} "
                       f"(app.{target} is a layer above)")
        elif own in NO_REQUEST and top in REQUEST_NAMES and imp.name in REQUEST_NAMES[top]:
            why = f"app.{own} must not touch the request; pass what it needs as arguments"
        if why:
            found.append(f"{module}:{imp.line} imports {imp}: {why}")
    return found


def all_problems(root: Path = APP) -> list[str]:
    """Every wrong-way import under app/."""
    names = blueprints(root)
    found = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        imports = imports_of(path.read_text(), module, path.name == "__init__.py", root)
        found += problems_in(module, imports, names)
    return sorted(set(found))


def test_every_import_points_down_the_layers():
    found = all_problems()
    report = "\n".join(["Imports pointing the wrong way (module:line imports what: why):"] + found)
    print(report if found else "No import points the wrong way.")
    assert not found, report


def test_every_room_under_app_has_a_layer():
    layers = dict(LAYER, **{b: 4 for b in blueprints()})
    rooms = {room(module_name(p)) for p in APP.rglob("*.py")}
    assert rooms - set(layers) == set(), "place these in LAYER in tests/test_layers.py"
    assert blueprints() >= {"public", "auth", "account", "vcse", "supplier", "moderation", "contracts", "admin"}


# The checker itself: it must see each way of writing an import.


def _check(source: str, module: str, is_package: bool = False) -> list[str]:
    """Problems in a made-up module's source."""
    return problems_in(module, imports_of(source, module, is_package), blueprints())


@pytest.mark.parametrize("module, source, offending", [
    ("app.services.needs", "from flask import request\n", "flask.request"),
    ("app.services.needs", "from flask import flash as say\n", "flask.flash"),
    ("app.services.needs", "import flask\n\ndef f():\n    return flask.session.get('x')\n", "flask.session"),
    ("app.services.needs", "import flask as f\nf.abort(404)\n", "flask.abort"),
    ("app.services.needs", "import flask_login\nflask_login.current_user\n", "flask_login.current_user"),
    ("app.services.needs", "def f():\n    from flask_login import current_user\n", "flask_login.current_user"),
    ("app.services.needs", "def f():\n    from app.web.guards import safe_next\n", "app.web.guards"),
    ("app.services.needs", "from app.contracts import forms\n", "app.contracts.forms"),
    ("app.services.needs", "from app.forms.fields import PoundsField\n", "app.forms.fields"),
    ("app.email", "from flask import url_for\n", "flask.url_for"),
    ("app.email", "from app.vcse import bp\n", "app.vcse"),
    ("app.queries.needs", "from app.services import needs\n", "app.services.needs"),
    ("app.queries.needs", "from ..services.needs import approve_need\n", "app.services.needs"),
    ("app.queries.needs", "import app.web.request\n", "app.web.request"),
    ("app.models.need", "from app.queries.needs import open_needs\n", "app.queries.needs"),
    ("app.models.need", "from app import sanitise\n", "app.sanitise"),
    ("app.models.need", "from .. import email\n", "app.email"),
    ("app.models", "from ..services import needs\n", "app.services.needs"),
    ("app.permissions", "from app.errors import NotAllowed\n", "app.errors"),
    ("app.formatting", "from app.models import Need\n", "app.models"),
])
def test_the_checker_finds_a_wrong_way_import(module, source, offending):
    found = _check(source, module, is_package=module == "app.models")
    assert any(f" imports {offending}" in line for line in found), found


@pytest.mark.parametrize("module, source", [
    ("app.services.needs", "from flask import current_app\nfrom app.email import queue_email\n"),
    ("app.services.needs", "from app.queries.capacity import need_held\nfrom app.models import Need\n"),
    ("app.models.need", "from app import permissions\nfrom app.errors import Conflict\nfrom .base import utcnow\n"),
    ("app.permissions", "from app.models.user import Role\n"),
    ("app.vcse.needs", "from flask import request\nfrom app.services import needs\nfrom app.web.guards import x\n"),
    ("app.cli", "from app.demo import load_demo\n"),
])
def test_the_checker_lets_a_downward_import_through(module, source):
    assert _check(source, module) == []
