"""Sweeps: map a function over tasks on Dask or serially, with reproducible random streams.

The one engine behind every long computation of many independent runs (the probabilistic
sensitivity analysis of :func:`mixedmig.pathways.psa`, the sweeps of flows from stocks over
priors and editions of :func:`mixedmig.flows.flows_sweep`):

* :func:`seeded_chunks` cuts ``n`` random draws into chunks of fixed size; chunk ``k`` draws
  from its own stream, ``numpy.random.SeedSequence(seed).spawn(n_chunks)[k]``, so the numbers
  depend only on ``seed`` and ``chunk_size``, never on how many workers run the chunks or in
  which order they finish (O'Neill 2015; NumPy's ``SeedSequence`` documentation).
* :func:`map_tasks` calls a function once per task, in this process (``scheduler="serial"``)
  or on Dask (``dask.distributed``): a :class:`distributed.LocalCluster` on the loopback
  interface started for the call by default, the scheduler at any address, or a
  ``distributed.Client`` (for instance one of a ``dask-jobqueue`` SLURM/PBS cluster).
  Results come back in task order, with an optional tqdm progress bar that advances as tasks
  finish.  What Dask logs while the tasks run (for instance "Event loop was unresponsive" on a
  busy machine) is kept in :attr:`SweepRun.log` instead of being written to stderr, so a
  notebook cell's output does not depend on the machine's load.

This module sits at the bottom layer: it knows nothing of migration or pathways.

References
----------
O'Neill ME (2015). PCG: A family of simple fast space-efficient statistically good algorithms
for random number generation. Harvey Mudd College, HMC-CS-2014-0905 (the hashing behind
``numpy.random.SeedSequence``).

Dask Development Team (2016). *Dask: Library for dynamic task scheduling.* https://dask.org
"""

from __future__ import annotations

import logging
import numbers
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["Chunk", "SweepRun", "map_tasks", "seeded_chunks"]


@dataclass(frozen=True)
class Chunk:
    """One chunk of random draws: where it starts, how many draws, and its own random stream.

    Parameters
    ----------
    start : int
        Position of the chunk's first draw among all draws.
    size : int
        Number of draws in the chunk.
    seed_sequence : numpy.random.SeedSequence
        The chunk's random stream; ``numpy.random.default_rng(seed_sequence)`` draws from it.

    Examples
    --------
    >>> chunk = seeded_chunks(5, 2, seed=1)[2]
    >>> chunk.start, chunk.size
    (4, 1)
    """

    start: int
    size: int
    seed_sequence: np.random.SeedSequence


@dataclass(frozen=True)
class SweepRun:
    """What :func:`map_tasks` returns: the task results in task order and where they ran.

    Parameters
    ----------
    results : list
        ``func``'s return value for each task, in the order of ``tasks``.
    engine : str
        Where the tasks ran (``"serial (no Dask)"``, ``"LocalCluster (127.0.0.1, in-process
        workers), 2 workers"``, ...); the results do not depend on it.
    n_workers : int
        Workers that were connected when the tasks finished (1 for a serial run).
    log : tuple of str, default ()
        Messages the ``distributed``, ``asyncio`` and ``tornado`` loggers emitted at WARNING or
        above while the tasks ran
        (``"LEVEL logger: message"``), kept here rather than written to stderr; empty for a
        serial run.  They describe the run (timing, memory), not the results.

    Examples
    --------
    >>> run = map_tasks(abs, [(-1,), (2,)], scheduler="serial")
    >>> run.results, run.n_workers, run.log
    ([1, 2], 1, ())
    """

    results: list
    engine: str
    n_workers: int
    log: tuple = ()

    def log_diagnostic(self) -> tuple:
        """The ``dask_log`` row of a sweep's diagnostics: ``(check, value, note)``.

        Returns
        -------
        tuple
            ``("dask_log", number of messages, the messages joined by "; " or a note that
            there were none)``.

        Examples
        --------
        >>> map_tasks(abs, [(-1,)], scheduler="serial").log_diagnostic()[:2]
        ('dask_log', 0)
        """
        return ("dask_log", len(self.log), "; ".join(self.log) or
                "Dask logged no warning while the tasks ran (serial runs log nothing)")


class _KeepRecords(logging.Handler):
    """A logging handler that keeps formatted records in a list."""

    def __init__(self, kept: list[str]):
        super().__init__(level=logging.WARNING)
        self.kept = kept

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.kept.append(f"{record.levelname} {record.name}: {record.getMessage()}")
        except Exception:  # pragma: no cover - a malformed record must not break the run
            self.handleError(record)


#: Loggers whose records during a Dask run are kept in the run's log: distributed's own, and
#: the event-loop libraries it runs on (asyncio reports a task destroyed while pending at
#: shutdown through Python's last-resort stderr handler).
_DASK_LOGGERS = ("distributed", "asyncio", "tornado")


