#!/usr/bin/env python3
"""Build the curated tables of ``data/raw`` (CSV + YAML manifest) and record their provenance.

Two kinds of table are written:

* **reference-derived tables**, built from the dataset extracts in ``../shared/reference``
  (each extract documents its origin in ``NAME.source.md``): UN DESA International Migrant
  Stock (bilateral and totals), the World Bank/KNOMAD 2013 bilateral matrix, CEPII GeoDist,
  UN WPP 2024 population, WDI GDP per capita, Maddison 2020 GDP per capita and UNHCR
  population statistics.  Only the figures the analyses need are kept, in the project's own
  long schema (``orig``/``dest`` ISO3 codes, one row per figure).
* **published-figure tables**, transcribed below from the collector's notes
  ``../shared/research/gms_trafficking_figures.md`` (section numbers are given with each
  block): UNIAP identified victims 2008-2012, COMMIT referral figures, repatriations between
  countries, country case tables and the STEAM cohort marginals.  Each row keeps the
  collector's reliability marker ([R] read, [C] computed, [S] secondary, [?] uncertain; a
  row marked [R][S] is ``secondary``, any [?] makes it ``uncertain``).

Output is deterministic: rows sorted by primary key, ``\\n`` line endings, integers without
decimals, decimals written as the shortest exact text of the published value; the manifest's
``sha256`` is the digest of the CSV bytes.  Run it twice and the files are byte-identical.

Usage::

    python tools/curate_reference.py                 # write data/raw
    python tools/curate_reference.py --out DIR       # write elsewhere (e.g. to compare)
    python tools/curate_reference.py --check         # exit 1 if data/raw differs from a rebuild
    python tools/curate_reference.py --published-only   # no ../shared/reference needed

The reference folder is ``$MIXEDMIG_REFERENCE_DIR``, else ``$MIXEDMIG_SHARED/reference``
(or ``$MIXEDMIG_SHARED`` itself if it holds the extracts), else ``../shared/reference``
beside the repository.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import hashlib
import io
import math
import os
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
RETRIEVED = "2026-11-29"
EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius R1
REGISTRY = ("KHM", "CHN", "LAO", "MMR", "THA", "VNM",
            "MYS", "SGP", "JPN", "KOR", "TWN", "HKG", "IDN", "PHL", "BGD")
GMS = REGISTRY[:6]
RELIABILITY = ["read", "computed", "secondary", "uncertain"]
RESEARCH_NOTES = "shared/research/gms_trafficking_figures.md"


def D(text: str) -> Decimal:
    """A published decimal, kept exact (no binary floating point)."""
    return Decimal(text)


# ============================================================================ locations


def reference_dir(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("MIXEDMIG_REFERENCE_DIR"):
        return Path(os.environ["MIXEDMIG_REFERENCE_DIR"])
    shared = os.environ.get("MIXEDMIG_SHARED")
    if shared:
        shared_path = Path(shared)
        return shared_path / "reference" if (shared_path / "reference").is_dir() else shared_path
    return REPO.parent / "shared" / "reference"


def read_reference(ref: Path, filename: str, encoding: str = "utf-8") -> list[dict[str, str]]:
    path = ref / filename
    if not path.is_file():
        raise SystemExit(f"reference extract not found: {path} (see --help for the location)")
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


# ============================================================================ number text


def as_int(text: str) -> int | None:
    """Parse a count written as '662', '662.0' or '' (missing); refuse fractions."""
    text = text.strip()
    if text in ("", ".", ".."):
        return None
    value = Decimal(text)
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    return int(value)


def as_dec(text: str) -> Decimal | None:
    text = text.strip()
    if text in ("", ".", ".."):
        return None
    return Decimal(text)


def fmt_number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("non-finite number")
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    raise TypeError(f"not a number: {value!r}")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine great-circle distance in km on a sphere of radius R = 6371.0088 km.

    d = 2 R asin(sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))) (Sinnott 1984, Sky & Telescope
    68: 159); R is the IUGG mean Earth radius (Moritz 2000, Journal of Geodesy 74: 128-133).
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# ============================================================================ tables


def col(name, type_, description, *, nullable=False, minimum=None, maximum=None, allowed=None,
        pattern=None) -> dict:
    spec = {"name": name, "type": type_, "description": description}
    if nullable:
        spec["nullable"] = True
    if minimum is not None:
        spec["minimum"] = minimum
    if maximum is not None:
        spec["maximum"] = maximum
    if allowed is not None:
        spec["allowed"] = list(allowed)
    if pattern is not None:
        spec["pattern"] = pattern
    return spec


RELIABILITY_COLUMN = col(
    "reliability", "string",
    "collector's marker: read (read in the cited source), computed (arithmetic on published "
    "figures), secondary (a news report or third party quoting an official figure), uncertain "
    "(year, label or value in doubt; see note)",
    allowed=RELIABILITY,
)
SOURCE_COLUMN = col("source", "string",
                    "short citation; equals the `id` of one entry of the manifest's `sources`")
URL_COLUMN = col("url", "string", "address of the page the figure was read from")
NOTE_COLUMN = col("note", "string", "caveats, published wording, arithmetic", nullable=True)


#: The schema kind (mixedmig.data.kinds) each table conforms to; tables of published figures
#: that follow no kind get ``kind: null``.
TABLE_KINDS = {
    "undesa_ims_bilateral": "bilateral_stocks",
    "worldbank_bilateral_2013": "bilateral_stocks",
    "wpp2024_population": "population",
    "wdi_gdppc": "country_covariates",
    "maddison_gdppc": "country_covariates",
    "unhcr_refugees_gms": "displacement_stocks",
}


class _NoAliasDumper(yaml.SafeDumper):
    """Safe dumper that writes shared objects in full instead of as YAML anchors/aliases."""

    def ignore_aliases(self, data):
        return True


def _represent_list(dumper, data):
    """Lists of scalars (primary keys, allowed values) on one line; others in block style."""
    flow = all(isinstance(item, (str, int, float)) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_NoAliasDumper.add_representer(list, _represent_list)


@dataclass
class Table:
    name: str
    title: str
    description: str
    units: str
    reliability: str
    columns: list[dict]
    primary_key: list[str]
    rows: list[dict]
    source: dict | None = None
    sources: list[dict] | None = None
    extra: dict = field(default_factory=dict)

    def sort_key(self, row):
        key = []
        for name in self.primary_key:
            value = row[name]
            key.append((0, 0) if value is None else (1, value))
        return key

    def csv_text(self) -> str:
        names = [c["name"] for c in self.columns]
        types = {c["name"]: c["type"] for c in self.columns}
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        seen = set()
        for row in sorted(self.rows, key=self.sort_key):
            if set(row) != set(names):
                raise ValueError(f"{self.name}: row keys {sorted(row)} differ from {names}")
            key = tuple(row[k] for k in self.primary_key)
            if key in seen:
                raise ValueError(f"{self.name}: duplicate primary key {key}")
            seen.add(key)
            out = []
            for name in names:
                value = row[name]
                if types[name] in ("integer", "number"):
                    out.append(fmt_number(value))
                elif value is None:
                    out.append("")
                else:
                    if not isinstance(value, str):
                        raise TypeError(f"{self.name}.{name}: {value!r} is not text")
                    out.append(value)
            writer.writerow(out)
        return buffer.getvalue()

    def manifest_text(self, digest: str) -> str:
        manifest = {"name": self.name, "title": self.title, "description": self.description}
        if self.sources is not None:
            manifest["sources"] = self.sources
        else:
            manifest["source"] = self.source
        manifest["units"] = self.units
        manifest["reliability"] = self.reliability
        manifest["kind"] = TABLE_KINDS.get(self.name)
        manifest.update(self.extra)
        manifest["sha256"] = digest
        manifest["schema"] = {"primary_key": self.primary_key, "columns": self.columns}
        header = (f"# Written by tools/curate_reference.py; edit that script, not this file.\n")
        return header + yaml.dump(manifest, Dumper=_NoAliasDumper, sort_keys=False,
                                  allow_unicode=True, width=100)


def write_table(table: Table, out: Path) -> tuple[Path, Path]:
    text = table.csv_text()
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    out.mkdir(parents=True, exist_ok=True)
    csv_path, yml_path = out / f"{table.name}.csv", out / f"{table.name}.yml"
    for path, payload in ((csv_path, data),
                          (yml_path, table.manifest_text(digest).encode("utf-8"))):
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(payload)
        os.replace(tmp, path)
    return csv_path, yml_path


# ============================================================================ sources: data


UNDESA_PUBLISHER = "United Nations Department of Economic and Social Affairs, Population Division"
UNDESA_IMS_URL = "https://www.un.org/development/desa/pd/content/international-migrant-stock"
UNDESA_LICENCE = "CC BY 3.0 IGO"


def undesa_source(edition: str, via: str) -> dict:
    return {
        "id": edition,
        "publisher": UNDESA_PUBLISHER,
        "citation": (f"United Nations Department of Economic and Social Affairs, Population "
                     f"Division ({edition}). International Migrant Stock {edition} "
                     f"(POP/DB/MIG/Stock/Rev.{edition})."),
        "url": UNDESA_IMS_URL,
        "edition": edition,
        "licence": UNDESA_LICENCE,
        "retrieved": RETRIEVED,
        "via": via,
    }


# ============================================================================ 1. UN DESA bilateral


def build_undesa_bilateral(ref: Path) -> Table:
    rows = []
    for r in read_reference(ref, "undesa_ims_bilateral_asia.csv"):
        edition = int(r["edition"])
        orig, dest = r["orig_iso3"], r["dest_iso3"]
        if orig == dest or orig not in REGISTRY or dest not in REGISTRY:
            raise SystemExit(f"unexpected pair {orig}->{dest} in the UN DESA extract")
        sexes = ("total", "male", "female") if edition == 2024 else ("total",)
        for sex in sexes:
            stock = as_int(r[f"stock_{sex}"])
            if stock is None:
                raise SystemExit(f"missing {sex} stock {edition} {r['year']} {orig}->{dest}")
            rows.append({"edition": edition, "year": int(r["year"]), "sex": sex,
                         "orig": orig, "dest": dest, "stock": stock})
    via_file = "shared/reference/undesa_ims_bilateral_asia.csv"
    return Table(
        name="undesa_ims_bilateral",
        title="UN DESA International Migrant Stock: bilateral stocks among the 15 economies "
              "(editions 2017, 2019, 2024)",
        description=(
            "One row per edition, mid-year, sex, origin and destination: the number of "
            "international migrants (foreign-born or, where the destination counts citizenship, "
            "foreign citizens; refugees added where the destination's type of data includes R) "
            "born in `orig` and living in `dest`, for pairs of the 15 economies of "
            "mixedmig.countries (self-pairs excluded). Edition 2024: 1990, 1995, ..., 2020, "
            "2024, both sexes, male and female. Editions 2019 and 2017: both sexes only "
            "(1990-2015 plus 2019 or 2017). Each edition re-estimates the whole history "
            "(Myanmar-born in Thailand, 1990: 229,504 in the 2019 edition, 1,106 in the 2024 "
            "edition): never splice editions into one series. Taiwan (TWN) is an origin and "
            "destination only in the 2024 edition. Representation of zeros: the 2017 and 2019 "
            "rows form a complete grid of the 14 economies (0 = none reported; this includes "
            "origins the destination does not itemise). The 2024 rows keep exactly the pairs "
            "present in the official 2024 file; a pair with no 2024 row was NOT ITEMISED by the "
            "official file (the destination's data put that origin under 'Other'), which is "
            "not the same as a measured zero: treat it as 0 only if the analysis accepts that "
            "reading (mixedmig.data.gravity_pairs does, and records stock_listed = False)."
        ),
        sources=[
            undesa_source("2024",
                          f"figures read from the extract {via_file} (edition 2024), itself from "
                          "ojasiiitd/Migration-Leaps @ 13a67e529b50b8a8e80cc2d3586649efe21e741f : "
                          "migration_table1_countries_clean.csv (country-to-country rows of Table 1 "
                          "of undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx)"),
            undesa_source("2019",
                          f"figures read from the extract {via_file} (edition 2019), itself from "
                          "guyabel/stepladderChapter @ 4a81585e8ca3566aed8fd48c2870d316fe06f53f : "
                          "archive/UN_MigrantStockByOriginAndDestination_2019_clean.csv (Table 1 of "
                          "UN_MigrantStockByOriginAndDestination_2019.xlsx, reshaped)"),
            undesa_source("2017",
                          f"figures read from the extract {via_file} (edition 2017), itself from "
                          "lauraCuccurullo/DVProject @ 97185550909ce8b9dea9c27b46d524968704e5db : "
                          "data/UN_MigrantStockByOriginAndDestination_2017.csv (Table 1 of "
                          "UN_MigrantStockByOriginAndDestination_2017.xlsx)"),
        ],
        units="persons (mid-year stock)",
        reliability=(
            "Official UN DESA estimates, read through third-party copies of the official "
            "workbooks (see sources.via); the 2024 copy was spot-checked against an independent "
            "long-format copy, the 2017 copy's origin columns add up to its Total column. The "
            "`edition` column links each row to the entry of `sources` with the same id. Male "
            "+ female = both sexes for every 2024 row (checked by the tests)."
        ),
        columns=[
            col("edition", "integer", "UN DESA edition (revision) the figure belongs to",
                allowed=[2017, 2019, 2024]),
            col("year", "integer", "reference year (mid-year stock)",
                allowed=[1990, 1995, 2000, 2005, 2010, 2015, 2017, 2019, 2020, 2024]),
            col("sex", "string", "total (both sexes), male or female",
                allowed=["total", "male", "female"]),
            col("orig", "country", "country of birth (origin), ISO3"),
            col("dest", "country", "country of residence (destination), ISO3"),
            col("stock", "integer", "international migrant stock, persons", minimum=0),
        ],
        primary_key=["edition", "year", "sex", "orig", "dest"],
        rows=rows,
    )


# ============================================================================ 2. UN DESA totals


def build_undesa_totals(ref: Path) -> Table:
    rows = []
    for r in read_reference(ref, "undesa_ims_totals_asia.csv"):
        edition = int(r["edition"])
        if r["iso3"] not in REGISTRY:
            raise SystemExit(f"unexpected country {r['iso3']} in the UN DESA totals extract")
        rows.append({
            "edition": edition,
            "year": int(r["year"]),
            "country": r["iso3"],
            "type_of_data": r["type_of_data"].strip() or None,
            "migrant_stock": as_int(r["migrant_stock"]),
            "migrant_stock_male": as_int(r["migrant_stock_male"]),
            "migrant_stock_female": as_int(r["migrant_stock_female"]),
            "refugees": as_int(r["refugees_incl_asylum_seekers"]),
            "population_thousands": as_dec(r["population_thousands"]),
            "migrant_pct": as_dec(r["migrant_pct_of_population"]),
        })
    via = "figures read from the extract shared/reference/undesa_ims_totals_asia.csv, itself from "
    return Table(
        name="undesa_ims_totals",
        title="UN DESA International Migrant Stock: totals by destination, population, refugees "
              "and migrant share (editions 2017, 2019, 2020)",
        description=(
            "One row per edition, year and destination economy: international migrant stock "
            "(both sexes, male, female), refugees and asylum seekers as counted by UN DESA "
            "(Table 6 of the official workbooks; included in the migrant stock where "
            "type_of_data contains R), total population in thousands (Table 2) and migrants as "
            "a percentage of the population (Table 3). Editions 2019 and 2020 come from the "
            "official workbooks. Edition 2017 has the migrant stock only: the Total column of "
            "the 2017 bilateral table (its origin columns add up to it exactly for every row); "
            "the other 2017 columns are empty because no clean copy of the 2017 totals workbook "
            "was available. Taiwan has no UN DESA migrant-stock estimate in these editions; the "
            "2020 workbook gives its population only (other fields empty), the 2017 and 2019 "
            "rows omit it. Empty = not published ('..' in the workbook). type_of_data codes "
            "(workbook notes): B foreign-born, C foreign citizens, R refugees added, I imputed. "
            "Never mix editions in one series. No 2024-edition destination totals were "
            "available."
        ),
        sources=[
            dict(undesa_source("2020", via + "the official workbook "
                               "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx (Tables 1, 2, "
                               "3, 6) in guyabel/stepladderChapter @ "
                               "4a81585e8ca3566aed8fd48c2870d316fe06f53f : data_raw/")),
            dict(undesa_source("2019", via + "the official workbook "
                               "undesa_pd_2019_migrant_stock_total_dataset.xlsx "
                               "(= UN_MigrantStockTotal_2019.xlsx) in guyabel/stepladderChapter @ "
                               "4a81585e8ca3566aed8fd48c2870d316fe06f53f : data-raw/")),
            dict(undesa_source("2017", via + "the Total column of "
                               "lauraCuccurullo/DVProject @ 97185550909ce8b9dea9c27b46d524968704e5db"
                               " : data/UN_MigrantStockByOriginAndDestination_2017.csv (Table 1 of "
                               "UN_MigrantStockByOriginAndDestination_2017.xlsx)")),
        ],
        units="persons (stocks, refugees); thousands (population_thousands); percent (migrant_pct)",
        reliability=(
            "Official UN DESA figures read from the official 2019 and 2020 workbooks (through "
            "the extract); 2017 from a derived copy whose row sums were checked. The `edition` "
            "column links each row to the entry of `sources` with the same id."
        ),
        columns=[
            col("edition", "integer", "UN DESA edition", allowed=[2017, 2019, 2020]),
            col("year", "integer", "reference year (mid-year)",
                allowed=[1990, 1995, 2000, 2005, 2010, 2015, 2017, 2019, 2020]),
            col("country", "country", "destination economy, ISO3"),
            col("type_of_data", "string",
                "UN DESA type of data of the destination (B, C, with R if refugees are added)",
                nullable=True),
            col("migrant_stock", "integer", "international migrant stock, both sexes",
                nullable=True, minimum=0),
            col("migrant_stock_male", "integer", "international migrant stock, male",
                nullable=True, minimum=0),
            col("migrant_stock_female", "integer", "international migrant stock, female",
                nullable=True, minimum=0),
            col("refugees", "integer",
                "refugees and asylum seekers as estimated by UN DESA (Table 6)",
                nullable=True, minimum=0),
            col("population_thousands", "number", "total population, thousands (as published)",
                nullable=True, minimum=0),
            col("migrant_pct", "number", "international migrants as % of the population",
                nullable=True, minimum=0, maximum=100),
        ],
        primary_key=["edition", "year", "country"],
        rows=rows,
    )


# ============================================================================ 3. World Bank 2013

WORLD_BANK_2013 = {
    "publisher": "World Bank / KNOMAD (Global Knowledge Partnership on Migration and Development)",
    "citation": ("World Bank / KNOMAD. Bilateral Estimates of Migrant Stocks in 2013 "
                 "(bilateralmigrationmatrix20130.xlsx), based on the Migration and Remittances "
                 "Factbook 2016. Washington, DC: World Bank / KNOMAD."),
    "url": "https://www.knomad.org/data/migration/emigration",
    "edition": "2013 (Migration and Remittances Factbook 2016)",
    "licence": "CC BY 4.0 (World Bank open data terms; KNOMAD page not consulted)",
    "retrieved": RETRIEVED,
    "via": ("figures read from the extract "
            "shared/reference/worldbank_bilateral_migration_2013_asia.csv, itself from the "
            "official file committed as bsuzow/KNOMAD @ ce79909855bb8ef9c8ad5f6e7e284647c3f20544 "
            ": Mig2013.xlsx (sheet 'Bilateral Migration 2013')"),
}


def build_worldbank(ref: Path) -> tuple[Table, Table]:
    pairs, totals = [], {}
    for r in read_reference(ref, "worldbank_bilateral_migration_2013_asia.csv"):
        orig, dest, migrants = r["orig_iso3"], r["dest_iso3"], as_int(r["migrants"])
        if orig == "WLD" and dest in REGISTRY:
            totals.setdefault(dest, {})["immigrants"] = migrants
        elif dest == "WLD" and orig in REGISTRY:
            totals.setdefault(orig, {})["emigrants"] = migrants
        elif orig in REGISTRY and dest in REGISTRY and orig != dest:
            pairs.append({"year": int(r["year"]), "orig": orig, "dest": dest,
                          "migrants": migrants})
        else:
            raise SystemExit(f"unexpected World Bank row {orig}->{dest}")
    common = (
        " Taiwan (TWN) is not in the World Bank matrix, so it has no rows. The matrix lists "
        "every pair of its economies; 0 means no migrants estimated for that pair."
    )
    pair_table = Table(
        name="worldbank_bilateral_2013",
        title="World Bank/KNOMAD bilateral migrant stocks 2013 among 14 of the 15 economies",
        description=(
            "One row per ordered pair of distinct economies: the estimated number of migrants "
            "born in `orig` living in `dest` in 2013 (World Bank bilateral migration matrix, "
            "source countries down, destinations across). Only country pairs: the matrix's "
            "'World', 'Other North' and 'Other South' aggregates are left out (the World "
            "totals are in worldbank_bilateral_2013_totals)." + common
        ),
        source=WORLD_BANK_2013,
        units="persons (migrant stock)",
        reliability="Model-based World Bank estimates (see the Factbook 2016 methodology); "
                    "figures copied exactly from the official matrix.",
        columns=[
            col("year", "integer", "reference year", allowed=[2013]),
            col("orig", "country", "source (origin) country, ISO3"),
            col("dest", "country", "destination country, ISO3"),
            col("migrants", "integer", "estimated bilateral migrant stock", minimum=0),
        ],
        primary_key=["year", "orig", "dest"],
        rows=pairs,
    )
    total_rows = [{"year": 2013, "country": c, "immigrants_world": v["immigrants"],
                   "emigrants_world": v["emigrants"]} for c, v in totals.items()]
    totals_table = Table(
        name="worldbank_bilateral_2013_totals",
        title="World Bank/KNOMAD 2013 matrix: World totals (immigrants, emigrants) of 14 economies",
        description=(
            "One row per economy: the 'World' column (all immigrants living in the economy) "
            "and the 'World' row (all emigrants born in the economy) of the World Bank 2013 "
            "bilateral migration matrix, i.e. totals over every partner in the world, not only "
            "the 15 economies." + common
        ),
        source=WORLD_BANK_2013,
        units="persons (migrant stock)",
        reliability="Model-based World Bank estimates, copied exactly from the official matrix.",
        columns=[
            col("year", "integer", "reference year", allowed=[2013]),
            col("country", "country", "economy, ISO3"),
            col("immigrants_world", "integer", "migrants living in the economy (World column)",
                minimum=0),
            col("emigrants_world", "integer", "migrants born in the economy (World row)",
                minimum=0),
        ],
        primary_key=["year", "country"],
        rows=total_rows,
    )
    return pair_table, totals_table


# ============================================================================ 4. CEPII GeoDist


def build_cepii(ref: Path) -> Table:
    capitals = {r["iso3"]: r for r in read_reference(ref, "capitals_asia.csv")}
    rows = []
    dummies = ("contig", "comlang_off", "comlang_ethno", "colony")
    distances = ("dist", "distcap", "distw", "distwces")
    for r in read_reference(ref, "cepii_geodist_dist_asia.csv"):
        orig, dest = r["iso_o"], r["iso_d"]
        row = {"orig": orig, "dest": dest}
        for name in dummies:
            row[name] = as_int(r[name])
        for name in distances:
            row[name] = as_dec(r[name])
        if orig == dest:
            row["dist_capitals_km"] = None
        else:
            a, b = capitals[orig], capitals[dest]
            km = haversine_km(float(a["capital_lat"]), float(a["capital_lon"]),
                              float(b["capital_lat"]), float(b["capital_lon"]))
            row["dist_capitals_km"] = Decimal(f"{km:.1f}")
        rows.append(row)
    return Table(
        name="cepii_geodist",
        title="CEPII GeoDist distances, contiguity and common language among the 15 economies, "
              "with great-circle distance between current capitals",
        description=(
            "One row per ordered pair of the 15 economies (225 rows; self-pairs carry CEPII's "
            "internal distance). Columns contig ... distwces are CEPII's dist_cepii variables as "
            "published (Mayer & Zignago 2011): contig = shared land border, comlang_off = "
            "common official language, comlang_ethno = a language spoken by at least 9% of both "
            "populations, colony = ever in a colonial relationship, dist = great-circle "
            "distance between the main cities, distcap = between the capitals CEPII uses, "
            "distw / distwces = population-weighted distances (theta = 1 and -1). CEPII's "
            "capital and main city for Myanmar is Rangoon/Yangon (pre-2005). dist_capitals_km "
            "is computed by tools/curate_reference.py, not published by CEPII: haversine "
            "great-circle distance with mean Earth radius R = 6371.0088 km between the current "
            "capitals' coordinates in shared/reference/capitals_asia.csv (PyPI package "
            "countryinfo 1.0.1; Myanmar = Naypyidaw 19.75 N, 96.10 E), rounded to 0.1 km; "
            "empty for self-pairs. GeoDist has no time variation."
        ),
        source={
            "publisher": "CEPII (Centre d'Etudes Prospectives et d'Informations Internationales)",
            "citation": ("Mayer, T. & Zignago, S. (2011). Notes on CEPII's distances measures: "
                         "the GeoDist database. CEPII Working Paper 2011-25."),
            "url": "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=6",
            "edition": "GeoDist dist_cepii (2011)",
            "licence": ("CEPII terms of use (to confirm); the CRAN redistribution "
                        "cepiigeodist declares CC0"),
            "retrieved": RETRIEVED,
            "via": ("figures read from the extract shared/reference/cepii_geodist_dist_asia.csv, "
                    "itself from sadigulcelik/APAM_Migration @ "
                    "8d59e94bd8519604fe534a5e323f95047c1776c7 : dist_cepii.csv; capital "
                    "coordinates from shared/reference/capitals_asia.csv (countryinfo 1.0.1, "
                    "MIT licence)"),
        },
        units="km (distances); 0/1 indicators",
        reliability=("CEPII variables copied exactly. dist_capitals_km is computed here from "
                     "capital coordinates of countryinfo (compiled from Wikipedia); it agrees "
                     "with the extract's own dist_capitals_haversine_km (checked by the tests)."),
        columns=[
            col("orig", "country", "first country of the pair (CEPII iso_o), ISO3"),
            col("dest", "country", "second country of the pair (CEPII iso_d), ISO3"),
            col("contig", "integer", "1 if the two share a land border", allowed=[0, 1]),
            col("comlang_off", "integer", "1 if they share an official language",
                allowed=[0, 1]),
            col("comlang_ethno", "integer",
                "1 if a language is spoken by at least 9% of both populations", allowed=[0, 1]),
            col("colony", "integer", "1 if ever in a colonial link", allowed=[0, 1]),
            col("dist", "number", "great-circle distance between main cities, km", minimum=0),
            col("distcap", "number", "great-circle distance between CEPII capitals, km",
                minimum=0),
            col("distw", "number", "population-weighted distance (theta = 1), km", minimum=0),
            col("distwces", "number", "population-weighted distance (theta = -1), km",
                minimum=0),
            col("dist_capitals_km", "number",
                "computed: haversine distance between current capitals, R = 6371.0088 km, "
                "rounded to 0.1 km; empty for self-pairs", nullable=True, minimum=0),
        ],
        primary_key=["orig", "dest"],
        rows=rows,
    )


# ============================================================================ 5. population, GDP


def build_wpp(ref: Path) -> Table:
    rows = [{"year": int(r["year"]), "country": r["iso3"], "pop_total": as_int(r["pop_total"]),
             "pop_male": as_int(r["pop_male"]), "pop_female": as_int(r["pop_female"])}
            for r in read_reference(ref, "wpp2024_population_asia.csv")]
    return Table(
        name="wpp2024_population",
        title="UN World Population Prospects 2024: population of the 15 economies, 1990-2025 "
              "(5-yearly)",
        description=(
            "One row per year (1990, 1995, ..., 2025) and economy: total, male and female "
            "population on 1 July, medium variant (estimates to 2023, projection for 2025), "
            "including Taiwan (China, Taiwan Province of China). Summed over the 5-year age "
            "groups of WPP2024_PopulationByAge5GroupSex_Medium (published in thousands with "
            "three decimals, i.e. whole persons); male + female = total."
        ),
        source={
            "publisher": UNDESA_PUBLISHER,
            "citation": ("United Nations, Department of Economic and Social Affairs, Population "
                         "Division (2024). World Population Prospects 2024."),
            "url": "https://population.un.org/wpp/",
            "edition": "2024 (medium variant)",
            "licence": "CC BY 3.0 IGO",
            "retrieved": RETRIEVED,
            "via": ("figures read from the extract shared/reference/wpp2024_population_asia.csv, "
                    "itself summed over age groups from the PyPI wheel bokeh-sampledata 2026.1 "
                    ": bokeh_sampledata/_data/population.csv.gz (source file "
                    "WPP2024_PopulationByAge5GroupSex_Medium.csv.gz)"),
        },
        units="persons",
        reliability="Official UN estimates (projection for 2025).",
        columns=[
            col("year", "integer", "year (population on 1 July)",
                allowed=[1990, 1995, 2000, 2005, 2010, 2015, 2020, 2025]),
            col("country", "country", "economy, ISO3"),
            col("pop_total", "integer", "population, both sexes", minimum=0),
            col("pop_male", "integer", "population, male", minimum=0),
            col("pop_female", "integer", "population, female", minimum=0),
        ],
        primary_key=["year", "country"],
        rows=rows,
    )


WDI_VIA = ("figures read from the extract shared/reference/wdi_population_gdppc_asia.csv: "
           "population (SP.POP.TOTL) from ojasiiitd/Migration-Leaps @ "
           "13a67e529b50b8a8e80cc2d3586649efe21e741f : population_cleaned.csv; GDP per capita "
           "PPP (NY.GDP.PCAP.PP.KD) from Our World in Data's grapher CSV "
           "gdp-per-capita-worldbank.csv committed in "
           "Thitphavanh/Python-Artificial-intelligence-Machine-Learning-Deep-Learning @ "
           "8001ac71c7038f239cce2b50f755db48aba0f76e (June 2022)")


def build_wdi(ref: Path) -> tuple[Table, Table]:
    wdi_rows, maddison_rows = [], []
    for r in read_reference(ref, "wdi_population_gdppc_asia.csv"):
        year, country = int(r["year"]), r["iso3"]
        population = as_int(r["population_wb"])
        gdppc = as_dec(r["gdppc_ppp_const2017_intl"])
        if population is not None:
            wdi_rows.append({"year": year, "country": country, "population": population,
                             "gdppc_ppp_2017": gdppc})
        elif gdppc is not None:
            raise SystemExit(f"GDP without population for {country} {year}")
        maddison = as_dec(r["gdppc_maddison2020_2011intl"])
        if maddison is not None:
            maddison_rows.append({"year": year, "country": country, "gdppc_2011": maddison})
    wdi = Table(
        name="wdi_gdppc",
        title="World Bank WDI: population and GDP per capita (PPP, constant 2017 international $)"
              ", 14 economies, 1990-2020",
        description=(
            "One row per year and economy with WDI data: total population (SP.POP.TOTL) and "
            "GDP per capita, PPP, constant 2017 international $ (NY.GDP.PCAP.PP.KD), annual "
            "1990-2020. Taiwan is not in the WDI, so it has no rows (see maddison_gdppc for a "
            "GDP series with Taiwan). Cambodia's PPP series starts in 1993 (earlier years "
            "empty). The two columns come from different WDI vintages (population recent, "
            "matching UN WPP 2024; GDP per capita as of mid-2022), so do not divide one by the "
            "other; GDP per capita values were rounded to 2 decimals in the extract."
        ),
        source={
            "publisher": "World Bank",
            "citation": ("World Bank. World Development Indicators: SP.POP.TOTL (Population, "
                         "total) and NY.GDP.PCAP.PP.KD (GDP per capita, PPP, constant 2017 "
                         "international $)."),
            "url": "https://databank.worldbank.org/source/world-development-indicators",
            "edition": ("SP.POP.TOTL: recent vintage (values equal UN WPP 2024); "
                        "NY.GDP.PCAP.PP.KD: vintage of about June 2022"),
            "licence": "CC BY 4.0",
            "retrieved": RETRIEVED,
            "via": WDI_VIA,
        },
        units="persons (population); constant 2017 international $ per person (gdppc_ppp_2017)",
        reliability="Official World Bank series read through third-party copies (see via).",
        columns=[
            col("year", "integer", "calendar year", minimum=1990, maximum=2020),
            col("country", "country", "economy, ISO3 (TWN not covered by the WDI)"),
            col("population", "integer", "total population, WDI SP.POP.TOTL", minimum=0),
            col("gdppc_ppp_2017", "number",
                "GDP per capita, PPP, constant 2017 international $ (WDI NY.GDP.PCAP.PP.KD)",
                nullable=True, minimum=0),
        ],
        primary_key=["year", "country"],
        rows=wdi_rows,
    )
    maddison = Table(
        name="maddison_gdppc",
        title="Maddison Project Database 2020: GDP per capita (2011 international $), 15 "
              "economies, 1990-2018",
        description=(
            "One row per year and economy: real GDP per capita in 2011 international dollars "
            "(multiple benchmark series, the database's 'gdppc'), 1990-2018, including Taiwan. "
            "Not comparable in level with wdi_gdppc (different price base and sources)."
        ),
        source={
            "publisher": "Groningen Growth and Development Centre, University of Groningen "
                         "(Maddison Project)",
            "citation": ("Bolt, J. & van Zanden, J. L. (2020). Maddison style estimates of the "
                         "evolution of the world economy. A new 2020 update. Maddison Project "
                         "Working Paper WP-15, University of Groningen. Maddison Project "
                         "Database, version 2020."),
            "url": ("https://www.rug.nl/ggdc/historicaldevelopment/maddison/releases/"
                    "maddison-project-database-2020"),
            "edition": "Maddison Project Database 2020",
            "licence": "CC BY 4.0",
            "retrieved": RETRIEVED,
            "via": ("figures read from the extract shared/reference/wdi_population_gdppc_asia.csv "
                    "(column gdppc_maddison2020_2011intl), itself from Our World in Data's copy "
                    "DataRegression/gdp-per-capita-maddison-2020.csv in "
                    "Thitphavanh/Python-Artificial-intelligence-Machine-Learning-Deep-Learning @ "
                    "8001ac71c7038f239cce2b50f755db48aba0f76e"),
        },
        units="2011 international $ per person",
        reliability="Research estimates of the Maddison Project, read through the OWID copy.",
        columns=[
            col("year", "integer", "calendar year", minimum=1990, maximum=2018),
            col("country", "country", "economy, ISO3"),
            col("gdppc_2011", "number", "GDP per capita, 2011 international $", minimum=0),
        ],
        primary_key=["year", "country"],
        rows=maddison_rows,
    )
    return wdi, maddison


# ============================================================================ 6. UNHCR

UNHCR_COUNTS = ("refugees", "asylum_seekers", "returned_refugees", "idps", "returned_idps",
                "stateless", "ooc")


def build_unhcr(ref: Path) -> Table:
    rows = []
    for r in read_reference(ref, "unhcr_population_asia.csv"):
        orig, asylum = r["coo_iso"], r["coa_iso"]
        if orig not in GMS and asylum not in GMS:
            continue
        if as_int(r["hst"]) not in (0, None) or r["oip"].strip() not in ("", "0"):
            raise SystemExit(f"unexpected host-community/oip count in {r}")
        row = {"year": int(r["year"]), "orig": orig, "asylum": asylum}
        for name in UNHCR_COUNTS:
            row[name] = as_int(r[name])
        rows.append(row)
    return Table(
        name="unhcr_refugees_gms",
        title="UNHCR population statistics: refugees, asylum-seekers, returnees, IDPs and "
              "stateless persons, every origin-asylum pair involving a GMS country, 1951-2025",
        description=(
            "One row per year, country of origin and country of asylum (or residence) where "
            "the origin or the asylum country is one of the six GMS countries and at least one "
            "count is positive (UNHCR population table, end-year stocks). Partners may be any "
            "country, so codes are of type iso3. orig/asylum are UNHCR's ISO3 columns (coo_iso, "
            "coa_iso), not UNHCR's own country codes (e.g. MYA, CAM, SRV). Two non-country "
            "codes occur as origin: XXA = stateless persons (UNHCR code STA; XXA is the ICAO "
            "Doc 9303 code for a stateless person), e.g. the stateless population of Myanmar or "
            "Thailand appears with orig = XXA; UNK = origin unknown (UNHCR code UKN). IDPs and "
            "returned IDPs appear with orig = asylum (e.g. MMR, MMR). The last year (2025) may "
            "be a mid-year figure: check before comparing with end-year stocks. The UNHCR "
            "columns 'oip' (other people in need of international protection; empty in these "
            "rows) and 'hst' (host community; 0 in these rows) are left out."
        ),
        source={
            "publisher": "UNHCR, the UN Refugee Agency",
            "citation": ("UNHCR Refugee Population Statistics Database (Refugee Data Finder), "
                         "population table, as distributed in UNHCR's R data package 'refugees' "
                         "version 2025.12.1."),
            "url": "https://www.unhcr.org/refugee-statistics/",
            "edition": "refugees R package 2025.12.1 (data to 2025)",
            "licence": "CC BY 4.0",
            "retrieved": RETRIEVED,
            "via": ("figures read from the extract shared/reference/unhcr_population_asia.csv, "
                    "itself from PopulationStatistics/refugees @ "
                    "0c16a6d0c2f37d8578f9b9e3d1e4459efe850398 : data/population.rda (built from "
                    "https://api.unhcr.org/population/v1/population)"),
        },
        units="persons (stock at end of year)",
        reliability="Official UNHCR statistics copied exactly from UNHCR's own data package.",
        columns=[
            col("year", "integer", "year (end-year stock; 2025 possibly mid-year)",
                minimum=1951, maximum=2025),
            col("orig", "iso3", "country of origin (ISO3; XXA stateless, UNK unknown)"),
            col("asylum", "iso3", "country of asylum or residence (ISO3)"),
            col("refugees", "integer", "refugees under UNHCR's mandate", minimum=0),
            col("asylum_seekers", "integer", "asylum-seekers", minimum=0),
            col("returned_refugees", "integer", "refugees returned during the year", minimum=0),
            col("idps", "integer", "internally displaced persons of concern to UNHCR",
                minimum=0),
            col("returned_idps", "integer", "IDPs returned during the year", minimum=0),
            col("stateless", "integer", "stateless persons", minimum=0),
            col("ooc", "integer", "others of concern to UNHCR", minimum=0),
        ],
        primary_key=["year", "orig", "asylum"],
        rows=rows,
    )


# ============================================================================ published sources

TIP_PUBLISHER = ("U.S. Department of State, Office to Monitor and Combat Trafficking in Persons")
TIP_LICENCE = "Public domain (work of the U.S. Government)"
NEWS_LICENCE = "Figures quoted as facts; text © the publisher"


def tip(report_year: int, country: str, url: str, via: str | None = None) -> dict:
    source = {
        "id": f"US TIP Report {report_year}, {country}",
        "publisher": TIP_PUBLISHER,
        "citation": (f"U.S. Department of State ({report_year}). Trafficking in Persons Report "
                     f"{report_year}: {country} country narrative."),
        "url": url,
        "edition": f"TIP Report {report_year}",
        "licence": TIP_LICENCE,
        "retrieved": RETRIEVED,
    }
    source["via"] = via or f"figures collected in {RESEARCH_NOTES}"
    return source


def news(id_, publisher, citation, url, edition, section, licence=NEWS_LICENCE) -> dict:
    return {"id": id_, "publisher": publisher, "citation": citation, "url": url,
            "edition": edition, "licence": licence, "retrieved": RETRIEVED,
            "via": f"figures collected in {RESEARCH_NOTES} {section}"}


SOURCES = {s["id"]: s for s in [
    {
        "id": "UNIAP 2013 (Lyth)",
        "publisher": "United Nations Inter-Agency Project on Human Trafficking (UNIAP)",
        "citation": ("Lyth, A. (2013). UNIAP presentation to the Regional Consultation on the "
                     "Right to an Effective Remedy for Trafficked Persons, Bangkok, 27 September "
                     "2013 (regional table of officially identified victims, 2008-2012)."),
        "url": "https://slideum.com/doc/176882/uniap",
        "edition": "presentation of 27 September 2013",
        "licence": "Figures quoted as facts; slides © UNIAP / United Nations",
        "retrieved": RETRIEVED,
        "via": f"figures collected in {RESEARCH_NOTES} §4.1 (text extracted from the slides)",
    },
    {
        "id": "UN-ACT APR 2015",
        "publisher": ("UN-ACT (United Nations Action for Cooperation against Trafficking in "
                      "Persons), UNDP Bangkok Regional Hub"),
        "citation": ("UN-ACT. Annual Progress Report 2015. Bangkok: UNDP Bangkok Regional Hub. "
                     "Highlights in the report's launch post on un-act.org."),
        "url": "http://un-act.org/updates/page/3/",
        "edition": "Annual Progress Report 2015",
        "licence": "Figures quoted as facts; text © UNDP / UN-ACT",
        "retrieved": RETRIEVED,
        "via": f"figures collected in {RESEARCH_NOTES} §3, Table 3.1",
    },
    {
        "id": "UN-ACT APR 2017",
        "publisher": ("UN-ACT (United Nations Action for Cooperation against Trafficking in "
                      "Persons), UNDP Bangkok Regional Hub"),
        "citation": ("UN-ACT (2018). Annual Progress Report 2017. Bangkok: UNDP Bangkok Regional "
                     "Hub (highlights on the UNDP publication page, posted 5 October 2018)."),
        "url": ("https://www.asia-pacific.undp.org/content/rbap/en/home/library/"
                "democratic_governance/un-act-annual-progress-report-2017.html"),
        "edition": "Annual Progress Report 2017",
        "licence": "Figures quoted as facts; text © UNDP / UN-ACT",
        "retrieved": RETRIEVED,
        "via": f"figures collected in {RESEARCH_NOTES} §3, Table 3.1",
    },
    {
        "id": "Kiss et al. 2015, Lancet Glob Health",
        "publisher": "Elsevier (The Lancet Global Health)",
        "citation": ("Kiss, L., Pocock, N. S., Naisanguansri, V., Suos, S., Dickson, B., Thuy, "
                     "D., Koehler, J., Sirisup, K., Pongrungsee, N., Nguyen, V. A., Borland, R., "
                     "Dhavan, P. & Zimmerman, C. (2015). Health of men, women, and children in "
                     "post-trafficking services in Cambodia, Thailand, and Vietnam: an "
                     "observational cross-sectional study. The Lancet Global Health 3(3): "
                     "e154-e161. doi:10.1016/S2214-109X(15)70016-1"),
        "url": ("https://www.thelancet.com/journals/langlo/article/"
                "PIIS2214-109X(15)70016-1/fulltext"),
        "edition": "Lancet Glob Health 2015; 3: e154-61 (Summary/Findings)",
        "licence": "Open access article; figures quoted as facts",
        "retrieved": RETRIEVED,
        "via": (f"figures collected in {RESEARCH_NOTES} §6.1 and checked against the article's "
                "Summary (Findings paragraph)"),
    },
    {
        "id": "Kiss et al. 2015, JAMA Pediatr",
        "publisher": "American Medical Association (JAMA Pediatrics)",
        "citation": ("Kiss, L., Yun, K., Pocock, N. & Zimmerman, C. (2015). Exploitation, "
                     "violence, and suicide risk among child and adolescent survivors of human "
                     "trafficking in the Greater Mekong Subregion. JAMA Pediatrics 169(9): "
                     "e152278."),
        "url": "https://jamanetwork.com/journals/jamapediatrics/fullarticle/2430958",
        "edition": "JAMA Pediatr 2015; 169(9): e152278 (Abstract)",
        "licence": "Open access article; figures quoted as facts",
        "retrieved": RETRIEVED,
        "via": (f"figures collected in {RESEARCH_NOTES} §6.1 (children-only subsample); authors "
                "checked against the article's abstract page"),
    },
    tip(2017, "Thailand", "https://www.state.gov/reports/2017-trafficking-in-persons-report/thailand/"),
    tip(2022, "Thailand", "https://www.state.gov/reports/2022-trafficking-in-persons-report/thailand/"),
    tip(2018, "Cambodia", "https://www.state.gov/reports/2018-trafficking-in-persons-report/cambodia/"),
    tip(2019, "Cambodia",
        "https://www.state.gov/reports/2019-trafficking-in-persons-report-2/cambodia/"),
    tip(2021, "Cambodia", "https://www.state.gov/reports/2021-trafficking-in-persons-report/cambodia/"),
    tip(2021, "Vietnam", "https://www.state.gov/reports/2021-trafficking-in-persons-report/vietnam/"),
    tip(2022, "Vietnam",
        "https://preview.state.gov/reports/2022-trafficking-in-persons-report/vietnam/"),
    tip(2023, "Vietnam", "https://www.state.gov/reports/2023-trafficking-in-persons-report/vietnam/"),
    tip(2022, "Laos", "https://www.state.gov/reports/2022-trafficking-in-persons-report/laos/"),
    tip(2023, "Burma", "https://www.state.gov/reports/2023-trafficking-in-persons-report/",
        via=(f"figures collected in {RESEARCH_NOTES} §4.6 from an extract of the report at "
             "http://gvnet.com/humantrafficking/Burma-2.htm")),
    tip(2018, "China", "https://www.state.gov/reports/2018-trafficking-in-persons-report/",
        via=(f"figures collected in {RESEARCH_NOTES} §4.7 from an extract of the report at "
             "https://www.amicidilazzaro.it/index.php/protection-and-prevention-of-human-"
             "trafficking-in-china-tip2018/")),
    tip(2019, "China", "https://www.state.gov/reports/2019-trafficking-in-persons-report-2/",
        via=(f"figures collected in {RESEARCH_NOTES} §4.7 from an extract of the report at "
             "https://www.amicidilazzaro.it/en/trafficking-and-exploitation/protection-against-"
             "human-trafficking-in-china-tip-2019/")),
    news("World Vision ETIP factsheet 2013", "World Vision",
         "World Vision, End Trafficking in Persons programme (2013). Trafficking in the Greater "
         "Mekong Sub-region: factsheet, August 2013 (citing Thailand's DSDW and Myanmar's "
         "Anti-Trafficking Unit; data year not stated).",
         "https://docslib.org/doc/5978089/trafficking-in-the-greater-mekong-sub-region",
         "August 2013", "§4.2, §4.6"),
    news("Xinhua 2009 (via blog)", "Xinhua News Agency",
         "Xinhua (October 2009). Report on the handover of 42 trafficked Myanmar citizens by "
         "Thailand, with figures of Myanmar's Ministry of Social Welfare (reproduced on a blog).",
         "http://www.leavefreedom.blogspot.com/2009/10/42-trafficked-myanmar-citizens.html",
         "October 2009", "§4.6"),
    news("US Embassy Rangoon cable (via Scoop)", "U.S. Embassy Rangoon",
         "U.S. Embassy Rangoon (n.d.). Diplomatic cable on Burma's 2009 anti-trafficking "
         "statistics (published by WikiLeaks, republished by Scoop).",
         "https://www.scoop.co.nz/stories/WL1002/S01668.htm", "cable on 2009 figures", "§4.6"),
    news("BNI (Jan-Sep 2014 statistics)", "Burma News International",
         "Burma News International (n.d.). Article on trafficking victims in Myanmar, "
         "January-September 2014.",
         "https://bnionline.net/en/node/14283", "online article", "§4.6"),
    news("The Irrawaddy (CB-TIP 2016 statistics)", "The Irrawaddy",
         "The Irrawaddy (n.d.). Government releases trafficking statistics for 2016 (figures of "
         "Myanmar's Central Body for Suppression of Trafficking in Persons).",
         "https://www.irrawaddy.com/news/burma/government-releases-trafficking-statistics-for"
         "-2016.html", "online article", "§4.6"),
    news("Mizzima (Nov 2018 handover)", "Mizzima",
         "Mizzima (2018). Thailand hands over 73 human trafficking victims to Myanmar.",
         "http://mizzima.com/article/thailand-hands-over-73-human-trafficking-victims-myanmar",
         "online article", "§4.6"),
    news("The Irrawaddy (55 returned)", "The Irrawaddy",
         "The Irrawaddy (n.d.). Thailand returns 55 victims of human trafficking to Myanmar.",
         "https://www.irrawaddy.com/news/burma/thailand-returns-55-victims-human-trafficking"
         "-myanmar.html", "online article", "§4.6"),
    news("China Daily 2013-01-22 (mirror)", "China Daily",
         "China Daily (22 January 2013). Article on foreign women and children rescued and "
         "repatriated by China's Ministry of Public Security in 2012 (mirror copy).",
         "http://tsdianying02.cn/china/2013-01/22/content_16150717.htm", "22 January 2013",
         "§4.7"),
    news("Phnom Penh Post (NCCT 2016-2017 statistics)", "The Phnom Penh Post",
         "The Phnom Penh Post (n.d.). Police stepping up operations to combat human trafficking "
         "(figures of Cambodia's National Committee for Counter Trafficking and Ministry of "
         "Foreign Affairs).",
         "https://m.phnompenhpost.com/national/police-stepping-operations-combat-human-"
         "trafficking", "online article", "§4.4"),
    news("Phnom Penh Post (H1 2020 statistics)", "The Phnom Penh Post",
         "The Phnom Penh Post (n.d.). Committee vows to strengthen human trafficking prevention "
         "(figures of a Cambodian anti-trafficking committee).",
         "https://phnompenhpost.com/national/committee-vows-strengthen-human-trafficking-"
         "prevention", "online article", "§4.4"),
    news("CCPCR (H2 2018 figures)", "Cambodian Center for the Protection of Children's Rights",
         "CCPCR (n.d.). News item on Cambodian migrant workers returned or rescued from abroad "
         "in the second half of 2018.",
         "http://ccpcr.org.kh/home/khmernews_detail/32", "online article", "§4.4"),
    news("Khmerization 2012 (Xinhua)", "Xinhua News Agency",
         "Xinhua (December 2012). Report on the repatriation of 30 Cambodian victims of human "
         "trafficking from Indonesia (reproduced by the Khmerization blog).",
         "http://khmerization.blogspot.com/2012/12/30-cambodian-victims-of-human.html",
         "December 2012", "§4.4"),
    news("Lao PDR UPR 2014 (via UN Women)", "Government of the Lao PDR",
         "Lao PDR (2014). National report submitted to the Universal Periodic Review of the UN "
         "Human Rights Council, A/HRC/WG.6/21/LAO/1, para. 61; recorded in UN Women's Global "
         "Database on Violence against Women: 'Judicial statistics on human trafficking'.",
         "https://evaw-global-database.unwomen.org/es/countries/asia/lao-peoples-democratic-"
         "republic/2008/judicial-statistics-on-human-trafficking", "UPR 21st session (2014)",
         "§4.5", licence="Figures quoted as facts (UN documents)"),
    news("BenarNews 2023 (mirror)", "BenarNews",
         "BenarNews (20 November 2023). Report on the repatriation of Thai nationals from "
         "Laukkaing, Myanmar, via Kunming (mirror copy).",
         "https://dpteuf4xibcg4.cloudfront.net/english/news/thai/hundreds-"
         "repatriated-11202023140857.html", "20 November 2023", "§4.8"),
    news("Havocscope (US cable 10HANOI190)", "U.S. Embassy Hanoi",
         "U.S. Embassy Hanoi (2010). Cable 10HANOI190, as quoted by Havocscope: Vietnamese "
         "victims in China.",
         "https://havocscope.com/vietnamese-victims-in-china/", "cable 10HANOI190", "§4.3"),
    news("VnExpress (2011-2015 figures)", "VnExpress International",
         "VnExpress International (n.d.). 4,500 Vietnamese trafficked in last 5 years.",
         "https://e.vnexpress.net/news/news/4-500-vietnamese-trafficked-in-last-5-years-"
         "3437054.html", "online article", "§4.3"),
    news("VnExpress (MPS 2016 figures)", "VnExpress International",
         "VnExpress International (n.d.). Vietnam's human trafficking victims rise 13 pct in "
         "2016 (figures of Viet Nam's Ministry of Public Security).",
         "https://e.vnexpress.net/news/news/vietnam-s-human-trafficking-victims-rise-13-pct-"
         "in-2016-3524097.html", "online article", "§4.3"),
    news("VietnamPlus workshop (MOLISA/IOM)", "VietnamPlus",
         "VietnamPlus (n.d.). Workshop reviews assistance for returnee victims of trafficking "
         "(MOLISA/IOM workshop of the government steering committee, 11 September; year not "
         "shown, probably 2018).",
         "https://en.vietnamplus.vn/workshop-reviews-assistance-for-returnee-victims-of-"
         "trafficking/138095.vnp", "online article", "§4.3"),
]}


def sources_for(rows: list[dict]) -> list[dict]:
    used = sorted({r["source"] for r in rows})
    missing = [u for u in used if u not in SOURCES]
    if missing:
        raise SystemExit(f"rows cite unknown sources {missing}")
    return [SOURCES[u] for u in used]


def url_of(source_id: str) -> str:
    return SOURCES[source_id]["url"]


# ============================================================================ 7. UNIAP

UNIAP_ID = "UNIAP 2013 (Lyth)"
UNIAP_YEARS = (2008, 2009, 2010, 2011, 2012)
#: §4.1 as published; None = "N/A" on the slide.
UNIAP_TABLE = {
    "KHM": (709, 701, 686, 581, None),
    "CHN": (None, 10820, 16568, 24118, 29853),
    "LAO": (235, 155, 145, 195, 195),
    "MMR": (303, 302, 381, 265, 261),
    "THA": (520, 530, 509, 279, None),
    "VNM": (981, 869, 671, 821, 782),
}
UNIAP_ROW_TOTALS = {"KHM": 3119, "CHN": 81359, "LAO": 925, "MMR": 1512, "THA": 1838,
                    "VNM": 4124}
UNIAP_COLUMN_TOTALS = dict(zip(UNIAP_YEARS, (2748, 13377, 18960, 26259, 31533)))
UNIAP_GRAND_TOTAL = 92877
UNIAP_KHM_2012 = 442  # 3,119 - 2,677 = 31,533 - 31,091 (inferred)


def build_uniap() -> tuple[Table, Table]:
    url = url_of(UNIAP_ID)
    rows = []
    for country, values in UNIAP_TABLE.items():
        for year, value in zip(UNIAP_YEARS, values):
            row = {"country": country, "year": year, "victims": value, "reliability": "read",
                   "source": UNIAP_ID, "url": url, "note": None}
            if value is None and (country, year) == ("KHM", 2012):
                khm_known = sum(v for v in values if v is not None)
                others_2012 = sum(UNIAP_TABLE[c][-1] or 0 for c in UNIAP_TABLE if c != "KHM")
                inferred_row = UNIAP_ROW_TOTALS["KHM"] - khm_known
                inferred_col = UNIAP_COLUMN_TOTALS[2012] - others_2012
                assert inferred_row == inferred_col == UNIAP_KHM_2012
                row.update(victims=UNIAP_KHM_2012, reliability="computed", note=(
                    f"printed as N/A in the extracted slide text; inferred from the published "
                    f"totals: Cambodia row total {UNIAP_ROW_TOTALS['KHM']:,} - {khm_known:,} "
                    f"(2008-2011) = {inferred_row} and 2012 column total "
                    f"{UNIAP_COLUMN_TOTALS[2012]:,} - {others_2012:,} (other countries) = "
                    f"{inferred_col}; the slide probably showed 442"))
            elif value is None:
                row["note"] = "published as N/A (not available)"
            elif (country, year) == ("VNM", 2009):
                row["note"] = ("also 869 in U.S. Embassy Hanoi cable 10HANOI190 "
                               "(see gms_trafficking_cases)")
            rows.append(row)
    description_common = (
        "Source: UNIAP regional table of officially identified trafficking victims per GMS "
        "country and year, 2008-2012 (A. Lyth, UNIAP, presentation of 27 September 2013). "
    )
    victims = Table(
        name="uniap_identified_victims",
        title="UNIAP: officially identified trafficking victims by GMS country, 2008-2012",
        description=(
            description_common + "One row per country and year. Two cells were published as "
            "N/A and stay missing (China 2008, Thailand 2012). Cambodia 2012 is N/A in the "
            "extracted slide text but both the Cambodia row total and the 2012 column total "
            "imply 442; it is given as 442 with reliability = computed. The published totals "
            "are in uniap_identified_victims_totals; every row and column adds up to them."
        ),
        sources=sources_for(rows),
        units="persons (officially identified victims)",
        reliability="Read from the slide text, except Cambodia 2012 (computed from the totals).",
        columns=[
            col("country", "country", "GMS country reporting the identified victims, ISO3"),
            col("year", "integer", "calendar year", allowed=list(UNIAP_YEARS)),
            col("victims", "integer", "officially identified victims; empty where published "
                "as N/A", nullable=True, minimum=0),
            RELIABILITY_COLUMN, SOURCE_COLUMN, URL_COLUMN, NOTE_COLUMN,
        ],
        primary_key=["country", "year"],
        rows=rows,
    )
    total_rows = []
    for country, total in UNIAP_ROW_TOTALS.items():
        total_rows.append({"total_of": "country", "country": country, "year": None,
                           "victims": total, "reliability": "read", "source": UNIAP_ID,
                           "url": url, "note": "row total 2008-2012 as published"})
    for year, total in UNIAP_COLUMN_TOTALS.items():
        total_rows.append({"total_of": "year", "country": None, "year": year, "victims": total,
                           "reliability": "read", "source": UNIAP_ID, "url": url,
                           "note": "column total of the six countries as published"})
    total_rows.append({"total_of": "all", "country": None, "year": None,
                       "victims": UNIAP_GRAND_TOTAL, "reliability": "read", "source": UNIAP_ID,
                       "url": url, "note": "grand total 2008-2012, six countries, as published"})
    totals = Table(
        name="uniap_identified_victims_totals",
        title="UNIAP: published totals of officially identified trafficking victims, 2008-2012",
        description=(
            description_common + "The totals printed with the table, so the arithmetic can be "
            "checked: total_of = country (row total over 2008-2012; year empty), year (column "
            "total over the six countries; country empty) or all (grand total; both empty). "
            "Published N/A cells count as 0 in the printed totals, except Cambodia 2012, whose "
            "442 is implied by them."
        ),
        sources=sources_for(total_rows),
        units="persons (officially identified victims)",
        reliability="Read from the slide text.",
        columns=[
            col("total_of", "string", "what is summed: country (over years), year (over "
                "countries) or all", allowed=["country", "year", "all"]),
            col("country", "country", "country of a row total", nullable=True),
            col("year", "integer", "year of a column total", nullable=True,
                allowed=list(UNIAP_YEARS)),
            col("victims", "integer", "published total", minimum=0),
            RELIABILITY_COLUMN, SOURCE_COLUMN, URL_COLUMN, NOTE_COLUMN,
        ],
        primary_key=["total_of", "country", "year"],
        rows=total_rows,
    )
    return victims, totals


# ============================================================================ 8. COMMIT referrals


def build_commit() -> Table:
    def row(year, measure, value, unit, reliability, source, note):
        return {"year": year, "measure": measure, "value": value, "unit": unit,
                "reliability": reliability, "source": source, "url": url_of(source),
                "note": note}

    low, high = 2911 / D("1.165"), 2911 / D("1.155")
    # 2014 = 2015 / (1 + 16%), rounded once, from the published figures: 2,911 / 1.16 =
    # 2,509.48 -> 2,509 (rounding the quotient to 2,509.5 first and then to 2,510 rounds twice).
    quotient = D("2911") / D("1.16")
    derived_2014 = int(quotient.quantize(D("1"), rounding=ROUND_HALF_UP))
    rows = [
        row(2015, "persons_referred_supported", 2911, "persons", "read", "UN-ACT APR 2015",
            "trafficked persons referred and supported through COMMIT national and "
            "transnational mechanisms, six GMS countries combined"),
        row(2015, "pct_change_on_previous_year", 16, "percent", "read", "UN-ACT APR 2015",
            "published as +16% on 2014"),
        row(2014, "persons_referred_supported", derived_2014, "persons", "computed",
            "UN-ACT APR 2015",
            f"NOT published: derived from the published 2,911 (2015) and +16% as 2,911 / 1.16 "
            f"= {quotient:,.2f}, rounded once to {derived_2014:,}. The +16% is itself rounded, "
            f"so any 2014 count from {math.ceil(low):,} to {math.floor(high):,} is consistent "
            f"with it (2,911 / 1.165 = {low:.1f}; 2,911 / 1.155 = {high:.1f})"),
        row(2017, "persons_referred_supported", 1817, "persons", "read", "UN-ACT APR 2017",
            "trafficked persons supported through COMMIT's national and transnational "
            "referral mechanisms"),
        row(2017, "persons_referred_cso_government", 813, "persons", "read", "UN-ACT APR 2017",
            "of the 1,817: referred from civil-society organisations to government agencies "
            "or vice versa (cross-sector referrals)"),
    ]
    return Table(
        name="commit_referrals",
        title="COMMIT: trafficked persons referred and supported through national and "
              "transnational referral mechanisms (UN-ACT annual reports)",
        description=(
            "One row per year and measure, all six GMS countries combined (COMMIT = Coordinated "
            "Mekong Ministerial Initiative against Trafficking; figures from the UN-ACT Annual "
            "Progress Reports). Published: 2015 = 2,911 (+16% on 2014); 2017 = 1,817, of whom "
            "813 referred between civil society and government. 2014 is not published; its "
            "row is derived from the 2015 figure and growth rate (reliability = computed, "
            "with the range the rounded +16% allows). 2016 and 2018 were not found and have "
            "no rows. Per-country figures were not found."
        ),
        sources=sources_for(rows),
        units="persons; percent (pct_change_on_previous_year)",
        reliability="Read from the reports' published highlights; 2014 computed.",
        columns=[
            col("year", "integer", "calendar year of the figure", minimum=2014, maximum=2018),
            col("measure", "string", "what is counted",
                allowed=["persons_referred_supported", "persons_referred_cso_government",
                         "pct_change_on_previous_year"]),
            col("value", "number", "the figure", minimum=0),
            col("unit", "string", "persons or percent", allowed=["persons", "percent"]),
            RELIABILITY_COLUMN, SOURCE_COLUMN, URL_COLUMN, NOTE_COLUMN,
        ],
        primary_key=["year", "measure"],
        rows=rows,
    )


# ============================================================================ 9. repatriations

QUALIFIERS = ["exact", "approx", "more_than", "at_least"]


def build_repatriations() -> Table:
    rows = []

    def add(from_label, to_label, from_iso3, to_iso3, period, year_start, year_end, count,
            qualifier, reliability, source, note=None):
        rows.append({"from_label": from_label, "to_label": to_label, "from_iso3": from_iso3,
                     "to_iso3": to_iso3, "period": period, "year_start": year_start,
                     "year_end": year_end, "count": count, "count_qualifier": qualifier,
                     "reliability": reliability, "source": source, "url": url_of(source),
                     "note": note})

    # §4.6 / §4.8: victims rescued and returned under government-to-government arrangements,
    # cumulative to 2008 (Xinhua citing Myanmar's Ministry of Social Welfare) [R][S]
    xin = "Xinhua 2009 (via blog)"
    cum = "cumulative to 2008"
    add("All returning countries (total)", "Myanmar", None, "MMR", cum, None, 2008, 686,
        "exact", "secondary", xin, "total of victims rescued and returned under "
        "government-to-government arrangements; the rows of the same period are part of it")
    add("Thailand", "Myanmar", "THA", "MMR", cum, None, 2008, 344, "exact", "secondary", xin)
    add("China", "Myanmar", "CHN", "MMR", cum, None, 2008, 272, "exact", "secondary", xin)
    add("Malaysia", "Myanmar", "MYS", "MMR", cum, None, 2008, 45, "exact", "secondary", xin)
    add("Japan, Bangladesh, Jamaica, Singapore, Macao, Taiwan (remainder)", "Myanmar", None,
        "MMR", cum, None, 2008, 686 - 344 - 272 - 45, "exact", "computed", xin,
        "remainder 686 - 344 - 272 - 45 = 25; the source names these countries but gives no "
        "count for each")
    add("Thailand", "Myanmar", "THA", "MMR", "Oct 2009", 2009, 2009, 42, "exact", "secondary",
        xin, "single handover at Myawaddy; 30 women and 3 children among them")
    add("China", "Myanmar", "CHN", "MMR", "Aug 2009", 2009, 2009, 6, "exact", "secondary", xin,
        "handover of 6 women from Ruili (China) to Muse (Myanmar); 20 brokers arrested")
    # §4.6: US Embassy Rangoon cable, 2009 [R][S]
    add("All neighbours", "Myanmar", None, "MMR", "2009", 2009, 2009, 425, "exact", "secondary",
        "US Embassy Rangoon cable (via Scoop)",
        "victims repatriated to Myanmar by neighbouring countries in 2009")
    # §4.6: WV factsheet, victims repatriated to Myanmar by country returning them, ~2012 [R][?]
    wv = "World Vision ETIP factsheet 2013"
    wv_note = ("data year not stated in the factsheet (August 2013); ~2012 is the collector's "
               "reading")
    add("All returning countries (total)", "Myanmar", None, "MMR", "~2012", 2012, 2012, 226,
        "exact", "uncertain", wv, wv_note + "; total of the six country rows")
    for label, code, count in (("China", "CHN", 118), ("Thailand", "THA", 76),
                               ("Indonesia", "IDN", 26), ("Suriname", "SUR", 3),
                               ("Vietnam", "VNM", 2), ("Malaysia", "MYS", 1)):
        add(label, "Myanmar", code, "MMR", "~2012", 2012, 2012, count, "exact", "uncertain",
            wv, wv_note)
    # §4.6: TIP 2016 via The Irrawaddy [R][S]
    add("Thai fishing boats (via Indonesia etc.)", "Myanmar", None, "MMR", "2015", 2015, 2015,
        1000, "more_than", "secondary", "The Irrawaddy (CB-TIP 2016 statistics)",
        "published as more than 1,000 men and boys repatriated after forced labour on Thai "
        "fishing boats (TIP Report 2016 figure, as reported by The Irrawaddy)")
    # §4.6: Mizzima, 19 Nov 2018 [R][S]
    add("Thailand", "Myanmar", "THA", "MMR", "Nov 2018", 2018, 2018, 73, "exact", "secondary",
        "Mizzima (Nov 2018 handover)", "handover on 19 November 2018 at Mae Sot-Myawaddy with 146,000 baht "
        "of aid; also reported by inkl (https://www.inkl.com/news/myanmar-trafficking-victims-"
        "escorted-home)")
    # §4.6: The Irrawaddy / AsiaNews, date not shown [R][S][?]
    add("Thailand", "Myanmar", "THA", "MMR", "date uncertain", None, None, 55, "approx",
        "uncertain", "The Irrawaddy (55 returned)",
        "about 55 (53 via Mae Sot-Myawaddy + 2 via Tachileik) after the 23rd Myanmar-Thailand "
        "case-management meeting (August; year not shown); about 600 were planned for "
        "transfer and about 550 were still in Thai shelters; AsiaNews gives about 700 to be "
        "returned over one year")
    # §4.7: China's Ministry of Public Security, 2012 [R][S]
    cd = "China Daily 2013-01-22 (mirror)"
    dest4 = "Myanmar, Viet Nam, Laos, Thailand (combined)"
    add("China (MPS)", dest4 + ": foreign women", "CHN", None, "2012", 2012, 2012, 1281,
        "exact", "secondary", cd, "foreign women rescued and repatriated by China's Ministry "
        "of Public Security, mostly from Myanmar, Viet Nam, Laos and Thailand; not split by "
        "country")
    add("China (MPS)", dest4 + ": foreign children", "CHN", None, "2012", 2012, 2012, 84,
        "exact", "secondary", cd, "foreign children rescued and repatriated by China's "
        "Ministry of Public Security; not split by country")
    # §4.4 / §4.8: Cambodians rescued abroad by the Ministry of Foreign Affairs, 2017 [R][S]
    ppp = "Phnom Penh Post (NCCT 2016-2017 statistics)"
    mfa = "rescued abroad by Cambodia's Ministry of Foreign Affairs and returned"
    add("All countries (stated total)", "Cambodia", None, "KHM", "2017", 2017, 2017, 757,
        "exact", "secondary", ppp, f"{mfa}; stated total 757, but the ten listed countries "
        "sum to 752")
    for label, code, count in (("Malaysia", "MYS", 351), ("Thailand", "THA", 260),
                               ("China", "CHN", 50), ("Laos", "LAO", 33),
                               ("Indonesia", "IDN", 18), ("Vietnam", "VNM", 17),
                               ("Somalia", "SOM", 13), ("Japan", "JPN", 5),
                               ("Singapore", "SGP", 4), ("Saudi Arabia", "SAU", 1)):
        add(label, "Cambodia", code, "KHM", "2017", 2017, 2017, count, "exact", "secondary",
            ppp, mfa)
    # §4.4 / §4.8: migrants deported from Thailand and screened at Poipet: NOT victims [R]
    deport = "Thailand (deportees screened at Poipet)"
    deport_note = ("migrants deported from Thailand and screened at the Poipet transit "
                   "centres; mostly NOT identified as trafficking victims")
    add(deport, "Cambodia", "THA", "KHM", "2016", 2016, 2016, 55000, "approx", "read",
        "US TIP Report 2018, Cambodia", deport_note)
    add(deport, "Cambodia", "THA", "KHM", "2017", 2017, 2017, 70500, "approx", "read",
        "US TIP Report 2018, Cambodia", deport_note)
    add(deport, "Cambodia", "THA", "KHM", "2018 [?]", 2018, 2018, 70225, "approx",
        "uncertain", "US TIP Report 2019, Cambodia", deport_note + "; the report labels this "
        "figure 2017 and prints the prior year as '70,5000', both apparently typos, so the "
        "year is uncertain")
    # §4.4: other returns to Cambodia [R][S]
    add("Thailand", "Cambodia", "THA", "KHM", "H1 2020", 2020, 2020, 1000, "approx",
        "secondary", "Phnom Penh Post (H1 2020 statistics)",
        "published as nearly 1,000 Cambodians pushed back by Thailand after being cheated by "
        "brokers (migrants, not identified victims)")
    add("18 countries", "Cambodia", None, "KHM", "H2 2018", 2018, 2018, 20000, "approx",
        "secondary", "CCPCR (H2 2018 figures)", "about 20,000 Cambodian migrant workers returned or "
        "rescued from abroad (18 countries) in the second half of 2018; about 200 died abroad")
    add("Indonesia", "Cambodia", "IDN", "KHM", "Dec 2012", 2012, 2012, 65, "exact",
        "secondary", "Khmerization 2012 (Xinhua)",
        "Cambodians repatriated from Maluku: 30 on 4 December, 30 on 12 December, 5 later")
    # §4.5: Lao PDR UPR [R][?]
    add("Neighbouring countries", "Lao PDR", None, "LAO",
        "not stated (UPR national report of 2014)", None, None, 1419, "exact", "uncertain",
        "Lao PDR UPR 2014 (via UN Women)", "victims officially repatriated to Lao PDR from "
        "neighbouring countries: 1,419, of whom 1,350 female and 1,072 under 18; the period "
        "covered is not stated")
    # §4.8: Thais returned from Laukkaing (Myanmar) via Kunming, Nov 2023
    add("Myanmar (Laukkaing, via Kunming)", "Thailand", "MMR", "THA", "Nov 2023", 2023, 2023,
        266, "exact", "secondary", "BenarNews 2023 (mirror)",
        "266 Thai nationals; 6 Filipinos and 1 Singaporean were returned on the same transfer")
    return Table(
        name="gms_repatriations",
        title="Repatriations and returns between countries of the GMS region (edge list of "
              "published counts)",
        description=(
            "One row per published count of persons returned from one country (or group of "
            "countries) to another: the edge list of section 4.8 of the collector's notes and "
            "the country tables 4.4-4.7 it collates. from_label/to_label are the labels as "
            "published; from_iso3/to_iso3 are filled only when that end is a single country "
            "(empty for groups such as 'All neighbours' or 'Thai fishing boats'). Rows labelled "
            "'All returning countries (total)' or 'All countries (stated total)' are totals of "
            "the country rows with the same destination and period: do not add them to those "
            "rows. Rows whose from_label says 'deportees' (Thailand -> Cambodia, Poipet) and "
            "the Thailand -> Cambodia H1 2020 push-backs count deported or returned MIGRANTS, "
            "mostly not identified trafficking victims: leave them out of a victim-return "
            "network. Counts of different periods are different quantities and must not be "
            "added. count_qualifier: exact = printed without qualifier; approx = printed with "
            "'about', '~', 'nearly' or 'some'; more_than = printed as '>N' or 'more than N'; "
            "at_least = printed as 'at least N'. year_start/year_end bound the period where "
            "it is known (cumulative to 2008: year_start empty, year_end 2008; an undated "
            "count: both empty)."
        ),
        sources=sources_for(rows),
        units="persons",
        reliability=("Mostly secondary (news agencies quoting officials); see the per-row "
                     "reliability column and notes. Some counts mix victims with migrants, as "
                     "the notes say."),
        columns=[
            col("from_label", "string", "returning country or group, as published"),
            col("to_label", "string", "country of return, as published"),
            col("from_iso3", "iso3", "ISO3 of the returning country; empty for a group",
                nullable=True),
            col("to_iso3", "iso3", "ISO3 of the country of return; empty for a group",
                nullable=True),
            col("period", "string", "period as published"),
            col("year_start", "integer", "first year of the period, if known", nullable=True,
                minimum=1990, maximum=2030),
            col("year_end", "integer", "last year of the period, if known", nullable=True,
                minimum=1990, maximum=2030),
            col("count", "integer", "number of persons returned", nullable=True, minimum=0),
            col("count_qualifier", "string", "exact, approx, more_than or at_least (see "
                "description)", nullable=True, allowed=QUALIFIERS),
            RELIABILITY_COLUMN, SOURCE_COLUMN, URL_COLUMN, NOTE_COLUMN,
        ],
        primary_key=["from_label", "to_label", "period"],
        rows=rows,
    )


# ============================================================================ 10. case tables

DIMENSIONS = ["total", "destination", "form", "sex", "age", "sex_age", "nationality",
              "ethnicity", "location", "occupation", "education"]


def build_cases() -> Table:
    rows = []

    def add(table_id, country, period, year, dimension, category, value, unit, reliability,
            source, note=None, category_iso3=None, qualifier="exact"):
        rows.append({"table_id": table_id, "reporting_country": country, "period": period,
                     "year": year, "dimension": dimension, "category": category,
                     "category_iso3": category_iso3, "value": value,
                     "value_qualifier": None if value is None else qualifier, "unit": unit,
                     "reliability": reliability, "source": source, "url": url_of(source),
                     "note": note})

    # ---- Myanmar 2016 (§4.6; The Irrawaddy reporting CB-TIP) [R][S]
    irr = "The Irrawaddy (CB-TIP 2016 statistics)"
    t = "MMR-cases-2016"
    add(t, "MMR", "2016", 2016, "total", "all cases", 131, "cases", "secondary", irr)
    for category, iso3, value in (("China", "CHN", 88), ("within Myanmar", "MMR", 28),
                                  ("Thailand", "THA", 9), ("Malaysia", "MYS", 6)):
        add(t, "MMR", "2016", 2016, "destination", category, value, "cases", "secondary", irr,
            category_iso3=iso3)
    for category, value in (("forced marriage", 85), ("forced labour", 32),
                            ("prostitution", 12), ("debt", 1), ("adoption", 1)):
        add(t, "MMR", "2016", 2016, "form", category, value, "cases", "secondary", irr)
    t = "MMR-victims-2016"
    add(t, "MMR", "2016", 2016, "total", "all victims", 307, "persons", "secondary", irr)
    add(t, "MMR", "2016", 2016, "sex", "women", 213, "persons", "secondary", irr)
    add(t, "MMR", "2016", 2016, "sex", "men", 94, "persons", "secondary", irr)
    add(t, "MMR", "2016", 2016, "age", "children under 16", 41, "persons", "secondary", irr)
    # ---- Myanmar Jan-Sep 2014 (§4.6; BNI) [R][S]; total is the collector's sum [C]
    t, p, bni = "MMR-victims-2014", "Jan-Sep 2014", "BNI (Jan-Sep 2014 statistics)"
    add(t, "MMR", p, 2014, "total", "all victims", 85, "persons", "computed", bni,
        "sum of the destination rows (59 + 13 + 2 + 11), equal to the sum of the form rows")
    for category, iso3, value in (("China", "CHN", 59), ("Thailand", "THA", 13),
                                  ("Malaysia", "MYS", 2), ("within Myanmar", "MMR", 11)):
        add(t, "MMR", p, 2014, "destination", category, value, "persons", "secondary",
            bni, category_iso3=iso3)
    add(t, "MMR", p, 2014, "form", "forced marriage", 58, "persons", "secondary", bni,
        "women")
    add(t, "MMR", p, 2014, "form", "forced labour", 16, "persons", "secondary", bni)
    add(t, "MMR", p, 2014, "form", "prostitution", 11, "persons", "secondary", bni)
    # ---- Myanmar ~2012 cases by type (§4.6; WV factsheet) [R][?]
    wv = "World Vision ETIP factsheet 2013"
    wv_year = "data year not stated in the factsheet (August 2013); ~2012 is the collector's reading"
    t = "MMR-cases-c2012"
    add(t, "MMR", "~2012", 2012, "total", "all cases", 119, "cases", "uncertain", wv,
        "cases identified by the Myanmar Anti-Trafficking Unit; " + wv_year)
    for category, value in (("bride trafficking", 78), ("sex", 25), ("labour", 12),
                            ("forced begging", 1), ("child trafficking", 3)):
        add(t, "MMR", "~2012", 2012, "form", category, value, "cases", "uncertain", wv, wv_year)
    # ---- Myanmar identified victims (§4.6)
    t = "MMR-identified-victims"
    add(t, "MMR", "2009", 2009, "total", "victims identified and assisted", 302, "persons",
        "secondary", "US Embassy Rangoon cable (via Scoop)",
        "same as the UNIAP figure for Myanmar 2009")
    add(t, "MMR", "2022", 2022, "total", "victims identified", 0, "persons", "read",
        "US TIP Report 2023, Burma", "the report says the regime did not identify any victims")
    # ---- China (§4.7)
    t = "CHN-identified-victims"
    for year, source in ((2017, "US TIP Report 2018, China"), (2018, "US TIP Report 2019, China")):
        add(t, "CHN", str(year), year, "total", "victims identified", None, "persons", "read",
            source, "not reported by the government (missing, not zero)")
    # ---- Cambodia (§4.4)
    t = "KHM-mfa-rescues-abroad-2017"
    add(t, "KHM", "2017", 2017, "total", "all countries (stated)", 757, "persons",
        "secondary", "Phnom Penh Post (NCCT 2016-2017 statistics)",
        "stated total; the ten listed countries sum to 752")
    for category, iso3, value in (("Malaysia", "MYS", 351), ("Thailand", "THA", 260),
                                  ("China", "CHN", 50), ("Laos", "LAO", 33),
                                  ("Indonesia", "IDN", 18), ("Vietnam", "VNM", 17),
                                  ("Somalia", "SOM", 13), ("Japan", "JPN", 5),
                                  ("Singapore", "SGP", 4), ("Saudi Arabia", "SAU", 1)):
        add(t, "KHM", "2017", 2017, "destination", category, value, "persons", "secondary",
            "Phnom Penh Post (NCCT 2016-2017 statistics)",
            "Cambodians rescued abroad by the Ministry of Foreign Affairs, by country where "
            "they were rescued", category_iso3=iso3)
    t = "KHM-police-rescues"
    ppp = "Phnom Penh Post (NCCT 2016-2017 statistics)"
    add(t, "KHM", "2016", 2016, "total", "victims rescued by police", 298, "persons",
        "secondary", ppp)
    add(t, "KHM", "2017", 2017, "total", "victims rescued by police", 345, "persons",
        "secondary", ppp)
    for category, value in (("under 15", 138), ("15-17", 40), ("18 and over", 167)):
        add(t, "KHM", "2017", 2017, "age", category, value, "persons", "secondary", ppp)
    t = "KHM-potential-victims"
    tip21 = "US TIP Report 2021, Cambodia"
    for year, non_sexual, sexual in ((2019, 66, 76), (2020, 322, 95)):
        add(t, "KHM", str(year), year, "form", "non-sexual trafficking", non_sexual, "persons",
            "read", tip21, "potential victims identified by police")
        add(t, "KHM", str(year), year, "form", "sex trafficking", sexual, "persons", "read",
            tip21, "potential victims identified by police")
    add(t, "KHM", "2020", 2020, "age", "children among potential sex-trafficking victims", 26,
        "persons", "read", tip21)
    # ---- Thailand (§4.2)
    t = "THA-identified-victims"
    add(t, "THA", "2015", 2015, "total", "victims identified", 982, "persons", "read",
        "US TIP Report 2017, Thailand")
    add(t, "THA", "2016", 2016, "total", "victims identified", 824, "persons", "read",
        "US TIP Report 2017, Thailand")
    tip22 = "US TIP Report 2022, Thailand"
    add(t, "THA", "2019", 2019, "total", "victims identified", 868, "persons", "read", tip22)
    add(t, "THA", "2020", 2020, "total", "victims identified", 231, "persons", "read", tip22,
        "published as approximately 231", qualifier="approx")
    add(t, "THA", "2021", 2021, "total", "victims identified", 414, "persons", "read", tip22)
    for dimension, category, value, iso3 in (
            ("sex", "male", 151, None), ("sex", "female", 263, None),
            ("age", "children", 72, None),
            ("nationality", "Thai", 312, "THA"), ("nationality", "Burma", 94, "MMR"),
            ("nationality", "Lao", 2, "LAO"), ("nationality", "unspecified", 6, None),
            ("form", "sex trafficking", 181, None), ("form", "labour trafficking", 233, None)):
        add(t, "THA", "2021", 2021, dimension, category, value, "persons", "read", tip22,
            category_iso3=iso3)
    t = "THA-shelter-assisted"
    tip17 = "US TIP Report 2017, Thailand"
    shelter = "victims assisted by MSDHS in government shelters"
    for year, total, thai, foreign in ((2015, 471, 126, 345), (2016, 561, 207, 360)):
        add(t, "THA", str(year), year, "total", "victims assisted", total, "persons", "read",
            tip17, shelter)
        note = None if year == 2015 else "207 + 360 = 567, not the 561 stated"
        add(t, "THA", str(year), year, "nationality", "Thai", thai, "persons", "read", tip17,
            note, category_iso3="THA")
        add(t, "THA", str(year), year, "nationality", "foreign", foreign, "persons", "read",
            tip17, note)
    add(t, "THA", "2016", 2016, "form", "forced labour", 317, "persons", "read", tip17)
    add(t, "THA", "2016", 2016, "form", "sex trafficking", 244, "persons", "read", tip17)
    t = "THA-shelter-caseload-c2012"
    shelter_year = ("victims in interim care in 9 government shelters (DSDW); " + wv_year)
    add(t, "THA", "~2012", 2012, "total", "victims in shelters", 538, "persons", "uncertain",
        wv, shelter_year)
    for category, iso3, value in (("Myanmar", "MMR", D("33")), ("Thailand", "THA", D("31")),
                                  ("Laos", "LAO", D("21.6")), ("Cambodia", "KHM", D("11")),
                                  ("other", None, D("3.1"))):
        add(t, "THA", "~2012", 2012, "nationality", category, value, "percent", "uncertain",
            wv, shelter_year + "; the five shares sum to 99.7%", category_iso3=iso3)
    for category, value in (("forced labour", D("48")), ("sex work", D("36")),
                            ("begging", D("8.7"))):
        add(t, "THA", "~2012", 2012, "form", category, value, "percent", "uncertain", wv,
            shelter_year + "; the three listed forms sum to 92.7%")
    # ---- Viet Nam (§4.3)
    t = "VNM-identified-victims"
    add(t, "VNM", "2009", 2009, "total", "victims", 869, "persons", "secondary",
        "Havocscope (US cable 10HANOI190)", "same as the UNIAP figure for Viet Nam 2009")
    add("VNM-cases-detected", "VNM", "2009", 2009, "total", "trafficking cases", 395, "cases",
        "secondary", "Havocscope (US cable 10HANOI190)", "+5% on 2008; about 60% of Vietnamese victims "
        "ended up in China")
    add(t, "VNM", "2015", 2015, "total", "victims", 1000, "persons", "secondary",
        "VnExpress (2011-2015 figures)", "published as 'some 1,000'", qualifier="approx")
    add(t, "VNM", "2016", 2016, "total", "victims", 1128, "persons", "secondary",
        "VnExpress (MPS 2016 figures)", "Ministry of Public Security; +12.8% on 2015; "
        "also reported by Anadolu Agency (https://aa.com.tr/en/asia-pacific/human-trafficking"
        "-on-rise-in-vietnam-says-government/722008)")
    add("VNM-cases-detected", "VNM", "2016", 2016, "total", "cases detected", 383, "cases",
        "secondary", "VnExpress (MPS 2016 figures)", "Ministry of Public Security; -6% on 2015")
    tip21v = "US TIP Report 2021, Vietnam"
    for year, value in ((2017, 670), (2018, 490), (2019, 300), (2020, 121)):
        add(t, "VNM", str(year), year, "total", "victims", value, "persons", "read", tip21v)
    for dimension, category, value in (("sex", "female", 112), ("sex", "male", 9),
                                       ("age", "children", 32)):
        add(t, "VNM", "2020", 2020, dimension, category, value, "persons", "read", tip21v)
    tip22v = "US TIP Report 2022, Vietnam"
    add(t, "VNM", "2021", 2021, "total", "victims", 126, "persons", "read", tip22v)
    for dimension, category, value, iso3 in (
            ("sex", "female", 114, None), ("sex", "male", 12, None),
            ("age", "children", 45, None), ("nationality", "Vietnamese", 120, "VNM"),
            ("location", "transnational", 96, None),
            ("form", "forced labour", 22, None), ("form", "sexual exploitation", 28, None),
            ("form", "unspecified", 76, None), ("ethnicity", "ethnic minority", 64, None)):
        add(t, "VNM", "2021", 2021, dimension, category, value, "persons", "read", tip22v,
            category_iso3=iso3)
    tip23v = "US TIP Report 2023, Vietnam"
    add(t, "VNM", "2022", 2022, "total", "victims", 255, "persons", "read", tip23v)
    for dimension, category, value in (("sex", "female", 102), ("sex", "male", 153),
                                       ("age", "children", 74), ("form", "labour", 195),
                                       ("form", "sexual exploitation", 14),
                                       ("form", "unspecified", 46),
                                       ("ethnicity", "ethnic minority", 89)):
        add(t, "VNM", "2022", 2022, dimension, category, value, "persons", "read", tip23v)
    add(t, "VNM", "2022", 2022, "nationality", "Vietnamese", 255, "persons", "computed",
        tip23v, "published as 'all Vietnamese'; the count is the total", category_iso3="VNM")
    t = "VNM-victims-rescued"
    add(t, "VNM", "2011-2015", None, "total", "victims rescued", 4500, "persons", "secondary",
        "VnExpress (2011-2015 figures)", "about 4,500; about 3,300 offenders were arrested",
        qualifier="approx")
    add("VNM-cases-detected", "VNM", "2011-2015", None, "total", "cases detected", 2200,
        "cases", "secondary", "VnExpress (2011-2015 figures)",
        "about 2,200, +11.6% on 2006-2010", qualifier="approx")
    add(t, "VNM", "2016", 2016, "total", "victims rescued", 600, "persons", "secondary",
        "VnExpress (MPS 2016 figures)")
    vp = "VietnamPlus workshop (MOLISA/IOM)"
    vp_note = "victims rescued or received, 2012-2017; workshop year not shown (probably 2018)"
    add(t, "VNM", "2012-2017", None, "total", "victims rescued or received", 7500, "persons",
        "uncertain", vp, vp_note, qualifier="approx")
    for dimension, category, value, qualifier in (
            ("sex", "women and girls", 90, "more_than"),
            ("ethnicity", "ethnic minority", 80, "more_than"),
            ("location", "trafficked abroad", 98, "more_than"),
            ("destination", "China", 90, "more_than"),
            ("occupation", "farm workers or unemployed", 70, "more_than"),
            ("education", "illiterate", 37, "exact"),
            ("form", "forced marriage or sexual exploitation", 80, "approx")):
        add(t, "VNM", "2012-2017", None, dimension, category, D(str(value)), "percent",
            "uncertain", vp, vp_note, category_iso3="CHN" if category == "China" else None,
            qualifier=qualifier)
    # ---- Lao PDR (§4.5)
    t = "LAO-identified-victims"
    tip22l = "US TIP Report 2022, Laos"
    add(t, "LAO", "2020", 2020, "total", "victims identified", 142, "persons", "read", tip22l)
    for category, value in (("sex trafficking", 21), ("labour trafficking", 39),
                            ("fraudulent marriage", 66), ("other", 16)):
        add(t, "LAO", "2020", 2020, "form", category, value, "persons", "read", tip22l)
    add(t, "LAO", "2020", 2020, "nationality", "foreign nationals", 0, "persons", "read",
        tip22l)
    add(t, "LAO", "2021", 2021, "total", "victims identified", 110, "persons", "read", tip22l,
        "most exploited in China and Thailand")
    for category, value in (("adult women", 30), ("girls", 62), ("adult men", 5),
                            ("boys", 13)):
        add(t, "LAO", "2021", 2021, "sex_age", category, value, "persons", "read", tip22l)
    add(t, "LAO", "2021", 2021, "nationality", "foreign nationals", 18, "persons", "read",
        tip22l)
    t = "LAO-victims-assisted"
    upr = "Lao PDR UPR 2014 (via UN Women)"
    for period, year, total, female, children, girls in (("2008-2012", None, 422, 358, 271, 161),
                                                         ("2013", 2013, 171, 87, 65, 59)):
        add(t, "LAO", period, year, "total", "victims assisted", total, "persons", "read", upr)
        add(t, "LAO", period, year, "sex", "female", female, "persons", "read", upr)
        add(t, "LAO", period, year, "age", "children under 18", children, "persons", "read",
            upr)
        add(t, "LAO", period, year, "sex_age", "girls under 18", girls, "persons", "read", upr)
    t = "LAO-victims-repatriated"
    period = "not stated (UPR national report of 2014)"
    rep_note = "victims officially repatriated to Lao PDR from neighbouring countries; period not stated"
    add(t, "LAO", period, None, "total", "victims repatriated", 1419, "persons", "uncertain",
        upr, rep_note)
    add(t, "LAO", period, None, "sex", "female", 1350, "persons", "uncertain", upr, rep_note)
    add(t, "LAO", period, None, "age", "under 18", 1072, "persons", "uncertain", upr, rep_note)
    return Table(
        name="gms_trafficking_cases",
        title="GMS country case tables: identified, rescued, assisted and repatriated "
              "trafficking victims and cases by destination, form, sex, age and nationality",
        description=(
            "Long table of the country case tables collected in section 4 of the collector's "
            "notes: one row per published figure. table_id names one published table "
            "(e.g. MMR-cases-2016: Myanmar's 2016 cases by destination and by form; "
            "KHM-mfa-rescues-abroad-2017: Cambodians rescued abroad by country; "
            "THA-identified-victims: Thailand's identified victims by year, with the 2021 "
            "splits by sex, age, nationality and form; VNM-identified-victims: Viet Nam by "
            "year with splits for 2020-2022). Within a table_id and period, dimension = total "
            "holds the published total and the other dimensions split it (a split need not be "
            "exhaustive: e.g. age gives only the children; some published splits do not add "
            "up, as the notes say). period is as published; year is filled when the period "
            "is one calendar year (or the collector's approximate year, flagged uncertain). "
            "category_iso3 gives the ISO3 code where a destination or nationality category is "
            "a single country ('within Myanmar' = MMR). value_qualifier: exact, approx "
            "('about', '~', 'some'), more_than ('>' or 'more than'), at_least. An empty value "
            "means the figure was not published (e.g. China 2017-2018: not reported). Official "
            "identified-victim counts 2008-2012 are in uniap_identified_victims; repatriation "
            "counts between countries are in gms_repatriations."
        ),
        sources=sources_for(rows),
        units="cases, persons or percent (column unit)",
        reliability=("Mixed: TIP Report figures are read in the report; most others are news "
                     "reports quoting officials (secondary); see the per-row reliability and "
                     "note."),
        columns=[
            col("table_id", "string", "identifier of the published table "
                "(COUNTRY-topic[-year])", pattern=r"^[A-Z]{3}-[a-z0-9-]+$"),
            col("reporting_country", "country", "country whose authorities or NGOs report the "
                "figures, ISO3"),
            col("period", "string", "period as published"),
            col("year", "integer", "calendar year when the period is one year",
                nullable=True, minimum=2000, maximum=2030),
            col("dimension", "string", "what the category splits by", allowed=DIMENSIONS),
            col("category", "string", "category as published"),
            col("category_iso3", "iso3", "ISO3 of a destination or nationality category that "
                "is a single country", nullable=True),
            col("value", "number", "the published figure; empty if not published",
                nullable=True, minimum=0),
            col("value_qualifier", "string", "exact, approx, more_than or at_least",
                nullable=True, allowed=QUALIFIERS),
            col("unit", "string", "cases, persons or percent",
                allowed=["cases", "persons", "percent"]),
            RELIABILITY_COLUMN, SOURCE_COLUMN, URL_COLUMN, NOTE_COLUMN,
        ],
        primary_key=["table_id", "period", "dimension", "category"],
        rows=rows,
    )


# ============================================================================ 11. STEAM


def build_steam() -> Table:
    lancet, jama = "Kiss et al. 2015, Lancet Glob Health", "Kiss et al. 2015, JAMA Pediatr"
    rows = []

    def add(indicator, subgroup, n, N, pct, decimals, reliability, source, note=None,
            lower=None, upper=None):
        rows.append({"indicator": indicator, "subgroup": subgroup, "n": n, "N": N,
                     "published_pct": None if pct is None else D(pct),
                     "published_ci_lower": None if lower is None else D(lower),
                     "published_ci_upper": None if upper is None else D(upper),
                     "pct_decimals": decimals, "reliability": reliability, "source": source,
                     "url": url_of(source), "note": note})

    reached = "reached work destination"
    add("interviewed", "all", 1102, None, None, None, "read", lancet)
    add("reached work destination", "interviewed", 1015, 1102, None, None, "read", lancet,
        "'We interviewed 1102 people, of whom 1015 reached work destinations'")
    sector_note = ("N not printed beside the figure: 1,015 (participants who reached work "
                   "destinations) is implied by the sentence and reproduces the printed %")
    add("sector: sex work", reached, 329, 1015, "32", 0, "computed", lancet, sector_note)
    add("sector: fishing", reached, 275, 1015, "27", 0, "computed", lancet, sector_note)
    add("sector: factories", reached, 136, 1015, "13", 0, "computed", lancet, sector_note)
    add("physical and/or sexual violence", reached, 481, 1015, "48", 0, "read", lancet,
        "as printed: 481 (48%) of 1015; 481/1015 = 47.4%, which rounds to 47, not 48")
    add("sexual violence", "women and girls", 198, 566, "35", 0, "read", lancet)
    add("threatened", reached, 478, 1015, "47", 0, "read", lancet)
    add("locked in a room", reached, 198, 1015, "20", 0, "read", lancet)
    add("worked 7 days a week", reached + ", with data", 685, 985, "70", 0, "read", lancet)
    add("worked at least 11 hours a day", reached + ", with data (hours)", 296, 989, "30", 0,
        "read", lancet)
    add("serious injury at work", reached + ", with data (injury)", 222, 983, "22", 0, "read",
        lancet, "as printed: 222 (22%) of 983; 222/983 = 22.58%, which rounds to 23, not 22")
    for indicator, pct, lower, upper in (("depression symptoms", "61.2", "58.2", "64.2"),
                                         ("anxiety symptoms", "42.8", "39.8", "45.9"),
                                         ("PTSD symptoms", "38.9", "36.0", "42.0")):
        add(indicator, "participants", None, None, pct, 1, "read", lancet,
            "only % (95% CI) published; n and N not given in the Summary (depression and "
            "anxiety: Hopkins Symptoms Checklist; PTSD: Harvard Trauma Questionnaire)",
            lower=lower, upper=upper)
    children = "children 10-17"
    add("participants", children, 387, None, None, None, "read", jama,
        "children and adolescents aged 10-17 in post-trafficking services (STEAM)")
    add("female", children, None, 387, "82", 0, "read", jama)
    add("tried to harm or kill themselves in the past month", children, None, 387, "12", 0,
        "read", jama)
    add("screened positive for depression", children, None, 387, "56", 0, "read", jama)
    add("screened positive for anxiety disorder", children, None, 387, "33", 0, "read", jama)
    add("screened positive for PTSD", children, None, 387, "26", 0, "read", jama)
    add("abuse at home", children, None, 387, "20", 0, "read", jama)
    add("physical violence while trafficked", "boys 10-17", None, None, "41", 0, "read", jama,
        "number of boys not given in the abstract")
    add("physical violence while trafficked", "girls 10-17", None, None, "19", 0, "read", jama,
        "number of girls not given in the abstract")
    add("sexual violence while trafficked", "girls 10-17", None, None, "23", 0, "read", jama)
    add("sexual violence while trafficked", "boys 10-17", 1, None, None, None, "read", jama,
        "published as '1 boy'")
    return Table(
        name="steam_cohort",
        title="STEAM study: marginals of the cohort of people in post-trafficking services in "
              "Cambodia, Thailand and Viet Nam (Kiss et al. 2015)",
        description=(
            "One row per published marginal of the STEAM survey (Study on Trafficking, "
            "Exploitation and Abuse in the Mekong Sub-region; IOM and LSHTM), as printed in "
            "the Summary of Kiss et al. (2015, Lancet Global Health) and, for the subsample "
            "of 387 children aged 10-17, the abstract of Kiss, Yun, Pocock & Zimmerman (2015, "
            "JAMA Pediatrics). n = persons with the characteristic, N = denominator, "
            "published_pct = the percentage as printed, published_ci_lower/upper = the "
            "printed 95% confidence interval (mental-health rows only, where n and N are not "
            "published), pct_decimals = decimals printed. Empty = not printed. Two printed "
            "percentages do not match n/N at the printed precision (481/1015 printed 48%; "
            "222/983 printed 22%); they are kept as printed and flagged in note, so a "
            "reproduction check should expect those two to disagree."
        ),
        sources=sources_for(rows),
        units="persons (n, N); percent (published_pct, CI bounds)",
        reliability="Read in the articles' summaries; sector denominators inferred (computed).",
        columns=[
            col("indicator", "string", "characteristic or outcome"),
            col("subgroup", "string", "population the figure refers to"),
            col("n", "integer", "persons with the characteristic", nullable=True, minimum=0),
            col("N", "integer", "denominator", nullable=True, minimum=0),
            col("published_pct", "number", "percentage as printed", nullable=True, minimum=0,
                maximum=100),
            col("published_ci_lower", "number", "printed lower 95% CI bound, %",
                nullable=True, minimum=0, maximum=100),
            col("published_ci_upper", "number", "printed upper 95% CI bound, %",
                nullable=True, minimum=0, maximum=100),
            col("pct_decimals", "integer", "number of decimals printed for the % and its CI",
                nullable=True, allowed=[0, 1]),
            RELIABILITY_COLUMN, SOURCE_COLUMN, URL_COLUMN, NOTE_COLUMN,
        ],
        primary_key=["indicator", "subgroup"],
        rows=rows,
    )


# ============================================================================ driver


def build_published() -> list[Table]:
    return [*build_uniap(), build_commit(), build_repatriations(), build_cases(), build_steam()]


def build_reference(ref: Path) -> list[Table]:
    return [build_undesa_bilateral(ref), build_undesa_totals(ref), *build_worldbank(ref),
            build_cepii(ref), build_wpp(ref), *build_wdi(ref), build_unhcr(ref)]


def build_all(out: Path, ref: Path | None) -> list[tuple[str, int]]:
    tables = build_published() + (build_reference(ref) if ref is not None else [])
    written = []
    for table in sorted(tables, key=lambda t: t.name):
        write_table(table, out)
        written.append((table.name, len(table.rows)))
    return written


def curation_parser(doc: str) -> argparse.ArgumentParser:
    """The options every curation script of ``tools/`` takes: ``--out``, ``--reference``,
    ``--check``; the description is the first paragraph of the script's docstring ``doc``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--out", default=str(REPO / "data" / "raw"),
                        help="folder to write the CSV + YAML files (default: data/raw)")
    parser.add_argument("--reference", default=None,
                        help="folder of the reference extracts (default: ../shared/reference)")
    parser.add_argument("--check", action="store_true",
                        help="rebuild into a temporary folder and compare with --out")
    return parser


