"""``mixedmig build``: the curated tables of ``data/raw`` -> the derived tables of ``data/processed``.

The build is

- **validated first**: every curated table is loaded (sha256 against its manifest, every row
  against its schema) and every derived table is computed before anything is written, so a bad
  input stops the build with the file, line and column of the problem and changes nothing;
- **deterministic**: tables are written in sorted order with ``\\n`` line endings and floats in
  their shortest exact text, and ``manifest.json`` is written with sorted keys, so two builds
  from the same inputs are byte-identical;
- **safe for what is already there**: the build replaces its output folder as a whole, so it
  writes only to a new or empty folder, the bare folder note (``README.md``) of a fresh clone, or
  the output of a previous build, recognised by the ``manifest.json`` the build wrote there and
  holding only the files that manifest lists (plus ``README.md``). Anything else (``--output
  data/raw``, a folder of one's own files, a previous output with a file added by hand) is
  refused with :class:`~mixedmig.errors.DataError` before anything is written, and so is a folder
  marked read-only (no write permission bit on the folder or on anything in it) or a folder whose
  parent is read-only;
- **atomic**: the new tables, ``manifest.json`` and a copy of the folder's ``README.md`` are
  written (and flushed to disk) in a staging folder ``.NAME.build-XXXXXXXX`` beside the target
  ``NAME``. The staging folder then *exchanges* places with the target in one system call
  (Linux ``renameat2(RENAME_EXCHANGE)``, macOS ``renamex_np(RENAME_SWAP)``), and the previous
  outputs, now under the staging name, are deleted. At every instant the target is therefore the
  complete previous set or the complete new set, whatever kills the process (``SIGKILL``, power
  loss after the flush). A first build renames the staging folder to the target, equally atomic.
  The target stays a real folder (not a symbolic link), so the ``README.md`` that git tracks in
  ``data/processed`` stays where git expects it.

  Where the operating system or file system offers no atomic exchange (Windows; some network
  file systems), the target is renamed to ``.NAME.old-XXXXXXXX`` and the staging folder to the
  target: two renames. A process killed between them leaves no target for that instant (readers
  then build tables in memory, see :func:`mixedmig.data.load`); the next build moves the previous
  outputs back before it does anything else, so nothing is lost;
- **self-cleaning**: a build killed part-way leaves its staging folder (or, between the two
  renames of the fallback, the previous outputs) beside the target. The next build removes
  every such folder it made (``.NAME.build-*``, ``.NAME.old-*``, and the ``.NAME-XXXXXXXX`` /
  ``.NAME-old-XXXXXXXX`` folders of builds before this scheme) after checking that it holds
  nothing but build files (CSV tables, ``manifest.json``, ``README.md``);
- **one at a time**: a build holds the lock file ``.NAME.lock`` beside the target (a
  :mod:`filelock` lock, released by the operating system if the process dies) from its first
  write to its last. A second build of the same folder waits for it (``lock_timeout`` seconds)
  and then says that another build is running.

New folders get the ordinary permissions (``0777`` less the umask), like any ``mkdir``.

``manifest.json`` records the sha256 of every input file (``inputs``), the row count of every
curated table (``input_tables``), the sha256 of every output (``outputs``) and the column dtypes
of every output (``dtypes``), which :func:`mixedmig.data.load` uses to read a processed table
back typed and to refuse a table that was altered or built from other inputs.
"""

from __future__ import annotations

import errno
import json
import numbers
import os
import re
import shutil
import stat
import sys
from pathlib import Path


from ..errors import DataError, InputError
from . import catalog, derived
from .catalog import PROCESSED_NAME

__all__ = ["build"]

#: Generator string written to (and recognised in) ``manifest.json``.
_GENERATOR = "mixedmig build"
#: Files a build writes besides the tables listed in its manifest.
_MANIFEST = "manifest.json"
_README = "README.md"
#: linux/fs.h ``RENAME_EXCHANGE``; macOS sys/stdio.h ``RENAME_SWAP``; ``AT_FDCWD`` on Linux.
_RENAME_EXCHANGE = 2
_RENAME_SWAP = 2
_AT_FDCWD = -100
#: errno values meaning "this system or file system cannot exchange atomically".
_NO_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}