@contextmanager
def _dask_log_kept(kept: list[str]) -> Iterator[None]:
    """Route the Dask loggers' WARNING+ records into ``kept`` for the duration.

    ``distributed`` gives its top logger a stderr handler at import; in a notebook kernel
    that handler writes into the cell's output, so a warning caused by the machine's load
    (``full garbage collections took 12% CPU time``) would change the output.  Each logger's
    own handlers and propagation are restored afterwards.
    """
    handler = _KeepRecords(kept)
    saved = []
    for name in _DASK_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, list(logger.handlers), logger.propagate))
        logger.handlers = [handler]
        logger.propagate = False
    try:
        yield
    finally:
        for logger, handlers, propagate in saved:
            logger.handlers, logger.propagate = handlers, propagate


def _positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InputError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def seeded_chunks(n: int, chunk_size: int, seed) -> list[Chunk]:
    """Cut ``n`` draws into chunks of ``chunk_size``, each with its own spawned random stream.

    Parameters
    ----------
    n : int
        Number of draws (positive).
    chunk_size : int
        Draws per chunk (positive); the last chunk holds the remainder.
    seed : int or numpy.random.SeedSequence
        Root of the streams: a non-negative integer, or a ``SeedSequence`` (for instance a
        child of another one, to give each of several sweeps its own independent streams).

    Returns
    -------
    list of Chunk
        ``ceil(n / chunk_size)`` chunks; chunk ``k`` starts at draw ``k * chunk_size`` and
        draws from ``SeedSequence(seed).spawn(n_chunks)[k]``.

    Raises
    ------
    InputError
        For a non-positive ``n`` or ``chunk_size``, or a ``seed`` that is neither a
        non-negative integer nor a ``SeedSequence``.

    Notes
    -----
    The layout depends only on ``seed``, ``n`` and ``chunk_size``: the same arguments give the
    same streams in every process, so a sweep run serially and one run on any number of Dask
    workers draw the same numbers.  Spawned children are statistically independent streams
    (NumPy ``SeedSequence``; O'Neill 2015).

    References
    ----------
    O'Neill ME (2015). PCG: A family of simple fast space-efficient statistically good
    algorithms for random number generation. HMC-CS-2014-0905.

    Examples
    --------
    >>> chunks = seeded_chunks(5, 2, seed=2013)
    >>> [(c.start, c.size) for c in chunks]
    [(0, 2), (2, 2), (4, 1)]
    >>> a = np.random.default_rng(chunks[1].seed_sequence).random()
    >>> b = np.random.default_rng(seeded_chunks(5, 2, seed=2013)[1].seed_sequence).random()
    >>> a == b
    True
    """
    n = _positive_int(n, "n")
    chunk_size = _positive_int(chunk_size, "chunk_size")
    if isinstance(seed, np.random.SeedSequence):
        root = seed
    elif isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InputError(f"seed must be a non-negative integer (the root of the random streams) "
                         f"or a numpy.random.SeedSequence, got {seed!r}; pass e.g. seed=2013")
    else:
        root = np.random.SeedSequence(int(seed))
    sizes = [min(chunk_size, n - k) for k in range(0, n, chunk_size)]
    streams = root.spawn(len(sizes))
    return [Chunk(start=k * chunk_size, size=size, seed_sequence=stream)
            for k, (size, stream) in enumerate(zip(sizes, streams))]


