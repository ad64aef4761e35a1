#!/usr/bin/env python3
"""Build the mixedmig course site (``make site``): a static HTML site from the stored notebooks.

The site is built with Sphinx, myst-nb and sphinx-book-theme from:

* ``docs/site/`` -- ``conf.py``, the landing page ``index.md`` and ``_static/``;
* ``notebooks/*.ipynb`` -- the executed, committed notebooks, rendered from their stored outputs
  (never re-executed: ``nb_execution_mode = "off"``); whatever notebooks exist are included;
* ``docs/*.md`` -- the guides (lecturer's guide, bringing your own data, architecture, manifest
  format), whichever exist, and ``README.md``;
* a **dataset catalogue** generated from the manifests (``mixedmig.data.list_datasets()`` and
  ``mixedmig.data.manifest(name)``): one page per curated table;
* an **API reference** generated from the numpydoc docstrings (autodoc + numpydoc): one page per
  public module.

Everything is assembled in a staging tree ``build/site/src`` and built into a fresh folder that
replaces ``build/site/html`` only when the build succeeded (an earlier site is never left
half-written).  Every Sphinx warning fails the build, except the known docstring problems of
``ALLOWED_WARNINGS`` (reported to the package's owners), which are printed on every build.  A local MathJax (Debian's
``libjs-mathjax``, or the folder named by ``$MIXEDMIG_MATHJAX_DIR``) is copied into the site, so
viewing a page downloads nothing; without one the formulas show as their TeX source and the build
says so.

``build/site/html/.inputs-sha256`` records a digest of every input; ``--if-stale`` skips the
build when it matches (used by ``tests/test_site.py``).

Usage::

    python tools/build_site.py               # build into build/site/html
    python tools/build_site.py --if-stale    # only when an input changed since the last build
    python tools/build_site.py --out DIR     # build into DIR/html instead of build/site/html
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE_SOURCES = ROOT / "docs" / "site"
NOTEBOOKS = ROOT / "notebooks"
DOCS = ROOT / "docs"
DEFAULT_OUT = ROOT / "build" / "site"
STAMP_NAME = ".inputs-sha256"

# The guides, in reading order; docs/*.md files not named here follow in alphabetical order.
GUIDES = (
    ("teaching.md", "Lecturer's guide"),
    ("bringing-your-own-data.md", "Bringing your own data"),
    ("architecture.md", "Architecture"),
    ("data-manifests.md", "Manifest format"),
)

# One API page per public module of the package, in the order of the dependency rule.
API_MODULES = (
    ("mixedmig.errors", "the exception taxonomy"),
    ("mixedmig.results", "the result protocol"),
    ("mixedmig.checks", "input checks shared by every room"),
    ("mixedmig.sweeps", "the sweep engine"),
    ("mixedmig.countries", "the registry of countries"),
    ("mixedmig.data", "the data layer"),
    ("mixedmig.stats", "statistics"),
    ("mixedmig.privacy", "small-cell suppression"),
    ("mixedmig.flows", "origin-destination flows"),
    ("mixedmig.gravity", "gravity models"),
    ("mixedmig.indices", "migration indices"),
    ("mixedmig.networks", "network analysis"),
    ("mixedmig.referral", "referral mechanisms"),
    ("mixedmig.pathways", "post-trafficking pathways"),
    ("mixedmig.profiles", "corridor and country profiles"),
    ("mixedmig.plotting", "figures"),
    ("mixedmig.notebook", "notebook set-up and execution"),
    ("mixedmig.teaching", "student copies"),
)

# Local MathJax 2 installations, first found wins ($MIXEDMIG_MATHJAX_DIR is tried first).
MATHJAX_DIRS = ("/usr/share/javascript/mathjax", "/usr/share/mathjax")
MATHJAX_CONFIG = "TeX-AMS_SVG-full"
# The parts of MathJax 2 the SVG output needs (no web fonts: SVG draws the glyphs itself).
MATHJAX_PARTS = (
    "MathJax.js",
    f"config/{MATHJAX_CONFIG}.js",
    "config/local",
    "extensions",
    "jax/element",
    "jax/input/TeX",
    "jax/output/SVG/jax.js",
    "jax/output/SVG/autoload",
    "jax/output/SVG/fonts/TeX",
    "localization/en",
)


class SiteBuildError(RuntimeError):
    """The site could not be built (the message says why and what to do)."""


# ---------------------------------------------------------------------------------------------
# inputs and staleness


def input_files() -> list[Path]:
    """Every file the site is built from (sorted), for the staleness digest."""
    files: set[Path] = set()
    files.update(p for p in SITE_SOURCES.rglob("*") if p.is_file())
    files.update(NOTEBOOKS.glob("*.ipynb"))
    files.update(DOCS.glob("*.md"))
    files.add(ROOT / "README.md")
    files.update((ROOT / "data" / "raw").glob("*.yml"))
    files.update((ROOT / "src" / "mixedmig").rglob("*.py"))
    files.add(Path(__file__).resolve())
    return sorted(p for p in files if p.is_file() and "__pycache__" not in p.parts)


def inputs_digest() -> str:
    """sha256 over the relative paths and bytes of :func:`input_files`."""
    digest = hashlib.sha256()
    for path in input_files():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(f"mathjax: {find_mathjax()}".encode())
    return digest.hexdigest()


def is_stale(out: Path = DEFAULT_OUT) -> bool:
    """Whether ``out/html`` is missing or was built from other inputs than the current ones."""
    stamp = out / "html" / STAMP_NAME
    return not stamp.is_file() or stamp.read_text().strip() != inputs_digest()


# ---------------------------------------------------------------------------------------------
# generated pages


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _cell(text) -> str:
    """Text safe inside one cell of a Markdown table."""
    text = " ".join(str(text).split())
    return text.replace("|", "\\|") if text else ""


def _doc_link(title: str, target: str) -> str:
    """A MyST ``{doc}`` link (never mistaken for a Python object of the same name)."""
    title = re.sub(r"[`<>]", "", _cell(title))
    return f"{{doc}}`{title} <{target}>`"


def _first_heading(source: str) -> str | None:
    match = re.search(r"^#\s+(.+?)\s*#*\s*$", source, flags=re.MULTILINE)
    return match.group(1).strip() if match else None


def _notebook_summary(path: Path) -> tuple[str, str]:
    """The title (first level-1 heading) and the question (first paragraph after it)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "markdown"]
    if not cells:
        return path.stem, ""
    source = "".join(cells[0].get("source", ""))
    title = _first_heading(source) or path.stem
    body = re.sub(r"^#.*$", "", source, flags=re.MULTILINE).strip()
    paragraph = body.split("\n\n")[0] if body else ""
    return title, " ".join(paragraph.split())


