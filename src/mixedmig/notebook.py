"""Notebook support: session set-up and headless execution with stored outputs.

:func:`notebook_setup` is the first call of every notebook (seeded random numbers, the house plot
style, pandas display options); :func:`execute_notebook` runs a notebook headless and stores its
outputs deterministically (no timing metadata, atomic write), for ``mixedmig notebooks`` and
``mixedmig reproduce``; :func:`run_notebook` executes a copy of a notebook with other parameters
(papermill) into an output folder, optionally also as a self-contained HTML page, for
``mixedmig run`` and ``mixedmig profile``; :func:`notebook_parameters` reads a notebook's
``parameters`` cell.
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import InputError

__all__ = [
    "NotebookRun",
    "execute_notebook",
    "export_html",
    "merge_streams",
    "notebook_parameters",
    "notebook_setup",
    "parse_parameter_value",
    "run_notebook",
]


def notebook_setup(seed: int = 2013) -> np.random.Generator:
    """Prepare a notebook session: seed numpy, apply the house plot style, set pandas options.

    Parameters
    ----------
    seed : int, default 2013
        Seed of numpy's legacy global generator and of the returned generator.

    Returns
    -------
    numpy.random.Generator
        ``numpy.random.default_rng(seed)``, for the notebook's random draws.

    Notes
    -----
    Changes global state on purpose (numpy's legacy seed, matplotlib rcParams, pandas
    options): call it once, in a notebook's first code cell. Inside a Jupyter kernel it also
    selects matplotlib's inline backend, so ``plt.show()`` stores each figure in the notebook
    as a PNG even when the kernel was started with ``MPLBACKEND=Agg`` (as ``make reproduce``
    and the tests do); elsewhere the backend is left alone. Dask's ``distributed`` logger is
    set to WARNING: its INFO messages (a local cluster's connections closing after a sweep, with
    a traceback) reach a cell's output at times that depend on the machine's load, so a stored
    notebook would not re-run identically.
    """
    import matplotlib
    import pandas as pd

    from . import plotting

    np.random.seed(seed)
    _inline_figures_in_kernels()
    _dask_info_off()
    plotting.apply_style()
    matplotlib.rcParams["figure.max_open_warning"] = 0
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    pd.set_option("display.precision", 3)
    return np.random.default_rng(seed)


def _dask_info_off() -> None:
    """Keep ``distributed``'s INFO messages out of notebook outputs (no-op without Dask)."""
    import logging

    try:
        import distributed  # noqa: F401 - its import configures the logger (level INFO)
    except ImportError:  # pragma: no cover - depends on the environment
        return
    logging.getLogger("distributed").setLevel(logging.WARNING)


def _inline_figures_in_kernels() -> None:
    """Switch to the inline backend when running in a Jupyter kernel (no-op elsewhere)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the kernel
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")  # also registers the PNG formatter


#: Arguments for the kernels this module starts: the kernel's own log (not the cells' output,
#: which reaches the notebook through the kernel's messages) only from ERROR up, so that every
#: ``mixedmig run`` does not print ipykernel's "running over TCP without encryption" warning
#: about the local connection between this process and its kernel.
_KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)


def execute_notebook(path: str | os.PathLike, timeout: int = 600) -> float:
    """Execute a notebook in place, with its folder as working directory, storing the outputs.

    Cells' execution timing metadata is dropped and consecutive stream outputs are merged
    (:func:`merge_streams`), so re-running an unchanged notebook leaves the file identical. The notebook is written atomically: a failing run leaves the stored
    version untouched.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.ipynb`` file.
    timeout : int, default 600
        Seconds allowed per cell.

    Returns
    -------
    float
        Wall-clock seconds taken by the execution.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        If a cell raises; the stored notebook is then unchanged.
    FileNotFoundError
        If ``path`` does not exist.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        extra_arguments=list(_KERNEL_ARGUMENTS),
        record_timing=False,  # no timestamps in stored notebooks: reruns stay identical
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    return elapsed


def merge_streams(outputs):
    r"""Merge consecutive stream outputs of the same stream into one output.

    How a kernel splits a cell's printed text into stream messages depends on timing, so the
    same cell can be stored as one or several chunks; merging them makes the stored notebook
    the same on every run.

    Parameters
    ----------
    outputs : list of dict
        A code cell's ``outputs`` (nbformat output nodes).

    Returns
    -------
    list
        The outputs with every run of consecutive ``stream`` outputs of one ``name`` (stdout or
        stderr) joined into one; other outputs are unchanged and keep their order.

    Examples
    --------
    >>> import nbformat
    >>> outs = [nbformat.v4.new_output("stream", name="stdout", text="a\n"),
    ...         nbformat.v4.new_output("stream", name="stdout", text="b\n"),
    ...         nbformat.v4.new_output("stream", name="stderr", text="c\n")]
    >>> [(o["name"], o["text"]) for o in merge_streams(outs)]
    [('stdout', 'a\nb\n'), ('stderr', 'c\n')]
    """
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")):
            previous["text"] = previous["text"] + output["text"]
        else:
            merged.append(output)
    return merged


