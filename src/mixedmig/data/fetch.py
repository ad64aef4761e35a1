"""Download official files into a local cache, with their sha256 recorded and checked.

``fetch(source, edition=...)`` downloads one official file (a UN DESA *International Migrant
Stock* workbook, the World Bank / KNOMAD bilateral matrix, a UNHCR population export, a WDI
bulk CSV, the UN WPP population file, a CTDC dataset) with :mod:`pooch` and returns its path in
the cache. Every URL of the registry (:data:`REGISTRY`) is copied from
``shared/research/official_downloads.md``, which gives the public code or metadata that
downloads it; none is guessed. The status of each URL says how sure that is:

- ``confirmed``: the exact URL appears in named public code or metadata that downloads it;
- ``corroborated``: the URL appears only in code whose repository is not known;
- ``legacy``: the URL is on a site the publisher has since replaced; it may redirect or fail.

**Cache.** ``$MIXEDMIG_CACHE`` if set, else ``pooch.os_cache("mixedmig")`` (the platform's
cache directory). A file is stored as ``<cache>/<source>/<edition>/<file name>``.

**Lock file.** ``<cache>/mixedmig-fetch.lock.json`` records, for each file, the source,
edition, URL, file name, sha256, size and download date, on first download. Every later use
recomputes the sha256 of the cached file and compares it: a mismatch raises
:class:`~mixedmig.errors.IntegrityError` and moves the file to ``<cache>/quarantine/`` (never
deleted). Publishers re-issue files under the same name (the UN DESA 2020 workbook exists in
two versions), so a new download whose sha256 differs from the recorded one is refused the same
way; ``refresh=True`` (``mixedmig fetch SOURCE --refresh``) downloads the file again and records
the new sha256 (the previous copy is moved to ``quarantine/`` once the new file is complete; a
failed refresh leaves the cached copy in place). Files made by an API on request
(UNHCR, WDI) have no stable sha256 between downloads: refresh them to accept a new release.

**Downloads** go through ``pooch.retrieve`` into a temporary folder next to the cached file;
the file is moved into place (``os.replace``) only when complete and checked or recorded, so an
interrupted download leaves no partial file and never replaces a good copy. pooch's INFO log
lines (its ``known_hash`` advice) are silenced during the download. Requests send a browser
``User-Agent`` (un.org answers 403 to the default one); a progress bar is shown unless
``progress=False``; a :class:`filelock.FileLock` per file makes concurrent fetches of the same
file wait for each other.

**No network.** A connection failure (no network, DNS failure, refused connection, timeout) or
an HTTP error raises :class:`~mixedmig.errors.DataError` whose message gives the manual route:
the URL, the landing page, and the command ``mixedmig import SOURCE FILE --edition E`` for the
file once downloaded with a browser.

**Tests and mirrors.** ``$MIXEDMIG_FETCH_BASE_URL`` (or ``base_url=``) replaces the
directory part of every URL: the file is then requested as ``<base_url>/<file name>``.

References
----------
Uieda, L. et al. (2020). Pooch: a friend to fetch your data files. *Journal of Open Source
Software* 5(45), 1943.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, InputError, IntegrityError

__all__ = [
    "FETCH_LOCK_NAME",
    "REGISTRY",
    "USER_AGENT",
    "OfficialFile",
    "fetch_cache_dir",
    "sources",
    "fetch",
    "official_file",
    "registry_table",
]

#: Name of the lock file (JSON) in the cache directory.
FETCH_LOCK_NAME = "mixedmig-fetch.lock.json"
#: The User-Agent header sent with every request (un.org refuses the default Python one).
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0 Safari/537.36 mixedmig")

_UNDESA_HOST = ("https://www.un.org/development/desa/pd/sites/"
                "www.un.org.development.desa.pd/files/")
_UNDESA_LEGACY = "https://www.un.org/en/development/desa/population/migration/data/estimates2/data/"
_UNDESA_LANDING = "https://www.un.org/development/desa/pd/content/international-migrant-stock"
_KNOMAD_LANDING = "https://www.knomad.org/data/migration/emigration"
_UNHCR_LANDING = "https://www.unhcr.org/refugee-statistics/download/"
_WDI_LANDING = "https://data.worldbank.org/indicator"
_WPP_LANDING = ("https://population.un.org/wpp/downloads?folder=Standard%20Projections"
                "&group=CSV%20format")
_WPP_HOST = ("https://population.un.org/wpp/assets/Excel%20Files/"
             "1_Indicator%20(Standard)/CSV_FILES/")
_CTDC_LANDING = "https://www.ctdatacollaborative.org/global-dataset"
_CTDC_FILES = "https://www.ctdatacollaborative.org/sites/g/files/tmzbdl2011/files/"
_UNHCR_API = (
    "https://api.unhcr.org/population/v1/population/?limit=20&dataset=population"
    "&displayType=totals&columns%5B%5D=refugees&columns%5B%5D=asylum_seekers"
    "&columns%5B%5D=idps&columns%5B%5D=oip&columns%5B%5D=stateless&columns%5B%5D=hst"
    "&columns%5B%5D=ooc&yearFrom=1951&yearTo=2023&coo_all=true&coa_all=true&download=true"
)
_WDI_INDICATOR = re.compile(r"[A-Z][A-Z0-9]*(?:\.[A-Z0-9]+)+")


@dataclass(frozen=True)
class OfficialFile:
    """One official file of the registry.

    Parameters
    ----------
    source : str
        Registry key, e.g. ``"undesa_ims_bilateral"``.
    edition : str
        Edition, vintage or release, as text (``"2024"``; for WDI the indicator code).
    url : str
        Download URL, copied from ``official_downloads.md``.
    filename : str
        File name in the cache.
    status : str
        ``confirmed``, ``corroborated`` or ``legacy`` (see the module docstring).
    landing : str
        The publisher's page a person can download the file from by hand.
    kind : str
        The schema kind ``mixedmig import`` reads the file into.
    note : str
        Caveats (format, host status).
    """

    source: str
    edition: str
    url: str
    filename: str
    status: str
    landing: str
    kind: str
    note: str = ""


def _entries():
    def undesa(edition, url, filename, status, note=""):
        return OfficialFile("undesa_ims_bilateral", edition, url, filename, status,
                            _UNDESA_LANDING, "bilateral_stocks", note)

    files = [
        undesa("2024", _UNDESA_HOST + "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx",
               "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx", "confirmed",
               "xlsx, destination x origin, sheet 'Table 1'"),
        undesa("2020", _UNDESA_HOST + "undesa_pd_2020_ims_stock_by_sex_destination_and_origin.xlsx",
               "undesa_pd_2020_ims_stock_by_sex_destination_and_origin.xlsx", "confirmed",
               "xlsx, destination x origin, sheet 'Table 1'"),
        undesa("2019", _UNDESA_LEGACY + "UN_MigrantStockByOriginAndDestination_2019.xlsx",
               "UN_MigrantStockByOriginAndDestination_2019.xlsx", "legacy",
               "xlsx, wide matrix, sheets 'Table 1'-'Table 3' (both sexes, male, female)"),
        undesa("2017", _UNDESA_LEGACY + "UN_MigrantStockByOriginAndDestination_2017.xlsx",
               "UN_MigrantStockByOriginAndDestination_2017.xlsx", "legacy",
               "xlsx, wide matrix, sheets 'Table 1'-'Table 3' (both sexes, male, female)"),
    ]
    for edition in ("2024", "2020"):
        for part in ("destination", "origin"):
            name = f"undesa_pd_{edition}_ims_stock_by_sex_and_{part}.xlsx"
            files.append(OfficialFile(f"undesa_ims_by_{part}", edition, _UNDESA_HOST + name,
                                      name, "confirmed", _UNDESA_LANDING, "",
                                      "totals by " + part + "; download only"))
    files.append(OfficialFile(
        "undesa_ims_by_destination", "2019", _UNDESA_LEGACY + "UN_MigrantStockTotal_2019.xlsx",
        "UN_MigrantStockTotal_2019.xlsx", "legacy", _UNDESA_LANDING, "",
        "corroborated URL on the replaced site; download only"))
    files += [
        OfficialFile("worldbank_bilateral", "2013",
                     "https://www.knomad.org/sites/default/files/2017-03/"
                     "bilateralmigrationmatrix20130.xlsx",
                     "bilateralmigrationmatrix20130.xlsx", "confirmed", _KNOMAD_LANDING,
                     "bilateral_stocks", "KNOMAD links reported retired in early 2025"),
        OfficialFile("worldbank_bilateral", "2017",
                     "https://www.knomad.org/sites/default/files/2018-04/"
                     "bilateralmigrationmatrix20170_Apr2018.xlsx",
                     "bilateralmigrationmatrix20170_Apr2018.xlsx", "confirmed", _KNOMAD_LANDING,
                     "bilateral_stocks", "KNOMAD links reported retired in early 2025"),
        OfficialFile("unhcr_population", "2023", _UNHCR_API, "unhcr_population_1951_2023.zip",
                     "confirmed", _UNHCR_LANDING, "refugee_stocks",
                     "API download (zip with population.csv, 14-line preamble); no stable "
                     "sha256 between downloads"),
        OfficialFile("unhcr_population", "2025",
                     "https://www.unhcr.org/refugee-statistics/file-download/?v2url=e7088f",
                     "unhcr_persons_of_concern_2025.zip", "confirmed", _UNHCR_LANDING,
                     "refugee_stocks",
                     "zip with persons_of_concern.csv (no preamble); saved-query link UNHCR "
                     "may expire"),
        OfficialFile("wpp", "2024", _WPP_HOST + "WPP2024_TotalPopulationBySex.csv.gz",
                     "WPP2024_TotalPopulationBySex.csv.gz", "confirmed", _WPP_LANDING,
                     "population", "gzip CSV; PopTotal in thousands"),
        OfficialFile("ctdc_k_anonymised", "2021",
                     _CTDC_FILES + "The%20Global%20K-anon%20Dataset%2015%20July%202021.xlsx",
                     "The Global K-anon Dataset 15 July 2021.xlsx", "confirmed", _CTDC_LANDING,
                     "case_records", "k-anonymised Global Dataset, 15 July 2021"),
        OfficialFile("ctdc_k_anonymised", "2020",
                     "https://www.ctdatacollaborative.org/sites/default/files/"
                     "The%20Global%20Dataset%2014%20Apr%202020.csv",
                     "The Global Dataset 14 Apr 2020.csv", "legacy", _CTDC_LANDING,
                     "case_records", "corroborated URL on a path the 2021 restructure may have "
                     "broken"),
        OfficialFile("ctdc_synthetic", "2021", _CTDC_FILES + "CTDC_synthetic_20210825.tsv",
                     "CTDC_synthetic_20210825.tsv", "corroborated", _CTDC_LANDING,
                     "case_records", "Global Synthetic Dataset, 25 Aug 2021 (TSV)"),
    ]
    return files


#: Every official file ``fetch`` knows: ``{(source, edition): OfficialFile}``. WDI is not listed
#: by edition: ``fetch("wdi", edition=INDICATOR)`` builds the confirmed per-indicator URL
#: ``https://api.worldbank.org/v2/en/indicator/<INDICATOR>?downloadformat=csv``.
REGISTRY: dict = {(f.source, f.edition): f for f in _entries()}
_DEFAULT_EDITION = {"undesa_ims_bilateral": "2024", "undesa_ims_by_destination": "2024",
                    "undesa_ims_by_origin": "2024", "worldbank_bilateral": "2017",
                    "unhcr_population": "2023", "wpp": "2024", "ctdc_k_anonymised": "2021",
                    "ctdc_synthetic": "2021", "wdi": "SP.POP.TOTL"}


def _wdi_file(indicator: str) -> OfficialFile:
    return OfficialFile(
        "wdi", indicator,
        f"https://api.worldbank.org/v2/en/indicator/{indicator}?downloadformat=csv",
        f"wdi_{indicator}.zip", "confirmed", f"{_WDI_LANDING}/{indicator}",
        "country_covariates",
        "API download (zip with API_<indicator>_DS2_en_csv_v2_<n>.csv); no stable sha256",
    )


def sources() -> list:
    """The source names of the registry.

    Returns
    -------
    list of str
        Sorted source names (``wdi`` included: its editions are indicator codes).

    Examples
    --------
    >>> from mixedmig.data.fetch import sources
    >>> "undesa_ims_bilateral" in sources(), "wdi" in sources()
    (True, True)
    """
    return sorted({s for s, _ in REGISTRY} | {"wdi"})


def official_file(source: str, edition=None) -> OfficialFile:
    """The registry entry of an official file.

    Parameters
    ----------
    source : str
        A source of the registry (``mixedmig fetch --list``).
    edition : str or int, optional
        Edition or vintage (for ``wdi``, the indicator code such as ``"SP.POP.TOTL"``); by
        default the latest confirmed one.

    Returns
    -------
    OfficialFile
        The entry.

    Raises
    ------
    mixedmig.errors.InputError
        If the source or the edition is not in the registry (the message lists those that are).

    Examples
    --------
    >>> from mixedmig.data.fetch import official_file
    >>> official_file("undesa_ims_bilateral", 2020).filename
    'undesa_pd_2020_ims_stock_by_sex_destination_and_origin.xlsx'
    >>> official_file("wdi", "NY.GDP.PCAP.CD").url
    'https://api.worldbank.org/v2/en/indicator/NY.GDP.PCAP.CD?downloadformat=csv'
    """
    known = sources()
    if source not in known:
        raise InputError(f"unknown source {source!r}; the registry has {', '.join(known)} "
                         f"(see `mixedmig fetch --list`)")
    edition = _DEFAULT_EDITION[source] if edition is None else str(edition).strip()
    if source == "wdi":
        if not _WDI_INDICATOR.fullmatch(edition):
            raise InputError(f"edition {edition!r} is not a WDI indicator code; for wdi the "
                             f"edition is the indicator, e.g. 'SP.POP.TOTL' or "
                             f"'NY.GDP.PCAP.CD'")
        return _wdi_file(edition)
    try:
        return REGISTRY[(source, edition)]
    except KeyError:
        editions = sorted(e for s, e in REGISTRY if s == source)
        raise InputError(f"no edition {edition!r} of {source!r} in the registry; its editions "
                         f"are {', '.join(editions)}") from None


def registry_table():
    """The registry as a table: one row per official file (``mixedmig fetch --list``).

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``edition``, ``status``, ``kind``, ``url``, ``landing``, ``note``,
        sorted by source and edition (the WDI row shows the URL pattern).

    Examples
    --------
    >>> from mixedmig.data.fetch import registry_table
    >>> table = registry_table()
    >>> sorted(set(table["status"]))
    ['confirmed', 'corroborated', 'legacy']
    """
    import pandas as pd

    rows = [f.__dict__ for f in REGISTRY.values()]
    wdi = dict(_wdi_file("INDICATOR").__dict__)
    wdi["edition"] = "<indicator>"
    rows.append(wdi)
    table = pd.DataFrame(rows)[["source", "edition", "status", "kind", "url", "landing", "note"]]
    return table.sort_values(["source", "edition"], kind="stable").reset_index(drop=True)


def fetch_cache_dir(cache=None) -> Path:
    """The download cache: ``cache`` if given, else ``$MIXEDMIG_CACHE``, else the platform's.

    Parameters
    ----------
    cache : str or os.PathLike, optional
        An explicit directory.

    Returns
    -------
    pathlib.Path
        The directory (not created here).

    Examples
    --------
    >>> import os
    >>> from mixedmig.data.fetch import fetch_cache_dir
    >>> str(fetch_cache_dir("/tmp/mm-cache"))
    '/tmp/mm-cache'
    """
    if cache is not None:
        return Path(cache)
    env = os.environ.get("MIXEDMIG_CACHE")
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("mixedmig"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _key(entry: OfficialFile) -> str:
    return f"{entry.source}/{entry.edition}/{entry.filename}"


def _read_lock(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IntegrityError(
            f"the lock file cannot be read ({exc}); it records the sha256 of downloaded files. "
            f"Move it aside and fetch again to record the hashes anew", path=path) from None
    return content.get("files", {}) if isinstance(content, dict) else {}


def _write_lock(path: Path, files: dict) -> None:
    text = json.dumps({"files": files}, indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lock-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _quarantine(root: Path, target: Path) -> Path:
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = root / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    moved = folder / f"{stamp}-{target.name}"
    shutil.move(str(target), str(moved))
    return moved


def _manual(entry: OfficialFile, url: str) -> str:
    return (f"Download it by hand instead: open {url} (or the publisher's page "
            f"{entry.landing}) in a browser, save the file, then run "
            f"`mixedmig import {entry.source} FILE --edition {entry.edition}`")


class _BelowWarning(logging.Filter):
    """Drop log records below WARNING (pooch's download chatter)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def _download(entry: OfficialFile, url: str, folder: Path, progress: bool,
              kept: Path | None = None) -> Path:
    """Download ``url`` into ``folder`` (a temporary folder); ``kept``: the cached copy a
    refresh leaves in place if the download fails."""
    import pooch
    import requests

    if kept is None:
        left = "nothing was kept in the cache"
    else:
        left = f"the cached copy {kept} is still in the cache, unchanged"
    downloader = pooch.HTTPDownloader(progressbar=progress, headers={"User-Agent": USER_AGENT},
                                      timeout=60)
    # pooch logs "Use this value as the 'known_hash' argument ..." at INFO level: the lock file
    # records the sha256 here, so that advice would mislead; silence its INFO lines for this
    # call only. A filter, not setLevel: pooch's logger is not registered with logging's
    # manager, so its level cache would keep INFO disabled after the level was restored.
    logger = pooch.get_logger()
    quiet = _BelowWarning()
    logger.addFilter(quiet)
    try:
        path = pooch.retrieve(url, known_hash=None, fname=entry.filename, path=folder,
                              downloader=downloader, progressbar=progress)
    except requests.exceptions.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise DataError(
            f"the server answered HTTP {status} for {entry.source} edition {entry.edition} "
            f"({url}); the publisher may have moved the file (status in the registry: "
            f"{entry.status}); {left}. {_manual(entry, url)}") from None
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        raise DataError(
            f"cannot download {entry.source} edition {entry.edition}: no connection to "
            f"{url.split('/')[2] if '//' in url else url} ({type(exc).__name__}); {left}. "
            f"Check the network or a proxy. {_manual(entry, url)}") from None
    except requests.exceptions.RequestException as exc:
        raise DataError(
            f"the download of {entry.source} edition {entry.edition} from {url} was "
            f"interrupted ({type(exc).__name__}); {left}. Run the command "
            f"again. {_manual(entry, url)}") from None
    finally:
        logger.removeFilter(quiet)
    return Path(path)