def build(
    processed_dir: str | os.PathLike | None = None, *, lock_timeout: float = 300.0
) -> Path:
    """Build ``data/processed`` from ``data/raw``, deterministically and atomically.

    Every curated table is validated and every derived table computed first; the outputs are
    then written to a staging folder beside the target, which takes the target's place in one
    atomic exchange (see the module docstring for the procedure and its fallback). The target
    is either a new or empty folder, a folder holding only ``README.md``, or the output of a
    previous build (its ``manifest.json`` lists every file in it); anything else is refused.

    Parameters
    ----------
    processed_dir : str or os.PathLike, optional
        Folder to write. Default: ``processed`` beside the ``data/raw`` folder of
        :func:`mixedmig.data.data_dir` (i.e. ``data/processed``). The folder is replaced as a
        whole; its ``README.md`` is kept. A symbolic link is followed: the folder it points to
        is replaced.
    lock_timeout : float, default 300
        Seconds to wait for another build of the same folder to finish (0: do not wait).

    Returns
    -------
    pathlib.Path
        The folder written (``processed_dir`` as given, or the default). It holds one CSV per
        derived table (see :func:`mixedmig.data.build_outputs`), ``manifest.json`` with keys
        ``generator``, ``inputs`` (sha256 of every ``data/raw`` CSV and YAML file),
        ``input_tables`` (rows per curated table), ``outputs`` (sha256 per output CSV) and
        ``dtypes`` (column dtypes per output CSV), and the ``README.md`` the folder had.

    Raises
    ------
    mixedmig.errors.DataError
        If a curated table is missing or unreadable; its subclasses ``IntegrityError`` (a CSV
        whose sha256 differs from its manifest), ``SchemaError`` (a row or column that breaks
        the schema) and ``ManifestError`` (a missing or malformed manifest) name the file, line
        and column. Also (``DataError`` itself, naming the folder) if the target is not a
        folder, is or holds ``data/raw``, holds files a previous build did not write, is marked
        read-only, cannot be written (permission denied, disk full), or another build of it
        is still running after ``lock_timeout`` seconds. Nothing is changed in any of these
        cases: the previous outputs stay as they were.
    mixedmig.errors.InputError
        If ``lock_timeout`` is not a number >= 0.

    See Also
    --------
    mixedmig.data.load : reads a processed table by name, checked against ``manifest.json``.

    Notes
    -----
    The swap is one ``renameat2(RENAME_EXCHANGE)`` system call on Linux (``renamex_np`` with
    ``RENAME_SWAP`` on macOS), which replaces one directory entry with another atomically;
    every output is flushed (``fsync``) before it, so the new set is complete on disk when it
    becomes visible.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from mixedmig import data
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     target = data.build(Path(tmp) / "processed")
    ...     record = json.loads((target / "manifest.json").read_text())
    ...     again = data.build(target)  # a previous build's output is replaced
    ...     print(sorted(record), "gravity_pairs.csv" in record["outputs"])
    ['dtypes', 'generator', 'input_tables', 'inputs', 'outputs'] True

    A folder the build did not write is refused, and left as it was:

    >>> from mixedmig.errors import DataError
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "notes.txt").write_text("mine")
    ...     try:
    ...         data.build(tmp)
    ...     except DataError as exc:
    ...         print("refused:", "not the output of a previous `mixedmig build`" in str(exc))
    ...     print(sorted(p.name for p in Path(tmp).iterdir()))
    refused: True
    ['notes.txt']
    """
    import filelock
    if (isinstance(lock_timeout, bool) or not isinstance(lock_timeout, numbers.Real)
            or not lock_timeout >= 0):
        raise InputError(f"lock_timeout must be a number of seconds >= 0, got {lock_timeout!r}")
    raw_dir = catalog.data_dir()
    given = Path(processed_dir) if processed_dir is not None else raw_dir.parent / PROCESSED_NAME
    target = Path(os.path.realpath(given))  # a symbolic link: replace the folder it points to
    _check_target(target, raw_dir)  # refuse before any work, so a refusal changes nothing

    validation = catalog.validate_all()  # every input must load before anything is written
    outputs = derived.build_outputs()

    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the folder: {exc.strerror}", path=parent) from None
    lock = filelock.FileLock(parent / f".{target.name}.lock")
    try:
        lock.acquire(timeout=float(lock_timeout))
    except filelock.Timeout:
        raise DataError(
            f"another `mixedmig build` is writing this folder (lock {lock.lock_file} held; "
            f"waited {lock_timeout:g} s); wait for it to finish and run the build again",
            path=target,
        ) from None
    except OSError as exc:
        raise DataError(f"cannot create the build lock {lock.lock_file}: {exc.strerror}; "
                        "build into a folder you can write (--output)", path=target) from None
    try:
        try:
            _recover(target)  # a fallback swap killed between its two renames
        except OSError as exc:
            raise DataError(f"cannot move the previous outputs back from beside the folder "
                            f"({exc.strerror}); check the permissions of {parent}",
                            path=target) from exc
        readme = _check_target(target, raw_dir)  # again, now that no other build runs
        _remove_leftovers(target)
        staging = _write_staging(target, outputs, validation, raw_dir, readme)
        _swap(staging, target)
    finally:
        lock.release()
    return given