# ---------------------------------------------------------------------------------------------
# Running a copy of a notebook with parameters (papermill)
# ---------------------------------------------------------------------------------------------

#: Cell tag of the cell holding a notebook's parameters (papermill's convention).
PARAMETERS_TAG = "parameters"


@dataclass(frozen=True)
class NotebookRun:
    """What :func:`run_notebook` wrote.

    Attributes
    ----------
    source : pathlib.Path
        The notebook that was run (never modified).
    notebook : pathlib.Path
        The executed copy, with its outputs.
    html : pathlib.Path or None
        The HTML export, when asked for.
    parameters : dict
        The parameters given (name -> value), as injected by papermill.
    seconds : float
        Wall-clock seconds of the execution.
    """

    source: Path
    notebook: Path
    html: Path | None = None
    parameters: dict = field(default_factory=dict)
    seconds: float = 0.0


def notebook_parameters(path: str | os.PathLike) -> dict:
    """The parameters a notebook declares in its cell tagged ``parameters``.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.ipynb`` file.

    Returns
    -------
    dict
        Parameter name -> ``{"default": str, "help": str}``: the default as written in the cell
        and the comment documenting it (the trailing comment, else the comment lines heading
        its group of assignments, a group being lines without a blank line between; ``""``
        when there is none), in the cell's order. Empty when the notebook
        has no ``parameters`` cell.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.

    Examples
    --------
    >>> import nbformat, tempfile, os
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell(
    ...     "# UN DESA edition\\nEDITION = 2024\\nTOP = 5  # corridors listed",
    ...     metadata={"tags": ["parameters"]})]
    >>> path = os.path.join(tempfile.mkdtemp(), "demo.ipynb")
    >>> nbformat.write(nb, path)
    >>> notebook_parameters(path)
    {'EDITION': {'default': '2024', 'help': 'UN DESA edition'}, 'TOP': {'default': '5', 'help': 'corridors listed'}}
    """
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"notebook not found: {path}")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.metadata.get("tags", []):
            return _parse_parameters_cell(cell.source)
    return {}


def _parse_parameters_cell(source: str) -> dict:
    """Top-level assignments of a parameters cell with their documenting comments."""
    import ast
    import io
    import tokenize

    tree = ast.parse(source)
    lines = source.splitlines()
    comments = {}  # line number -> comment text
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if not names:
            continue
        default = ast.get_source_segment(source, node.value) or ""
        helptext = ""
        for line in range(node.lineno, node.end_lineno + 1):  # a trailing comment
            if line in comments and not lines[line - 1].lstrip().startswith("#"):
                helptext = comments[line]
        if not helptext:  # else the comment block heading this group of assignments
            above = []
            line = node.lineno - 1
            while line >= 1 and lines[line - 1].strip() and not lines[line - 1].lstrip(
                    ).startswith("#"):
                line -= 1  # an assignment of the same group (no blank line between)
            while line >= 1 and lines[line - 1].lstrip().startswith("#"):
                above.insert(0, comments.get(line, ""))
                line -= 1
            helptext = " ".join(a for a in above if a)
        for name in names:
            found[name] = {"default": default, "help": helptext}
    return found


def parse_parameter_value(text: str):
    """A command-line parameter value typed as YAML (like papermill's ``-y``).

    Parameters
    ----------
    text : str
        The value as typed after ``-p NAME``.

    Returns
    -------
    object
        ``int``, ``float``, ``bool``, ``None``, ``list`` or ``dict`` when the text reads as
        such in YAML, else the text itself. Words YAML 1.1 reads as booleans (``yes``, ``no``,
        ``on``, ``off``) stay strings: only ``true``/``false`` (any case) are booleans.

    Examples
    --------
    >>> parse_parameter_value("2019"), parse_parameter_value("0.9"), parse_parameter_value("THA")
    (2019, 0.9, 'THA')
    >>> parse_parameter_value("[KHM, LAO]"), parse_parameter_value("NO"), parse_parameter_value("true")
    (['KHM', 'LAO'], 'NO', True)
    """
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, bool) and text.strip().lower() not in ("true", "false"):
        return text
    if value is None and text.strip().lower() not in ("null", "none", "~"):
        return text
    if isinstance(value, (int, float, bool, list, dict, str)) or value is None:
        return value
    return text  # dates and other YAML types: keep the text