def write_or_check(build, out: Path, ref, *, check: bool) -> int:
    """Write the tables ``build(folder, ref)`` makes into ``out``, or with ``check`` rebuild them
    into a temporary folder and compare byte for byte with ``out``; shared by every curation
    script of ``tools/``. Returns the exit status (1 when a table differs from its rebuild)."""
    if check:
        with tempfile.TemporaryDirectory() as tmp:
            written = build(Path(tmp), ref)
            differing = []
            for name, _ in written:
                for suffix in (".csv", ".yml"):
                    target = out / f"{name}{suffix}"
                    if not target.is_file() or not filecmp.cmp(Path(tmp) / target.name, target,
                                                               shallow=False):
                        differing.append(target.name)
        if differing:
            print("differs from a rebuild: " + ", ".join(differing))
            return 1
        print(f"{len(written)} tables identical to a rebuild")
        return 0
    for name, n_rows in build(out, ref):
        print(f"{name}: {n_rows} rows")
    return 0


def main(argv=None) -> int:
    parser = curation_parser(__doc__)
    parser.add_argument("--published-only", action="store_true",
                        help="build only the published-figure tables (no extracts needed)")
    args = parser.parse_args(argv)
    ref = None if args.published_only else reference_dir(args.reference)
    if ref is not None and not ref.is_dir():
        parser.error(f"reference folder {ref} not found; pass --reference or --published-only")
    return write_or_check(build_all, Path(args.out), ref, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
