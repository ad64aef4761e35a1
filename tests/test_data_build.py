"""`mixedmig build`: deterministic, atomic, with a manifest of input and output digests; it never
loses data (refuses folders it did not write, survives SIGKILL at any step, one build at a time)."""

from __future__ import annotations

import errno
import importlib
import json
import os
import re
import shutil
import signal
import stat
import sys
import threading

import pandas as pd
import pytest

from mixedmig import cli, data
from mixedmig.data import derived
from mixedmig.errors import DataError, InputError, IntegrityError, SchemaError


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    target = tmp_path_factory.mktemp("build") / "processed"
    data.build(target)
    return target


def _tree_bytes(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_second_build_is_byte_identical(built, tmp_path):
    again = tmp_path / "processed"
    data.build(again)
    assert _tree_bytes(again) == _tree_bytes(built)


def test_manifest_records_every_input_and_output(built):
    record = json.loads((built / "manifest.json").read_text())
    files = {p.relative_to(built).as_posix() for p in built.rglob("*.csv")}
    assert set(record["outputs"]) == files
    for relative, digest in record["outputs"].items():
        assert data.sha256_file(built / relative) == digest
    raw = data.data_dir()
    assert set(record["inputs"]) == {f"data/raw/{p.name}" for p in raw.iterdir()
                                     if p.suffix in (".csv", ".yml")}
    for name, digest in record["inputs"].items():
        assert data.sha256_file(raw / name.removeprefix("data/raw/")) == digest


def test_od_tables_one_per_edition_and_year_never_mixed(built):
    stocks = data.load("undesa_ims_bilateral")
    expected = {f"undesa_od/edition-{e}/year-{y}.csv"
                for e, y in stocks[["edition", "year"]].drop_duplicates().itertuples(index=False)}
    produced = {p.relative_to(built).as_posix() for p in (built / "undesa_od").rglob("*.csv")}
    assert produced == expected
    table_2019 = pd.read_csv(built / "undesa_od/edition-2019/year-1990.csv")
    table_2024 = pd.read_csv(built / "undesa_od/edition-2024/year-1990.csv")
    mmr_tha = ("orig == 'MMR' and dest == 'THA'")
    # UN DESA: Myanmar-born in Thailand, 1990, as re-estimated by each edition
    assert table_2019.query(mmr_tha)["stock_total"].item() == 229504
    assert table_2024.query(mmr_tha)["stock_total"].item() == 1106
    assert table_2024.query(mmr_tha)["orig_name"].item() == "Myanmar"


def test_gravity_pairs_cover_every_ordered_pair(built):
    pairs = pd.read_csv(built / "gravity_pairs.csv")
    years = pairs["year"].nunique()
    assert len(pairs) == years * 15 * 14
    assert not pairs.duplicated(["year", "orig", "dest"]).any()
    row = pairs.query("year == 2020 and orig == 'MMR' and dest == 'THA'").iloc[0]
    assert row["stock"] == 1576317 and bool(row["stock_listed"])
    assert row["contig"] == 1


def test_failed_build_leaves_previous_outputs_intact(tmp_path, monkeypatch):
    target = tmp_path / "processed"
    data.build(target)
    before = _tree_bytes(target)

    def broken():
        raise SchemaError("simulated failure half-way through the build")

    monkeypatch.setattr(derived, "identified_victims_wide", broken)
    with pytest.raises(SchemaError, match="simulated failure"):
        data.build(target)
    assert _tree_bytes(target) == before
    assert not [p for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith(".processed")]


def test_bad_raw_table_stops_the_build_before_writing(tmp_path, monkeypatch):
    raw = tmp_path / "data" / "raw"
    shutil.copytree(data.data_dir(), raw)
    csv_path = raw / "uniap_identified_victims.csv"
    csv_path.write_text(csv_path.read_text() + "extra,row\n")
    monkeypatch.setenv("MIXEDMIG_DATA", str(raw))
    with pytest.raises(Exception, match="sha256 mismatch"):
        data.build(tmp_path / "data" / "processed")
    assert not (tmp_path / "data" / "processed").exists()


@pytest.fixture
def raw_copy(tmp_path, monkeypatch):
    """A clone's data folder with data/raw only (as on a fresh clone: nothing built)."""
    raw = tmp_path / "data" / "raw"
    shutil.copytree(data.data_dir(), raw)
    monkeypatch.setenv("MIXEDMIG_DATA", str(raw))
    return raw


def test_derived_table_loads_the_same_frame_built_or_not(raw_copy):
    assert not data.processed_dir().exists()
    in_memory = data.load("gravity_pairs")  # fresh clone: built in memory from data/raw
    pd.testing.assert_frame_equal(in_memory, data.gravity_pairs())
    target = data.build()
    assert target == raw_copy.parent / "processed"
    from_disk = data.load("gravity_pairs")
    pd.testing.assert_frame_equal(from_disk, in_memory)
    record = json.loads((target / "manifest.json").read_text())
    # the digest of the CSV text is the same either way, and is the file's recorded digest
    assert in_memory.attrs["manifest"]["sha256"] == record["outputs"]["gravity_pairs.csv"]
    assert from_disk.attrs["manifest"]["sha256"] == record["outputs"]["gravity_pairs.csv"]
    # UN DESA 2024: Myanmar-born in Thailand, 2020
    row = from_disk.query("year == 2020 and orig == 'MMR' and dest == 'THA'")
    assert row["stock"].item() == 1576317
    for name in ("identified_victims_wide", "undesa_od/edition-2024/year-1990"):
        pd.testing.assert_frame_equal(data.load(name, processed=True),
                                      data.load(name, processed=False))
    od = data.load("undesa_od/edition-2024/year-1990")
    assert od.query("orig == 'MMR' and dest == 'THA'")["stock_total"].item() == 1106
    victims = data.load("identified_victims_wide").set_index("country")
    assert victims.loc["CHN", "2009"] == 10820 and pd.isna(victims.loc["CHN", "2008"])


def test_processed_table_is_checked_against_the_build_manifest(raw_copy):
    target = data.build()
    path = target / "gravity_pairs.csv"
    path.write_text(path.read_text().replace("1576317", "1576318"))
    with pytest.raises(IntegrityError, match=r"gravity_pairs\.csv.*sha256 mismatch.*mixedmig build"):
        data.load("gravity_pairs")
    data.build()
    yml = raw_copy / "steam_cohort.yml"
    yml.write_text(yml.read_text() + "# edited after the build\n")
    with pytest.raises(IntegrityError, match=r"out of date: data/raw/steam_cohort\.yml changed"):
        data.load("gravity_pairs")


def test_build_keeps_the_folder_readme(raw_copy):
    target = data.processed_dir()
    target.mkdir()
    (target / "README.md").write_text("# data/processed\n")
    data.build()
    assert (target / "README.md").read_text() == "# data/processed\n"
    assert (target / "manifest.json").is_file()


def test_load_argument_errors(raw_copy):
    with pytest.raises(DataError, match="data/processed has not been built"):
        data.load("gravity_pairs", processed=True)
    with pytest.raises(InputError, match="no derived table named 'undesa_od/edition-1990/year-1'"):
        data.load("undesa_od/edition-1990/year-1")
    with pytest.raises(InputError, match="non-empty string"):
        data.load(3)
    with pytest.raises(InputError, match="derived tables only"):
        data.load("steam_cohort", processed=True)
    with pytest.raises(InputError, match="no dataset named 'nope'.*gravity_pairs"):
        data.load("nope")


# --- The build never loses data (issue 8, item 6) ----------------------------------------------

build_module = importlib.import_module("mixedmig.data.build")


def _names(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _leftover_dirs(parent):
    return sorted(p.name for p in parent.iterdir() if p.is_dir() and p.name.startswith(".processed"))


@pytest.fixture(scope="module")
def inputs():
    """Validation and outputs computed once; the build tests below reuse them (fast builds)."""
    return data.validate_all(), derived.build_outputs()


@pytest.fixture
def fast_build(raw_copy, inputs, monkeypatch):
    """Builds from a copy of data/raw that skip recomputing the tables: a few outputs only.

    The 'new' outputs are a made-up test fixture: the real tables with their last row dropped,
    so that every file of a new build differs from the previous build's file.
    """
    validation, outputs = inputs
    keep = ["gravity_pairs.csv", "identified_victims_wide.csv",
            "undesa_od/edition-2024/year-1990.csv"]
    old = {k: outputs[k] for k in keep}
    new = {k: frame.iloc[:-1] for k, frame in old.items()}
    current = {"outputs": old}
    monkeypatch.setattr(data.catalog, "validate_all", lambda: validation)
    monkeypatch.setattr(derived, "build_outputs", lambda: current["outputs"])

    def use(which):
        current["outputs"] = {"old": old, "new": new}[which]

    return use


@pytest.mark.parametrize("case", ["own files", "data/raw", "previous build plus a file",
                                  "a file", "unrecognised manifest"])
def test_build_refuses_a_folder_it_did_not_write_and_changes_nothing(raw_copy, fast_build,
                                                                     case, capsys):
    target = raw_copy.parent / "processed"
    if case == "own files":
        target.mkdir()
        (target / "thesis.tex").write_text("months of work")
        (target / "README.md").write_text("# mine\n")
    elif case == "data/raw":
        target = raw_copy
    elif case == "previous build plus a file":
        data.build(target)
        (target / "my_notes.csv").write_text("a,b\n1,2\n")
    elif case == "a file":
        target = raw_copy.parent / "output.csv"
        target.write_text("x\n")
    else:
        target.mkdir()
        (target / "manifest.json").write_text('{"generator": "someone else", "outputs": {}}')
        (target / "table.csv").write_text("a\n1\n")
    before = {p: (p.read_bytes() if p.is_file() else None)
              for p in raw_copy.parent.rglob("*")}
    with pytest.raises(DataError) as caught:
        data.build(target)
    message = str(caught.value)
    assert str(target) in message and "(--output)" in message or "move them out" in message
    expected = {"own files": r"not the output of a previous `mixedmig build`.*thesis\.tex",
                "data/raw": "the curated data folder",
                "previous build plus a file": r"did not write: my_notes\.csv",
                "a file": "is not a folder",
                "unrecognised manifest": "not the output of a previous `mixedmig build`"}[case]
    assert re.search(expected, message)
    after = {p: (p.read_bytes() if p.is_file() else None) for p in raw_copy.parent.rglob("*")}
    assert after == before  # nothing written, nothing deleted
    # the command line says the same, without a traceback
    assert cli.main(["build", "--output", str(target)]) == 2
    assert re.search(expected, capsys.readouterr().err)
    assert {p: (p.read_bytes() if p.is_file() else None)
            for p in raw_copy.parent.rglob("*")} == before


def test_build_accepts_new_empty_readme_only_and_previous_folders(raw_copy, fast_build):
    parent = raw_copy.parent
    data.build(parent / "new" / "deeper")
    (parent / "empty").mkdir()
    data.build(parent / "empty")
    (parent / "fresh").mkdir()
    (parent / "fresh" / "README.md").write_text("# note\n")
    data.build(parent / "fresh")
    data.build(parent / "fresh")  # a previous build's output
    for folder in ("new/deeper", "empty", "fresh"):
        assert (parent / folder / "manifest.json").is_file()
    assert (parent / "fresh" / "README.md").read_text() == "# note\n"


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_build_follows_a_symbolic_link_to_the_folder(raw_copy, fast_build, tmp_path):
    real = tmp_path / "elsewhere" / "processed"
    data.build(real)
    link = raw_copy.parent / "processed"
    link.symlink_to(real, target_is_directory=True)
    fast_build("new")
    assert data.build() == link
    assert link.is_symlink() and not real.is_symlink()
    assert len(pd.read_csv(real / "identified_victims_wide.csv")) == 5  # one row dropped


def test_build_gives_ordinary_permissions_and_keeps_the_tracked_readme(raw_copy, fast_build):
    target = data.processed_dir()
    target.mkdir()
    note = b"# data/processed\n\nOutputs of `mixedmig build`.\n"
    (target / "README.md").write_bytes(note)
    old_umask = os.umask(0o022)
    try:
        for _ in range(2):
            data.build()
    finally:
        os.umask(old_umask)
    assert target.is_dir() and not target.is_symlink()  # git keeps tracking README.md there
    assert (target / "README.md").read_bytes() == note
    assert stat.S_IMODE(target.stat().st_mode) == 0o755  # like `mkdir` under umask 022
    assert stat.S_IMODE((target / "undesa_od").stat().st_mode) == 0o755
    assert stat.S_IMODE((target / "manifest.json").stat().st_mode) == 0o644
    assert _leftover_dirs(raw_copy.parent) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("what", ["folder", "a file in it", "parent of a new folder"])
def test_read_only_target_is_refused_and_left_alone(raw_copy, fast_build, what):
    target = raw_copy.parent / "processed"
    if what == "parent of a new folder":
        parent = raw_copy.parent / "locked"
        parent.mkdir()
        target, frozen = parent / "processed", parent
    else:
        data.build(target)
        frozen = target if what == "folder" else target / "gravity_pairs.csv"
    before = _tree_bytes(raw_copy.parent)
    mode = frozen.stat().st_mode
    frozen.chmod(stat.S_IMODE(mode) & ~0o222)
    try:
        fast_build("new")
        expected = {"folder": r"read-only \(the folder has mode dr-xr-xr-x\)",
                    "a file in it": r"read-only \(gravity_pairs\.csv has mode -r--r--r--\)",
                    "parent of a new folder": r"locked is read-only"}[what]
        with pytest.raises(DataError, match=expected):
            data.build(target)
        assert frozen.stat().st_mode == mode & ~0o222
    finally:
        frozen.chmod(stat.S_IMODE(mode))
    assert _tree_bytes(raw_copy.parent) == before
    assert _leftover_dirs(raw_copy.parent) == []


def test_permission_denied_while_replacing_is_a_clear_error(raw_copy, fast_build, monkeypatch):
    target = data.build()
    before = _tree_bytes(target)

    def denied(first, second):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(second))

    monkeypatch.setattr(build_module, "_exchange", denied)
    fast_build("new")
    with pytest.raises(DataError, match=r"cannot replace the folder \(Permission denied\); "
                                        "nothing was changed"):
        data.build()
    assert _tree_bytes(target) == before
    assert _leftover_dirs(raw_copy.parent) == []


def test_next_build_removes_only_the_folders_killed_builds_left(raw_copy, fast_build):
    parent = raw_copy.parent
    data.build()
    made = {".processed.build-0a1b2c3d": "gravity_pairs.csv",  # staging of a killed build
            ".processed.old-0a1b2c3d": "manifest.json",  # parked by the fallback swap
            ".processed-k3j_9x0a": "undesa_od/edition-2024/year-1990.csv",  # older builds
            ".processed-old-zz81kq0p": "README.md"}
    mine = {".processed.build-0a1b2c3e": "thesis.tex",  # right name, someone else's file
            ".processed-mine": "gravity_pairs.csv",  # not a name the build uses
            ".processed.build-0a1b2c3f.csv": None}  # a file, not a folder
    for name, file in {**made, **mine}.items():
        if file is None:
            (parent / name).write_text("x\n")
            continue
        (parent / name / file).parent.mkdir(parents=True, exist_ok=True)
        (parent / name / file).write_text("a\n1\n")
    data.build()
    assert sorted(p.name for p in parent.iterdir() if p.name.startswith(".processed")
                  and not p.name.endswith(".lock")) == sorted(mine)


def test_a_second_build_waits_for_the_first_or_says_one_is_running(raw_copy, fast_build,
                                                                   monkeypatch):
    target = data.build()
    real_csv_text = derived._csv_text
    writing, finish = threading.Event(), threading.Event()

    def slow_csv_text(frame):
        if threading.current_thread().name == "first build":
            writing.set()
            finish.wait(30)
        return real_csv_text(frame)

    monkeypatch.setattr(derived, "_csv_text", slow_csv_text)
    errors = []

    def run(**kwargs):
        try:
            data.build(**kwargs)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    first = threading.Thread(target=run, name="first build")
    first.start()
    assert writing.wait(30)
    with pytest.raises(DataError, match=r"another `mixedmig build` is writing this folder"):
        data.build(lock_timeout=0.2)
    second = threading.Thread(target=run, kwargs={"lock_timeout": 60}, name="second build")
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the first
    finish.set()
    first.join(30)
    second.join(30)
    assert errors == []
    assert set(_names(target)) >= {"manifest.json", "gravity_pairs.csv"}
    assert _leftover_dirs(raw_copy.parent) == []
    with pytest.raises(InputError, match="lock_timeout"):
        data.build(lock_timeout=-1)


#: Audit events (PEP 578) that change the file system; the kill test stops before each one.
_MUTATING_EVENTS = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                    "os.symlink", "os.link", "os.truncate", "os.utime", "shutil.rmtree",
                    "shutil.copyfile", "shutil.copymode", "shutil.copystat",
                    "tempfile.mkdtemp", "ctypes.call_function"}


