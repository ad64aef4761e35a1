"""Derived tables: tidy tables computed from the curated tables of ``data/raw``.

Each builder loads validated curated tables with :func:`mixedmig.data.load` (sha256 and schema
checked) and returns a new table; nothing here reads a file directly or touches the network.
``mixedmig build`` (:func:`mixedmig.data.build`) writes every table to ``data/processed`` and
:func:`mixedmig.data.load` reads them back by name (``load("gravity_pairs")``).

The tables and how each is derived:

``undesa_od/edition-E/year-Y``
    UN DESA *International Migrant Stock* bilateral stocks (curated table
    ``undesa_ims_bilateral``), one origin-destination table per (edition, year), never mixing
    editions (each edition re-estimates the whole series). Rows: ordered pairs the edition lists;
    columns ``stock_total``, ``stock_male``, ``stock_female`` (persons) where published.
``gravity_pairs``
    The 2024-edition stocks (both sexes) on the complete grid of ordered pairs of distinct
    economies x years, joined with CEPII GeoDist pair covariates (Mayer & Zignago 2011), UN WPP
    2024 population (thousands) and WDI GDP per capita PPP (constant 2017 international $) of
    origin and destination. A pair the edition does not itemise gets ``stock = 0`` and
    ``stock_listed = False``.
``identified_victims_wide``
    UNIAP identified victims (curated table ``uniap_identified_victims``), one row per GMS
    country and one column per year.

References
----------
UN DESA Population Division (2024). *International Migrant Stock 2024*. United Nations.

Mayer, T. and Zignago, S. (2011). Notes on CEPII's distances measures: the GeoDist database.
CEPII Working Paper 2011-25.

UN DESA Population Division (2024). *World Population Prospects 2024*. United Nations.

World Bank (2024). *World Development Indicators*: NY.GDP.PCAP.PP.KD.
"""

from __future__ import annotations

import io

import pandas as pd

from .. import countries
from ..errors import InputError
from . import catalog

__all__ = [
    "build_outputs",
    "build_table",
    "derived_names",
    "gravity_pairs",
    "identified_victims_wide",
    "undesa_od_tables",
]

#: Builders of the single derived tables, by name (the OD tables are built together).
_SINGLE_TABLES = ("gravity_pairs", "identified_victims_wide")
_OD_PREFIX = "undesa_od/"


def _csv_text(frame: pd.DataFrame) -> str:
    """The exact text ``mixedmig build`` writes for ``frame`` (floats in shortest exact form)."""
    return frame.to_csv(index=False, lineterminator="\n")


def _dtypes(frame: pd.DataFrame) -> dict[str, str]:
    """Column dtypes as text, recorded by the build so a processed table reads back typed."""
    return {str(column): str(dtype) for column, dtype in frame.dtypes.items()}


def _parse_csv(text: str, dtypes: dict[str, str]) -> pd.DataFrame:
    """Read processed-table text with its recorded dtypes (both load paths end here)."""
    return pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False,
                       na_values=[""])


def _sha256_text(text: str) -> str:
    import hashlib
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def undesa_od_tables() -> dict[str, pd.DataFrame]:
    """One origin-destination table of UN DESA bilateral stocks per (edition, year).

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed by the path under ``data/processed``,
        ``"undesa_od/edition-E/year-Y.csv"``. Each table has one row per ordered pair the
        edition lists (rows = origin ``orig``, i.e. country of birth; ``dest`` = country of
        residence), columns ``orig, orig_name, dest, dest_name`` and ``stock_total``,
        ``stock_male``, ``stock_female`` (persons, nullable integers) where published,
        sorted by ``orig, dest``.

    Raises
    ------
    mixedmig.errors.DataError
        If the curated table ``undesa_ims_bilateral`` is missing, altered (``IntegrityError``)
        or fails its schema (``SchemaError``).

    See Also
    --------
    mixedmig.data.load : ``load("undesa_od/edition-2024/year-2020")`` reads one table.

    Examples
    --------
    >>> from mixedmig import data
    >>> tables = data.undesa_od_tables()
    >>> table = tables["undesa_od/edition-2024/year-1990.csv"]
    >>> int(table.query("orig == 'MMR' and dest == 'THA'")["stock_total"].item())
    1106
    """
    stocks = catalog.load("undesa_ims_bilateral")
    names = {c.iso3: c.name for c in countries.COUNTRIES}
    tables = {}
    for (edition, year), group in stocks.groupby(["edition", "year"], sort=True):
        wide = group.pivot_table(
            index=["orig", "dest"], columns="sex", values="stock", aggfunc="first"
        ).reset_index()
        wide.columns.name = None
        ordered = ["orig", "orig_name", "dest", "dest_name"] + [
            s for s in ("total", "male", "female") if s in wide.columns
        ]
        wide["orig_name"] = wide["orig"].map(names)
        wide["dest_name"] = wide["dest"].map(names)
        wide = wide[ordered].rename(
            columns={s: f"stock_{s}" for s in ("total", "male", "female")}
        )
        for col in wide.columns:
            if col.startswith("stock_"):
                wide[col] = wide[col].astype("Int64")
        wide = wide.sort_values(["orig", "dest"]).reset_index(drop=True)
        tables[f"undesa_od/edition-{int(edition)}/year-{int(year)}.csv"] = wide
    return tables