def _is_read_only(path: Path, st: os.stat_result) -> bool:
    """Marked read-only: no write bit at all (root ignores modes, so check them), or no access."""
    return not (st.st_mode & 0o222) or not os.access(path, os.W_OK)


def _build_record(folder: Path) -> dict | None:
    """The manifest a previous build wrote in ``folder``, or None if there is none."""
    path = folder / _MANIFEST
    if path.is_symlink() or not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if (not isinstance(record, dict) or record.get("generator") != _GENERATOR
            or not isinstance(record.get("outputs"), dict)):
        return None
    return record


def _entries(folder: Path) -> tuple[list[str], list[Path]]:
    """Files (and symbolic links) under ``folder`` as relative POSIX paths; every folder."""
    files, folders = [], [folder]
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        for name in list(dirnames):
            if (here / name).is_symlink():  # never followed: counted as a file
                dirnames.remove(name)
                filenames.append(name)
            else:
                folders.append(here / name)
        files += [(here / name).relative_to(folder).as_posix() for name in filenames]
    return sorted(files), folders


def _listing(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" (and {len(items) - limit} more)" if len(items) > limit else "")


def _check_target(target: Path, raw_dir: Path) -> Path | None:
    """Refuse a target the build must not replace; return its README.md to keep, if any."""
    raw = Path(os.path.realpath(raw_dir))
    where = ("is the curated data folder" if target == raw
             else "holds the curated data folder" if target in raw.parents
             else "is inside the curated data folder" if raw in target.parents else None)
    if where is not None:
        raise DataError(
            f"{where} {raw}; the build replaces its output folder as a whole and never writes "
            "there. Nothing was changed: choose another folder (--output)",
            path=target,
        )
    if not os.path.lexists(target):
        ancestor = target.parent
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise DataError(f"cannot create the folder: {ancestor} is not a folder", path=target)
        if _is_read_only(ancestor, ancestor.stat()):
            raise DataError(f"cannot create the folder: {ancestor} is read-only; build into a "
                            "folder you can write (--output)", path=target)
        return None
    if not target.is_dir():
        raise DataError("is not a folder; the build writes a folder of tables: choose a "
                        "folder (--output)", path=target)
    record = _build_record(target)
    files, folders = _entries(target)
    allowed = {_README} | ({_MANIFEST} | set(record["outputs"]) if record else set())
    foreign = [f for f in files if f not in allowed]
    if foreign and record is None:
        raise DataError(
            f"is not empty and is not the output of a previous `mixedmig build` (it has no "
            f"manifest.json written by the build); it holds {_listing(foreign)}, which the "
            "build would delete, since it replaces its output folder as a whole. Nothing was "
            "changed: build into a new or empty folder (--output)",
            path=target,
        )
    if foreign:
        raise DataError(
            f"holds file(s) that the previous build did not write: {_listing(foreign)}; the "
            "build replaces the folder as a whole and would delete them. Nothing was changed: "
            "move them out of the folder, then build again",
            path=target,
        )
    for path in folders + [target / f for f in files]:
        st = path.lstat()
        if not stat.S_ISLNK(st.st_mode) and _is_read_only(path, st):
            raise DataError(
                f"is marked read-only "
                f"({'the folder' if path == target else path.relative_to(target).as_posix()} "
                f"has mode {stat.filemode(st.st_mode)}); the build never replaces a read-only "
                f"folder. Nothing was changed: make it writable (chmod -R u+w {target}) or "
                "build into another folder (--output)",
                path=target,
            )
    parent = target.parent
    if _is_read_only(parent, parent.stat()):
        raise DataError(f"cannot write beside the folder: {parent} is read-only; build into a "
                        "folder you can write (--output)", path=target)
    readme = target / _README
    return readme if readme.is_file() and not readme.is_symlink() else None


