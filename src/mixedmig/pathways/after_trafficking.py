"""The *After Trafficking* framework (Surtees 2013) as an absorbing-chain pathway model.

Surtees (2013) follows trafficked persons from the Greater Mekong Sub-region after their
exploitation: identified or not, referred or not, assistance accepted or declined, returned
through official channels or on their own, with or without reintegration assistance, and with
an outcome (reintegrated, re-migrated, re-trafficked).  :func:`after_trafficking_model` writes
this pathway as a :class:`PathwayModel` whose parameters are one sourced figure
(354 of 414, read from ``data/raw/tip_2022_thailand_services.csv`` by
:func:`thailand_2021_services_given_identified`) and labelled placeholder assumptions.

References
----------
Surtees R (2013).
*After Trafficking: Experiences and Challenges in the (Re)integration of Trafficked Persons in the Greater Mekong Sub-region.*
Bangkok: UNIAP / NEXUS Institute.

U.S. Department of State (2022). *2022 Trafficking in Persons Report: Thailand.*
"""

from __future__ import annotations

import functools

from .. import data
from ..errors import DataError
from .chain import COMPLEMENT, Parameter, PathwayModel, _as_parameter

_TIP_2022_TABLE = "tip_2022_thailand_services"


@functools.lru_cache(maxsize=1)
def _tip_2022_counts() -> tuple[int, int, str]:
    """(provided services, identified, citation) for Thailand 2021, read from data/raw."""
    table = data.load(_TIP_2022_TABLE)
    rows = table[(table["year"] == 2021) & (table["country"] == "THA")].set_index("measure")
    try:
        given = int(rows.loc["victims_provided_services", "value"])
        identified = int(rows.loc["victims_identified", "value"])
    except KeyError as exc:
        raise DataError(
            f"data/raw/{_TIP_2022_TABLE}.csv has no 2021 THA row for {exc.args[0]!r}; the pathway model "
            "needs victims_identified and victims_provided_services"
        ) from None
    source = data.manifest(_TIP_2022_TABLE).sources[0]
    citation = (f"{source['citation']} {source['url']} (of the {identified} victims identified in 2021 "
                f"the government reported providing services to {given}; data/raw/{_TIP_2022_TABLE}.csv)")
    return given, identified, citation


def thailand_2021_services_given_identified() -> Parameter:
    """The sourced proxy for P(referred | identified): Thailand 2021, 354 of 414 (US TIP Report 2022).

    Read from the curated table ``tip_2022_thailand_services`` (``data/raw``, with its manifest)
    on first use and cached.

    Returns
    -------
    Parameter
        ``p_referred`` = victims provided services / victims identified, kind ``sourced``, with
        the citation of the manifest and a note on what the figure counts.

    Raises
    ------
    DataError
        If the table or its 2021 Thailand rows are missing or fail their manifest check.

    References
    ----------
    U.S. Department of State (2022). *2022 Trafficking in Persons Report: Thailand.*
    https://www.state.gov/reports/2022-trafficking-in-persons-report/thailand/

    Examples
    --------
    >>> p = thailand_2021_services_given_identified()
    >>> p.name, p.kind, round(p.value, 4)  # 354 / 414
    ('p_referred', 'sourced', 0.8551)
    """
    given, identified, citation = _tip_2022_counts()
    return Parameter(
        "p_referred",
        given / identified,
        citation,
        "sourced",
        "Thailand, 2021 only. The report counts identified victims PROVIDED services (shelter, "
        "reintegration support, legal and financial assistance, other), which is referral followed by "
        "acceptance; it is used here as P(referred | identified). With p_assistance_accepted < 1 the "
        "modelled share assisted falls below the TIP ratio; set p_assistance_accepted=1 to reproduce it. "
        "Later TIP editions may revise the 2021 counts; check before publishing.",
    )


def __getattr__(name: str):
    # THAILAND_2021_SERVICES_GIVEN_IDENTIFIED is read from data/raw when first asked for, not at import
    if name == "THAILAND_2021_SERVICES_GIVEN_IDENTIFIED":
        return thailand_2021_services_given_identified()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_PLACEHOLDER_BINARY = "placeholder: no published estimate; 0.5 is the maximum-uncertainty midpoint, not an estimate"


_PLACEHOLDER_OUTCOME = ("placeholder: no published estimate; 1/3 gives the three outcomes equal weight, "
                        "not an estimate")