def gravity_pairs() -> pd.DataFrame:
    """UN DESA 2024 bilateral stocks (both sexes) joined with pair and country covariates.

    This is the table builder; analyses read the table with ``data.load("gravity_pairs")``,
    which returns the same frame (from ``data/processed`` when it has been built).

    Returns
    -------
    pandas.DataFrame
        One row per (year, orig, dest), every ordered pair of distinct economies of
        :mod:`mixedmig.countries` for every year of the 2024 edition (15 x 14 pairs per year),
        sorted by ``year, orig, dest``. Columns: ``year``; ``orig`` (country of birth), ``dest``
        (country of residence); ``stock`` (persons, 0 where the edition lists no figure);
        ``stock_listed`` (False where the official file does not itemise the pair); CEPII
        GeoDist ``contig``, ``comlang_off``, ``comlang_ethno`` (0/1), ``dist``, ``distw`` (km),
        ``dist_capitals_km``; ``pop_orig``, ``pop_dest`` (WPP 2024 population, only exact
        years join, nothing is imputed); ``gdppc_orig``, ``gdppc_dest`` (WDI GDP per capita,
        PPP, constant 2017 international $).

    Raises
    ------
    mixedmig.errors.DataError
        If one of the curated tables ``undesa_ims_bilateral``, ``cepii_geodist``,
        ``wpp2024_population``, ``wdi_gdppc`` is missing, altered (``IntegrityError``) or fails
        its schema (``SchemaError``).

    Notes
    -----
    The official file omits pairs it does not itemise (the destination's data put that origin
    under "Other"); giving them ``stock = 0`` is a modelling choice that PPML accepts (Santos
    Silva & Tenreyro 2006), recorded in ``stock_listed``.

    References
    ----------
    Mayer, T. and Zignago, S. (2011). Notes on CEPII's distances measures: the GeoDist
    database. CEPII Working Paper 2011-25.

    Santos Silva, J. M. C. and Tenreyro, S. (2006). The log of gravity. *The Review of
    Economics and Statistics* 88(4), 641-658.

    Examples
    --------
    >>> from mixedmig import data
    >>> pairs = data.gravity_pairs()
    >>> len(pairs) == pairs["year"].nunique() * 15 * 14
    True
    >>> row = pairs.query("year == 2020 and orig == 'MMR' and dest == 'THA'")
    >>> int(row["stock"].item()), bool(row["stock_listed"].item())
    (1576317, True)
    """
    stocks = catalog.load("undesa_ims_bilateral")
    stocks = stocks[(stocks["edition"] == 2024) & (stocks["sex"] == "total")]
    years = sorted(stocks["year"].dropna().unique().tolist())
    codes = list(countries.ISO3_CODES)
    grid = pd.MultiIndex.from_tuples(
        [(y, o, d) for y in years for o in codes for d in codes if o != d],
        names=["year", "orig", "dest"],
    ).to_frame(index=False)
    grid["year"] = grid["year"].astype("int64")
    stocks = stocks.assign(year=stocks["year"].astype("int64"))
    merged = grid.merge(
        stocks[["year", "orig", "dest", "stock"]], on=["year", "orig", "dest"], how="left"
    )
    merged["stock_listed"] = merged["stock"].notna()
    merged["stock"] = merged["stock"].fillna(0).astype("int64")

    geo = catalog.load("cepii_geodist")
    geo_cols = [c for c in ("contig", "comlang_off", "comlang_ethno", "dist", "distw",
                            "dist_capitals_km") if c in geo.columns]
    merged = merged.merge(geo[["orig", "dest", *geo_cols]], on=["orig", "dest"], how="left")

    pop = catalog.load("wpp2024_population")[["year", "country", "pop_total"]]
    pop = pop.assign(year=pop["year"].astype("int64"))
    for side in ("orig", "dest"):
        merged = merged.merge(
            pop.rename(columns={"country": side, "pop_total": f"pop_{side}"}),
            on=["year", side], how="left",
        )
    gdp = catalog.load("wdi_gdppc")
    gdp = gdp.assign(year=gdp["year"].astype("int64"))[["year", "country", "gdppc_ppp_2017"]]
    for side in ("orig", "dest"):
        merged = merged.merge(
            gdp.rename(columns={"country": side, "gdppc_ppp_2017": f"gdppc_{side}"}),
            on=["year", side], how="left",
        )
    return merged.sort_values(["year", "orig", "dest"]).reset_index(drop=True)