def _open_client(scheduler, n_workers: int):
    """(client, what to close or None, label): a Client to run on, and what to close afterwards."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError(
            "this sweep runs on Dask: install it with  pip install 'dask[distributed]'  "
            "or pass scheduler='serial'"
        ) from exc
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=False,
                               protocol="tcp://", host="127.0.0.1", dashboard_address=None)
        return Client(cluster), cluster, "LocalCluster (127.0.0.1, in-process workers)"
    if isinstance(scheduler, Client):
        return scheduler, None, f"Client at {scheduler.scheduler.address}"
    if isinstance(scheduler, str):
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise InputError(f"cannot reach a Dask scheduler at {scheduler!r} ({exc}); start one "
                             "(dask scheduler / dask-jobqueue) or pass scheduler=None for a local cluster") from None
        return client, "client", f"scheduler at {scheduler}"
    raise InputError(f"scheduler must be None, 'serial', a scheduler address or a distributed.Client; "
                     f"got {scheduler!r}")


def _progress_bar(total: float, enabled: bool, desc: str, unit: str):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with dask's usual environments
        return None
    return tqdm(total=total, unit=unit, desc=desc)


def map_tasks(func: Callable, tasks: Sequence[tuple], *, shared: Any = None, scheduler=None,
              n_workers: int = 2, progress: bool = False, weights: Sequence[float] | None = None,
              desc: str = "tasks", unit: str = "task") -> SweepRun:
    """Call ``func`` once per task, serially or on Dask, and return the results in task order.

    Parameters
    ----------
    func : callable
        Called as ``func(*task)``, or ``func(shared, *task)`` when ``shared`` is given.  It
        must be importable by the workers (a module-level function) and should draw random
        numbers only from a stream passed in its task (see :func:`seeded_chunks`).
    tasks : sequence of tuple
        The arguments of each call (at least one task).
    shared : object, optional
        Data every task needs (arrays, tables); sent once to every worker
        (``Client.scatter(..., broadcast=True)``) instead of once per task.
    scheduler : None, "serial", str or distributed.Client, default None
        Where the tasks run.  None: a ``LocalCluster`` started for this call on 127.0.0.1
        (``n_workers`` in-process workers, one thread each, no dashboard) and closed after it.
        ``"serial"``: in this process without Dask.  A string: the address of a running Dask
        scheduler (e.g. ``"tcp://10.0.0.5:8786"``), connected to and disconnected after the
        call.  A ``distributed.Client``: used as is, not closed.
    n_workers : int, default 2
        Workers of the default local cluster (ignored otherwise).
    progress : bool, default False
        Show a tqdm progress bar that advances as tasks finish.
    weights : sequence of float, optional
        How far each task advances the bar (e.g. the draws of a chunk); default 1 each.
    desc, unit : str, default "tasks", "task"
        Label and unit of the progress bar.

    Returns
    -------
    SweepRun
        ``results`` in the order of ``tasks``, the ``engine`` label, the number of workers and
        the ``log`` of Dask's warnings during the run (not written to stderr).

    Raises
    ------
    InputError
        For no tasks, a task that is not a tuple, ``weights`` of another length, a
        non-positive ``n_workers``, an unknown ``scheduler`` or an unreachable scheduler
        address.  An exception raised by ``func`` propagates unchanged.

    Notes
    -----
    Results are collected as tasks finish (``distributed.as_completed``) and put back in task
    order, so the output never depends on the number of workers or on timing.  To start
    workers on a university HPC system use ``dask-jobqueue`` and pass its client::

        from dask_jobqueue import SLURMCluster        # or PBSCluster
        from distributed import Client
        cluster = SLURMCluster(cores=8, memory="16GB", walltime="01:00:00",
                               queue="normal", account="myproject")
        cluster.scale(jobs=4)
        run = map_tasks(func, tasks, scheduler=Client(cluster))

    or start ``dask scheduler`` and ``dask worker tcp://HOST:8786`` in batch scripts and pass
    ``scheduler="tcp://HOST:8786"``.  The workers need ``mixedmig`` installed.

    References
    ----------
    Dask Development Team (2016). *Dask: Library for dynamic task scheduling.*
    https://dask.org

    Examples
    --------
    Made-up tasks: each draws two numbers from its own stream, so the draws do not depend on
    where the chunks run.

    >>> def draw(scale, chunk):
    ...     return scale * np.random.default_rng(chunk.seed_sequence).random(chunk.size)
    >>> chunks = seeded_chunks(4, 2, seed=7)
    >>> run = map_tasks(draw, [(c,) for c in chunks], shared=10.0, scheduler="serial")
    >>> len(run.results), run.engine
    (2, 'serial (no Dask)')
    >>> bool(np.allclose(run.results[1], 10 * np.random.default_rng(chunks[1].seed_sequence).random(2)))
    True
    """
    tasks = list(tasks) if isinstance(tasks, Sequence) and not isinstance(tasks, str) else None
    if not tasks:
        raise InputError("tasks must be a non-empty sequence of argument tuples")
    if not all(isinstance(t, tuple) for t in tasks):
        raise InputError("every task must be a tuple of arguments for func, e.g. [(chunk,), ...]")
    if weights is None:
        weights = [1] * len(tasks)
    elif len(weights) != len(tasks):
        raise InputError(f"weights has {len(weights)} entries for {len(tasks)} tasks; give one per task")
    n_workers = _positive_int(n_workers, "n_workers")
    lead = () if shared is None else (shared,)
    if scheduler != "serial" and not (scheduler is None or isinstance(scheduler, str)):
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the environment
            Client = ()  # noqa: N806 - falls through to the error below
        if not isinstance(scheduler, Client):
            raise InputError(f"scheduler must be None, 'serial', a scheduler address or a "
                             f"distributed.Client; got {scheduler!r}")
    bar = _progress_bar(float(sum(weights)), progress, desc, unit)
    results: list = [None] * len(tasks)
    log: list[str] = []
    try:
        if scheduler == "serial":
            engine, workers = "serial (no Dask)", 1
            for k, task in enumerate(tasks):
                results[k] = func(*lead, *task)
                if bar is not None:
                    bar.update(weights[k])
        else:
            with _dask_log_kept(log):
                client, owned, engine = _open_client(scheduler, n_workers)
                try:
                    from distributed import as_completed

                    if shared is not None:
                        lead = (client.scatter(shared, broadcast=True),)
                    futures = [client.submit(func, *lead, *task, pure=False) for task in tasks]
                    position = {f.key: k for k, f in enumerate(futures)}
                    for future in as_completed(futures):
                        k = position[future.key]
                        results[k] = future.result()
                        if bar is not None:
                            bar.update(weights[k])
                    workers = len(client.scheduler_info()["workers"])
                    engine += f", {workers} workers"
                finally:
                    if owned is not None:
                        client.close()
                        if owned != "client":
                            owned.close()
    finally:
        if bar is not None:
            bar.close()
    return SweepRun(results=results, engine=engine, n_workers=workers, log=tuple(log))
