""""""

from __future__ import annotations
from pathlib import Path
import pandas as pd
from .. import countries
from . import catalog


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


def undesa_od_tables() -> dict[str, pd.DataFrame]:
    """One wide-by-sex OD table per (edition, year) of the UN DESA bilateral stocks."""
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

    Every ordered pair of distinct economies appears for every year of the 2024 edition;
    a pair the edition does not list gets ``stock = 0`` and ``stock_listed = False`` (the
    official file omits pairs it does not itemise). Covariates: CEPII GeoDist (Mayer & Zignago
    2011), UN WPP 2024 population (nearest 5-year value is not imputed: only exact years
    join), WDI GDP per capita PPP (constant 2017 international $).
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
    victims = catalog.load("uniap_identified_victims")
    wide = victims.pivot_table(index="country", columns="year", values="victims",
                               aggfunc="first", dropna=False)
    wide.columns = [str(int(c)) for c in wide.columns]
    wide = wide.reindex([c for c in countries.GMS if c in wide.index]).reset_index()
    for col in wide.columns[1:]:
        wide[col] = wide[col].astype("Int64")
    return wide


def build_outputs() -> dict[str, pd.DataFrame]:
    """Every processed table, keyed by its path relative to data/processed."""
    outputs = dict(undesa_od_tables())
    outputs["gravity_pairs.csv"] = gravity_pairs()
    outputs["identified_victims_wide.csv"] = identified_victims_wide()
    return outputs
