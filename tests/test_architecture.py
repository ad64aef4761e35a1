"""The package's design, checked: rooms, the one-way dependency rule, the error taxonomy, the
result protocol, the documented public API and docs/architecture.md.

These tests read the source (``ast``) rather than trusting conventions, so a module that breaks
the design fails here with the file and line to fix.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
from pathlib import Path

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc

import mixedmig
from mixedmig import errors, results

SRC = Path(mixedmig.__file__).parent
ROOT = SRC.parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"

#: Layer of every room, lowest first: a module may import only from its own layer or lower ones.
LAYERS = {
    "errors": 0, "results": 0, "checks": 0, "sweeps": 0,
    "countries": 1,
    "data": 2,
    "flows": 3, "indices": 3, "gravity": 3, "networks": 3, "referral": 3, "pathways": 3,
    "stats": 3, "privacy": 3, "profiles": 3,
    "plotting": 4,
    "cli": 5, "notebook": 5, "teaching": 5,
}
#: Rooms of the method layer; they may use one another, but only in this order (no cycles).
METHOD_ORDER = ["stats", "privacy", "flows", "gravity", "indices", "networks", "referral", "pathways",
                "profiles"]

#: Public subpackages and modules whose ``__all__`` is the documented API.
PUBLIC_MODULES = ["errors", "results", "checks", "countries", "data", "flows", "indices", "gravity", "networks",
                  "referral", "pathways", "stats", "privacy", "plotting", "notebook", "teaching"]


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        yield path, "mixedmig" + ("." + ".".join(parts) if parts else "")


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _imports(path: Path, module: str):
    """Every mixedmig module imported by ``path`` (top level and inside functions), with line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mixedmig"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("mixedmig"):
                continue
            if node.module is None or target == "mixedmig":
                for alias in node.names:  # from . import x / from mixedmig import x
                    yield f"{target}.{alias.name}", node.lineno
            else:
                yield target, node.lineno


def test_every_room_is_known():
    rooms = {_room(m) for _, m in _modules()} - {None}
    assert rooms <= set(LAYERS), f"rooms without a layer in this test: {rooms - set(LAYERS)}"


def test_no_module_is_named_after_a_notebook():
    bad = [m for _, m in _modules() if m.endswith("_analysis") or re.search(r"\.\d\d", m)]
    assert not bad


def test_dependencies_run_one_way():
    problems = []
    for path, module in _modules():
        room = _room(module)
        if room is None:
            continue
        for target, line in _imports(path, module):
            other = _room(target)
            if other is None or other == room or other not in LAYERS:
                continue
            mine, theirs = LAYERS[room], LAYERS[other]
            if theirs > mine or (
                mine == theirs == 3 and METHOD_ORDER.index(other) > METHOD_ORDER.index(room)
            ):
                problems.append(f"{path.relative_to(ROOT)}:{line}: {room} imports {other}")
    assert not problems, "imports against the dependency rule:\n" + "\n".join(problems)


def test_every_exception_class_is_defined_in_errors():
    problems = []
    for path, _ in _modules():
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if any(b.endswith(("Error", "Exception")) for b in bases | {node.name}):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: class {node.name}")
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", getattr(node.exc.func, "attr", ""))
                if name in {"ValueError", "TypeError", "KeyError", "RuntimeError", "Exception"}:
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: raise {name}")
    assert not problems, "exceptions defined or raised outside errors.py:\n" + "\n".join(problems)


def test_error_taxonomy():
    assert issubclass(errors.InputError, ValueError)
    for name in ("DataError", "SchemaError", "ManifestError", "IntegrityError", "UnknownCountryError"):
        assert issubclass(getattr(errors, name), errors.InputError), name
    for name in ("InfeasibleError", "ConvergenceError"):
        cls = getattr(errors, name)
        assert issubclass(cls, errors.ModelError) and not issubclass(cls, ValueError), name
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.MixedmigError), name


def _public(module_name):
    module = importlib.import_module(module_name)
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield name, obj


def _result_classes():
    for module_name in PUBLIC_MODULES:
        for name, obj in _public(f"mixedmig.{module_name}"):
            if inspect.isclass(obj) and name.endswith("Result") and obj is not results.Result:
                yield f"{module_name}.{name}", obj