def identified_victims_wide() -> pd.DataFrame:
    """UNIAP identified victims of trafficking, one row per GMS country, one column per year.

    Returns
    -------
    pandas.DataFrame
        Column ``country`` (ISO3, the GMS economies in registry order) and one nullable
        integer column per year (``"2008"`` ... ``"2012"``): persons identified as victims;
        missing where UNIAP published no figure.

    Raises
    ------
    mixedmig.errors.DataError
        If the curated table ``uniap_identified_victims`` is missing, altered
        (``IntegrityError``) or fails its schema (``SchemaError``).

    References
    ----------
    UNIAP (2013). SIREN data sheets: human trafficking data, Greater Mekong Sub-region
    (as transcribed in the curated table's manifest).

    Examples
    --------
    >>> from mixedmig import countries, data
    >>> wide = data.identified_victims_wide()
    >>> list(wide["country"]) == list(countries.GMS)
    True
    """
    victims = catalog.load("uniap_identified_victims")
    wide = victims.pivot_table(index="country", columns="year", values="victims",
                               aggfunc="first", dropna=False)
    wide.columns = [str(int(c)) for c in wide.columns]
    wide = wide.reindex([c for c in countries.GMS if c in wide.index]).reset_index()
    for col in wide.columns[1:]:
        wide[col] = wide[col].astype("Int64")
    return wide


def build_outputs() -> dict[str, pd.DataFrame]:
    """Every derived table, keyed by its path relative to ``data/processed``.

    Returns
    -------
    dict of str to pandas.DataFrame
        The OD tables of :func:`undesa_od_tables`, ``"gravity_pairs.csv"`` and
        ``"identified_victims_wide.csv"``.

    Raises
    ------
    mixedmig.errors.DataError
        If a curated input table is missing, altered or fails its schema.

    Examples
    --------
    >>> from mixedmig import data
    >>> outputs = data.build_outputs()
    >>> "gravity_pairs.csv" in outputs and "identified_victims_wide.csv" in outputs
    True
    """
    outputs = dict(undesa_od_tables())
    outputs["gravity_pairs.csv"] = gravity_pairs()
    outputs["identified_victims_wide.csv"] = identified_victims_wide()
    return outputs


def derived_names() -> list[str]:
    """Names of the derived tables, as :func:`mixedmig.data.load` accepts them.

    Returns
    -------
    list of str
        ``"gravity_pairs"``, ``"identified_victims_wide"`` and one
        ``"undesa_od/edition-E/year-Y"`` per edition and year of the curated UN DESA table,
        sorted.

    Raises
    ------
    mixedmig.errors.DataError
        If the curated table ``undesa_ims_bilateral`` cannot be loaded.

    Examples
    --------
    >>> from mixedmig import data
    >>> names = data.derived_names()
    >>> "gravity_pairs" in names and "undesa_od/edition-2024/year-2020" in names
    True
    """
    stocks = catalog.load("undesa_ims_bilateral")
    pairs = stocks[["edition", "year"]].drop_duplicates()
    od = [f"{_OD_PREFIX}edition-{int(e)}/year-{int(y)}" for e, y in pairs.itertuples(index=False)]
    return sorted([*_SINGLE_TABLES, *od])


def build_table(name: str) -> pd.DataFrame:
    """Build one derived table in memory, exactly as ``mixedmig build`` writes it.

    Parameters
    ----------
    name : str
        A derived table name (see :func:`derived_names`), e.g. ``"gravity_pairs"``.

    Returns
    -------
    pandas.DataFrame
        The table as a builder returns it (not yet through the CSV round trip that
        :func:`mixedmig.data.load` applies).

    Raises
    ------
    mixedmig.errors.InputError
        If ``name`` is not a string or not a derived table (the message lists them).
    mixedmig.errors.DataError
        If an input table fails its checks.

    Examples
    --------
    >>> from mixedmig import data
    >>> data.build_table("identified_victims_wide").shape
    (6, 6)
    """
    if not isinstance(name, str):
        raise InputError(f"a derived table name must be a string, got {name!r}")
    if name == "gravity_pairs":
        return gravity_pairs()
    if name == "identified_victims_wide":
        return identified_victims_wide()
    if name.startswith(_OD_PREFIX):
        tables = undesa_od_tables()
        if f"{name}.csv" in tables:
            return tables[f"{name}.csv"]
    raise InputError(
        f"no derived table named '{name}'; derived tables: {', '.join(_SINGLE_TABLES)}, "
        f"{_OD_PREFIX}edition-E/year-Y (see data.derived_names())"
    )
