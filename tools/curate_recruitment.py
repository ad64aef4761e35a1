#!/usr/bin/env python3
"""Build the fair-recruitment tables of ``data/raw`` (CSV + YAML manifest) from the reference extracts.

Two tables, each rebuilt byte for byte from ``../shared/reference``:

* ``recruitment_costs_gms`` from ``recruitment_costs_gms.csv``: the Lao PDR Labour Force Survey
  2017 pilot of SDG indicator 10.7.1 (Habiyakare & Zhong 2019, Table 1; primary) and the Viet
  Nam -> Malaysia KNOMAD-ILO survey figures as cited by Oum (2023) (secondary). Renamed: the
  measure ``recruitment_cost_indicator_RCI_mean`` becomes ``recruitment_cost_indicator_mean``;
  the destination "(all destinations; not broken down in Table 1)" becomes an empty
  destination; the published totals (USD) move from the notes into ``published_total``;
  ``source_type`` becomes ``reliability`` (primary / secondary). The female RCI of Table 1,
  cut off in the stored page, is a row with an empty value (it is printed, but not read here).
* ``thailand_migrant_workers`` from ``thailand_migrant_workers_points.csv``: point-in-time
  figures on migrant workers in Thailand (registrations, employer reports, work permits,
  estimates): points, not a series. ``derived`` yes/no becomes a boolean; rows computed by
  the collector (share x total) cite the publication of the share and total and carry
  ``reliability = computed``; figures from Thailand's National Statistical Office yearbook are
  ``read``; figures quoted by news reports, ILO or IOM pages are ``secondary``.

Output is deterministic (rows sorted by primary key, ``\\n`` line endings, decimals written as
the shortest exact text of the published value; the manifest's ``sha256`` is the digest of the
CSV bytes), using the table writer of ``tools/curate_reference.py``.

Usage::

    python tools/curate_recruitment.py                 # write data/raw
    python tools/curate_recruitment.py --out DIR       # write elsewhere (e.g. to compare)
    python tools/curate_recruitment.py --check         # exit 1 if data/raw differs from a rebuild

The reference folder is found as in ``tools/curate_reference.py`` (``$MIXEDMIG_REFERENCE_DIR``,
``$MIXEDMIG_SHARED/reference``, else ``../shared/reference`` beside the repository).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from curate_reference import (  # noqa: E402  (the shared table writer)
    NOTE_COLUMN,
    RETRIEVED,
    SOURCE_COLUMN,
    Table,
    as_dec,
    as_int,
    col,
    read_reference,
    reference_dir,
    curation_parser,
    write_or_check,
    write_table,
)

FACTS_LICENCE = "Figures quoted as facts; text © the publisher"


class CuratedTable(Table):
    """A table whose manifest names this script as its writer and declares its schema kind."""

    def manifest_text(self, digest: str) -> str:
        return super().manifest_text(digest).replace(
            "tools/curate_reference.py", "tools/curate_recruitment.py", 1)


# ============================================================================ recruitment costs

LAO_ID = "Habiyakare & Zhong 2019"
VNM_ID = "Oum 2023, citing KNOMAD/ILO"
RECRUITMENT_SOURCES = [
    {
        "id": LAO_ID,
        "publisher": "International Statistical Institute (ISI World Statistics Congress 2019); "
                     "authors from the ILO Regional Office for Asia and the Pacific",
        "citation": "Habiyakare, T. & Zhong, K. (2019). Measuring recruitment costs of migrant "
                    "workers through household surveys: Results of a pilot test from Lao PDR "
                    "Labour Force Survey 2017. ISI World Statistics Congress 2019, Contributed "
                    "Paper Session CPS2476, Proceedings vol. 4, pp. 413-419 (Table 1, p. 418; "
                    "method p. 416). Data: Lao Statistics Bureau, Labour Force Survey 2017.",
        "url": "https://isi2019.org/proceeding/3.CPS/CPS%20VOL%204/files/basic-html/page418.html",
        "edition": "ISI WSC 2019 proceedings, vol. 4",
        "licence": FACTS_LICENCE,
        "retrieved": RETRIEVED,
        "via": "figures read from the extract shared/reference/recruitment_costs_gms.csv "
               "(see its .source.md)",
    },
    {
        "id": VNM_ID,
        "publisher": "University of Waikato (PhD thesis), citing the KNOMAD (World Bank) and ILO "
                     "migration cost surveys",
        "citation": "Oum, C. M. (2023). Impact of migration costs, microcredit, and remittances on "
                    "cross-border labour migration decisions: Evidence from a Cambodian household "
                    "survey. PhD thesis, University of Waikato (Introduction), citing World Bank "
                    "(2015, 2016) and ILO (2020). Primary report presumably ILO (2018), "
                    "Worker-paid migration costs in the Viet Nam-Malaysia corridor (WCMS_657134), "
                    "not verified.",
        "url": "https://123dok.com/au/article/introduction.11908189",
        "edition": "2023 thesis (survey c. 2015; year not stated in the citing text)",
        "licence": FACTS_LICENCE,
        "retrieved": RETRIEVED,
        "via": "figures read from the extract shared/reference/recruitment_costs_gms.csv "
               "(see its .source.md); secondary: check against the ILO/KNOMAD report before use",
    },
]
MEASURE_NAMES = {"recruitment_cost_indicator_RCI_mean": "recruitment_cost_indicator_mean"}
RECRUITMENT_MEASURES = [
    "recruitment_cost_mean", "monthly_earnings_abroad_mean", "recruitment_cost_indicator_mean",
    "return_migrant_workers", "recruitment_cost_paid_to_recruiter_mean", "monthly_wage_mean",
    "cost_in_months_of_earnings", "share_of_costs_paid_to_recruiters",
]
RECRUITMENT_UNITS = ["USD", "months of earnings", "persons", "percent"]
TOTAL_RE = re.compile(r"total(?: of costs across weighted persons =)? ([0-9][0-9,]*) USD")


def build_recruitment_costs(ref: Path) -> Table:
    rows = []
    for r in read_reference(ref, "recruitment_costs_gms.csv"):
        origin = r["origin_iso3"]
        destination = None if r["destination_iso3"].startswith("(all destinations") \
            else r["destination_iso3"]
        if origin == "LAO":
            source, reliability = LAO_ID, "primary"
            if not r["source_type"].startswith("primary"):
                raise SystemExit(f"unexpected source type for a Lao row: {r['source_type']!r}")
        elif origin == "VNM":
            source, reliability = VNM_ID, "secondary"
            if not r["source_type"].startswith("secondary"):
                raise SystemExit(f"unexpected source type for a Viet Nam row: {r['source_type']!r}")
        else:
            raise SystemExit(f"unexpected origin {origin!r} in recruitment_costs_gms.csv")
        match = TOTAL_RE.search(r["notes"])
        total = as_int(match.group(1).replace(",", "")) if match else None
        note = r["notes"].strip() or None
        if destination is None:
            note = "all destinations (Table 1 is not broken down by destination)" + (
                f"; {note}" if note else "")
        rows.append({
            "origin": origin, "destination": destination,
            "measure": MEASURE_NAMES.get(r["measure"], r["measure"]), "sex": r["sex"],
            "value": as_dec(r["value"]), "unit": r["unit"],
            "sample_cases": as_int(r["sample_cases"]),
            "weighted_persons": as_int(r["weighted_persons"]),
            "min": as_dec(r["min"]), "max": as_dec(r["max"]), "std_error": as_dec(r["std_error"]),
            "published_total": total, "reference_period": r["reference_period"],
            "population": r["population"], "reliability": reliability, "source": source,
            "url": r["url"], "note": note,
        })
    # The female RCI is printed in Table 1 but was cut off in the stored page: a missing value.
    female_cost = next(row for row in rows if row["measure"] == "recruitment_cost_mean"
                       and row["sex"] == "female")
    if not any(row["measure"] == "recruitment_cost_indicator_mean" and row["sex"] == "female"
               for row in rows):
        rows.append({**female_cost, "measure": "recruitment_cost_indicator_mean", "value": None,
                     "unit": "months of earnings", "min": None, "max": None, "std_error": None,
                     "published_total": None,
                     "note": "all destinations (Table 1 is not broken down by destination); "
                             "printed in Table 1 but cut off in the stored page: not read, "
                             "left missing"})
    columns = [
        col("origin", "country", "country of origin of the migrant workers, ISO3"),
        col("destination", "iso3", "country of destination, ISO3; empty = all destinations "
            "(the source does not break the figure down)", nullable=True),
        col("measure", "string", "what the figure is: mean recruitment cost, mean monthly "
            "earnings abroad, mean of individual cost/earnings ratios (SDG 10.7.1 RCI), return "
            "migrant workers, mean paid to recruiters, mean monthly wage, cost in months of "
            "earnings (as worded), share of costs paid to recruiters",
            allowed=RECRUITMENT_MEASURES),
        col("sex", "string", "sex of the workers the figure refers to",
            allowed=["total", "male", "female"]),
        col("value", "number", "the published figure, in `unit`; empty = printed but not read",
            nullable=True, minimum=0),
        col("unit", "string", "unit of value, min, max and std_error", allowed=RECRUITMENT_UNITS),
        col("sample_cases", "integer", "survey respondents the figure is based on",
            nullable=True, minimum=0),
        col("weighted_persons", "integer", "persons they represent (sum of survey weights)",
            nullable=True, minimum=0),
        col("min", "number", "smallest individual value, as printed", nullable=True, minimum=0),
        col("max", "number", "largest individual value, as printed", nullable=True, minimum=0),
        col("std_error", "number", "as printed in the column 'Standard error (of mean)' (its "
            "scale is not stated)", nullable=True, minimum=0),
        col("published_total", "integer", "published total over the weighted persons, USD",
            nullable=True, minimum=0),
        col("reference_period", "string", "fieldwork and the period costs and earnings refer to"),
        col("population", "string", "who the figure describes"),
        col("reliability", "string", "primary (read in the publication of the survey's authors) "
            "or secondary (a third party citing the survey; verify before use)",
            allowed=["primary", "secondary"]),
        SOURCE_COLUMN,
        col("url", "string", "address of the page the figure was read from"),
        NOTE_COLUMN,
    ]
    return CuratedTable(
        name="recruitment_costs_gms",
        title="Worker-paid recruitment costs (SDG 10.7.1): Lao PDR LFS 2017 pilot and the Viet "
              "Nam -> Malaysia corridor",
        description=(
            "One row per published figure on recruitment costs paid by migrant workers from GMS "
            "countries. Lao PDR: the pilot of SDG indicator 10.7.1 in the Labour Force Survey "
            "2017 (254 return migrant workers with non-zero costs and non-zero earnings abroad, "
            "48,429 persons weighted): mean cost, mean typical monthly earnings in the last job "
            "abroad, and the mean of the individual cost/earnings ratios (RCI), by sex. The "
            "pilot predates the ILO/World Bank (2018/2019) guidelines: earnings are typical "
            "monthly earnings, not those of the first month, and workers without costs are "
            "left out. Viet Nam -> Malaysia: the KNOMAD-ILO survey of 339 workers interviewed "
            "in Malaysia as cited in a 2023 thesis (secondary; 'about 3.9 months' is "
            "approximate as worded). The two are not comparable (population, cost concept, "
            "earnings concept, year, source type)."),
        units="USD; months of earnings; persons; percent (column unit)",
        reliability="Lao rows read in Table 1 of the authors' paper (primary). Viet Nam rows are "
                    "a secondary citation, not checked against the ILO/KNOMAD report.",
        columns=columns,
        primary_key=["origin", "measure", "sex"],
        rows=rows,
        sources=RECRUITMENT_SOURCES,
        extra={"kind": None},
    )


# ============================================================================ Thailand points

THAILAND_MEASURES = [
    "registered_migrants_total", "registered_migrants_share", "registered_migrants",
    "ossc_registered_persons", "ossc_registered_workers",
    "employer_reported_undocumented_workers", "ci_registered", "work_permits_total",
    "work_permits_nationality_verification", "work_permits_mou_import", "work_permits_general",
    "work_permits_minority_group", "work_permits_boi_other_laws",
    "work_permits_commuting_seasonal", "work_permits_permanent", "migrant_workers_estimated",
    "registered_migrant_workers", "non_thai_residents",
    "migrant_workers_documented_and_undocumented", "stateless_persons", "skilled_professionals",
    "refugees_and_asylum_seekers", "thai_nationals_working_abroad",
    "myanmar_workers_in_thailand_estimated",
]
NATIONALITIES = ["ALL", "CLM", "KHM", "KLMV", "LAO", "MMR", "THA"]
PUBLISHERS = {
    "Thai authorities (as cited by ADB/JUNIMA policy brief 2014)":
        ("Asian Development Bank and JUNIMA (Joint United Nations Initiative on Mobility and "
         "HIV/AIDS in South-East Asia)", "ADB/JUNIMA (2014). Thailand policy brief: health, HIV "
                                         "and labour migration in the GMS (quoting Thai "
                                         "authorities' 2011 registration figures)."),
    "Department of Employment (Bangkok Post 5 Sep 2014)":
        ("Bangkok Post, quoting Thailand's Department of Employment",
         "Bangkok Post (5 September 2014), figures of the Department of Employment on one-stop "
         "service centre registrations, as reproduced by Myanmar Labour Notes."),
    "Ministry of Labour (TNA 21 Nov 2014)":
        ("Thai News Agency, quoting Thailand's Ministry of Labour",
         "Thai News Agency (21 November 2014), as reproduced by OANA news."),
    "Office of Foreign Workers Administration (TNA 21 Nov 2014)":
        ("Thai News Agency, quoting Thailand's Office of Foreign Workers Administration",
         "Thai News Agency (21 November 2014), as reproduced by OANA news."),
    "Thai Ministry of Labour (Royal Government of Cambodia press release)":
        ("Royal Government of Cambodia, quoting Thailand's Ministry of Labour",
         "Royal Government of Cambodia, 'Press Release on Cambodian Workers in Thailand' "
         "(August 2017), quoting the Thai Ministry of Labour."),
    "Thai Ministry of Labour (Bangkok Post via SMC)":
        ("Bangkok Post, quoting Thailand's Ministry of Labour",
         "Bangkok Post (August 2017), as reproduced by the Scalabrini Migration Center's Asian "
         "Migration News."),
    "Myanmar Ministry of Labour (Eleven Myanmar)":
        ("Eleven Myanmar, quoting Myanmar's Ministry of Labour",
         "Eleven Myanmar (July 2017): certificates of identity issued 24-27 July 2017."),
    "National Statistical Office Thailand - Statistical Yearbook 2019 (labour table)":
        ("National Statistical Office of Thailand",
         "National Statistical Office of Thailand (2019). Statistical Yearbook Thailand 2019, "
         "labour table: work permits in force by type, December 2017."),
    "NSO Statistical Yearbook 2019":
        ("National Statistical Office of Thailand",
         "National Statistical Office of Thailand (2019). Statistical Yearbook Thailand 2019, "
         "labour table: work permits in force by type, December 2017."),
    "Thai Ministry of Labour 2018 (as cited by ILO TRIANGLE in ASEAN)":
        ("International Labour Organization (TRIANGLE in ASEAN), quoting Thailand's Ministry of "
         "Labour", "ILO TRIANGLE in ASEAN project page (older version), quoting the Thai "
                   "Ministry of Labour (2018)."),
    "Thai Ministry of Labour 2019 (as cited by ILO TRIANGLE in ASEAN)":
        ("International Labour Organization (TRIANGLE in ASEAN), quoting Thailand's Ministry of "
         "Labour", "ILO TRIANGLE in ASEAN project page, quoting the Thai Ministry of Labour "
                   "(December 2019)."),
    "Department of Employment 2020 (as cited by ILO)":
        ("International Labour Organization (TRIANGLE in ASEAN), quoting Thailand's Department "
         "of Employment", "ILO TRIANGLE in ASEAN project page, quoting the Department of "
                          "Employment (February 2020)."),
    "UN Thematic Working Group on Migration in Thailand (IOM news release)":
        ("International Organization for Migration, for the UN Thematic Working Group on "
         "Migration in Thailand", "United Nations Thematic Working Group on Migration in "
                                  "Thailand (2019). Thailand Migration Report 2019, as "
                                  "announced in an IOM news release."),
    "UN Thematic Working Group on Migration in Thailand":
        ("International Organization for Migration, for the UN Thematic Working Group on "
         "Migration in Thailand", "United Nations Thematic Working Group on Migration in "
                                  "Thailand (2019). Thailand Migration Report 2019, as "
                                  "announced in an IOM news release."),
    "Myanmar MOLIP (Global New Light of Myanmar via Xinhua 13 Feb 2019)":
        ("Xinhua, quoting Myanmar's Ministry of Labour, Immigration and Population",
         "Xinhua (13 February 2019), quoting the Global New Light of Myanmar and the Ministry of "
         "Labour, Immigration and Population (mirror page)."),
}
# two spellings of one publication in the extract are one source here
SOURCE_ALIASES = {"NSO Statistical Yearbook 2019":
                  "National Statistical Office Thailand - Statistical Yearbook 2019 (labour table)",
                  "UN Thematic Working Group on Migration in Thailand":
                  "UN Thematic Working Group on Migration in Thailand (IOM news release)"}
DATE_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"


def build_thailand(ref: Path) -> Table:
    extract = read_reference(ref, "thailand_migrant_workers_points.csv")
    rows = []
    source_urls: dict[str, str | None] = {}
    previous_source = None
    for r in extract:
        derived = {"yes": True, "no": False}[r["derived"]]
        derived_text = "true" if derived else "false"
        org = r["source_org"]
        if derived:
            if org != "derived" or previous_source is None:
                raise SystemExit("a derived row must follow the rows it is computed from")
            org = previous_source
        org = SOURCE_ALIASES.get(org, org)
        if org not in PUBLISHERS and org not in SOURCE_ALIASES.values():
            raise SystemExit(f"unknown source {org!r} in the Thailand extract; add it to "
                             "PUBLISHERS")
        previous_source = org
        url = r["cited_via_url"] if r["cited_via_url"].startswith("http") else None
        if url is not None:
            source_urls.setdefault(org, url)
        if derived:
            reliability = "computed"
        elif org.startswith("National Statistical Office"):
            reliability = "read"
        else:
            reliability = "secondary"
        note = r["notes"].strip() or None
        if url is None:
            note = (f"{r['cited_via_url']}" + (f"; {note}" if note else ""))
        value = as_dec(r["value"])
        rows.append({
            "ref_date": r["ref_date"], "period_note": r["period_note"],
            "measure": r["measure"], "nationality": r["nationality_iso3"], "value": value,
            "unit": r["unit"], "derived": derived_text, "reliability": reliability, "source": org,
            "url": url, "note": note,
        })
    sources = []
    for org in sorted({row["source"] for row in rows}):
        publisher, citation = PUBLISHERS[org]
        sources.append({
            "id": org, "publisher": publisher, "citation": citation,
            "url": source_urls.get(org) or "(no address: press release seen without URL)",
            "edition": "as published on the date in ref_date",
            "licence": FACTS_LICENCE, "retrieved": RETRIEVED,
            "via": "figures read from the extract shared/reference/"
                   "thailand_migrant_workers_points.csv (see its .source.md)",
        })
    columns = [
        col("ref_date", "string", "date or period the figure refers to: YYYY, YYYY-MM or "
            "YYYY-MM-DD", pattern=DATE_PATTERN),
        col("period_note", "string", "what the date means (a registration window, a stock at a "
            "date, an estimate)"),
        col("measure", "string", "what was counted; the measures differ and are not a series",
            allowed=THAILAND_MEASURES),
        col("nationality", "string", "nationality of the workers: ISO3 code, or CLM (Cambodia, "
            "Lao PDR and Myanmar together), KLMV (with Viet Nam), ALL (every nationality)",
            allowed=NATIONALITIES),
        col("value", "number", "the figure, in unit", minimum=0),
        col("unit", "string", "persons or percent", allowed=["persons", "percent"]),
        col("derived", "boolean", "true = computed by the collector (share x total, approximate)"),
        col("reliability", "string",
            "read (Thailand's statistical yearbook), secondary (a news report, ILO or IOM page "
            "quoting an official figure), computed (share x total)",
            allowed=["read", "computed", "secondary"]),
        SOURCE_COLUMN,
        col("url", "string", "address of the page the figure was read from; empty = seen "
            "without an address (see note)", nullable=True),
        NOTE_COLUMN,
    ]
    return CuratedTable(
        name="thailand_migrant_workers",
        title="Migrant workers in Thailand from Cambodia, Lao PDR and Myanmar: official point "
              "figures, 2011-2020 (not a series)",
        description=(
            "Point-in-time official figures on migrant workers in Thailand: registrations of "
            "2011, one-stop service centre registrations after the 2014 coup, employer reports "
            "under the 2017 decree, certificates of identity, work permits in force in "
            "December 2017 by permit type, and estimates of 2018-2019 (Ministry of Labour, "
            "Thailand Migration Report 2019). The measures, windows and coverage differ from "
            "row to row, so the rows are points, not a series: never difference or chart "
            "them as one. Two inconsistencies of the sources are kept and named in note. "
            "Rows with derived = true are computed by the collector (share x total)."),
        units="persons; percent (column unit)",
        reliability="Mostly official figures quoted by news reports, ILO or IOM pages "
                    "(secondary); the work-permit rows are read in the NSO yearbook; the "
                    "derived rows are approximate (rounded shares).",
        columns=columns,
        primary_key=["ref_date", "measure", "nationality"],
        rows=rows,
        sources=sources,
        extra={"kind": None},
    )


# ============================================================================ driver


def build_all(out: Path, ref: Path) -> list[tuple[str, int]]:
    written = []
    for table in (build_recruitment_costs(ref), build_thailand(ref)):
        write_table(table, out)
        written.append((table.name, len(table.rows)))
    return written


def main(argv=None) -> int:
    parser = curation_parser(__doc__)
    args = parser.parse_args(argv)
    ref = reference_dir(args.reference)
    if not ref.is_dir():
        parser.error(f"reference folder {ref} not found; pass --reference")
    return write_or_check(build_all, Path(args.out), ref, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