def _assume(name: str, value: float, what: str, placeholder: str = _PLACEHOLDER_BINARY) -> Parameter:
    return Parameter(name, value, None, "assumption", f"{what}. {placeholder}")


#: The framework's states, in the order used by :func:`after_trafficking_model`.
AFTER_TRAFFICKING_STATES = (
    "trafficked", "identified", "not_identified", "referred", "not_referred",
    "assistance_accepted", "assistance_declined", "return_official", "return_self",
    "reintegration_assistance", "no_reintegration_assistance",
    "reintegrated", "re_migrated", "re_trafficked",
)


def after_trafficking_model(
    *,
    p_identified: Parameter | float = _assume(
        "p_identified", 0.5, "P(identified as a trafficked person | trafficked)"),
    p_referred: Parameter | float | None = None,
    p_assistance_accepted: Parameter | float = _assume(
        "p_assistance_accepted", 0.5, "P(accepts the assistance offered | referred)"),
    p_official_return_accepted: Parameter | float = _assume(
        "p_official_return_accepted", 0.5, "P(official return | accepted assistance)"),
    p_official_return_declined: Parameter | float = _assume(
        "p_official_return_declined", 0.5, "P(official return | declined assistance)"),
    p_official_return_not_referred: Parameter | float = _assume(
        "p_official_return_not_referred", 0.5, "P(official return | identified, not referred)"),
    p_official_return_not_identified: Parameter | float = _assume(
        "p_official_return_not_identified", 0.5,
        "P(official return | not identified); for unidentified persons an official return is "
        "typically deportation as an irregular migrant"),
    p_reintegration_assistance_official: Parameter | float = _assume(
        "p_reintegration_assistance_official", 0.5, "P(reintegration assistance | official return)"),
    p_reintegration_assistance_self: Parameter | float = _assume(
        "p_reintegration_assistance_self", 0.5, "P(reintegration assistance | returned on own)"),
    p_reintegrated_assisted: Parameter | float = _assume(
        "p_reintegrated_assisted", 1 / 3, "P(reintegrated | reintegration assistance)", _PLACEHOLDER_OUTCOME),
    p_re_trafficked_assisted: Parameter | float = _assume(
        "p_re_trafficked_assisted", 1 / 3, "P(re-trafficked | reintegration assistance)", _PLACEHOLDER_OUTCOME),
    p_reintegrated_unassisted: Parameter | float = _assume(
        "p_reintegrated_unassisted", 1 / 3, "P(reintegrated | no reintegration assistance)", _PLACEHOLDER_OUTCOME),
    p_re_trafficked_unassisted: Parameter | float = _assume(
        "p_re_trafficked_unassisted", 1 / 3, "P(re-trafficked | no reintegration assistance)",
        _PLACEHOLDER_OUTCOME),
) -> PathwayModel:
    """The post-trafficking pathway of Surtees (2013), *After Trafficking*, as an absorbing chain.

    Every probability is a keyword argument: a :class:`Parameter` (a plain number is taken as
    an assumption "supplied by the caller without a source").  Defaults are assumptions with
    placeholder values (0.5 for a binary branch, 1/3 for each of the three outcomes), because
    *After Trafficking* publishes no transition counts that could be read; the one sourced
    default is ``p_referred`` = 354/414 = 0.855 (Thailand 2021: victims given services among
    those identified; US Department of State, 2022 TIP Report), with the caveats in its note.
    Pathways start in ``trafficked``.  With the default placeholders both outcome rows are
    1/3 each, so the outcome does not depend on the earlier steps and every upstream
    sensitivity is zero: a notebook must set the outcome parameters (as labelled assumptions
    or from data) before the model says anything about the effect of identification or
    assistance.

    ===========================  ============================================  ===========================
    state                        branch set by a parameter                     remainder (COMPLEMENT)
    ===========================  ============================================  ===========================
    trafficked                   identified: p_identified                      not_identified
    identified                   referred: p_referred                          not_referred
    referred                     assistance_accepted: p_assistance_accepted    assistance_declined
    assistance_accepted          return_official: p_official_return_accepted   return_self
    assistance_declined          return_official: p_official_return_declined   return_self
    not_referred                 return_official:                              return_self
                                 p_official_return_not_referred
    not_identified               return_official:                              return_self
                                 p_official_return_not_identified
    return_official              reintegration_assistance:                     no_reintegration_assistance
                                 p_reintegration_assistance_official
    return_self                  reintegration_assistance:                     no_reintegration_assistance
                                 p_reintegration_assistance_self
    reintegration_assistance     reintegrated: p_reintegrated_assisted;        re_migrated
                                 re_trafficked: p_re_trafficked_assisted
    no_reintegration_assistance  reintegrated: p_reintegrated_unassisted;      re_migrated
                                 re_trafficked: p_re_trafficked_unassisted
    reintegrated                 absorbing
    re_migrated                  absorbing
    re_trafficked                absorbing
    ===========================  ============================================  ===========================

    A pathway takes 4 steps (not identified), 5 (identified, not referred) or 6 (referred).
    The chain is Markov: where a person goes next depends only on the current state, so e.g.
    the outcome after reintegration assistance does not depend on how the person returned.

    Parameters
    ----------
    p_identified : Parameter or float
        P(identified as a trafficked person | trafficked).  Default: assumption, 0.5.
    p_referred : Parameter or float, optional
        P(referred to assistance | identified).  Default (None): sourced, 354/414 (Thailand
        2021, US TIP Report 2022), read from ``data/raw/tip_2022_thailand_services.csv`` by
        :func:`thailand_2021_services_given_identified`.
    p_assistance_accepted : Parameter or float
        P(accepts the assistance offered | referred).  Default: assumption, 0.5.
    p_official_return_accepted, p_official_return_declined : Parameter or float
        P(official return | assistance accepted / declined).  Default: assumptions, 0.5.
    p_official_return_not_referred, p_official_return_not_identified : Parameter or float
        P(official return | identified but not referred / never identified; for the latter
        typically deportation).  Default: assumptions, 0.5.
    p_reintegration_assistance_official, p_reintegration_assistance_self : Parameter or float
        P(reintegration assistance | official return / returned on own).  Default:
        assumptions, 0.5.
    p_reintegrated_assisted, p_re_trafficked_assisted : Parameter or float
        P(reintegrated / re-trafficked | reintegration assistance); re-migration takes the
        remainder.  Default: assumptions, 1/3 each.
    p_reintegrated_unassisted, p_re_trafficked_unassisted : Parameter or float
        P(reintegrated / re-trafficked | no reintegration assistance); re-migration takes the
        remainder.  Default: assumptions, 1/3 each.

    Returns
    -------
    PathwayModel
        The chain over :data:`AFTER_TRAFFICKING_STATES`, starting in ``trafficked``.

    Raises
    ------
    DataError
        If ``p_referred`` is left at its default and the TIP 2022 table cannot be read.
    InputError
        If a Parameter's name differs from its keyword, a value is not a probability, or the
        two explicit outcome probabilities of a row sum to more than 1.

    References
    ----------
    Surtees R (2013).
    *After Trafficking: Experiences and Challenges in the (Re)integration of Trafficked Persons in the Greater Mekong Sub-region.*
    Bangkok: UNIAP / NEXUS Institute.

    U.S. Department of State (2022). *2022 Trafficking in Persons Report: Thailand.*

    Examples
    --------
    With the defaults every outcome has probability 1/3, whatever happens upstream:

    >>> model = after_trafficking_model()
    >>> model.absorption_probabilities().round(4).to_dict()
    {'reintegrated': 0.3333, 're_migrated': 0.3333, 're_trafficked': 0.3333}
    >>> model.parameters_table()["kind"].value_counts().to_dict()
    {'assumption': 12, 'sourced': 1}

    Made-up outcome probabilities (labelled assumptions, not estimates): with assistance 0.7
    reintegrated and 0.1 re-trafficked, without it 0.4 and 0.2.  With the default 0.5 for the
    return and assistance branches, half of all persons receive reintegration assistance.

    >>> model = after_trafficking_model(p_reintegrated_assisted=0.7, p_re_trafficked_assisted=0.1,
    ...                                 p_reintegrated_unassisted=0.4, p_re_trafficked_unassisted=0.2)
    >>> round(float(model.absorption_probabilities()["reintegrated"]), 4)  # 0.5 * 0.7 + 0.5 * 0.4
    0.55
    """
    if p_referred is None:
        p_referred = thailand_2021_services_given_identified()
    p = {
        name: _as_parameter(name, value)
        for name, value in {
            "p_identified": p_identified,
            "p_referred": p_referred,
            "p_assistance_accepted": p_assistance_accepted,
            "p_official_return_accepted": p_official_return_accepted,
            "p_official_return_declined": p_official_return_declined,
            "p_official_return_not_referred": p_official_return_not_referred,
            "p_official_return_not_identified": p_official_return_not_identified,
            "p_reintegration_assistance_official": p_reintegration_assistance_official,
            "p_reintegration_assistance_self": p_reintegration_assistance_self,
            "p_reintegrated_assisted": p_reintegrated_assisted,
            "p_re_trafficked_assisted": p_re_trafficked_assisted,
            "p_reintegrated_unassisted": p_reintegrated_unassisted,
            "p_re_trafficked_unassisted": p_re_trafficked_unassisted,
        }.items()
    }
    transitions = {
        "trafficked": {"identified": p["p_identified"], "not_identified": COMPLEMENT},
        "identified": {"referred": p["p_referred"], "not_referred": COMPLEMENT},
        "referred": {"assistance_accepted": p["p_assistance_accepted"], "assistance_declined": COMPLEMENT},
        "assistance_accepted": {"return_official": p["p_official_return_accepted"], "return_self": COMPLEMENT},
        "assistance_declined": {"return_official": p["p_official_return_declined"], "return_self": COMPLEMENT},
        "not_referred": {"return_official": p["p_official_return_not_referred"], "return_self": COMPLEMENT},
        "not_identified": {"return_official": p["p_official_return_not_identified"], "return_self": COMPLEMENT},
        "return_official": {"reintegration_assistance": p["p_reintegration_assistance_official"],
                            "no_reintegration_assistance": COMPLEMENT},
        "return_self": {"reintegration_assistance": p["p_reintegration_assistance_self"],
                        "no_reintegration_assistance": COMPLEMENT},
        "reintegration_assistance": {"reintegrated": p["p_reintegrated_assisted"],
                                     "re_trafficked": p["p_re_trafficked_assisted"],
                                     "re_migrated": COMPLEMENT},
        "no_reintegration_assistance": {"reintegrated": p["p_reintegrated_unassisted"],
                                        "re_trafficked": p["p_re_trafficked_unassisted"],
                                        "re_migrated": COMPLEMENT},
    }
    return PathwayModel(transitions, start="trafficked", states=AFTER_TRAFFICKING_STATES)


