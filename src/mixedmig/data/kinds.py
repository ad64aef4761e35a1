"""Schema kinds: the shapes of table a researcher validates and loads, any year, any country.

A curated table's manifest describes one shipped file with the project's own restrictions (its
editions, the 15 study economies). A **schema kind** describes a *shape* of data instead, with
the rules every file of that shape must follow whatever its source, year or edition:

========================  ==============================================================
kind                      holds
========================  ==============================================================
``bilateral_stocks``      migrant stocks by origin (birth or citizenship) and destination
``od_flows``              origin-destination migration flows over periods
``population``            resident population by country and year (persons)
``displacement_stocks``   UNHCR population types (refugees, asylum-seekers, IDPs,
                          stateless persons, ...) by origin and country of asylum
``country_covariates``    numeric covariates by country and year (GDP per capita, ...)
``case_records``          one row per identified case, the CTDC variable set (tidy)
``referral_actors``       actors of a referral mechanism (:mod:`mixedmig.referral`)
``referral_events``       referral events between actors (:mod:`mixedmig.referral`)
========================  ==============================================================

Each :class:`Kind` lists its columns (:class:`KindColumn`: type, unit, meaning, required or
optional, accepted aliases), its key and its row rules (:class:`~mixedmig.data.RowRule`, e.g.
origin differs from destination). Columns may come in any order; a column may be named by one
of its aliases (``migrants`` for ``stock``). Country columns accept any country or area of the
registry (:mod:`mixedmig.countries`) as an ISO3, ISO2 or M49 code or a name, and are normalised
to ISO3; aggregates ("World", "Asia", income groups) are refused with their own message. A
country column may keep a few named non-country codes verbatim (:attr:`KindColumn.extra_codes`:
UNHCR's ``XXA`` stateless and ``UNK`` unknown in ``displacement_stocks``); every other aggregate
is still refused, and the message names the codes the column keeps.

Validation reuses the one validator of :mod:`mixedmig.data.schema`: every problem of a file is
reported (file, line, column, value, and the fix in the user's terms), up to ``max_problems``
with a count of the rest. :func:`read_kind_file` reads a CSV into the kind's tidy shape (the
kind's columns in the kind's order, then further columns in file order; the same dtypes as the
curated table of that kind: ``Int64`` integers, ``float64`` numbers, ``boolean`` flags, object
strings); :func:`validate_kind_frame` does the same for a DataFrame.

Decisions: ``edition`` is an integer label (the year of the edition or revision, e.g. 2024 for
*International Migrant Stock 2024*), as in the curated tables and the official readers, so that
a researcher's file and a shipped one compare; put other labels in ``source``. ``stock`` counts
persons and is a whole number. ``worldbank_bilateral_2013`` (columns ``year, orig, dest,
migrants``) conforms to ``bilateral_stocks`` through the alias ``migrants`` of ``stock`` and the
default of the optional ``sex`` column (absent = every figure is for both sexes).
``unhcr_refugees_gms`` conforms to ``displacement_stocks`` (its optional ``oip`` and ``hst``
columns left out).

References
----------
Counter Trafficking Data Collaborative (2018). *CTDC Global Dataset data dictionary*, version
15-08-2018; CTDC (2024). *Codebook of the CTDC Global Synthetic Dataset*, version 2.

United Nations Department of Economic and Social Affairs, Population Division (2024).
*International Migrant Stock 2024* (POP/DB/MIG/Stock/Rev.2024).

UNHCR (2025). *Refugee Data Finder*, population statistics (population types, methodology).
https://www.unhcr.org/refugee-statistics/
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, InputError
from .schema import (
    MAX_PROBLEMS,
    ColumnSpec,
    RowRule,
    Schema,
    _printable,
    _read_and_validate,
    _validate_table,
)

__all__ = [
    "AGE_BANDS",
    "CASE_RECORD_COLUMNS",
    "CASE_RECORD_FLAGS",
    "CASE_RECORD_FLAG_PATTERN",
    "KINDS",
    "Kind",
    "KindColumn",
    "get_kind",
    "kind_names",
    "kinds_markdown",
    "kinds_table",
    "read_kind_file",
    "validate_kind_frame",
]


#: Years a ``year`` column may hold (historical series to end-of-century projections).
_YEAR_MIN, _YEAR_MAX = 1800, 2100


@dataclass(frozen=True)
class KindColumn:
    """One column of a schema kind.

    Parameters
    ----------
    name : str
        The column's name in the kind's tidy shape.
    type : str
        A column type of :data:`mixedmig.data.COLUMN_TYPES` (``registry_country`` for
        countries: any registry country, normalised to ISO3).
    description : str
        What the column holds.
    unit : str, default ""
        Unit of the values (e.g. ``"persons"``), empty for codes and labels.
    required : bool, default True
        Whether a file must have the column.
    nullable : bool, default False
        Whether cells may be empty.
    minimum, maximum : float, optional
        Inclusive bounds of numeric values.
    allowed : tuple, optional
        The only values allowed.
    pattern : str, optional
        A regular expression text values must match.
    aliases : tuple of str, default ()
        Other header names accepted for the column (renamed to ``name`` on load).
    default : object, optional
        Value of every row when an optional column is absent (``None``: the column is left
        out of the tidy table).
    extra_codes : tuple of str, default ()
        ``registry_country`` columns only: non-country codes the column also accepts and keeps
        verbatim (exact spelling), although the registry refuses them as aggregates (UNHCR's
        ``XXA`` = stateless, ``UNK`` = unknown). Other aggregates are refused as usual.

    Examples
    --------
    >>> from mixedmig.data import KINDS
    >>> stock = KINDS["bilateral_stocks"].column("stock")
    >>> stock.type, stock.unit, stock.minimum, stock.aliases
    ('integer', 'persons', 0, ('migrants', 'value'))
    >>> KINDS["displacement_stocks"].column("orig").extra_codes
    ('XXA', 'UNK')
    """

    name: str
    type: str
    description: str
    unit: str = ""
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple | None = None
    pattern: str | None = None
    aliases: tuple[str, ...] = ()
    default: object = None
    extra_codes: tuple[str, ...] = ()

    def spec(self, header: str | None = None) -> ColumnSpec:
        """The column as a :class:`~mixedmig.data.ColumnSpec` named ``header`` (default its name).

        Parameters
        ----------
        header : str, optional
            The name the file uses (an alias), so that messages name the user's column.

        Returns
        -------
        mixedmig.data.ColumnSpec
            Type, nullability, bounds, allowed values, pattern and extra codes of the column.

        Examples
        --------
        >>> from mixedmig.data import KINDS
        >>> KINDS["bilateral_stocks"].column("stock").spec("migrants").name
        'migrants'
        """
        return ColumnSpec(header or self.name, self.type, self.description, self.nullable,
                          self.minimum, self.maximum, self.allowed, self.pattern,
                          self.extra_codes)


@dataclass(frozen=True)
class Kind:
    """A schema kind: the columns, key and rules of one shape of table.

    Parameters
    ----------
    name : str
        The kind's name (``bilateral_stocks``, ...).
    title : str
        One line: what a table of this kind holds.
    description : str
        Units, conventions and caveats.
    columns : tuple of KindColumn
        The kind's columns in tidy order.
    primary_key : tuple of str, default ()
        Columns whose values identify one row (those present in a file form its key).
    rules : tuple of mixedmig.data.RowRule, default ()
        Checks across the columns of a row.
    extra : KindColumn, optional
        Template of further columns a file may add (their names must match
        ``extra_pattern``); ``None``: no further column is allowed.
    extra_pattern : str, optional
        Regular expression that the names of further columns must match.
    min_extra : int, default 0
        How many further columns a file must have (``country_covariates``: at least one).
    conforming : tuple of str, default ()
        Curated tables of this kind (their manifests say ``kind: NAME``).

    Examples
    --------
    >>> from mixedmig.data import KINDS
    >>> kind = KINDS["bilateral_stocks"]
    >>> kind.required
    ('year', 'orig', 'dest', 'stock')
    >>> kind.optional
    ('edition', 'sex', 'source')
    """

    name: str
    title: str
    description: str
    columns: tuple[KindColumn, ...]
    primary_key: tuple[str, ...] = ()
    rules: tuple[RowRule, ...] = ()
    extra: KindColumn | None = None
    extra_pattern: str | None = None
    min_extra: int = 0
    conforming: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        """The names of the kind's columns, in tidy order."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """The columns every file must have."""
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        """The columns a file may leave out."""
        return tuple(c.name for c in self.columns if not c.required)

    def column(self, name: str) -> KindColumn:
        """The column ``name`` of the kind.

        Parameters
        ----------
        name : str
            A column name of the kind (not an alias).

        Returns
        -------
        KindColumn
            Its specification.

        Raises
        ------
        mixedmig.errors.InputError
            If the kind has no column ``name``.

        Examples
        --------
        >>> from mixedmig.data import KINDS
        >>> KINDS["population"].column("pop_total").unit
        'persons'
        """
        for column in self.columns:
            if column.name == name:
                return column
        raise InputError(f"kind '{self.name}' has no column {name!r}; its columns: "
                         f"{', '.join(self.column_names)}")


