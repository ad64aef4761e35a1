"""Student copies of the notebooks for seminar teaching.

A lecturer tags the cells that hold answers with the cell tag ``solution`` (JupyterLab: the
property inspector; classic Notebook: View > Cell Toolbar > Tags). ``student_copy`` replaces each
such code cell with an empty exercise cell (keeping the first comment line, which should state
the task) and each such Markdown cell with a placeholder, and clears all outputs, so students
execute the notebook themselves. ``mixedmig student-copies OUT`` writes them for every notebook.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

__all__ = ["EXERCISE_PLACEHOLDER", "SOLUTION_TAG", "student_copy", "write_student_copies"]

#: Cell tag marking a solution cell.
SOLUTION_TAG = "solution"
#: Source of an emptied exercise code cell, after the task's comment line.
EXERCISE_PLACEHOLDER = "# Your answer here"


def _task_line(source: str) -> str | None:
    for line in source.splitlines():
        if line.strip().startswith("#"):
            return line.rstrip()
    return None


def student_copy(nb):
    """A copy of a notebook without its solutions and outputs.

    Each code cell tagged ``solution`` keeps only its first comment line (the task) followed
    by :data:`EXERCISE_PLACEHOLDER`; each such Markdown cell becomes a placeholder; both are
    re-tagged ``exercise``. Every code cell loses its outputs and execution count.

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
    >>> nb.cells = [nbformat.v4.new_code_cell("# Task: share of 3 in 4\\nshare = 3 / 4",
    ...                                       metadata={"tags": ["solution"]})]
    >>> cell = student_copy(nb).cells[0]
    >>> print(cell.source)
    # Task: share of 3 in 4
    # Your answer here
    >>> cell.metadata["tags"]
    ['exercise']
    """
    student = copy.deepcopy(nb)
    for cell in student.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags:
            if cell.cell_type == "code":
                task = _task_line(cell.source)
                cell.source = "\n".join(filter(None, [task, EXERCISE_PLACEHOLDER]))
            else:
                cell.source = "*Write your answer here.*"
            cell.metadata["tags"] = [t for t in tags if t != SOLUTION_TAG] + ["exercise"]
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return student


def write_student_copies(paths, output_dir) -> list[Path]:
    """Write student copies (see :func:`student_copy`) of notebooks into a folder.

    Each copy keeps its notebook's file name and is written atomically.

    Parameters
    ----------
    paths : iterable of str or os.PathLike
        The notebooks.
    output_dir : str or os.PathLike
        Folder to write to (created if needed); existing copies are replaced.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``paths``.

    Raises
    ------
    FileNotFoundError
        If a notebook does not exist.
    """
    import nbformat

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        path = Path(path)
        nb = nbformat.read(path, as_version=4)
        target = output_dir / path.name
        tmp = target.with_name(f".{target.name}.tmp")
        nbformat.write(student_copy(nb), tmp)
        os.replace(tmp, target)
        written.append(target)
    return written