_LAUNCH_TABLE = "after_trafficking_launch_figures"


def _launch_figure(table, measure: str, outlet: str = "Cambodia Daily 2013") -> float:
    rows = table[(table["measure"] == measure) & (table["outlet"] == outlet)]
    if len(rows) != 1:
        raise DataError(f"data/raw/{_LAUNCH_TABLE}.csv needs one row measure={measure!r}, outlet={outlet!r}; "
                        f"found {len(rows)}")
    return float(rows["value"].iloc[0])


def after_trafficking_distributions(*, secondary_weight: float = 0.1, assumption_range: tuple = (0.1, 0.9)):
    """PSA distributions for every parameter of :func:`after_trafficking_model`.

    * ``p_referred``: **sourced**, the Beta posterior of 354 of 414 (Thailand 2021, US TIP
      Report 2022, read from ``data/raw/tip_2022_thailand_services.csv``): ``Beta(355, 61)``.
    * ``p_identified``: **assumption**, uniform over ``assumption_range`` like the other
      branches without a figure.  Press coverage of *After Trafficking*'s launch says about half
      of the 252 interviewees (AsiaOne: "more than half") got no assistance in the destination
      country (``data/raw/after_trafficking_launch_figures.csv``).  That figure cannot bound
      identification: it describes a purposive sample chosen to include unassisted people, not
      the trafficked population, and "more than half not assisted" bounds the share *assisted*
      from above (below 0.5), so it gives no floor for the share identified.
    * ``p_reintegration_assistance_official`` and ``_self``: **secondary, read by assumption**.
      The same coverage says about one fifth got no reintegration services at home (Cambodia
      Daily: "an additional 20 percent", which may refer to a subgroup).  Three assumptions turn
      that into a distribution, and each is stated in the basis: (1) the denominator is all
      252 interviewees, so ``round(0.8 * 252) = 202`` of 252 were assisted at home; (2) the
      sample share stands for the trafficked population; (3) it is the same after an official
      return and after a return on one's own (the figure does not distinguish the two).  Both
      parameters get the Beta posterior of 202 of 252 with the counts weighted by
      ``secondary_weight`` (0.1: an effective sample of about 25), i.e. about
      ``Beta(21.2, 6)``; a smaller weight widens it.
    * ``p_assistance_accepted`` and the four ``p_official_return_*``: **assumptions**, no
      figure: uniform over ``assumption_range`` (default 0.1-0.9).
    * the two outcome rows (reintegrated, re-trafficked, remainder re-migrated):
      **assumptions**, no figure: ``Dirichlet(1, 1, 1)``, uniform over the simplex.

    Parameters
    ----------
    secondary_weight : float, default 0.1
        Weight of the secondary counts in the reintegration-assistance Beta (0 < w <= 1).
    assumption_range : tuple of float, default (0.1, 0.9)
        The range of the binary branches that have no figure.

    Returns
    -------
    list of ParameterDistribution
        Thirteen parameters in eleven distributions, each with its kind and basis.

    Raises
    ------
    DataError
        If a curated table cannot be read or lacks a row used here.
    InputError
        For a weight outside (0, 1] or a range outside [0, 1].

    References
    ----------
    Surtees R (2013). *After Trafficking.* Bangkok: UNIAP / NEXUS Institute (figures as
    reported by The Cambodia Daily and AsiaOne at the launch, October 2013).

    U.S. Department of State (2022). *2022 Trafficking in Persons Report: Thailand.*

    Examples
    --------
    >>> dists = after_trafficking_distributions()
    >>> {d.names[0]: d.describe() for d in dists if d.kind != "assumption"}
    {'p_referred': 'Beta(355, 61)', 'p_reintegration_assistance_official': 'Beta(21.2, 6)', 'p_reintegration_assistance_self': 'Beta(21.2, 6)'}
    >>> next(d for d in dists if d.names == ("p_identified",)).describe()
    'U(0.1, 0.9)'
    """
    from .uncertainty import beta_from_counts, dirichlet_row, uniform_range

    given, identified, citation = _tip_2022_counts()
    launch = data.load(_LAUNCH_TABLE)
    interviewed = int(_launch_figure(launch, "interviewed"))
    not_assisted_abroad = _launch_figure(launch, "share_not_assisted_destination")
    not_assisted_home = _launch_figure(launch, "share_not_assisted_home")
    assisted_home = round((1.0 - not_assisted_home) * interviewed)
    press = (f"SECONDARY: press coverage of After Trafficking's launch (Cambodia Daily, AsiaOne, Oct 2013; "
             f"data/raw/{_LAUNCH_TABLE}.csv), purposive sample of {interviewed}")
    low, high = assumption_range
    placeholder = "ASSUMPTION: no published figure; a wide placeholder range, not an estimate"
    dists = [
        uniform_range("p_identified", low, high,
                      f"ASSUMPTION: no published figure; a wide placeholder range, not an estimate. "
                      f"The launch figure (about {not_assisted_abroad:.0%} of a purposive sample of "
                      f"{interviewed} not assisted in the destination country) describes the sample, not "
                      "the trafficked population, and bounds the share assisted from above, so it sets "
                      "no floor for identification"),
        beta_from_counts("p_referred", given, identified, citation),
        uniform_range("p_assistance_accepted", low, high, placeholder),
    ]
    for name in ("p_official_return_accepted", "p_official_return_declined", "p_official_return_not_referred",
                 "p_official_return_not_identified"):
        dists.append(uniform_range(name, low, high, placeholder))
    for name in ("p_reintegration_assistance_official", "p_reintegration_assistance_self"):
        dists.append(beta_from_counts(
            name, assisted_home, interviewed,
            f"{press}: about {not_assisted_home:.0%} without reintegration services at home, read BY "
            f"ASSUMPTION as {assisted_home} of {interviewed} assisted (the denominator may be a subgroup), "
            "as a population share (it describes the sample), and as the same after an official return "
            f"and a return on one's own (the figure does not distinguish them); counts weighted by "
            f"{secondary_weight} for these assumptions",
            kind="secondary", weight=secondary_weight))
    outcome = "ASSUMPTION: no published figure; uniform over the simplex (reintegrated, re-trafficked, re-migrated)"
    dists.append(dirichlet_row(["p_reintegrated_assisted", "p_re_trafficked_assisted"], [1, 1, 1], outcome))
    dists.append(dirichlet_row(["p_reintegrated_unassisted", "p_re_trafficked_unassisted"], [1, 1, 1], outcome))
    return dists
