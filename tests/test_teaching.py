"""Student copies drop solution cells and outputs, and keep everything else."""

import nbformat

from mixedmig.teaching import EXERCISE_PLACEHOLDER, student_copy, write_student_copies


def make_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("x = 1\nx", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/plain": "1"}, execution_count=1)], execution_count=1),
        nbformat.v4.new_code_cell("# Task: compute the share\nshare = 813 / 1817",
                                  metadata={"tags": ["solution"]}),
        nbformat.v4.new_markdown_cell("The answer is 44.7%.", metadata={"tags": ["solution"]}),
    ]
    return nb


def test_student_copy_removes_solutions_and_outputs():
    student = student_copy(make_notebook())
    assert student.cells[0].source == "# Title"
    assert student.cells[1].source == "x = 1\nx"
    assert student.cells[1].outputs == [] and student.cells[1].execution_count is None
    assert student.cells[2].source == "# Task: compute the share\n" + EXERCISE_PLACEHOLDER
    assert "813" not in student.cells[2].source
    assert student.cells[2].metadata["tags"] == ["exercise"]
    assert "44.7" not in student.cells[3].source


def test_original_is_untouched_and_files_written(tmp_path):
    nb = make_notebook()
    path = tmp_path / "01-demo.ipynb"
    nbformat.write(nb, path)
    written = write_student_copies([path], tmp_path / "student")
    assert [p.name for p in written] == ["01-demo.ipynb"]
    assert "813" in nbformat.read(path, as_version=4).cells[2].source
    assert "813" not in nbformat.read(written[0], as_version=4).cells[2].source
