"""Tests of mixedmig.data.fetch against a local HTTP server (no test touches the internet).

The server (http.server on 127.0.0.1, port 0, in a thread) serves files written by the tests;
their contents are made-up test values in the official layouts, never real figures.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mixedmig.data import fetch as fetch_module
from mixedmig.data.fetch import FETCH_LOCK_NAME, fetch, official_file, registry_table
from mixedmig.errors import DataError, InputError, IntegrityError

# made-up test values in the WPP 2024 CSV layout (not real figures)
WPP_TEXT = ("\ufeffSortOrder,LocID,Notes,ISO3_code,ISO2_code,SDMX_code,LocTypeID,LocTypeName,"
            "ParentID,Location,VarID,Variant,Time,MidPeriod,PopMale,PopFemale,PopTotal,"
            "PopDensity\n"
            "1,764,,THA,TH,764,4,Country/Area,920,Thailand,2,Medium,2020,2020.5,1.5,2.5,4.0,1\n")


class Server:
    """Files by name, a request log, and switchable failure modes."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, str]] = []
        self.truncate = False
        self.status = 200
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                name = self.path.lstrip("/").replace("%20", " ")
                server.requests.append((name, self.headers.get("User-Agent", "")))
                body = server.files.get(name)
                if body is None or server.status != 200:
                    self.send_response(404 if body is None else server.status)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.truncate:
                    # send half of the body, then drop the connection
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

        return Handler

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