# -- rules ------------------------------------------------------------------------------------


def _pairwise(test):
    """A rule test over two columns (``test`` compares two object arrays elementwise), False
    where either cell is missing."""
    def run(values, test=test):
        a, b = (np.asarray(values[c], dtype=object) for c in list(values)[:2])
        present = np.not_equal(a, None) & np.not_equal(b, None)
        out = np.zeros(len(a), dtype=bool)
        if present.any():
            out[present] = np.asarray(test(a[present], b[present]), dtype=bool)
        return out
    return run


def _not_self_pair(first: str, second: str, what: str) -> RowRule:
    return RowRule(
        (second, first), _pairwise(lambda x, y: x == y),
        lambda row: f"{first} and {second} are the same ({row[0]!r})",
        f"A {what} links two different countries: drop the row (people in their own "
        "country are not migrants) or correct the code.")


_PERIOD_RULE = RowRule(
    ("period_end", "period_start"), _pairwise(lambda end, start: end <= start),
    lambda row: f"period_end {row[0]} is not after period_start {row[1]}",
    "A period runs from its start year to a later end year: correct or swap the two years.")


def _part_rule(part: str) -> RowRule:
    return RowRule(
        (part, "pop_total"), _pairwise(lambda p, total: p > total),
        lambda row: f"{part} {row[0]} exceeds pop_total {row[1]}",
        "The population of one sex cannot exceed both sexes together: check the figures "
        "against their source (same year, same unit).")