def run_notebook(
    path: str | os.PathLike,
    parameters: dict | None = None,
    output_dir: str | os.PathLike | None = None,
    html: bool = False,
    timeout: int = 600,
    kernel_name: str | None = None,
    output_name: str | None = None,
) -> NotebookRun:
    """Execute a copy of a notebook with other parameters (papermill) into a folder.

    Papermill injects the parameters in a cell after the one tagged ``parameters``; the copy is
    executed with the source notebook's folder as working directory (relative paths in the
    notebook keep working), its outputs are stored deterministically (consecutive stream outputs
    merged, no timing or papermill timestamps), and it is written atomically. The source
    notebook is never modified.

    Parameters
    ----------
    path : str or os.PathLike
        The notebook to run.
    parameters : dict, optional
        Parameter name -> value. Every name must be assigned in the notebook's ``parameters``
        cell (see :func:`notebook_parameters`). A notebook parameter ``FIGURES`` (the folder
        figures are saved to) defaults to ``output_dir/figures`` unless given, so a run never
        overwrites the figures of the committed notebooks. A value that is a relative path to
        an existing file or folder (``"mine.csv"``, ``"data/mine.csv"``) is made absolute
        against the caller's working directory, since the notebook runs in its own folder.
    output_dir : str or os.PathLike, optional
        Folder for the executed copy (created if needed); default ``./runs``.
    html : bool, default False
        Also write ``NAME.html`` (see :func:`export_html`).
    timeout : int, default 600
        Seconds allowed per cell.
    kernel_name : str, optional
        Jupyter kernel; default ``python3``.
    output_name : str, optional
        File name of the copy; default the source's name.

    Returns
    -------
    NotebookRun
        Paths written, parameters and execution time.

    Raises
    ------
    mixedmig.errors.InputError
        If the notebook has no ``parameters`` cell while parameters are given, a parameter name
        is not one of the notebook's (the message lists them), or the output would overwrite the
        source notebook.
    FileNotFoundError
        If ``path`` does not exist.
    papermill.exceptions.PapermillExecutionError
        If a cell raises; the executed copy up to that cell is written as ``NAME.failed.ipynb``
        in ``output_dir`` for inspection, and no earlier successful copy is replaced.

    Notes
    -----
    A failed copy carries the name of its notebook in ``metadata["mixedmig"]["failed_run_of"]``.
    When a later run of the same notebook into the same folder succeeds, that stale failed copy
    is removed, so a folder never holds a good run beside an older failure. A file of that
    name without the mark (not written by this function, or for another notebook) is left
    alone.

    See Also
    --------
    export_html : the HTML page written when ``html=True``.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("EDITION = 2024  # UN DESA edition",
    ...                                       metadata={"tags": ["parameters"]}),
    ...             nbformat.v4.new_code_cell("print(EDITION + 1)")]
    >>> nbformat.write(nb, folder / "demo.ipynb")
    >>> run = run_notebook(folder / "demo.ipynb", {"EDITION": 2019}, output_dir=folder / "runs",
    ...                    html=True)
    >>> print(nbformat.read(run.notebook, as_version=4).cells[-1].outputs[0]["text"].strip())
    2020
    >>> run.html.name
    'demo.html'
    """
    import nbformat
    import papermill

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"notebook not found: {path}")
    parameters = {name: _absolute_if_file(value) for name, value in (parameters or {}).items()}
    if parameters:
        declared = notebook_parameters(path)
        if not declared:
            raise InputError(
                f"{path} has no cell tagged 'parameters', so it takes no parameters "
                f"(given: {', '.join(sorted(parameters))})."
            )
        unknown = [name for name in parameters if name not in declared]
        if unknown:
            raise InputError(
                f"{path.name} has no parameter {', '.join(map(repr, unknown))}. Its parameters "
                f"are: {', '.join(declared)}."
            )
    output_dir = Path("runs") if output_dir is None else Path(output_dir)
    target = output_dir / (output_name or path.name)
    if target.resolve() == path.resolve():
        raise InputError(
            f"running {path} into {output_dir} would overwrite the notebook itself; give "
            f"another output folder (default ./runs)."
        )
    if "FIGURES" not in parameters and "FIGURES" in notebook_parameters(path):
        # a run's figures go beside the run, never over the figures of the committed notebooks
        parameters["FIGURES"] = str((output_dir / "figures").resolve())
    metadata = nbformat.read(path, as_version=4).metadata
    has_language = (metadata.get("kernelspec", {}).get("language")
                    or metadata.get("language_info", {}).get("name"))
    output_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp.ipynb")
    failed = target.with_name(f"{target.stem}.failed.ipynb")
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            papermill.execute_notebook(
                str(path), str(tmp), parameters=parameters,
                kernel_name=kernel_name or "python3", cwd=str(path.parent.resolve()),
                language=None if has_language else "python",
                progress_bar=False, request_save_on_cell_execute=False,
                execution_timeout=timeout, extra_arguments=list(_KERNEL_ARGUMENTS),
            )
    except papermill.PapermillExecutionError:
        if tmp.exists():
            failed_nb = nbformat.read(tmp, as_version=4)
            failed_nb.metadata.setdefault("mixedmig", {})[_FAILED_MARK] = path.name
            _write_clean(failed_nb, failed)
            tmp.unlink()
        raise
    finally:
        elapsed = time.perf_counter() - start
    nb = nbformat.read(tmp, as_version=4)
    tmp.unlink()
    _write_clean(nb, target)
    if _is_failed_copy(failed, path):  # this run succeeded: the earlier failure is stale
        failed.unlink()
    html_path = export_html(target) if html else None
    return NotebookRun(source=path, notebook=target, html=html_path, parameters=parameters,
                       seconds=elapsed)


