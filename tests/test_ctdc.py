"""The CTDC reader (mixedmig.data.ctdc): every layout, missing values, located errors.

Every file below is written by the test with made-up test values (no CTDC record is in the
project); the last tests read the reference extract outside the project when it is there and
check counts published in its .source.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings

from mixedmig.data.ctdc import (
    AGE_BANDS,
    CASE_RECORD_COLUMNS,
    FORMS_OF_EXPLOITATION,
    case_counts,
    detect_ctdc_layout,
    form_of_exploitation,
    read_ctdc,
)
from mixedmig.errors import DataError, InputError

# The 63 columns of the 14 April 2020 release: the 62 of the data dictionary 15-08-2018
# (../shared/reference/ctdc_schema.csv) plus isSlaveryAndPractices.
RELEASE_COLUMNS = [
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "majorityStatusAtExploit",
    "majorityEntry", "citizenship", "meansOfControlDebtBondage", "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess", "meansOfControlThreats", "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse", "meansOfControlSexualAbuse", "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances", "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare", "meansOfControlExcessiveWorkingHours", "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement", "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments", "meansOfControlOther", "meansOfControlNotSpecified",
    "meansOfControlConcatenated", "isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour",
    "isForcedMarriage", "isForcedMilitary", "isOrganRemoval", "isSlaveryAndPractices",
    "typeOfExploitConcatenated", "typeOfLabourAgriculture", "typeOfLabourAquafarming", "typeOfLabourBegging",
    "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities", "typeOfLabourManufacturing", "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling", "typeOfLabourTransportation", "typeOfLabourOther", "typeOfLabourNotSpecified",
    "typeOfLabourConcatenated", "typeOfSexProstitution", "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices", "typeOfSexPrivateSexualServices", "typeOfSexConcatenated",
    "isAbduction", "RecruiterRelationship", "CountryOfExploitation", "recruiterRelationIntimatePartner",
    "recruiterRelationFriend", "recruiterRelationFamily", "recruiterRelationOther", "recruiterRelationUnknown",
]
TEXT_COLUMNS = {"Datasource", "gender", "ageBroad", "majorityStatus", "majorityStatusAtExploit", "majorityEntry",
                "citizenship", "CountryOfExploitation", "RecruiterRelationship", "yearOfRegistration"}


def release_row(**values) -> list[str]:
    """One made-up record of the release: flags -99 unless given."""
    defaults = {"Datasource": "Case Management", "majorityStatus": "Adult", "majorityStatusAtExploit": "-99",
                "majorityEntry": "-99", "RecruiterRelationship": "-99"}
    row = []
    for name in RELEASE_COLUMNS:
        if name in values:
            row.append(str(values[name]))
        elif name in defaults:
            row.append(defaults[name])
        elif name.endswith("Concatenated"):
            row.append("")
        else:
            row.append("-99")
    return row


def write(path: Path, header, rows, sep=",") -> Path:
    text = sep.join(header) + "\n" + "".join(sep.join(r) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def release(tmp_path):
    # made-up test values, in the 63-column release layout
    rows = [
        release_row(yearOfRegistration=2015, gender="Male", ageBroad="30--38", citizenship="MM",
                    CountryOfExploitation="ID", isForcedLabour=1, isSexualExploit=0, isForcedMarriage=0,
                    typeOfLabourAquafarming=1),
        release_row(yearOfRegistration=2017, gender="Female", ageBroad="9--17", citizenship="KH",
                    CountryOfExploitation="CN", isForcedLabour=0, isSexualExploit=0, isForcedMarriage=1),
        release_row(yearOfRegistration=-99, gender="Unknown", ageBroad="-99", citizenship="00",
                    CountryOfExploitation="-99"),
        release_row(yearOfRegistration=2018, gender="Transgender/NonConforming", ageBroad="48+",
                    citizenship="VN", CountryOfExploitation="VN", isForcedLabour=1, isSexualExploit=1),
    ]
    return write(tmp_path / "The Global Dataset 14 Apr 2020.csv", RELEASE_COLUMNS, rows)


def test_release_layout_values(release):
    records = read_ctdc(release)
    assert list(records.columns[:8]) == list(CASE_RECORD_COLUMNS) + ["dataset"]
    assert records["dataset"].tolist() == ["ctdc_k_anonymised"] * 4
    assert records["year_of_registration"].tolist() == [2015, 2017, pd.NA, 2018]
    assert records["sex"].tolist() == ["male", "female", None, "transgender"]
    assert records["age_band"].tolist() == ["30-38", "9-17", None, "48+"]
    assert records["citizenship"].tolist() == ["MMR", "KHM", None, "VNM"]
    assert records["country_of_exploitation"].tolist() == ["IDN", "CHN", None, "VNM"]
    assert records["forced_labour"].tolist() == [True, False, pd.NA, True]
    assert records["sexual_exploitation"].tolist() == [False, False, pd.NA, True]
    assert records["forced_marriage"].tolist() == [False, True, pd.NA, pd.NA]
    assert records["type_of_labour_aquafarming"].tolist() == [True, pd.NA, pd.NA, pd.NA]


def test_release_layout_dtypes_and_columns(release):
    records = read_ctdc(release)
    assert str(records["year_of_registration"].dtype) == "Int64"
    for name in ("sex", "age_band", "citizenship", "country_of_exploitation", "dataset"):
        assert records[name].dtype == object
    flags = [c for c in records.columns if c not in CASE_RECORD_COLUMNS and c != "dataset"]
    # every 0/1 column of the release except the two main flags, by its snake_case name
    expected_flags = [c for c in RELEASE_COLUMNS if c not in TEXT_COLUMNS and not c.endswith("Concatenated")
                      and c not in ("isForcedLabour", "isSexualExploit")]
    # hand count from the data dictionary: 18 meansOfControl + 7 is... (28-34) + 13 typeOfLabour
    # + 4 typeOfSex + isAbduction + 5 recruiterRelation + isSlaveryAndPractices = 49 flags, less
    # the two main flags of CASE_RECORD_COLUMNS
    assert len(RELEASE_COLUMNS) == 63
    assert len(flags) == len(expected_flags) == 47
    for name in ("other_exploitation", "sex_and_labour", "forced_marriage", "forced_military", "organ_removal",
                 "slavery_and_practices", "abduction", "means_of_control_debt_bondage",
                 "type_of_sex_prostitution", "recruiter_relation_unknown"):
        assert name in flags and str(records[name].dtype) == "boolean"
    assert records.columns[7] == "dataset"
    assert "datasource" not in records.columns and "majority_status" not in records.columns


def test_namibia_is_not_missing(tmp_path):
    # made-up test values: "NA" is Namibia's ISO2 code in the release (resolves once the full
    # country registry is in mixedmig.countries)
    path = write(tmp_path / "na.csv", RELEASE_COLUMNS,
                 [release_row(yearOfRegistration=2016, gender="Female", ageBroad="18--20", citizenship="NA",
                              CountryOfExploitation="ZA")])
    records = read_ctdc(path)
    assert records.loc[0, "citizenship"] == "NAM"
    assert records.loc[0, "country_of_exploitation"] == "ZAF"


def test_subset_layout(tmp_path):
    # made-up test values in the third-party 7-column layout (plus a row-number column)
    header = ["source_row", "yearOfRegistration", "gender", "ageBroad", "citizenship", "isForcedLabour",
              "isSexualExploit", "CountryOfExploitation"]
    rows = [["1", "2010", "Female", "0--8", "KH", "", "", "TH"],
            ["2", "2016", "Male", "", "", "1.0", "0.0", "ID"],
            ["3", "2018", "Female", "21--23", "VN", "0", "1", ""]]
    path = write(tmp_path / "dados.csv", header, rows)
    assert detect_ctdc_layout(header) == "k_anonymised_subset"
    records = read_ctdc(path)
    assert list(records.columns) == list(CASE_RECORD_COLUMNS) + ["dataset"]
    assert records["age_band"].tolist() == ["0-8", None, "21-23"]
    assert records["citizenship"].tolist() == ["KHM", None, "VNM"]
    assert records["country_of_exploitation"].tolist() == ["THA", "IDN", None]
    assert records["forced_labour"].tolist() == [pd.NA, True, False]
    assert records["sexual_exploitation"].tolist() == [pd.NA, False, True]


def test_synthetic_layout(tmp_path):
    # made-up test values in the Global Synthetic Dataset layout (codebook v2, 2024)
    header = ["yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
              "traffickMonths", "meansThreats", "isForcedLabour", "isSexualExploit", "isOtherExploit",
              "typeOfLabourConstruction", "recruiterRelationFriend"]
    rows = [["2021", "Woman", "18\u201420", "KHM", "THA", "0\u201412 (0-1 yr)", "1", "NULL", "1", "NULL", "NULL", "1"],
            ["2019", "Man", "48+", "MMR", "MYS", "NULL", "NULL", "1", "NULL", "NULL", "1", "NULL"],
            ["2022", "Trans/Transgender/NonConforming", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL",
             "NULL", "1", "NULL", "NULL"]]
    path = write(tmp_path / "CTDC_global_synthetic_data_v2024.csv", header, rows)
    records = read_ctdc(path)
    assert records["dataset"].unique().tolist() == ["ctdc_synthetic"]
    assert records["sex"].tolist() == ["female", "male", "transgender"]
    assert records["age_band"].tolist() == ["18-20", "48+", None]
    assert records["citizenship"].tolist() == ["KHM", "MMR", None]
    assert records["forced_labour"].tolist() == [pd.NA, True, pd.NA]  # NULL: missing or not indicated
    assert records["other_exploitation"].tolist() == [pd.NA, pd.NA, True]
    assert records["means_threats"].tolist() == [True, pd.NA, pd.NA]
    assert records["recruiter_relation_friend"].tolist() == [True, pd.NA, pd.NA]
    assert "traffick_months" not in records.columns


def test_output_conforms_to_the_case_records_kind(release):
    kinds = pytest.importorskip("mixedmig.data.kinds")
    if not hasattr(kinds, "validate_kind_frame"):
        pytest.skip("schema kinds without validate_kind_frame")
    records = read_ctdc(release)
    tidy = kinds.validate_kind_frame(records, "case_records")
    assert list(tidy.columns) == list(records.columns)
    pd.testing.assert_frame_equal(tidy, records, check_dtype=True)


def test_semicolon_separated_release(tmp_path, release):
    text = release.read_text(encoding="utf-8").replace(",", ";")
    path = tmp_path / "semicolon.csv"
    path.write_text(text, encoding="utf-8")
    pd.testing.assert_frame_equal(read_ctdc(path), read_ctdc(release))


def test_every_problem_is_located(tmp_path):
    rows = [release_row(yearOfRegistration=2015, gender="Male", ageBroad="30--38", citizenship="MM",
                        CountryOfExploitation="ID", isForcedLabour=1),
            release_row(yearOfRegistration="20x7", gender="Male", ageBroad="30-to-38", citizenship="MM",
                        CountryOfExploitation="ID", isForcedLabour=2),
            release_row(yearOfRegistration=2016, gender="F", ageBroad="18--20", citizenship="MMR",
                        CountryOfExploitation="ID")]  # made-up test values with errors
    path = write(tmp_path / "bad.csv", RELEASE_COLUMNS, rows)
    with pytest.raises(DataError) as info:
        read_ctdc(path)
    error = info.value
    message = str(error)
    assert error.row == 3 and error.path == str(path)
    assert "5 problem(s)" in message
    assert "line 3, column 'ageBroad'" in message and "'30-to-38'" in message
    assert "line 3, column 'isForcedLabour'" in message and "write 0 or 1" in message
    assert "line 4, column 'gender'" in message and "Female, Male" in message
    assert "line 4, column 'citizenship'" in message and "alpha-2" in message
    assert "20x7" in message


def test_missing_column_and_bad_files(tmp_path):
    path = write(tmp_path / "short.csv", ["yearOfRegistration", "gender"], [["2015", "Male"]])
    with pytest.raises(DataError, match="line 1.*ageBroad"):
        read_ctdc(path)
    with pytest.raises(DataError, match="not found"):
        read_ctdc(tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="empty"):
        read_ctdc(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("yearOfRegistration,gender\n2015,F\xe9male\n".encode("latin-1"))
    with pytest.raises(DataError, match="UTF-8"):
        read_ctdc(latin)
    with pytest.raises(InputError, match="layout must be one of"):
        read_ctdc(empty, layout="full")


def test_detect_layout_requires_ctdc_columns():
    with pytest.raises(InputError, match="not a CTDC case file"):
        detect_ctdc_layout(["orig", "dest", "stock"])
    assert detect_ctdc_layout(RELEASE_COLUMNS) == "k_anonymised"


def test_form_of_exploitation_hand_cases():
    flags = pd.DataFrame({  # made-up flags, one per combination of True / False / missing
        "forced_labour": pd.array([True, True, True, False, False, False, None, None, None], dtype="boolean"),
        "sexual_exploitation": pd.array([True, False, None, True, False, None, True, False, None],
                                        dtype="boolean"),
    })
    assert form_of_exploitation(flags).tolist() == [
        "both", "forced labour", "forced labour", "sexual exploitation", "neither flagged", "not recorded",
        "sexual exploitation", "not recorded", "not recorded"]
    assert set(form_of_exploitation(flags)) <= set(FORMS_OF_EXPLOITATION)
    with pytest.raises(InputError, match="forced_labour"):
        form_of_exploitation(flags.drop(columns="forced_labour"))


values = st.sampled_from(["KHM", "MMR", "THA", None])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(values, values, st.sampled_from(list(AGE_BANDS) + [None])), min_size=1, max_size=60))
def test_case_counts_counts_every_record_once(triples):
    records = pd.DataFrame({
        "citizenship": [t[0] for t in triples],
        "country_of_exploitation": [t[1] for t in triples],
        "age_band": [t[2] for t in triples],
    })
    counts = case_counts(records, ["citizenship", "country_of_exploitation", "age_band"])
    assert counts["cases"].sum() == len(records)
    assert (counts["cases"] >= 1).all()
    assert not counts.duplicated(["citizenship", "country_of_exploitation", "age_band"]).any()
    one = case_counts(records, "citizenship")
    assert one["cases"].sum() == len(records)
    expected_missing = sum(t[0] is None for t in triples)
    assert int(one.loc[one["citizenship"].isna(), "cases"].sum()) == expected_missing


def test_case_counts_rejects_unknown_column():
    with pytest.raises(InputError, match="no column"):
        case_counts(pd.DataFrame({"sex": ["male"]}), ["citizenship"])
    with pytest.raises(InputError, match="at least one"):
        case_counts(pd.DataFrame({"sex": ["male"]}), [])


# ---------------------------------------------------------------- the reference extract


def _reference_file() -> Path:
    base = os.environ.get("MIXEDMIG_REFERENCE_DIR")
    folder = Path(base) if base else Path(__file__).resolve().parents[2] / "shared" / "reference"
    return folder / "ctdc_gms_2020_04_14.csv"


@pytest.fixture(scope="module")
def extract():
    path = _reference_file()
    if not path.is_file():
        pytest.skip(f"reference extract {path} not available")
    return read_ctdc(path)


def test_extract_counts_published_in_source_md(extract):
    # ctdc_gms_2020_04_14.source.md: 3,685 rows; Male 2,350, Female 1,335; by year 2010 178,
    # 2013 29, 2014 136, 2015 1,127, 2016 370, 2017 868, 2018 977
    assert len(extract) == 3685
    assert extract["sex"].value_counts().to_dict() == {"male": 2350, "female": 1335}
    assert extract["year_of_registration"].value_counts().sort_index().to_dict() == {
        2010: 178, 2013: 29, 2014: 136, 2015: 1127, 2016: 370, 2017: 868, 2018: 977}


def test_extract_corridors_published_in_source_md(extract):
    # the citizenship x country of exploitation table of the .source.md (blank = missing)
    pairs = extract.groupby(["citizenship", "country_of_exploitation"], dropna=False).size()
    assert pairs[("MMR", "IDN")] == 1224
    assert pairs[("KHM", "KHM")] == 883
    assert pairs[("KHM", "THA")] == 254 and pairs[("KHM", "IDN")] == 253
    assert pairs[("KHM", "MYS")] == 120 and pairs[("KHM", "CHN")] == 79 and pairs[("KHM", "MUS")] == 20
    assert pairs[("CHN", "USA")] == 23 and pairs[("VNM", "MYS")] == 108
    assert int(extract["country_of_exploitation"].eq("IDN").sum()) == 1532
    assert int(extract["citizenship"].isna().sum()) == 82
    benjina = extract[(extract["citizenship"] == "MMR") & (extract["country_of_exploitation"] == "IDN")]
    assert int((benjina["year_of_registration"] == 2015).sum()) == 1011
    ids = extract[extract["country_of_exploitation"] == "IDN"]
    assert int(ids["forced_labour"].eq(True).sum()) == 1426