def _files(root: Path) -> list[str]:
    """Every file in the cache except the lock files, relative to the cache."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and not p.name.endswith(".lock"))


def test_registry_urls_come_from_official_downloads():
    # URLs copied from shared/research/official_downloads.md (independent expectations)
    assert official_file("undesa_ims_bilateral", 2024).url == (
        "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
        "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx")
    assert official_file("undesa_ims_bilateral", "2019").status == "legacy"
    assert official_file("worldbank_bilateral", 2013).url == (
        "https://www.knomad.org/sites/default/files/2017-03/bilateralmigrationmatrix20130.xlsx")
    assert official_file("wpp", 2024).url.endswith(
        "CSV_FILES/WPP2024_TotalPopulationBySex.csv.gz")
    assert official_file("wdi", "SP.POP.TOTL").url == (
        "https://api.worldbank.org/v2/en/indicator/SP.POP.TOTL?downloadformat=csv")
    table = registry_table()
    assert set(table["status"]) <= {"confirmed", "corroborated", "legacy"}
    assert {"undesa_ims_bilateral", "worldbank_bilateral", "unhcr_population", "wdi", "wpp",
            "ctdc_k_anonymised", "ctdc_synthetic"} <= set(table["source"])
    assert table["url"].str.startswith(("https://", "http://")).all()


def test_unknown_source_or_edition_is_an_input_error():
    with pytest.raises(InputError, match="unknown source 'undesa'.*undesa_ims_bilateral"):
        official_file("undesa")
    with pytest.raises(InputError, match="editions are 2017, 2019, 2020, 2024"):
        official_file("undesa_ims_bilateral", 2021)
    with pytest.raises(InputError, match="indicator"):
        official_file("wdi", "population")


def test_fetch_downloads_records_hash_and_hits_cache(server, tmp_path):
    body = WPP_TEXT.encode("utf-8")
    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = body
    path = fetch("wpp", edition=2024, cache_dir=tmp_path, progress=False, base_url=server.url)
    assert path == tmp_path / "wpp" / "2024" / "WPP2024_TotalPopulationBySex.csv.gz"
    assert path.read_bytes() == body
    assert len(server.requests) == 1
    assert server.requests[0][1].startswith("Mozilla/5.0")  # browser User-Agent for un.org
    lock = json.loads((tmp_path / FETCH_LOCK_NAME).read_text())["files"]
    entry = lock["wpp/2024/WPP2024_TotalPopulationBySex.csv.gz"]
    assert entry["sha256"] == hashlib.sha256(body).hexdigest()
    assert entry["size"] == len(body)
    assert entry["url"] == server.url + "/WPP2024_TotalPopulationBySex.csv.gz"
    # second use: no request, same file
    again = fetch("wpp", edition="2024", cache_dir=tmp_path, progress=False,
                  base_url=server.url)
    assert again == path
    assert len(server.requests) == 1


def test_environment_variables_choose_cache_and_base_url(server, tmp_path, monkeypatch):
    server.files["bilateralmigrationmatrix20130.xlsx"] = b"made-up bytes"
    monkeypatch.setenv("MIXEDMIG_CACHE", str(tmp_path / "c"))
    monkeypatch.setenv("MIXEDMIG_FETCH_BASE_URL", server.url + "/")
    path = fetch("worldbank_bilateral", edition=2013, progress=False)
    assert path == tmp_path / "c" / "worldbank_bilateral" / "2013" / \
        "bilateralmigrationmatrix20130.xlsx"


def test_file_names_with_spaces_are_requested_quoted(server, tmp_path):
    name = "The Global K-anon Dataset 15 July 2021.xlsx"
    server.files[name] = b"made-up"
    path = fetch("ctdc_k_anonymised", edition=2021, cache_dir=tmp_path, progress=False,
                 base_url=server.url)
    assert path.name == name and path.read_bytes() == b"made-up"


def test_changed_cached_file_is_quarantined_with_clear_error(server, tmp_path):
    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = b"first release (made-up)"
    path = fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    path.write_bytes(b"damaged copy")
    with pytest.raises(IntegrityError) as info:
        fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    message = str(info.value)
    assert "re-issued" in message and "--refresh" in message
    assert hashlib.sha256(b"first release (made-up)").hexdigest() in message
    assert not path.exists()
    quarantined = list((tmp_path / "quarantine").iterdir())
    assert len(quarantined) == 1 and quarantined[0].read_bytes() == b"damaged copy"
    assert str(quarantined[0]) in message


def test_reissued_file_is_refused_until_refresh(server, tmp_path):
    name = "WPP2024_TotalPopulationBySex.csv.gz"
    server.files[name] = b"first release (made-up)"
    path = fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    path.unlink()  # a user cleans the cache; the publisher re-issues the file
    server.files[name] = b"second release (made-up)"
    with pytest.raises(IntegrityError, match="re-issued"):
        fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    assert [p.read_bytes() for p in (tmp_path / "quarantine").iterdir()] == \
        [b"second release (made-up)"]
    accepted = fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url,
                     refresh=True)
    assert accepted.read_bytes() == b"second release (made-up)"
    lock = json.loads((tmp_path / FETCH_LOCK_NAME).read_text())["files"]
    assert lock[f"wpp/2024/{name}"]["sha256"] == \
        hashlib.sha256(b"second release (made-up)").hexdigest()
    # refresh moved nothing away this time (no cached file); the next use is a cache hit
    count = len(server.requests)
    fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    assert len(server.requests) == count


def test_refresh_keeps_the_previous_copy(server, tmp_path):
    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = b"old (made-up)"
    fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = b"new (made-up)"
    path = fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url, refresh=True)
    assert path.read_bytes() == b"new (made-up)"
    assert [p.read_bytes() for p in (tmp_path / "quarantine").iterdir()] == [b"old (made-up)"]


def test_interrupted_download_leaves_no_partial_file(server, tmp_path):
    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = b"x" * 200_000  # made-up bytes
    server.truncate = True
    with pytest.raises(DataError, match="interrupted.*nothing was kept") as info:
        fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    assert "mixedmig import wpp FILE --edition 2024" in str(info.value)
    assert _files(tmp_path) == []
    assert not (tmp_path / FETCH_LOCK_NAME).exists()
    # the next attempt, with a working server, succeeds
    server.truncate = False
    path = fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    assert path.stat().st_size == 200_000


def test_offline_closed_port_gives_manual_instructions(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    with pytest.raises(DataError) as info:
        fetch("undesa_ims_bilateral", edition=2020, cache_dir=tmp_path, progress=False,
              base_url=f"http://127.0.0.1:{port}")
    message = str(info.value)
    assert "no connection" in message
    assert f"http://127.0.0.1:{port}/undesa_pd_2020_ims_stock_by_sex_destination_and_origin.xlsx" \
        in message
    assert "https://www.un.org/development/desa/pd/content/international-migrant-stock" in message
    assert "mixedmig import undesa_ims_bilateral FILE --edition 2020" in message
    assert _files(tmp_path) == []


def test_offline_unresolvable_host(tmp_path):
    with pytest.raises(DataError, match="no connection.*mixedmig import wpp FILE"):
        fetch("wpp", cache_dir=tmp_path, progress=False,
              base_url="http://mixedmig-no-such-host.invalid")


def test_http_error_names_status_and_manual_route(server, tmp_path):
    with pytest.raises(DataError, match="HTTP 404.*mixedmig import wpp FILE"):
        fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    assert _files(tmp_path) == []


def test_concurrent_fetches_download_once(server, tmp_path):
    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = b"y" * 100_000  # made-up bytes
    results, errors = [], []

    def worker():
        try:
            results.append(fetch("wpp", cache_dir=tmp_path, progress=False,
                                 base_url=server.url))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert len(server.requests) == 1


def test_unreadable_lock_file_is_an_integrity_error(server, tmp_path):
    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = b"z"
    (tmp_path / FETCH_LOCK_NAME).write_text("{not json")
    with pytest.raises(IntegrityError, match="Move it aside"):
        fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)


def test_module_exports():
    assert set(fetch_module.__all__) >= {"fetch", "REGISTRY", "official_file"}


def test_cli_fetch_list_and_fetch(server, tmp_path, monkeypatch, capsys):
    from mixedmig.cli import main

    assert main(["fetch", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "undesa_ims_bilateral" in listing and "legacy" in listing
    assert "https://api.worldbank.org/v2/en/indicator/INDICATOR?downloadformat=csv" in listing
    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = b"made-up"
    monkeypatch.setenv("MIXEDMIG_CACHE", str(tmp_path))
    monkeypatch.setenv("MIXEDMIG_FETCH_BASE_URL", server.url)
    assert main(["fetch", "wpp", "--edition", "2024", "--no-progress"]) == 0
    assert capsys.readouterr().out.strip() == str(
        tmp_path / "wpp" / "2024" / "WPP2024_TotalPopulationBySex.csv.gz")
    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = b"re-issued (made-up)"
    assert main(["fetch", "wpp", "--refresh", "--no-progress"]) == 0
    assert len(server.requests) == 2
    assert main(["fetch"]) == 2
    assert "--list" in capsys.readouterr().err


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    return port


@pytest.mark.parametrize("failure", ["offline", "http_error", "interrupted"])
def test_failed_refresh_keeps_the_cached_copy(server, tmp_path, failure):
    name = "WPP2024_TotalPopulationBySex.csv.gz"
    server.files[name] = b"x" * 200_000  # made-up bytes
    path = fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    lock_before = (tmp_path / FETCH_LOCK_NAME).read_text()
    base = server.url
    if failure == "offline":
        base = f"http://127.0.0.1:{_closed_port()}"
    elif failure == "http_error":
        server.status = 503
    else:
        server.truncate = True
    with pytest.raises(DataError) as info:
        fetch("wpp", cache_dir=tmp_path, progress=False, base_url=base, refresh=True)
    message = str(info.value)
    # the good copy stays where it was, unchanged, and the message says so
    assert path.is_file() and path.read_bytes() == b"x" * 200_000
    assert "still in the cache" in message and str(path) in message
    assert "nothing was kept" not in message
    assert not (tmp_path / "quarantine").exists()
    assert (tmp_path / FETCH_LOCK_NAME).read_text() == lock_before
    assert _files(tmp_path) == [FETCH_LOCK_NAME, f"wpp/2024/{name}"]
    # and it is still served from the cache afterwards
    count = len(server.requests)
    assert fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url) == path
    assert len(server.requests) == count


def test_refreshed_download_is_checked_before_the_old_copy_moves(server, tmp_path):
    # a successful refresh: new file in place, old one in quarantine, no temporary folder left
    name = "WPP2024_TotalPopulationBySex.csv.gz"
    server.files[name] = b"old (made-up)"
    path = fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
    server.files[name] = b"new (made-up)"
    fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url, refresh=True)
    assert path.read_bytes() == b"new (made-up)"
    assert [p.name for p in path.parent.iterdir()] == [name]
    lock = json.loads((tmp_path / FETCH_LOCK_NAME).read_text())["files"]
    assert lock[f"wpp/2024/{name}"]["sha256"] == hashlib.sha256(b"new (made-up)").hexdigest()


def test_pooch_hash_advice_is_not_printed(server, tmp_path):
    import logging

    import pooch

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__(logging.DEBUG)
            self.messages: list[str] = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    server.files["WPP2024_TotalPopulationBySex.csv.gz"] = b"made-up"
    logger = pooch.get_logger()
    collect = Collect()
    logger.addHandler(collect)
    before = logger.level
    try:
        fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url)
        fetch("wpp", cache_dir=tmp_path, progress=False, base_url=server.url, refresh=True)
        assert not any("known_hash" in m or "SHA256 hash" in m for m in collect.messages)
        assert logger.level == before  # restored after the call
        logger.info("made-up message")  # pooch's logger works again outside fetch
        assert collect.messages[-1:] == ["made-up message"]
    finally:
        logger.removeHandler(collect)