def _mutates(event, args):
    if event == "open":
        flags = args[2] if len(args) > 2 else 0
        return isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    return event in _MUTATING_EVENTS


def _build_killed_before_step(step, target, atomic_exchange):
    """Fork; the child builds and SIGKILLs itself just before its ``step``-th file-system change.

    Returns True if the child was killed, False if it finished first (``step`` past the end).
    """
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            count = 0

            def hook(event, args):
                nonlocal count
                if _mutates(event, args):
                    count += 1
                    if count == step:
                        os.kill(os.getpid(), signal.SIGKILL)

            if not atomic_exchange:
                build_module._exchange = lambda first, second: False
            sys.addaudithook(hook)
            data.build(target)
        except BaseException:  # noqa: BLE001
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, "the build failed in the child"
    return False


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")
@pytest.mark.parametrize("atomic_exchange", [True, False], ids=["exchange", "two-renames"])
def test_build_killed_at_any_step_loses_nothing(raw_copy, fast_build, tmp_path,
                                                atomic_exchange):
    """SIGKILL before every file-system change of a build, in turn: the target is always the
    complete old set or the complete new set (README.md included), and the next build recovers,
    finishes and removes what the killed one left. Without an atomic exchange (the fallback)
    the previous set may be parked beside the target for an instant: then it is complete, and
    the next build puts it back first."""
    parent = raw_copy.parent
    target = parent / "processed"
    target.mkdir()
    (target / "README.md").write_text("# data/processed\n")
    data.build(target)
    old = _tree_bytes(target)
    saved = tmp_path / "saved-old"
    shutil.copytree(target, saved)
    fast_build("new")
    data.build(target)
    new = _tree_bytes(target)
    assert old != new and old.keys() == new.keys() and "README.md" in new
    seen, problems = set(), []
    for step in range(1, 500):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(saved, target)
        if not _build_killed_before_step(step, target, atomic_exchange):
            break
        state = _tree_bytes(target) if target.exists() else None
        parked = [_tree_bytes(p) for p in parent.iterdir() if p.name.startswith(".processed.old-")]
        if state == old:
            seen.add("old")
        elif state == new:
            seen.add("new")
        elif state is None and not atomic_exchange and parked == [old]:
            seen.add("parked")  # the fallback's instant between its two renames
        else:
            problems.append(f"killed before step {step}: target "
                            f"{'missing' if state is None else 'neither old nor new'}")
        if _leftover_dirs(parent):
            seen.add("leftovers")
        data.build(target)  # the next build
        if _tree_bytes(target) != new:
            problems.append(f"killed before step {step}: the next build did not write the new set")
        if _leftover_dirs(parent):
            problems.append(f"killed before step {step}: the next build left "
                            f"{_leftover_dirs(parent)}")
            for name in _leftover_dirs(parent):
                shutil.rmtree(parent / name)
    else:
        pytest.fail("the build never finished")
    assert problems == []
    assert step > 10
    assert seen >= {"old", "new", "leftovers"} | ({"parked"} if not atomic_exchange else set())