_ACTORS_RULE = RowRule(
    ("receiving_actor", "referring_actor"), _pairwise(lambda x, y: x == y),
    lambda row: f"self-referral: actor {row[0]!r} refers to itself",
    "A referral links two different actors: correct the actor ids or drop the row.")


# -- columns shared by several kinds --------------------------------------------------------------


def _year(name: str = "year", description: str = "calendar year", **kw) -> KindColumn:
    return KindColumn(name, "integer", description, minimum=_YEAR_MIN, maximum=_YEAR_MAX, **kw)


def _country(name: str, description: str, **kw) -> KindColumn:
    return KindColumn(name, "registry_country",
                      description + " (ISO3; names, ISO2 and M49 codes are converted)", **kw)


_EDITION = KindColumn(
    "edition", "integer", "edition or revision of the source, as its year (2024 for "
    "International Migrant Stock 2024); any value; never mix editions in one series",
    required=False)
_SEX = KindColumn("sex", "string", "total (both sexes), male or female", required=False,
                  allowed=("total", "male", "female"), default="total")
_SOURCE = KindColumn("source", "string", "short citation of the source of the row",
                     required=False, nullable=True)


#: Age bands of the CTDC ``ageBroad`` variable (the official files write ``0--8`` or ``0—8``).
AGE_BANDS = ("0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+")


#: The core columns of a ``case_records`` table, in tidy order (then the optional ``dataset``,
#: then further snake_case flag columns, see :data:`CASE_RECORD_FLAGS`).
CASE_RECORD_COLUMNS = (
    "year_of_registration",
    "sex",
    "age_band",
    "citizenship",
    "country_of_exploitation",
    "forced_labour",
    "sexual_exploitation",
)


#: Names further flag columns of ``case_records`` must match (snake_case).
CASE_RECORD_FLAG_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*\Z"


#: The CTDC flag variables as snake_case column names (``isOtherExploit`` -> ``other_exploitation``,
#: ``meansOfControlThreats`` -> ``means_of_control_threats``; the synthetic dataset's ``means...``
#: names likewise), from the k-anonymised dictionary (2018) and the synthetic codebook (2024).
CASE_RECORD_FLAGS = (
    "other_exploitation", "sex_and_labour", "forced_marriage", "forced_military",
    "organ_removal", "abduction",
    "means_of_control_debt_bondage", "means_of_control_takes_earnings",
    "means_of_control_restricts_financial_access", "means_of_control_threats",
    "means_of_control_psychological_abuse", "means_of_control_physical_abuse",
    "means_of_control_sexual_abuse", "means_of_control_false_promises",
    "means_of_control_psychoactive_substances", "means_of_control_restricts_movement",
    "means_of_control_restricts_medical_care", "means_of_control_excessive_working_hours",
    "means_of_control_uses_children", "means_of_control_threat_of_law_enforcement",
    "means_of_control_withholds_necessities", "means_of_control_withholds_documents",
    "means_of_control_other", "means_of_control_not_specified",
    "means_debt_bondage_earnings", "means_threats", "means_abuse_psy_phy_sex",
    "means_false_promises", "means_drugs_alcohol", "means_deny_basic_needs",
    "means_excessive_work_hours", "means_withhold_docs",
    "type_of_labour_agriculture", "type_of_labour_aquafarming", "type_of_labour_begging",
    "type_of_labour_construction", "type_of_labour_domestic_work",
    "type_of_labour_hospitality", "type_of_labour_illicit_activities",
    "type_of_labour_manufacturing", "type_of_labour_mining_or_drilling",
    "type_of_labour_peddling", "type_of_labour_transportation", "type_of_labour_other",
    "type_of_labour_not_specified",
    "type_of_sex_prostitution", "type_of_sex_pornography",
    "type_of_sex_remote_interactive_services", "type_of_sex_private_sexual_services",
    "recruiter_relation_intimate_partner", "recruiter_relation_friend",
    "recruiter_relation_family", "recruiter_relation_other", "recruiter_relation_unknown",
)


