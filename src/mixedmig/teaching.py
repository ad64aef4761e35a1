"""Student copies of the notebooks for seminar teaching.

Every notebook's exercises follow one convention (see ``docs/teaching.md``): a Markdown cell
tagged ``exercise`` states the task (first line ``### Exercise N: title``), and one or more
cells tagged ``solution`` (code, optionally Markdown) answer it with the toolkit. No later cell
may depend on anything a solution cell defines.

:func:`student_copy` removes every ``solution`` cell, keeps the exercise prompts, puts one empty
code cell (:data:`EXERCISE_PLACEHOLDER`) after each prompt whose solution was removed, and clears
every output, so students run the notebook themselves. :func:`write_student_copies` writes the
copies (``mixedmig student-copies OUT``), warns with :class:`NoSolutionsWarning` for a notebook
without solution cells, and refuses to write into the folder that holds the originals or
any folder inside it.
"""

from __future__ import annotations

import copy
import os
import warnings
from pathlib import Path

from .errors import InputError

__all__ = [
    "EXERCISE_PLACEHOLDER",
    "EXERCISE_TAG",
    "NoSolutionsWarning",
    "SOLUTION_TAG",
    "count_solutions",
    "student_copy",
    "write_student_copies",
]

#: Cell tag marking a solution cell (removed from student copies).
SOLUTION_TAG = "solution"
#: Cell tag marking an exercise prompt (kept in student copies).
EXERCISE_TAG = "exercise"
#: Source of the empty answer cell inserted after an exercise prompt.
EXERCISE_PLACEHOLDER = "# Your answer here"


class NoSolutionsWarning(UserWarning):
    """A notebook given to :func:`write_student_copies` has no cell tagged ``solution``.

    Its student copy is then the notebook with outputs cleared: nothing was held back.
    """


def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def count_solutions(nb) -> int:
    """Number of cells tagged ``solution`` in a notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook.

    Returns
    -------
    int
        Cells (code or Markdown) whose ``metadata.tags`` contain :data:`SOLUTION_TAG`.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["solution"]}),
    ...             nbformat.v4.new_code_cell("y = 2")]
    >>> count_solutions(nb)
    1
    """
    return sum(SOLUTION_TAG in _tags(cell) for cell in nb.cells)


def student_copy(nb):
    """A copy of a notebook without its solutions and outputs.

    Every cell tagged ``solution`` (code or Markdown) is removed with its outputs. Cells tagged
    ``exercise`` (the prompts) are kept; after each prompt whose following solution cells were
    removed, one empty code cell holding :data:`EXERCISE_PLACEHOLDER` (tagged ``answer``) is
    inserted, where the student writes the answer. Every code cell loses its outputs and
    execution count; notebook and cell metadata are kept.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook (left unchanged).

    Returns
    -------
    nbformat.NotebookNode
        The student copy.

    Examples
    --------
    >>> import nbformat
    >>> from mixedmig.teaching import student_copy
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [
    ...     nbformat.v4.new_markdown_cell("### Exercise 1: a share\\nShare of 3 in 4?",
    ...                                   metadata={"tags": ["exercise"]}),
    ...     nbformat.v4.new_code_cell("share = 3 / 4", metadata={"tags": ["solution"]}),
    ...     nbformat.v4.new_markdown_cell("## Discussion questions")]
    >>> [(c.cell_type, c.source.splitlines()[0]) for c in student_copy(nb).cells]
    [('markdown', '### Exercise 1: a share'), ('code', '# Your answer here'), \
('markdown', '## Discussion questions')]
    """
    import nbformat

    student = copy.deepcopy(nb)
    cells = []
    prompt = None  # the kept prompt whose solution cells were just removed
    for cell in student.cells:
        if SOLUTION_TAG in _tags(cell):
            if prompt is None and cells and EXERCISE_TAG in _tags(cells[-1]):
                prompt = cells[-1]
            continue
        if prompt is not None:
            cells.append(_answer_cell(nbformat, prompt, len(cells)))
            prompt = None
        cells.append(cell)
    if prompt is not None:
        cells.append(_answer_cell(nbformat, prompt, len(cells)))
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    student.cells = cells
    return student


def _answer_cell(nbformat, prompt, position: int):
    """The empty answer cell after ``prompt``; its id derives from the prompt's (deterministic)."""
    cell = nbformat.v4.new_code_cell(EXERCISE_PLACEHOLDER, metadata={"tags": ["answer"]})
    if "id" in cell:
        base = prompt.get("id") or f"cell-{position}"
        cell["id"] = f"{base[:57]}-answer"
    return cell


def write_student_copies(paths, output_dir) -> list[Path]:
    """Write student copies (see :func:`student_copy`) of notebooks into a folder.

    Each copy keeps its notebook's file name and is written atomically (temporary file, then
    rename). A notebook with no ``solution`` cell is still copied (outputs cleared), with a
    :class:`NoSolutionsWarning`.

    Parameters
    ----------
    paths : iterable of str or os.PathLike
        The notebooks.
    output_dir : str or os.PathLike
        Folder to write to (created if needed); existing copies there are replaced. It must
        not be a folder holding one of the notebooks, nor a folder inside one (the originals
        are never overwritten, and copies never mix with them).

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``paths``.

    Raises
    ------
    mixedmig.errors.InputError
        If ``output_dir`` is the folder of one of the notebooks or lies inside it.
    FileNotFoundError
        If a notebook does not exist.

    Warns
    -----
    NoSolutionsWarning
        For each notebook without a cell tagged ``solution``.
    """
    import nbformat

    paths = [Path(p) for p in paths]
    output_dir = Path(output_dir)
    out_resolved = output_dir.resolve()
    for path in paths:
        folder = path.resolve().parent
        if out_resolved == folder:
            raise InputError(
                f"student copies would overwrite the notebook {path}: the output folder "
                f"{output_dir} holds the originals. Give a folder outside {folder}, e.g. "
                f"'mixedmig student-copies student/'."
            )
        if folder in out_resolved.parents:
            raise InputError(
                f"the output folder {output_dir} is inside {folder}, the folder of the "
                f"notebook {path}: student copies there would sit among the originals (and be "
                f"picked up as notebooks of the course). Give a folder outside {folder}, e.g. "
                f"'mixedmig student-copies student/'."
            )
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"notebook not found: {path}")
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if count_solutions(nb) == 0:
            warnings.warn(
                f"{path.name} has no cell tagged 'solution': its student copy is the notebook "
                f"with outputs cleared (nothing held back). Tag answer cells 'solution' to "
                f"remove them.",
                NoSolutionsWarning,
                stacklevel=2,
            )
        target = output_dir / path.name
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            nbformat.write(student_copy(nb), tmp)
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
        written.append(target)
    return written
