"""The *After Trafficking* framework (Surtees 2013) as an absorbing-chain pathway model.

Surtees (2013) follows trafficked persons from the Greater Mekong Sub-region after their
exploitation: identified or not, referred or not, assistance accepted or declined, returned
through official channels or on their own, with or without reintegration assistance, and with
an outcome (reintegrated, re-migrated, re-trafficked).  :func:`after_trafficking_model` writes
this pathway as a :class:`PathwayModel` whose parameters are one sourced figure
(:data:`THAILAND_2021_SERVICES_GIVEN_IDENTIFIED`) and labelled placeholder assumptions.

References
----------
Surtees R (2013). *After Trafficking: Experiences and Challenges in the (Re)integration of
    Trafficked Persons in the Greater Mekong Sub-region.* Bangkok: UNIAP / NEXUS Institute.
U.S. Department of State (2022). *2022 Trafficking in Persons Report: Thailand.*
"""

from __future__ import annotations

from .chain import COMPLEMENT, Parameter, PathwayModel, _as_parameter

_TIP_2022_THAILAND = (
    "U.S. Department of State (2022). 2022 Trafficking in Persons Report: Thailand. "
    "https://www.state.gov/reports/2022-trafficking-in-persons-report/thailand/ "
    "(of the 414 victims identified in 2021 the government reported providing services to 354)"
)


#: Thailand 2021: victims given services / victims identified = 354 / 414 (US TIP Report 2022).
THAILAND_2021_SERVICES_GIVEN_IDENTIFIED = Parameter(
    "p_referred",
    354 / 414,
    _TIP_2022_THAILAND,
    "sourced",
    "Thailand, 2021 only. The report counts identified victims PROVIDED services (shelter, "
    "reintegration support, legal and financial assistance, other), which is referral followed by "
    "acceptance; it is used here as P(referred | identified). With p_assistance_accepted < 1 the "
    "modelled share assisted falls below 354/414; set p_assistance_accepted=1 to reproduce it. "
    "Later TIP editions may revise the 2021 counts; check before publishing.",
)


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
    p_referred: Parameter | float = THAILAND_2021_SERVICES_GIVEN_IDENTIFIED,
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
    p_referred : Parameter or float
        P(referred to assistance | identified).  Default: sourced, 354/414 (Thailand 2021,
        US TIP Report 2022), :data:`THAILAND_2021_SERVICES_GIVEN_IDENTIFIED`.
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
    InputError
        If a Parameter's name differs from its keyword, a value is not a probability, or the
        two explicit outcome probabilities of a row sum to more than 1.

    References
    ----------
    Surtees R (2013). *After Trafficking: Experiences and Challenges in the (Re)integration of
        Trafficked Persons in the Greater Mekong Sub-region.* Bangkok: UNIAP / NEXUS Institute.
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