# Vocabularies of mixedmig.referral.events (the data layer may not import a method room; a
# test keeps these equal to the referral room's constants).
_SECTORS = ("government", "civil_society", "international_organisation")
_ROLES = ("law_enforcement", "social_welfare", "shelter", "border_repatriation_point",
          "ngo_service_provider", "labour_inspection", "prosecution", "embassy_consular",
          "hotline", "international_agency", "other")
_CASE_CATEGORIES = ("sexual_exploitation", "forced_labour", "forced_marriage", "begging",
                    "other", "unknown")
_OUTCOMES = ("accepted", "declined", "pending", "unknown")


def _kinds() -> dict[str, Kind]:
    kinds = [
        Kind(
            "bilateral_stocks",
            "International migrant stocks by origin and destination",
            "One row per (edition), year, sex, origin and destination: the number of persons "
            "born in (or citizens of) `orig` living in `dest`. Self-pairs are not migrants. "
            "Absent `sex` means every figure is for both sexes.",
            (_EDITION,
             _year(description="reference year of the stock (mid-year for UN DESA)"),
             _SEX,
             _country("orig", "origin: country of birth or citizenship"),
             _country("dest", "destination: country of residence"),
             KindColumn("stock", "integer", "number of international migrants",
                        unit="persons", minimum=0, aliases=("migrants", "value")),
             _SOURCE),
            primary_key=("edition", "year", "sex", "orig", "dest"),
            rules=(_not_self_pair("orig", "dest", "bilateral stock"),),
            conforming=("undesa_ims_bilateral", "worldbank_bilateral_2013"),
        ),
        Kind(
            "od_flows",
            "Origin-destination migration flows over periods",
            "One row per origin, destination and period: the number of persons who moved from "
            "`orig` to `dest` between `period_start` and `period_end` (e.g. estimated from "
            "stocks). Figures may be fractional (estimates).",
            (_EDITION,
             _country("orig", "origin country"),
             _country("dest", "destination country"),
             _year("period_start", "first year of the period"),
             _year("period_end", "last year of the period (after period_start)"),
             KindColumn("sex", "string", "total (both sexes), male or female",
                        required=False, allowed=("total", "male", "female")),
             KindColumn("flow", "number", "number of persons who moved in the period",
                        unit="persons", minimum=0, aliases=("value",)),
             _SOURCE),
            primary_key=("edition", "sex", "orig", "dest", "period_start", "period_end"),
            rules=(_not_self_pair("orig", "dest", "flow"), _PERIOD_RULE),
        ),
        Kind(
            "population",
            "Resident population by country and year",
            "One row per country and year; figures in persons (UN WPP publishes thousands: "
            "multiply by 1,000 first).",
            (_year(description="year (population on 1 July for UN WPP)"),
             _country("country", "country or area"),
             KindColumn("pop_total", "integer", "population, both sexes", unit="persons",
                        minimum=0, aliases=("population",)),
             KindColumn("pop_male", "integer", "population, male", unit="persons",
                        required=False, nullable=True, minimum=0),
             KindColumn("pop_female", "integer", "population, female", unit="persons",
                        required=False, nullable=True, minimum=0)),
            primary_key=("year", "country"),
            rules=(_part_rule("pop_male"), _part_rule("pop_female")),
            conforming=("wpp2024_population",),
        ),
        Kind(
            "displacement_stocks",
            "UNHCR population types (refugees, asylum-seekers, IDPs, stateless persons, ...) "
            "by origin and country of asylum",
            "One row per year, origin and country of asylum (or residence): UNHCR's counts of "
            "the persons of each population type, in persons, as stocks at the end of the year "
            "(31 December; the latest year of a release may be a mid-year figure: check before "
            "comparing it with end-year stocks). `returned_refugees` and `returned_idps` count "
            "returns during the year, not a stock. `orig` is the nationality (country of "
            "origin) or one of UNHCR's non-country codes, kept verbatim: XXA = stateless "
            "persons, UNK = origin unknown; `asylum` may be UNK (asylum country unknown). IDPs "
            "and returned IDPs are displaced inside their own country, so their rows have orig "
            "= asylum: self-pairs are allowed. Refugees are counted by nationality, not country "
            "of birth, and UN DESA migrant stocks include refugees: the two overlap and must "
            "not be added together. An empty cell is a figure UNHCR does not give ('-').",
            (_year(description="year; stocks at its end (the latest year may be mid-year)"),
             _country("orig", "origin: nationality; XXA = stateless, UNK = unknown",
                      aliases=("coo_iso",), extra_codes=("XXA", "UNK")),
             _country("asylum", "country of asylum or residence; UNK = unknown",
                      aliases=("coa_iso", "dest"), extra_codes=("UNK",)),
             KindColumn("refugees", "integer", "refugees under UNHCR's mandate",
                        unit="persons", nullable=True, minimum=0),
             KindColumn("asylum_seekers", "integer", "asylum-seekers (claims pending)",
                        unit="persons", nullable=True, minimum=0),
             KindColumn("returned_refugees", "integer",
                        "refugees who returned during the year", unit="persons",
                        required=False, nullable=True, minimum=0),
             KindColumn("idps", "integer", "internally displaced persons of concern to UNHCR "
                        "(orig = asylum)", unit="persons", required=False, nullable=True,
                        minimum=0),
             KindColumn("returned_idps", "integer", "IDPs who returned during the year "
                        "(orig = asylum)", unit="persons", required=False, nullable=True,
                        minimum=0),
             KindColumn("stateless", "integer", "stateless persons under UNHCR's mandate",
                        unit="persons", required=False, nullable=True, minimum=0),
             KindColumn("ooc", "integer", "others of concern to UNHCR", unit="persons",
                        required=False, nullable=True, minimum=0),
             KindColumn("oip", "integer", "other people in need of international protection",
                        unit="persons", required=False, nullable=True, minimum=0),
             KindColumn("hst", "integer", "host community", unit="persons", required=False,
                        nullable=True, minimum=0),
             _SOURCE),
            primary_key=("year", "orig", "asylum"),
            conforming=("unhcr_refugees_gms",),
        ),
        Kind(
            "country_covariates",
            "Numeric covariates by country and year",
            "One row per country and year, then one or more numeric covariate columns "
            "(snake_case names, any unit: state it in the column name or the import's "
            "manifest, e.g. gdppc_ppp_2017). Empty cells are missing figures.",
            (_year(), _country("country", "country or area")),
            primary_key=("year", "country"),
            extra=KindColumn("covariate", "number", "a numeric covariate", nullable=True),
            extra_pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*\Z",
            min_extra=1,
            conforming=("wdi_gdppc", "maddison_gdppc"),
        ),
        Kind(
            "case_records",
            "Identified cases of trafficking, one row each (the CTDC variable set, tidy)",
            "One row per registered case, as the CTDC readers produce it: year of "
            "registration, sex, age band, citizenship and country of exploitation (ISO3), "
            "flags of the forms of exploitation (true/false, empty = missing or not "
            "indicated), and optional further snake_case flags such as other_exploitation or "
            "forced_marriage. Records are anonymous, so there is no key.",
            (_year("year_of_registration", "year the case was registered", nullable=True),
             KindColumn("sex", "string", "sex or gender of the person", nullable=True,
                        allowed=("female", "male", "transgender")),
             KindColumn("age_band", "string", "age at registration, CTDC band", nullable=True,
                        allowed=AGE_BANDS),
             _country("citizenship", "citizenship", nullable=True),
             _country("country_of_exploitation", "country of exploitation", nullable=True),
             KindColumn("forced_labour", "boolean", "forced labour", nullable=True),
             KindColumn("sexual_exploitation", "boolean", "sexual exploitation",
                        nullable=True),
             KindColumn("dataset", "string", "the dataset the record comes from, e.g. "
                        "ctdc_k_anonymised or ctdc_synthetic", required=False)),
            extra=KindColumn("flag", "boolean", "a further CTDC flag", nullable=True),
            extra_pattern=CASE_RECORD_FLAG_PATTERN,
        ),
        Kind(
            "referral_actors",
            "Actors of a referral mechanism",
            "One row per actor (organisation or office that refers trafficked persons), the "
            "actor table of mixedmig.referral.",
            (KindColumn("actor_id", "string", "identifier, unique"),
             _country("country", "country of the actor"),
             KindColumn("sector", "string", "sector", allowed=_SECTORS),
             KindColumn("role", "string", "role ('other' for roles outside the list)",
                        allowed=_ROLES),
             KindColumn("name", "string", "readable name", required=False, nullable=True),
             KindColumn("synthetic", "boolean", "true for made-up teaching actors",
                        required=False)),
            primary_key=("actor_id",),
        ),
        Kind(
            "referral_events",
            "Referral events between actors",
            "One row per referral of one person from one actor to another, the event table "
            "of mixedmig.referral (its actors are checked against an actor table by "
            "mixedmig.referral.validate_events).",
            (KindColumn("event_id", "string", "identifier, unique"),
             KindColumn("date", "date", "date of the referral, YYYY-MM-DD"),
             KindColumn("referring_actor", "string", "actor_id of the referring actor"),
             KindColumn("receiving_actor", "string", "actor_id of the receiving actor"),
             _country("referring_country", "country of the referring actor"),
             _country("receiving_country", "country of the receiving actor"),
             KindColumn("case_category", "string", "form of exploitation",
                        allowed=_CASE_CATEGORIES),
             KindColumn("outcome", "string", "outcome of the referral", allowed=_OUTCOMES),
             KindColumn("synthetic", "boolean", "true for made-up teaching events")),
            primary_key=("event_id",),
            rules=(_ACTORS_RULE,),
        ),
    ]
    return {kind.name: kind for kind in kinds}