#: Key of a failed copy's ``metadata["mixedmig"]`` naming the notebook whose run failed.
_FAILED_MARK = "failed_run_of"


def _is_failed_copy(failed: Path, source: Path) -> bool:
    """Whether ``failed`` is a failed copy :func:`run_notebook` wrote for notebook ``source``.

    Only such a file is removed when a later run succeeds: its metadata must carry the mark
    written with it, naming the same notebook. Any other file of that name is the user's.
    """
    import json

    if not failed.is_file():
        return False
    try:
        metadata = json.loads(failed.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return False
    mark = metadata.get("mixedmig", {}) if isinstance(metadata, dict) else {}
    return isinstance(mark, dict) and mark.get(_FAILED_MARK) == source.name


def _absolute_if_file(value):
    """A relative path naming an existing file or folder, made absolute; any other value as is.

    The notebook runs in its own folder, so ``-p STOCKS mine.csv`` given in the caller's
    working directory must reach the kernel as an absolute path.
    """
    if isinstance(value, str) and value and not Path(value).is_absolute():
        candidate = Path(value)
        if (candidate.suffix or len(candidate.parts) > 1) and candidate.exists():
            return str(candidate.resolve())
    return value


def _write_clean(nb, target: Path) -> None:
    """Drop timing and papermill run metadata, merge streams, write atomically."""
    import nbformat

    run_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"parameters": run_meta.get("parameters", {})}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if "injected-parameters" in cell.metadata.get("tags", []) and "id" in cell:
            cell["id"] = "injected-parameters"  # papermill draws a random id
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    tmp = target.with_name(f".{target.name}.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, target)


def export_html(path: str | os.PathLike, output: str | os.PathLike | None = None) -> Path:
    """Export an executed notebook as one self-contained HTML page.

    Uses nbconvert's ``lab`` template with images embedded as data URIs and the input cells
    kept; the scripts the template loads from a CDN (RequireJS, MathJax, the Mermaid loader) are
    left out, so the page needs no network (LaTeX in Markdown is then shown as typed).

    Parameters
    ----------
    path : str or os.PathLike
        The executed ``.ipynb``.
    output : str or os.PathLike, optional
        The HTML file; default ``path`` with the suffix ``.html``.

    Returns
    -------
    pathlib.Path
        The HTML file written (atomically).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    """
    import re

    import nbformat
    from nbconvert import HTMLExporter

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"notebook not found: {path}")
    output = path.with_suffix(".html") if output is None else Path(output)
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
    body = re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', "", body)
    body = re.sub(r'<link[^>]*\bhref="https?://[^"]*"[^>]*>\s*', "", body)
    body = _strip_mathjax_config(body)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, output)
    return output


def _strip_mathjax_config(body: str) -> str:
    """Remove the inline MathJax configuration (MathJax itself is not loaded) and any inline
    script that would import code from the network (the template's Mermaid loader)."""
    import re

    body = re.sub(r'<script type="text/x-mathjax-config">.*?</script>\s*', "", body,
                  flags=re.DOTALL)
    return re.sub(r'<script[^>]*>(?:(?!</script>).)*?import\("https?://.*?</script>\s*', "",
                  body, flags=re.DOTALL)
