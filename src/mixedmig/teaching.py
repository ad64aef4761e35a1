"""Student copies of the notebooks for seminar teaching.

A lecturer tags the cells that hold answers with the cell tag ``solution`` (JupyterLab: the
property inspector; classic Notebook: View > Cell Toolbar > Tags). ``student_copy`` replaces each
such code cell with an empty exercise cell (keeping the first comment line, which should state
the task) and each such Markdown cell with a placeholder, and clears all outputs, so students
execute the notebook themselves.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

SOLUTION_TAG = "solution"
EXERCISE_PLACEHOLDER = "# Your answer here"


def _task_line(source: str) -> str | None:
    for line in source.splitlines():
        if line.strip().startswith("#"):
            return line.rstrip()
    return None


def student_copy(nb):
    """Return a copy of notebook ``nb`` (an nbformat NotebookNode) without solutions."""
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
    """Write student copies of the notebooks ``paths`` into ``output_dir``."""
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