#: The schema kinds by name.
KINDS: dict[str, Kind] = _kinds()


def kind_names() -> list[str]:
    """The names of the schema kinds, in registry order.

    Returns
    -------
    list of str
        ``bilateral_stocks``, ``od_flows``, ``population``, ``displacement_stocks``,
        ``country_covariates``, ``case_records``, ``referral_actors``, ``referral_events``.

    Examples
    --------
    >>> from mixedmig import data
    >>> data.kind_names()[:3]
    ['bilateral_stocks', 'od_flows', 'population']
    """
    return list(KINDS)


def get_kind(kind) -> Kind:
    """The schema kind named ``kind``.

    Parameters
    ----------
    kind : str or Kind
        A kind name (see :func:`kind_names`) or a :class:`Kind` (returned as is).

    Returns
    -------
    Kind
        The kind.

    Raises
    ------
    mixedmig.errors.InputError
        If ``kind`` names no kind (the message suggests the closest names and lists them).

    Examples
    --------
    >>> from mixedmig import data
    >>> data.get_kind("population").primary_key
    ('year', 'country')
    """
    if isinstance(kind, Kind):
        return kind
    if isinstance(kind, str) and kind in KINDS:
        return KINDS[kind]
    close = (difflib.get_close_matches(kind, list(KINDS), n=3, cutoff=0.6)
             if isinstance(kind, str) else [])
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}" if close else ""
    raise InputError(f"no schema kind named {kind!r}{hint}; the kinds are: "
                     f"{', '.join(KINDS)} (`mixedmig list --kinds` describes them)")


