"""Teaching commands: ``run`` (a notebook with parameters, papermill) and ``profile`` (a country
profile from the template ``notebooks/profile.ipynb``, with ``-p NAME VALUE`` for its other
parameters, e.g. a researcher's own UNHCR table as ``-p REFUGEES FILE.csv``)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError

__all__ = ["register"]


def _say(text: str, stream=None) -> None:
    from ..data.schema import _printable

    print(_printable(text, limit=None), file=stream or sys.stdout)


def _parameters(pairs) -> dict:
    from ..notebook import parse_parameter_value

    parameters = {}
    for name, value in pairs or []:
        if name in parameters:
            raise InputError(f"parameter {name} given twice (-p {name} ...); give it once.")
        parameters[name] = parse_parameter_value(value)
    return parameters


def _execute(path, parameters, output_dir, html, timeout, output_name=None) -> int:
    import papermill

    from ..notebook import run_notebook

    try:
        run = run_notebook(path, parameters, output_dir=output_dir, html=html, timeout=timeout,
                           output_name=output_name)
    except papermill.PapermillExecutionError as exc:
        failed = Path(output_dir) / f"{Path(output_name or Path(path).name).stem}.failed.ipynb"
        _say(f"mixedmig: error: {Path(path).name}: cell {exc.exec_count} raised "
             f"{exc.ename}: {str(exc.evalue).rstrip('.')}. The executed copy is {failed}.", sys.stderr)
        return 1
    _say(f"wrote {run.notebook} in {run.seconds:.1f} s")
    if run.html is not None:
        _say(f"wrote {run.html}")
    return 0


def _cmd_run(args) -> int:
    path = Path(args.notebook)
    if not path.is_file():
        raise InputError(f"notebook not found: {path}. Give the path of an .ipynb file, e.g. "
                         f"notebooks/00-data-tour.ipynb.")
    return _execute(path, _parameters(args.parameters), args.output, args.html, args.timeout)


def _country_code(value: str) -> str:
    """The ISO3 code of the command line's country, with an error saying what to type."""
    import re

    from .. import countries
    from ..errors import UnknownCountryError

    try:
        return countries.to_iso3(value)
    except UnknownCountryError as exc:
        message = str(exc)
        # the library's hint (pass aliases={...} to to_iso3) cannot be given on the command line
        cut = message.find(" Use an ISO 3166-1 code")
        if cut < 0 and "aliases=" in message:
            cut = message.rfind(". ", 0, message.find("aliases=")) + 1
        message = (message[:cut] if cut > 0 else message).rstrip()
        match = re.search(r"\(([A-Z]{3})\)\?", message)
        example = match.group(1) if match else "THA"
        raise UnknownCountryError(
            f"{message} Type the country's ISO3 code instead, e.g. `mixedmig profile {example}` "
            f"(ISO2 codes, UN M49 codes and the names the registry knows work too; "
            f"`python -c \"import mixedmig.countries as c; "
            f"print(c.registry()[['iso3', 'name']].to_string())\"` lists them)."
        ) from None


def _cmd_profile(args) -> int:
    from .. import data
    from ..profiles.country import shipped_coverage

    iso3 = _country_code(args.iso3)
    coverage = shipped_coverage(iso3)
    if coverage:
        _say(f"mixedmig: warning: {coverage}", sys.stderr)
    template = data.repo_root() / "notebooks" / "profile.ipynb"
    output_dir = Path(args.output)
    given = _parameters(args.parameters)
    fixed = sorted(set(given) & {"ISO3", "FIGURES"})
    if fixed:
        raise InputError(f"-p {fixed[0]} cannot be given to `mixedmig profile`: the country is "
                         f"its ISO3 argument and the figures go to OUTPUT/figures.")
    # the profile's figures go beside it, not into the repository's figures/ folder
    parameters = {**given, "ISO3": iso3, "FIGURES": str((output_dir / "figures").resolve())}
    return _execute(template, parameters, output_dir, True, args.timeout,
                    output_name=f"profile-{iso3}.ipynb")


def register(sub) -> None:
    """Add the ``run`` and ``profile`` commands to the sub-parser collection ``sub``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The sub-parser collection of the ``mixedmig`` parser.

    Returns
    -------
    None
    """
    p = sub.add_parser(
        "run",
        help="execute a copy of a notebook with parameters (papermill) into a folder",
        description="Execute a copy of NOTEBOOK with parameters into DIR (default ./runs), "
        "never overwriting the notebook itself. Values are typed as YAML: -p EDITION 2019 "
        "gives an int, -p CLM '[KHM, LAO]' a list, -p HUB THA a string.",
    )
    p.add_argument("notebook", help="the .ipynb file")
    p.add_argument("-p", "--parameter", dest="parameters", nargs=2, action="append",
                   metavar=("NAME", "VALUE"), help="a parameter of the notebook (repeatable)")
    p.add_argument("--output", "-o", default="runs", metavar="DIR",
                   help="output folder (default: ./runs)")
    p.add_argument("--html", action="store_true", help="also export a self-contained HTML page")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "profile",
        help="a country profile (notebook + HTML) from notebooks/profile.ipynb",
        description="Execute the country-profile template for ISO3 into DIR (default "
        "./profiles) as profile-ISO3.ipynb and profile-ISO3.html; its figures go to DIR/figures. "
        "The shipped UN DESA extracts cover the 15 study economies; for any other country the "
        "profile holds only what UNHCR's GMS table and the case tables say about it (a warning "
        "says so). Your own data: -p NAME VALUE sets a parameter of the template, e.g. "
        "-p REFUGEES my_unhcr_export (an imported table's name) or -p REFUGEES mine.csv (a CSV "
        "file in the shape of the shipped table); the profile says which inputs are yours. "
        "The input parameters are TOTALS, STOCKS, REFUGEES, IDENTIFIED_VICTIMS, CASE_TABLES, "
        "REPATRIATIONS; the others EDITION, TOP, TOP_DRAWN (values typed as YAML, as in "
        "`mixedmig run`).",
    )
    p.add_argument("iso3", help="ISO3 code of the country, e.g. THA (ISO2, M49 or a registry "
                   "name also work)")
    p.add_argument("-p", "--parameter", dest="parameters", nargs=2, action="append",
                   metavar=("NAME", "VALUE"), help="a parameter of notebooks/profile.ipynb "
                   "(repeatable), e.g. -p REFUGEES mine.csv")
    p.add_argument("--output", "-o", default="profiles", metavar="DIR",
                   help="output folder (default: ./profiles)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.set_defaults(func=_cmd_profile)
