""""""

from __future__ import annotations
import json
import os
import shutil
import tempfile
from pathlib import Path
from . import catalog
from .derived import _write_csv
from .derived import build_outputs


PROCESSED_NAME = "processed"


def build(processed_dir: str | os.PathLike | None = None) -> Path:
    """Build data/processed from data/raw atomically. Returns the processed folder."""
    raw_dir = catalog.data_dir()
    target = Path(processed_dir) if processed_dir is not None else raw_dir.parent / PROCESSED_NAME
    validation = catalog.validate_all()  # every input must load before anything is written
    outputs = build_outputs()

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".processed-", dir=target.parent))
    try:
        for relative, frame in sorted(outputs.items()):
            _write_csv(frame, staging / relative)
        inputs = {
            f"data/raw/{p.name}": catalog.sha256_file(p)
            for p in sorted(raw_dir.glob("*"))
            if p.suffix in (".csv", ".yml", ".yaml")
        }
        output_hashes = {
            rel: catalog.sha256_file(staging / rel) for rel in sorted(outputs)
        }
        record = {
            "generator": "mixedmig build",
            "inputs": inputs,
            "input_tables": validation.set_index("name")["rows"].astype(int).to_dict(),
            "outputs": output_hashes,
        }
        (staging / "manifest.json").write_text(
            json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        backup = None
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=".processed-old-", dir=target.parent))
            backup.rmdir()
            os.replace(target, backup)
        try:
            os.replace(staging, target)
        except BaseException:
            if backup is not None:
                os.replace(backup, target)
            raise
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