def kinds_table() -> pd.DataFrame:
    """One row per schema kind: what it holds, its required and optional columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind``, ``title``, ``required``, ``optional`` (column names joined with
        ``", "``; further columns as ``+ NAME...``), ``key`` and ``curated`` (curated tables
        of the kind), in registry order.

    Examples
    --------
    >>> from mixedmig import data
    >>> row = data.kinds_table().set_index("kind").loc["bilateral_stocks"]
    >>> row["required"]
    'year, orig, dest, stock'
    """
    rows = []
    for kind in KINDS.values():
        optional = list(kind.optional)
        if kind.extra is not None:
            optional.append(f"+ {kind.extra.type} {kind.extra.name} columns"
                            + (f" (at least {kind.min_extra})" if kind.min_extra else ""))
        rows.append({"kind": kind.name, "title": kind.title,
                     "required": ", ".join(kind.required),
                     "optional": ", ".join(optional),
                     "key": ", ".join(kind.primary_key),
                     "curated": ", ".join(kind.conforming)})
    return pd.DataFrame(rows)


def _cell_text(column: KindColumn) -> str:
    parts = [f"`{column.name}`", column.type.replace("registry_country", "country")]
    if column.unit:
        parts.append(column.unit)
    rule = []
    if column.minimum is not None:
        rule.append(f">= {column.minimum:g}")
    if column.maximum is not None:
        rule.append(f"<= {column.maximum:g}")
    if column.allowed is not None:
        rule.append("one of " + "/".join(map(str, column.allowed)))
    if column.extra_codes:
        rule.append("also " + "/".join(f"`{c}`" for c in column.extra_codes))
    if column.nullable:
        rule.append("may be empty")
    if column.aliases:
        rule.append("alias " + "/".join(f"`{a}`" for a in column.aliases))
    return " ".join(parts[:2]) + (f" ({'; '.join(parts[2:] + rule)})" if parts[2:] or rule
                                  else "")


def kinds_markdown() -> str:
    """The schema kinds as a Markdown table (the table of ``docs/bringing-your-own-data.md``).

    Returns
    -------
    str
        A Markdown table with columns kind, holds, required columns, optional columns, key,
        curated tables; one line per kind; ends with a newline.

    Examples
    --------
    >>> from mixedmig import data
    >>> data.kinds_markdown().splitlines()[0]
    '| kind | holds | required columns | optional columns | key | curated tables |'
    """
    lines = ["| kind | holds | required columns | optional columns | key | curated tables |",
             "|---|---|---|---|---|---|"]
    for kind in KINDS.values():
        required = ", ".join(_cell_text(c) for c in kind.columns if c.required)
        optional = [_cell_text(c) for c in kind.columns if not c.required]
        if kind.extra is not None:
            optional.append(f"further {kind.extra.type} columns (snake_case names"
                            + (f", at least {kind.min_extra}" if kind.min_extra else "")
                            + ")")
        lines.append(f"| `{kind.name}` | {kind.title} | {required} | "
                     f"{', '.join(optional) or '-'} | {', '.join(kind.primary_key) or '-'} | "
                     f"{', '.join(f'`{t}`' for t in kind.conforming) or '-'} |")
    return "\n".join(lines) + "\n"


# -- validation -------------------------------------------------------------------------------