@pytest.mark.parametrize("qualname,cls", list(_result_classes()), ids=lambda x: x if isinstance(x, str) else "")
def test_results_follow_the_protocol(qualname, cls):
    assert issubclass(cls, results.Result), f"{qualname} does not subclass mixedmig.results.Result"
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, f"{qualname} is not frozen"
    assert cls.to_frame is not results.Result.to_frame, f"{qualname} does not define to_frame()"


def _signature_parameters(obj):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    return [p.name for p in sig.parameters.values()
            if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _documented(section):
    names = set()
    for param in section:
        for part in param.name.split(","):
            names.add(part.strip().lstrip("*"))
    return names


def _doc_problems(qualname, obj):
    problems = []
    if not inspect.getdoc(obj):
        return [f"{qualname}: no docstring"]
    if inspect.isclass(obj):
        doc = ClassDoc(obj, config={"show_class_members": False})
        # an inherited constructor is documented on the class that defines it
        params = _signature_parameters(obj) if "__init__" in obj.__dict__ else []
        documented = _documented(doc["Parameters"]) | _documented(doc["Attributes"])
        missing = [p for p in params if p not in documented]
        if missing:
            problems.append(f"{qualname}: Parameters/Attributes lack {missing}")
        for name, member in inspect.getmembers(obj):
            if name.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
                continue
            if name not in obj.__dict__:
                continue  # inherited: documented where defined
            if isinstance(member, property):
                if not (member.fget and member.fget.__doc__):
                    problems.append(f"{qualname}.{name}: property without docstring")
                continue
            problems += _doc_problems(f"{qualname}.{name}", member)
        return problems
    doc = FunctionDoc(obj)
    params = _signature_parameters(obj)
    missing = [p for p in params if p not in _documented(doc["Parameters"])]
    if missing:
        problems.append(f"{qualname}: Parameters lack {missing}")
    if not (doc["Returns"] or doc["Yields"]):
        problems.append(f"{qualname}: no Returns section")
    return problems


def _public_callables():
    for module_name in PUBLIC_MODULES:
        for name, obj in _public(f"mixedmig.{module_name}"):
            yield f"{module_name}.{name}", obj


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_public_api_has_numpydoc_sections(module_name):
    problems = []
    for name, obj in _public(f"mixedmig.{module_name}"):
        problems += _doc_problems(f"{module_name}.{name}", obj)
    assert not problems, "docstrings to complete:\n" + "\n".join(problems)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_module_declares_its_api(module_name):
    module = importlib.import_module(f"mixedmig.{module_name}")
    assert getattr(module, "__all__", None), f"mixedmig.{module_name} has no __all__"
    for name in module.__all__:
        assert hasattr(module, name), f"mixedmig.{module_name}.__all__ names missing {name}"


def test_architecture_doc_names_only_modules_that_exist():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(r"`(mixedmig(?:\.\w+)+)`", text))
    assert len(named) >= 20, "docs/architecture.md should map the package's modules"
    missing = []
    for name in sorted(named):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            parent, _, attr = name.rpartition(".")
            try:
                if not hasattr(importlib.import_module(parent), attr):
                    missing.append(name)
            except ModuleNotFoundError:
                missing.append(name)
    assert not missing, f"docs/architecture.md names modules that do not exist: {missing}"


def test_architecture_doc_maps_every_module():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    absent = [m for p, m in _modules() if m != "mixedmig" and not p.stem.startswith("_")
              and f"`{m}`" not in text]
    assert not absent, f"modules missing from docs/architecture.md: {absent}"


def test_importing_flows_loads_nothing_until_used():
    """``import mixedmig.flows`` is lazy (issue 12, item 4): no submodule, pandas or scipy until a
    name is used; then the name resolves to the function of its submodule."""
    import subprocess
    import sys

    probe = (
        "import sys, mixedmig.flows as f\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('mixedmig.flows.') or m in "
        "('pandas', 'scipy', 'networkx', 'statsmodels', 'dask'))\n"
        "print(','.join(loaded))\n"
        "print(f.to_matrix.__module__, f.flows_sweep.__module__)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded, modules = out.stdout.splitlines()
    assert loaded == ""
    assert modules == "mixedmig.flows.tables mixedmig.flows.sweeps"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        importlib.import_module("mixedmig.flows").nope  # noqa: B018