def _leftovers(target: Path) -> list[tuple[Path, str]]:
    """Folders beside ``target`` that killed builds left, with their role ('build' or 'old')."""
    name = re.escape(target.name)
    patterns = (
        re.compile(rf"\.{name}\.(build|old)-[0-9a-f]{{8}}"),
        re.compile(rf"\.{name}-(old-)?[a-z0-9_]{{8}}"),  # tempfile.mkdtemp names of older builds
    )
    found = []
    for entry in sorted(os.scandir(target.parent), key=lambda e: e.name):
        match = next((m for p in patterns if (m := p.fullmatch(entry.name))), None)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        files, _ = _entries(Path(entry.path))
        if all(f.endswith(".csv") or f in (_MANIFEST, _README) for f in files):
            found.append((Path(entry.path), "old" if "old" in (match.group(1) or "") else "build"))
    return found


def _recover(target: Path) -> None:
    """If the target is missing but a fallback swap parked the previous outputs, restore them."""
    if os.path.lexists(target):
        return
    parked = [p for p, role in _leftovers(target) if role == "old" and _build_record(p)]
    if parked:
        newest = max(parked, key=lambda p: (p / _MANIFEST).stat().st_mtime_ns)
        os.rename(newest, target)
        _fsync_dir(target.parent)


def _remove_leftovers(target: Path) -> None:
    for path, _ in _leftovers(target):
        shutil.rmtree(path, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk (POSIX; Windows cannot open a folder)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_staging(target, outputs, validation, raw_dir, readme) -> Path:
    """Write everything the new folder holds into a fresh staging folder beside ``target``."""
    import secrets
    for _ in range(100):
        staging = target.parent / f".{target.name}.build-{secrets.token_hex(4)}"
        try:
            os.mkdir(staging)  # ordinary permissions: 0777 less the umask
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise DataError(f"cannot create the staging folder {staging.name} beside the "
                            f"folder: {exc.strerror}", path=target) from None
    else:  # pragma: no cover - 100 collisions of 32 random bits
        raise DataError("cannot find a free staging folder name", path=target)
    try:
        written = []
        for relative, frame in sorted(outputs.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(derived._csv_text(frame).encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            written.append(path.parent)
        record = {
            "generator": _GENERATOR,
            "inputs": catalog._raw_digests(raw_dir),
            "input_tables": validation.set_index("name")["rows"].astype(int).to_dict(),
            "outputs": {rel: catalog.sha256_file(staging / rel) for rel in sorted(outputs)},
            "dtypes": {rel: derived._dtypes(outputs[rel]) for rel in sorted(outputs)},
        }
        with open(staging / _MANIFEST, "wb") as handle:
            handle.write((json.dumps(record, indent=2, sort_keys=True) + "\n").encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if readme is not None:  # the tracked note on the folder survives a rebuild
            shutil.copy2(readme, staging / _README)
            _fsync_file(staging / _README)
        for folder in sorted(set(written), key=lambda p: len(p.parts), reverse=True):
            _fsync_dir(folder)
        _fsync_dir(staging)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise DataError(
                f"cannot write the new tables beside the folder ({exc.strerror}); nothing was "
                "changed: free some space or build into another folder (--output)",
                path=target,
            ) from exc
        raise
    return staging


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directory entries in one system call; False if the system cannot."""
    import ctypes
    if sys.platform.startswith("linux"):
        name, args = "renameat2", (_AT_FDCWD, os.fsencode(first), _AT_FDCWD,
                                   os.fsencode(second), _RENAME_EXCHANGE)
        argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    elif sys.platform == "darwin":
        name, args = "renamex_np", (os.fsencode(first), os.fsencode(second), _RENAME_SWAP)
        argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
    else:
        return False
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):  # a C library without it (glibc < 2.28)
        return False
    function.argtypes, function.restype = argtypes, ctypes.c_int
    if function(*args) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in the place of ``target`` atomically, then delete the previous set."""
    import secrets
    parent = target.parent
    old = None
    try:
        if not os.path.lexists(target):
            os.rename(staging, target)
        elif _exchange(staging, target):
            old = staging  # the previous outputs, now under the staging name
        else:  # no atomic exchange here: two renames, undone by the next build if killed
            old = parent / f".{target.name}.old-{secrets.token_hex(4)}"
            os.rename(target, old)
            try:
                os.rename(staging, target)
            except BaseException:
                os.rename(old, target)
                old = None
                raise
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise DataError(
                f"cannot replace the folder ({exc.strerror}); nothing was changed: check its "
                "permissions, or build into another folder (--output)",
                path=target,
            ) from exc
        raise
    _fsync_dir(parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