def _resolver(kind: Kind, mapping: dict):
    """A header resolver for :func:`mixedmig.data.schema._read_and_validate`.

    Fills ``mapping`` (file header name -> tidy name) and returns the schema of the file's
    columns in file order, or ``None`` after recording the header's problems.
    """
    by_name = {}
    for column in kind.columns:
        by_name[column.name] = column
        for alias in column.aliases:
            by_name[alias] = column
    extra_re = re.compile(kind.extra_pattern) if kind.extra_pattern else None
    accepted = list(kind.column_names)

    def resolve(header: list, problems) -> Schema | None:
        mapping.clear()
        specs, seen, n_extra = [], {}, 0
        bad = False
        for name in header:
            shown = _printable(name, 60)
            column = by_name.get(name)
            if column is not None:
                if column.name in seen:
                    problems.add(1, shown, f"column '{column.name}' appears twice (as "
                                 f"'{_printable(seen[column.name], 60)}' and '{shown}')",
                                 "Keep one of them.")
                    bad = True
                    continue
                seen[column.name] = name
                mapping[name] = column.name
                specs.append(column.spec(name))
                continue
            if extra_re is not None and extra_re.match(name) and name not in mapping:
                mapping[name] = name
                specs.append(ColumnSpec(name, kind.extra.type, kind.extra.description,
                                        kind.extra.nullable, kind.extra.minimum,
                                        kind.extra.maximum, kind.extra.allowed,
                                        kind.extra.pattern))
                n_extra += 1
                continue
            near = [c for c in by_name if c.casefold() == name.strip().casefold()]
            near = near or difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.75)
            if near:
                fix = f"Rename it to '{near[0]}'."
            elif kind.extra is not None:
                fix = (f"Rename it in snake_case (lower-case letters, digits and '_'), or "
                       f"remove it; the kind's own columns are: {', '.join(accepted)}.")
            else:
                fix = (f"Remove it, or rename it to one of the kind's columns: "
                       f"{', '.join(accepted)}.")
            problems.add(1, shown, f"column '{shown}' is not a column of kind "
                         f"'{kind.name}'", fix)
            bad = True
        missing = [c.name for c in kind.columns if c.required and c.name not in seen]
        if missing:
            aliases = [f"'{a}' for '{c}'" for c in missing for a in kind.column(c).aliases]
            problems.add(1, missing[0],
                         f"missing column(s) {missing}: kind '{kind.name}' requires "
                         f"{', '.join(kind.required)}",
                         "Add the column(s) or rename the ones that hold them"
                         + (f" (accepted names: {'; '.join(aliases)})" if aliases else "")
                         + ".")
            bad = True
        if n_extra < kind.min_extra and not bad:
            problems.add(1, None, f"no {kind.extra.name} column: kind '{kind.name}' needs at "
                         f"least {kind.min_extra} besides {', '.join(kind.column_names)}",
                         "Add a numeric column with a snake_case name (e.g. gdppc_ppp_2017).")
            bad = True
        if bad:
            return None
        key = tuple(seen[k] for k in kind.primary_key if k in seen)
        return Schema(tuple(specs), key)

    resolve.names = tuple(by_name)  # every accepted header name (the separator check uses it)
    return resolve


def _rules_for(kind: Kind, mapping: dict) -> tuple:
    """The kind's rules over the file's own column names (aliases)."""
    header_of = {tidy: header for header, tidy in mapping.items()}
    rules = []
    for rule in kind.rules:
        if not all(c in header_of for c in rule.columns):
            continue
        names = tuple(header_of[c] for c in rule.columns)

        def test(values, rule=rule, names=names):
            return rule.test({c: values[n] for c, n in zip(rule.columns, names)})

        rules.append(RowRule(names, test, rule.message, rule.fix))
    return tuple(rules)


def _tidy(frame: pd.DataFrame, kind: Kind, mapping: dict) -> pd.DataFrame:
    """The typed frame in the kind's tidy shape: renamed, ordered, defaults filled."""
    frame = frame.rename(columns=mapping)
    out = {}
    for column in kind.columns:
        if column.name in frame.columns:
            out[column.name] = frame[column.name]
        elif column.default is not None:
            out[column.name] = pd.Series([column.default] * len(frame), index=frame.index,
                                         dtype=object)
    for name in frame.columns:
        if name not in out:
            out[name] = frame[name]
    tidy = pd.DataFrame(out, index=frame.index)
    tidy.index = pd.RangeIndex(len(tidy))
    return tidy


def _validate_with(kind: Kind, run) -> pd.DataFrame:
    mapping: dict = {}
    resolve = _resolver(kind, mapping)

    def resolve_and_bind(header, problems):
        schema = resolve(header, problems)
        rules[:] = _rules_for(kind, mapping)
        return schema

    resolve_and_bind.names = resolve.names
    rules: list = []
    frame = run(resolve_and_bind, _DeferredRules(rules), f"kind '{kind.name}'")
    return _tidy(frame, kind, mapping)


