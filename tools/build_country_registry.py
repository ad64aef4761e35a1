"""Generate ``src/mixedmig/countries/registry.csv``: every ISO 3166-1 entry plus Kosovo and the
Channel Islands, with codes, a short display name and a representative point.

Run (from the project root, with countryinfo 1.0.1 importable, e.g. installed with
``pip install --target /tmp/ci countryinfo==1.0.1`` and ``PYTHONPATH=/tmp/ci``)::

    python tools/build_country_registry.py

Sources
-------
* ISO 3166-1 codes (alpha-3, alpha-2, numeric) and names: **pycountry** (LGPL-2.1), the
  Debian iso-codes database.  The numeric code is the UN M49 code for every ISO entry.
* Capital, capital coordinates (``capital_latlng``), centroid (``latlng``) and the
  countryinfo region/subregion: **countryinfo 1.0.1** (P. Chandro, MIT), files
  ``countryinfo/data/<name>.json`` keyed by ``ISO.alpha3``.  Where countryinfo has two files for
  one code (CUW, PSE, VAT) the one with both coordinate pairs is used, then the first by file
  name; the chosen file is recorded in ``coords_source``.
* countryinfo capitals farther than 3,000 km from the country's centroid (Russia excepted) are
  geocoding errors (Dili at Delhi, Saint-Denis at Paris, Douglas in Illinois, ...): their capital
  coordinates are left empty and ``coords_source`` says why; maps use the centroid instead.
* The 15 study economies keep the capitals of ``capitals_asia.csv`` (the same countryinfo 1.0.1
  values; the script checks they agree).
* Kosovo (not in ISO 3166-1 or M49; World Bank code XKX / XK): capital Pristina, centroid
  42.666667 N 21.166667 E from mledoze/countries ``data/unk/unk.country.json`` (ODbL 1.0), no
  capital coordinates.
* Channel Islands (UN M49 830, World Bank code CHI; not in ISO 3166-1): no capital; the
  representative point is the mean of the countryinfo centroids of Jersey and Guernsey,
  computed here.

The output is deterministic (rows sorted by ISO3, fixed float formatting) and written atomically.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "mixedmig" / "countries" / "registry.csv"

#: The 15 study economies: display name, capital, lat, lon (as in mixedmig 0.1 / capitals_asia.csv).
STUDY = {
    "KHM": ("Cambodia", "Phnom Penh", 11.568271, 104.922443),
    "CHN": ("China", "Beijing", 39.906217, 116.391276),
    "LAO": ("Lao PDR", "Vientiane", 17.964099, 102.613371),
    "MMR": ("Myanmar", "Naypyidaw", 19.75, 96.1),
    "THA": ("Thailand", "Bangkok", 13.754253, 100.493087),
    "VNM": ("Viet Nam", "Hanoi", 21.02945, 105.854444),
    "MYS": ("Malaysia", "Kuala Lumpur", 3.151696, 101.694237),
    "SGP": ("Singapore", "Singapore", 1.357107, 103.819499),
    "JPN": ("Japan", "Tokyo", 35.682839, 139.759455),
    "KOR": ("Republic of Korea", "Seoul", 37.566679, 126.978291),
    "TWN": ("Taiwan", "Taipei", 25.03752, 121.56368),
    "HKG": ("Hong Kong SAR", "City of Victoria", 22.278333, 114.174444),
    "IDN": ("Indonesia", "Jakarta", -6.2, 106.816667),
    "PHL": ("Philippines", "Manila", 14.590622, 120.97997),
    "BGD": ("Bangladesh", "Dhaka", 23.759357, 90.378814),
}

#: Short display names where pycountry's common name / name reads badly in a table or legend.
DISPLAY = {
    "BES": "Bonaire, Sint Eustatius and Saba",
    "BOL": "Bolivia",
    "COD": "DR Congo",
    "COG": "Congo",
    "FLK": "Falkland Islands",
    "FSM": "Micronesia (Fed. States of)",
    "GBR": "United Kingdom",
    "IRN": "Iran",
    "MAC": "Macao SAR",
    "MDA": "Republic of Moldova",
    "PRK": "DPR Korea",
    "PSE": "State of Palestine",
    "SHN": "Saint Helena",
    "SYR": "Syria",
    "TZA": "Tanzania",
    "USA": "United States",
    "VAT": "Holy See",
    "VEN": "Venezuela",
    "VGB": "British Virgin Islands",
    "VIR": "US Virgin Islands",
}

FIELDS = ["iso3", "iso2", "m49", "name", "status", "capital", "capital_lat", "capital_lon",
          "centroid_lat", "centroid_lon", "region", "subregion", "coords_source"]


#: A capital farther than this from the country's centroid is a geocoding error of countryinfo
#: (a namesake elsewhere: Dili -> Delhi, Saint-Denis -> Paris, Douglas -> Illinois...), except in
#: the countries listed in LARGE, whose capitals really are that far from their centroids.
MAX_CAPITAL_KM = 3000.0
LARGE = {"RUS"}


def haversine_km(a, b) -> float:
    import math

    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _pair(value):
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return float(value[0]), float(value[1])
    return None


def load_countryinfo() -> dict[str, dict]:
    import countryinfo

    folder = Path(countryinfo.__file__).parent / "data"
    chosen: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            continue
        alpha3 = (record.get("ISO") or {}).get("alpha3")
        if not alpha3:
            continue
        record["_file"] = path.name
        score = (_pair(record.get("capital_latlng")) is not None) + (_pair(record.get("latlng")) is not None)
        record["_score"] = score
        if alpha3 not in chosen or score > chosen[alpha3]["_score"]:
            chosen[alpha3] = record
    return chosen


def fmt(x) -> str:
    return "" if x is None else repr(float(x))


def build_rows() -> list[dict]:
    info = load_countryinfo()
    rows = []
    for c in pycountry.countries:
        ci = info.get(c.alpha_3, {})
        capital = ci.get("capital") or ""
        if isinstance(capital, list):  # countryinfo gives Holy See's capital as a list
            capital = "; ".join(capital)
        cap = _pair(ci.get("capital_latlng"))
        if c.alpha_3 == "BES" and isinstance(ci.get("capital_latlng"), list) and ci["capital_latlng"]:
            # countryinfo lists the three island capitals; keep the first (Kralendijk, Bonaire).
            capital, cap = "Kralendijk", _pair(ci["capital_latlng"][0])
        centroid = _pair(ci.get("latlng"))
        name = getattr(c, "common_name", None) or c.name
        name = DISPLAY.get(c.alpha_3, name)
        source = f"countryinfo 1.0.1 data/{ci['_file']}" if ci else ""
        if cap and centroid and c.alpha_3 not in LARGE and haversine_km(cap, centroid) > MAX_CAPITAL_KM:
            source += (f"; capital_latlng {list(cap)} rejected: {haversine_km(cap, centroid):.0f} km "
                       "from the centroid (geocoded to a namesake elsewhere)")
            cap = None
        if c.alpha_3 in STUDY:
            name, capital, lat, lon = STUDY[c.alpha_3]
            if cap != (lat, lon) or capital != ci.get("capital"):
                sys.exit(f"{c.alpha_3}: countryinfo {ci.get('capital')} {cap} differs from the study value")
            cap = (lat, lon)
            source += " (= ../shared/reference/capitals_asia.csv)"
        rows.append({
            "iso3": c.alpha_3, "iso2": c.alpha_2, "m49": str(int(c.numeric)), "name": name,
            "status": "ISO 3166-1", "capital": capital,
            "capital_lat": fmt(cap and cap[0]), "capital_lon": fmt(cap and cap[1]),
            "centroid_lat": fmt(centroid and centroid[0]), "centroid_lon": fmt(centroid and centroid[1]),
            "region": ci.get("region") or "", "subregion": ci.get("subregion") or "",
            "coords_source": source,
        })
    rows.append({
        "iso3": "XKX", "iso2": "XK", "m49": "", "name": "Kosovo",
        "status": "user-assigned code (World Bank XKX / XK); not in ISO 3166-1 or M49",
        "capital": "Pristina", "capital_lat": "", "capital_lon": "",
        "centroid_lat": "42.666667", "centroid_lon": "21.166667",
        "region": "Europe", "subregion": "Southern Europe",
        "coords_source": "centroid: mledoze/countries data/unk/unk.country.json latlng (ODbL 1.0)",
    })
    jey, ggy = _pair(info["JEY"]["latlng"]), _pair(info["GGY"]["latlng"])
    rows.append({
        "iso3": "CHI", "iso2": "", "m49": "830", "name": "Channel Islands",
        "status": "UN M49 area 830 (World Bank code CHI); not in ISO 3166-1 (see JEY, GGY)",
        "capital": "", "capital_lat": "", "capital_lon": "",
        "centroid_lat": fmt(round((jey[0] + ggy[0]) / 2, 6)),
        "centroid_lon": fmt(round((jey[1] + ggy[1]) / 2, 6)),
        "region": "Europe", "subregion": "Northern Europe",
        "coords_source": "centroid: mean of countryinfo 1.0.1 centroids of Jersey and Guernsey (computed)",
    })
    return sorted(rows, key=lambda r: r["iso3"])


def main() -> None:
    rows = build_rows()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, OUT)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