def stage_notebooks(src: Path) -> list[Path]:
    """Copy every ``notebooks/*.ipynb`` into ``src/notebooks`` and write its index page."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        raise SiteBuildError(f"no notebooks in {NOTEBOOKS}: nothing to publish")
    target = src / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in notebooks:
        shutil.copy2(path, target / path.name)
        title, question = _notebook_summary(path)
        rows.append(f"| {_doc_link(title, path.stem)} | {_cell(question)} |")
    toctree = "\n".join(path.stem for path in notebooks)
    _write(
        target / "index.md",
        "# Notebooks\n\n"
        "Each notebook is a seminar unit: learning objectives, prerequisites and a time "
        "estimate at the top, exercises with solutions, and discussion questions at the end. "
        "They are shown with the outputs stored in the repository (not re-executed for this "
        "site); run them with `mixedmig run NOTEBOOK -p NAME VALUE` to change the parameters, "
        "and `notebooks/profile.ipynb` is the template of `mixedmig profile ISO3`.\n\n"
        "| notebook | question |\n|---|---|\n" + "\n".join(rows) + "\n\n"
        "```{toctree}\n:hidden:\n:maxdepth: 1\n\n" + toctree + "\n```\n",
    )
    return notebooks


def stage_guides(src: Path) -> list[Path]:
    """Copy the guides (``docs/*.md``, whichever exist) and ``README.md``; write the index."""
    target = src / "guides"
    target.mkdir(parents=True, exist_ok=True)
    known = [name for name, _ in GUIDES]
    present = [DOCS / name for name in known if (DOCS / name).is_file()]
    present += sorted(p for p in DOCS.glob("*.md") if p.name not in known)
    entries = []
    for path in present:
        shutil.copy2(path, target / path.name)
        entries.append(path.stem)
    listing = "\n".join(
        f"- {_doc_link(_first_heading(p.read_text(encoding='utf-8')) or p.stem, p.stem)}"
        for p in present
    )
    _write(
        target / "index.md",
        "# Guides\n\nFor lecturers, for researchers bringing their own data, and for "
        "contributors.\n\n" + listing + "\n\n"
        "```{toctree}\n:hidden:\n:maxdepth: 2\n\n" + "\n".join(entries) + "\n```\n",
    )
    shutil.copy2(ROOT / "README.md", src / "readme.md")
    return present


def _column_row(col) -> str:
    rules = []
    if col.minimum is not None:
        rules.append(f"min {col.minimum:g}")
    if col.maximum is not None:
        rules.append(f"max {col.maximum:g}")
    if col.allowed:
        rules.append("one of " + ", ".join(f"`{v}`" for v in col.allowed))
    if col.pattern:
        rules.append(f"pattern `{col.pattern}`")
    if col.nullable:
        rules.append("may be empty")
    return f"| `{col.name}` | {col.type} | {_cell('; '.join(rules))} | {_cell(col.description)} |"


def stage_datasets(src: Path) -> list[str]:
    """One page per curated table, generated from its manifest, and the catalogue page."""
    from mixedmig import data

    table = data.list_datasets()
    target = src / "datasets"
    target.mkdir(parents=True, exist_ok=True)
    rows = []
    for record in table.itertuples(index=False):
        m = data.manifest(record.name)
        lines = [
            f"# `{m.name}`",
            "",
            f"**{m.title}**",
            "",
            m.description.strip(),
            "",
            "| | |",
            "|---|---|",
            f"| table | `data/raw/{m.name}.csv` ({record.rows:,} data rows) |",
            f"| units | {_cell(m.units)} |",
            f"| licence | {_cell(m.licence)} |",
            f"| primary key | {', '.join(f'`{k}`' for k in m.schema.primary_key) or 'none'} |",
            f"| sha256 | `{m.sha256}` |",
            "",
            "## Sources",
            "",
        ]
        for source in m.sources:
            label = f" (source `{source['id']}`)" if source.get("id") else ""
            lines += [f"- **{_cell(source.get('publisher', ''))}**{label}. "
                      f"{_cell(source.get('citation', ''))}"]
            details = [
                ("edition", source.get("edition")),
                ("licence", source.get("licence")),
                ("URL", f"<{source['url']}>" if source.get("url") else None),
                ("retrieved", source.get("retrieved")),
                ("via", source.get("via")),
            ]
            lines += [f"  - {key}: {_cell(value)}" for key, value in details if value]
        lines += [
            "",
            "## Reliability",
            "",
            m.reliability.strip() or "(not stated)",
            "",
            "## Columns",
            "",
            "| column | type | rule | description |",
            "|---|---|---|---|",
        ]
        lines += [_column_row(col) for col in m.schema.columns]
        lines += [
            "",
            f"Load it with `mixedmig.data.load(\"{m.name}\")`; validate your own file in this "
            f"shape with `mixedmig validate my.csv --schema {m.name}`.",
            "",
        ]
        _write(target / f"{m.name}.md", "\n".join(lines))
        rows.append(
            f"| {_doc_link(m.name, m.name)} | {_cell(m.title)} | {_cell(m.publisher)} | "
            f"{_cell(m.licence)} | {record.rows:,} |"
        )
    names = list(table["name"])
    _write(
        target / "index.md",
        "# Dataset catalogue\n\n"
        "The curated tables of `data/raw/`, generated from their manifests (`data/raw/NAME.yml`, "
        "format in the guide *Manifest format*). Every figure comes from the publication "
        "cited; UN DESA editions are never mixed.\n\n"
        "| table | what | original publisher | licence | rows |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\n```{toctree}\n:hidden:\n:maxdepth: 1\n\n"
        + "\n".join(names)
        + "\n```\n",
    )
    return names


def _constant_docs(module, name: str) -> list[str] | None:
    """The ``#:`` comment (or string after the assignment) documenting ``module.name``.

    Looked up in the module itself, then in its submodules (a package re-exports the constants
    of its submodules, where their comments are).  None when no module documents it.
    """
    from sphinx.pycode import ModuleAnalyzer
    from sphinx.pycode import PycodeError

    value = getattr(module, name)
    candidates = [module] + sorted(
        (m for key, m in sys.modules.items() if key.startswith(module.__name__ + ".") and m),
        key=lambda m: m.__name__,
    )
    for candidate in candidates:
        if getattr(candidate, name, None) is not value:
            continue
        try:
            docs = ModuleAnalyzer.for_module(candidate.__name__).find_attr_docs()
        except PycodeError:
            continue
        if ("", name) in docs:
            return [line for line in docs[("", name)] if line is not None]
    return None


def _is_constant(value) -> bool:
    import inspect

    return not (inspect.isclass(value) or inspect.isroutine(value) or inspect.ismodule(value)
                or callable(value))


def _constants_section(module) -> tuple[str, list[str]]:
    """reStructuredText for the constants of ``__all__`` that autodoc does not document.

    autodoc documents a module's constants only when their comment is in that very module;
    a package's re-exported constants are written here with the comment of their submodule.
    Returns the text and the names of constants no module documents.
    """
    from sphinx.pycode import ModuleAnalyzer

    own = ModuleAnalyzer.for_module(module.__name__).find_attr_docs()
    blocks, undocumented = [], []
    for name in getattr(module, "__all__", ()):
        value = getattr(module, name)
        if not _is_constant(value) or ("", name) in own:
            continue
        docs = _constant_docs(module, name)
        if docs is None:
            undocumented.append(name)
            docs = ["(No description in the source.)"]
        text = repr(value)
        option = f"   :value: {text}" if len(text) <= 160 and "\n" not in text else (
            f"   :type: {type(value).__name__}")
        body = "\n".join(f"   {line}" if line.strip() else "" for line in docs)
        blocks.append(f".. py:data:: {name}\n   :module: {module.__name__}\n{option}\n\n{body}\n")
    if not blocks:
        return "", undocumented
    return "Constants\n---------\n\n" + "\n".join(blocks), undocumented


def stage_api(src: Path) -> list[str]:
    """One reStructuredText page per public module (autodoc + numpydoc) and the index page."""
    import importlib

    target = src / "api"
    target.mkdir(parents=True, exist_ok=True)
    pages, rows, undocumented = [], [], []
    for module_name, what in API_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # a room that does not exist (yet): no page
                continue
            raise
        page = module_name.removeprefix("mixedmig.")
        title = f"``{module_name}``: {what}"
        constants, missing = _constants_section(module)
        undocumented += [f"{module_name}.{name}" for name in missing]
        _write(
            target / f"{page}.rst",
            f"{title}\n{'=' * len(title)}\n\n.. automodule:: {module_name}\n   :members:\n\n"
            + constants,
        )
        pages.append(page)
        rows.append(f"| {{doc}}`{module_name} <{page}>` | {what} |")
    if undocumented:
        print(
            "build_site: public constants without a #: comment (shown without a description): "
            + ", ".join(undocumented),
            file=sys.stderr,
        )
    _write(
        target / "index.md",
        "# API reference\n\n"
        "Generated from the numpydoc docstrings, one page per public module, in the order of "
        "the dependency rule (see the guide *Architecture*): each module may import only those "
        "above it.\n\n| module | holds |\n|---|---|\n" + "\n".join(rows)
        + "\n\n```{toctree}\n:hidden:\n:maxdepth: 1\n\n" + "\n".join(pages) + "\n```\n",
    )
    return pages


def find_mathjax() -> Path | None:
    """A local MathJax 2 folder (with ``MathJax.js`` and the SVG output), or None."""
    candidates = [os.environ.get("MIXEDMIG_MATHJAX_DIR", ""), *MATHJAX_DIRS]
    for folder in candidates:
        if folder and (Path(folder) / "MathJax.js").is_file() and (
            Path(folder) / "config" / f"{MATHJAX_CONFIG}.js"
        ).is_file():
            return Path(folder)
    return None


def stage_mathjax(src: Path) -> str:
    """Copy the needed parts of a local MathJax into ``_static/mathjax``; its ``mathjax_path``."""
    folder = find_mathjax()
    if folder is None:
        return ""
    target = src / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        origin = folder / part
        if origin.is_dir():
            shutil.copytree(origin, target / part, symlinks=False)
        elif origin.is_file():
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, target / part)
    return f"mathjax/MathJax.js?config={MATHJAX_CONFIG}"


# ---------------------------------------------------------------------------------------------
# warnings: every Sphinx warning fails the build, except the allow-listed ones below

# Known reStructuredText problems in the package's docstrings, reported to their owners: each
# entry is (the object whose docstring is at fault, the start of the docutils message).  They are
# printed on every build so they are not forgotten; an entry that no longer matches is reported
# as removable.  Never add a warning of the site's own pages here: fix the page.
ALLOWED_WARNINGS: tuple[tuple[str, str], ...] = ()

_WARNING_START = re.compile(r"^(?:\S.*?: )?(?:WARNING|ERROR|CRITICAL|SEVERE):")


def read_warnings(path: Path) -> list[str]:
    """The warnings Sphinx wrote to ``path``, one string each (continuation lines joined)."""
    if not path.is_file():
        return []
    records: list[str] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if _WARNING_START.match(line) or not records:
            records.append(line)
        elif line.strip():
            records[-1] += "\n" + line
    return [r for r in records if r.strip()]


def _matches(entry: tuple[str, str], warning: str) -> bool:
    obj, message = entry
    return f"docstring of {obj}:" in warning and f": {message}" in warning


def _allowed(warning: str) -> bool:
    return any(_matches(entry, warning) for entry in ALLOWED_WARNINGS)


# ---------------------------------------------------------------------------------------------
# the build


def stage(src: Path) -> dict:
    """Assemble the whole source tree in ``src`` (emptied first); returns what was staged."""
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(SITE_SOURCES, src, ignore=shutil.ignore_patterns("__pycache__"))
    return {
        "notebooks": stage_notebooks(src),
        "guides": stage_guides(src),
        "datasets": stage_datasets(src),
        "api": stage_api(src),
        "mathjax": stage_mathjax(src),
    }


def build(out: Path = DEFAULT_OUT, *, quiet: bool = False) -> Path:
    """Stage the sources and build the HTML into ``out/html`` (replaced only on success).

    Returns the path of the built ``html`` folder.  Raises :class:`SiteBuildError` when
    Sphinx reports an error or a warning not in ``ALLOWED_WARNINGS`` (all are printed first).
    """
    started = time.perf_counter()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    digest = inputs_digest()
    src, fresh, doctrees = out / "src", out / "html.new", out / "doctrees"
    for folder in (fresh, doctrees):
        if folder.exists():
            shutil.rmtree(folder)
    staged = stage(src)
    if not staged["mathjax"]:
        print(
            "build_site: no local MathJax found (Debian: apt-get install libjs-mathjax, or set "
            "MIXEDMIG_MATHJAX_DIR to a MathJax 2 folder); formulas will show as TeX source",
            file=sys.stderr,
        )
    env = dict(os.environ, MPLBACKEND="Agg", MIXEDMIG_SITE_MATHJAX=staged["mathjax"])
    warnings_file = out / "sphinx-warnings.txt"
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "--keep-going", "-q",
        "-w", str(warnings_file), "-d", str(doctrees), str(src), str(fresh),
    ]
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if completed.stdout and not quiet:
        print(completed.stdout, end="")
    warnings = read_warnings(warnings_file)
    known = [w for w in warnings if _allowed(w)]
    unknown = [w for w in warnings if not _allowed(w)]
    for entry in ALLOWED_WARNINGS:
        if not any(_matches(entry, w) for w in warnings):
            print(f"build_site: allow-list entry no longer needed, remove it: {entry}",
                  file=sys.stderr)
    if known:
        print(
            f"build_site: {len(known)} known docstring problem(s) to fix in the package "
            "(allow-listed in tools/build_site.py, shown so they are not forgotten):",
            file=sys.stderr,
        )
        for warning in known:
            print("  " + warning.replace(str(ROOT) + "/", ""), file=sys.stderr)
    if completed.returncode != 0 or unknown:
        shutil.rmtree(fresh, ignore_errors=True)
        for warning in unknown:
            print(warning, file=sys.stderr)
        if completed.returncode != 0 and not unknown:
            sys.stderr.write(completed.stderr)
        raise SiteBuildError(
            f"sphinx-build failed (exit {completed.returncode}, {len(unknown)} warning(s) "
            f"treated as errors); the messages above name the page or docstring and the line "
            f"to fix; the staged sources are in {src}"
        )
    (fresh / STAMP_NAME).write_text(digest + "\n")
    html = out / "html"
    old = out / "html.old"
    if old.exists():
        shutil.rmtree(old)
    if html.exists():
        os.replace(html, old)
    os.replace(fresh, html)
    if old.exists():
        shutil.rmtree(old)
    shutil.rmtree(doctrees, ignore_errors=True)
    elapsed = time.perf_counter() - started
    pages = sum(1 for _ in html.rglob("*.html"))
    print(
        f"build_site: {pages} pages ({len(staged['notebooks'])} notebooks, "
        f"{len(staged['guides'])} guides, {len(staged['datasets'])} datasets, "
        f"{len(staged['api'])} API modules) in {html} -- built in {elapsed:.1f} s"
    )
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="build folder (default: build/site); the site goes to OUT/html")
    parser.add_argument("--if-stale", action="store_true",
                        help="do nothing when OUT/html was built from the current inputs")
    args = parser.parse_args(argv)
    if args.if_stale and not is_stale(args.out):
        print(f"build_site: {args.out / 'html'} is up to date")
        return 0
    try:
        build(args.out)
    except SiteBuildError as exc:
        print(f"build_site: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