class _DeferredRules:
    """An iterable of rules filled after the header is read (the file's own column names)."""

    def __init__(self, rules: list):
        self._rules = rules

    def __iter__(self):
        return iter(self._rules)


def read_kind_file(path: str | os.PathLike, kind, *,
                   max_problems: int = MAX_PROBLEMS) -> pd.DataFrame:
    """Read a CSV file of a schema kind, validate every row, and return the tidy table.

    Parameters
    ----------
    path : str or os.PathLike
        A UTF-8 CSV file with a header row; columns in any order, named by the kind's column
        names or their aliases.
    kind : str or Kind
        The schema kind (see :func:`kind_names`).
    max_problems : int, default 50
        How many problems the error lists (all are counted).

    Returns
    -------
    pandas.DataFrame
        The kind's tidy table: the kind's columns present in the file (and optional columns
        with a default), in the kind's order, then further columns in file order; countries as
        ISO3 codes; ``Int64`` integers, ``float64`` numbers, ``boolean`` flags, object
        strings; a RangeIndex.

    Raises
    ------
    mixedmig.errors.InputError
        If ``kind`` names no kind.
    mixedmig.errors.DataError
        If the file does not exist.
    mixedmig.errors.SchemaError
        Listing every problem (file, line, column, value, fix): a missing required column,
        a column the kind does not have, an unknown country or an aggregate, a value of the
        wrong type or outside its range, a broken row rule, a duplicate key.

    Examples
    --------
    >>> import os, tempfile
    >>> from mixedmig import data
    >>> text = "year,orig,dest,stock\\n2021,MMR,THA,1200\\n"   # made-up test values
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "survey.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write(text)
    ...     data.read_kind_file(path, "bilateral_stocks")
       year    sex orig dest  stock
    0  2021  total  MMR  THA   1200
    """
    kind = get_kind(kind)
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found; check the path", path=path)

    def run(resolve, rules, label):
        return _read_and_validate(path, None, max_problems=max_problems, for_user=True,
                                  label=label, resolve=resolve, rules=rules)

    return _validate_with(kind, run)


def _as_text(series: pd.Series) -> pd.Series:
    """A column of any dtype as the CSV text the validator reads ('' = missing)."""
    values = series.to_numpy(dtype=object, na_value=None) if isinstance(
        series.dtype, pd.api.extensions.ExtensionDtype) else series.to_numpy(dtype=object)
    out = []
    for value in values:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            out.append("")
        elif isinstance(value, (bool, np.bool_)):
            out.append("true" if value else "false")
        elif isinstance(value, (float, np.floating)):
            value = float(value)
            out.append(str(int(value)) if value.is_integer() and abs(value) < 2 ** 63
                       else repr(value))
        else:
            out.append(str(value))
    return pd.Series(out, index=series.index, dtype=object)


def validate_kind_frame(frame: pd.DataFrame, kind, *, path=None,
                        max_problems: int = MAX_PROBLEMS) -> pd.DataFrame:
    """Validate a DataFrame against a schema kind and return it in the kind's tidy shape.

    The frame's values are written as the CSV text :func:`read_kind_file` would read
    (integral floats as whole numbers, booleans as ``true``/``false``, missing as empty) and
    checked by the same validator, so a frame passes exactly when its CSV would.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, one row per record, any dtypes.
    kind : str or Kind
        The schema kind.
    path : str or os.PathLike, optional
        A label for messages (e.g. the file the frame was read from). Problems give the
        "line" of the row in the CSV the frame would be written to (first row = line 2).
    max_problems : int, default 50
        How many problems the error lists (all are counted).

    Returns
    -------
    pandas.DataFrame
        The tidy table (see :func:`read_kind_file`).

    Raises
    ------
    mixedmig.errors.InputError
        If ``kind`` names no kind or ``frame`` is not a DataFrame.
    mixedmig.errors.SchemaError
        Listing every problem, as :func:`read_kind_file`.

    Examples
    --------
    >>> import pandas as pd
    >>> from mixedmig import data
    >>> toy = pd.DataFrame({"orig": ["Myanmar"], "dest": ["Thailand"], "year": [2021],
    ...                     "stock": [1200.0]})   # made-up test values
    >>> data.validate_kind_frame(toy, "bilateral_stocks")[["orig", "stock"]]
      orig  stock
    0  MMR   1200
    """
    kind = get_kind(kind)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    text = pd.DataFrame({i: _as_text(frame.iloc[:, i]) for i in range(frame.shape[1])})
    text.columns = [str(c) for c in frame.columns]
    text.index = pd.RangeIndex(2, len(frame) + 2)
    label = "the table" if path is None else path

    def run(resolve, rules, schema_label):
        return _validate_table(text, None, label, max_problems=max_problems, for_user=True,
                               label=schema_label, resolve=resolve, rules=rules)

    return _validate_with(kind, run)