def fetch(source: str, *, edition=None, cache_dir=None, progress: bool = True,
          refresh: bool = False, base_url: str | None = None) -> Path:
    """Download an official file into the cache (once) and return its path.

    On first download the file's sha256 is recorded in the lock file
    (:data:`FETCH_LOCK_NAME` in the cache directory); every later call checks the cached file
    against it.

    Parameters
    ----------
    source : str
        A registry source (``mixedmig fetch --list``): ``undesa_ims_bilateral``,
        ``undesa_ims_by_destination``, ``undesa_ims_by_origin``, ``worldbank_bilateral``,
        ``unhcr_population``, ``wdi``, ``wpp``, ``ctdc_k_anonymised``, ``ctdc_synthetic``.
    edition : str or int, optional
        Edition or vintage (``2024``, ``2020``, ...; for ``wdi`` the indicator code); by
        default the latest confirmed one.
    cache_dir : str or os.PathLike, optional
        Cache directory; by default ``$MIXEDMIG_CACHE``, else ``pooch.os_cache("mixedmig")``.
    progress : bool, default True
        Show a progress bar (tqdm) while downloading.
    refresh : bool, default False
        Download again even when the file is cached, and record the new sha256 (accepts a file
        the publisher re-issued). The previous copy is moved to ``quarantine/`` only after the
        new file has downloaded completely; if the download fails it stays in the cache.
    base_url : str, optional
        Request ``<base_url>/<file name>`` instead of the registry URL (a mirror, or a test
        server); by default ``$MIXEDMIG_FETCH_BASE_URL`` when set.

    Returns
    -------
    pathlib.Path
        The cached file, ``<cache>/<source>/<edition>/<file name>``.

    Raises
    ------
    mixedmig.errors.InputError
        If the source or edition is not in the registry.
    mixedmig.errors.IntegrityError
        If the cached or downloaded file's sha256 differs from the one recorded in the lock
        file (the file is moved to ``<cache>/quarantine/``; ``refresh=True`` accepts the new
        file), or the lock file is unreadable.
    mixedmig.errors.DataError
        If the download fails: no network, DNS failure, refused connection, timeout, an HTTP
        error or an interrupted transfer. The message gives the URL, the landing page and the
        ``mixedmig import`` command for a file downloaded by hand; no partial file is left in
        the cache, and on ``refresh=True`` the cached copy is kept (the message says so).

    Examples
    --------
    Without a network the error explains the manual route (here a closed local port):

    >>> import tempfile
    >>> from mixedmig.data.fetch import fetch
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     try:
    ...         fetch("wpp", cache_dir=tmp, progress=False, base_url="http://127.0.0.1:9")
    ...     except Exception as exc:
    ...         print("mixedmig import wpp FILE --edition 2024" in str(exc))
    True
    """
    from filelock import FileLock

    entry = official_file(source, edition)
    root = fetch_cache_dir(cache_dir)
    base = base_url if base_url is not None else os.environ.get("MIXEDMIG_FETCH_BASE_URL")
    url = base.rstrip("/") + "/" + entry.filename.replace(" ", "%20") if base else entry.url
    folder = root / entry.source / entry.edition
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / entry.filename
    lock_path = root / FETCH_LOCK_NAME
    locks = root / ".locks"
    locks.mkdir(exist_ok=True)
    with FileLock(str(locks / (re.sub(r"[^A-Za-z0-9._-]", "_", _key(entry)) + ".lock"))):
        recorded = _read_lock(lock_path).get(_key(entry))
        if target.exists() and not refresh:
            if recorded is None:
                _record(lock_path, entry, url, target)
                return target
            _check(root, entry, target, recorded, "cached")
            return target
        # Download into a temporary folder next to the target: the cached copy (if any) is
        # touched only once the new file is complete, checked or recorded.
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".download-"))
        try:
            new = _download(entry, url, staging, progress,
                            kept=target if target.exists() else None)
            if recorded is not None and not refresh:
                _check(root, entry, new, recorded, "downloaded")
            else:
                _record(lock_path, entry, url, new)
                if target.exists():
                    _quarantine(root, target)
            os.replace(new, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target


def _record(lock_path: Path, entry: OfficialFile, url: str, path: Path) -> None:
    from filelock import FileLock

    with FileLock(str(lock_path) + ".lock"):
        files = _read_lock(lock_path)
        files[_key(entry)] = {
            "source": entry.source, "edition": entry.edition, "url": url,
            "filename": entry.filename, "sha256": _sha256(path),
            "size": path.stat().st_size,
            "downloaded": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        }
        _write_lock(lock_path, files)


def _check(root: Path, entry: OfficialFile, path: Path, recorded: dict, what: str) -> None:
    actual = _sha256(path)
    if actual == recorded.get("sha256"):
        return
    moved = _quarantine(root, path)
    raise IntegrityError(
        f"the {what} file {entry.filename} ({entry.source} edition {entry.edition}) has sha256 "
        f"{actual}, but the lock file {root / FETCH_LOCK_NAME} recorded "
        f"{recorded.get('sha256')} when it was first downloaded on "
        f"{recorded.get('downloaded', '?')}. The publisher may have re-issued the file, or the "
        f"copy is damaged. The file was moved to {moved} (not deleted). To accept the "
        f"publisher's current file, run `mixedmig fetch {entry.source} --edition "
        f"{entry.edition} --refresh` (Python: fetch(..., refresh=True))", path=moved)
