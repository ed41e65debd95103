"""The seed indicator catalog: shape, enums, coverage and SDG references."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import FrozenInstanceError, fields

import pytest

from fundapp.impact import catalog_data as cat
from fundapp.impact.catalog_data import (
    AGGREGATIONS,
    BENEFIT_TYPES,
    INDICATORS,
    SDGS,
    THEMES,
    TOC_LEVELS,
    UNITS,
    VALUE_TYPES,
    IndicatorSeed,
    is_sdg_target,
    sdg_of_target,
)

EXPECTED_THEMES = {
    "arbeidsparticipatie",
    "circulaire_economie",
    "duurzame_waardeketen",
    "armoedebestrijding",
    "kansengelijkheid",
}

IRIS_ID = re.compile(r"^(OI|PI|PD|OD|FP)\d{4}$")


def ids(indicator: IndicatorSeed) -> str:
    return indicator.code


# --------------------------------------------------------------------------
# Catalog as a whole
# --------------------------------------------------------------------------


def test_at_least_36_indicators():
    assert len(INDICATORS) >= 36


def test_codes_are_unique():
    counts = Counter(i.code for i in INDICATORS)
    assert [code for code, n in counts.items() if n > 1] == []


def test_names_are_unique_per_language():
    assert len({i.name_nl for i in INDICATORS}) == len(INDICATORS)
    assert len({i.name_en for i in INDICATORS}) == len(INDICATORS)


def test_every_theme_has_at_least_six_indicators():
    counts = Counter(i.theme for i in INDICATORS)
    assert set(counts) == EXPECTED_THEMES
    assert {theme: n for theme, n in counts.items() if n < 6} == {}


def test_every_toc_level_is_present_overall():
    assert {i.toc_level for i in INDICATORS} == set(TOC_LEVELS)


@pytest.mark.parametrize("theme", sorted(EXPECTED_THEMES))
def test_every_theme_has_outputs_and_outcomes(theme):
    levels = {i.toc_level for i in INDICATORS if i.theme == theme}
    assert {"output", "outcome"} <= levels


def test_indicator_seed_is_frozen():
    with pytest.raises(FrozenInstanceError):
        INDICATORS[0].code = "LP-OTHER"  # type: ignore[misc]


def test_indicator_seed_has_the_agreed_fields():
    assert [f.name for f in fields(IndicatorSeed)] == [
        "code",
        "name_nl",
        "name_en",
        "theme",
        "toc_level",
        "unit",
        "value_type",
        "aggregation",
        "definition_nl",
        "definition_en",
        "measurement_nl",
        "measurement_en",
        "sdg_targets",
        "iris_metric_id",
    ]


LABOUR_MUST_HAVE = [
    "LP-EMPLOYED-HEADCOUNT",
    "LP-EMPLOYED-FTE",
    "LP-EMPLOYED-PREV-BENEFIT",
    "LP-EMPLOYED-PREV-BIJSTAND",
    "LP-EMPLOYED-PREV-WW",
    "LP-EMPLOYED-PREV-WAJONG",
    "LP-EMPLOYED-PREV-WIA-WAO",
    "LP-HOURS-WORKED",
    "LP-RETAINED-6M",
    "LP-RETAINED-12M",
    "LP-OUTFLOW-REGULAR-JOB",
    "LP-QUALIFICATIONS",
    "LP-BENEFIT-ENDED",
    "LP-PLACEMENTS-STARTED",
    "LP-LEERWERK-PLACES",
]

OTHER_MUST_HAVE = [
    "CE-MATERIAL-REUSED-KG",
    "CE-MATERIAL-RECYCLED-KG",
    "CE-CO2-AVOIDED",
    "CE-PRODUCTS-REPAIRED",
    "CE-ENERGY-SAVED-KWH",
    "CE-MATERIALS-REUSED-M2",
    "VC-LOCAL-SPEND-SHARE",
    "VC-LABELLED-SUPPLIERS",
    "VC-LIVING-WAGE-SHARE",
    "PV-DEBT-HOUSEHOLDS-STARTED",
    "PV-DEBTS-RESOLVED",
    "EO-YOUTH-INTERNSHIPS",
    "EO-PEOPLE-REACHED",
]


@pytest.mark.parametrize("code", LABOUR_MUST_HAVE + OTHER_MUST_HAVE)
def test_required_indicator_is_present(code):
    assert cat.indicator(code).code == code


@pytest.mark.parametrize(
    "code, unit, aggregation",
    [
        ("LP-EMPLOYED-HEADCOUNT", "people", "latest"),
        ("LP-EMPLOYED-FTE", "fte", "latest"),
        ("LP-HOURS-WORKED", "hours", "sum"),
        ("LP-PLACEMENTS-STARTED", "people", "sum"),
        ("CE-MATERIAL-REUSED-KG", "kg", "sum"),
        ("CE-CO2-AVOIDED", "tco2e", "sum"),
        ("CE-ENERGY-SAVED-KWH", "kwh", "sum"),
        ("CE-MATERIALS-REUSED-M2", "m2", "sum"),
        ("VC-LOCAL-SPEND-SHARE", "percent", "average"),
    ],
)
def test_key_indicators_have_the_expected_unit_and_aggregation(code, unit, aggregation):
    seed = cat.indicator(code)
    assert (seed.unit, seed.aggregation) == (unit, aggregation)


def test_unknown_indicator_code_names_the_code():
    with pytest.raises(KeyError, match="LP-NOPE"):
        cat.indicator("LP-NOPE")


def test_indicators_for_theme_filters_and_rejects_unknown_themes():
    circular = cat.indicators_for_theme("circulaire_economie")
    assert circular and all(i.theme == "circulaire_economie" for i in circular)
    with pytest.raises(ValueError):
        cat.indicators_for_theme("sport")


# --------------------------------------------------------------------------
# Every indicator
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", INDICATORS, ids=ids)
def test_code_format_and_theme_prefix(seed):
    assert cat.CODE_PATTERN.match(seed.code), seed.code
    assert seed.code == seed.code.upper()
    assert seed.code.split("-", 1)[0] == cat.THEME_PREFIXES[seed.theme]


@pytest.mark.parametrize("seed", INDICATORS, ids=ids)
def test_enum_fields_are_valid(seed):
    assert seed.theme in EXPECTED_THEMES
    assert seed.toc_level in TOC_LEVELS
    assert seed.unit in UNITS
    assert seed.value_type in VALUE_TYPES
    assert seed.aggregation in AGGREGATIONS


@pytest.mark.parametrize("seed", INDICATORS, ids=ids)
def test_unit_value_type_and_aggregation_agree(seed):
    if seed.value_type == "percentage" or seed.unit == "percent":
        assert seed.value_type == "percentage" and seed.unit == "percent"
        assert seed.aggregation == "average"
    if seed.unit in {"people", "households", "count"}:
        assert seed.value_type == "integer"
    if seed.unit in {"fte", "eur", "kg", "tco2e", "kwh", "m2", "hours"}:
        assert seed.value_type == "decimal"
    if seed.aggregation == "average":
        assert seed.value_type == "percentage"


@pytest.mark.parametrize("seed", INDICATORS, ids=ids)
def test_texts_are_present_in_both_languages(seed):
    for text in (seed.name_nl, seed.name_en):
        assert isinstance(text, str) and text.strip() == text and 3 <= len(text) <= 80
    for text in (seed.definition_nl, seed.definition_en):
        assert isinstance(text, str) and len(text) >= 80, seed.code
    for text in (seed.measurement_nl, seed.measurement_en):
        assert isinstance(text, str) and len(text) >= 40, seed.code
    assert seed.definition_nl != seed.definition_en
    assert seed.measurement_nl != seed.measurement_en


@pytest.mark.parametrize("seed", INDICATORS, ids=ids)
def test_texts_have_no_layout_slips(seed):
    for text in (
        seed.name_nl,
        seed.name_en,
        seed.definition_nl,
        seed.definition_en,
        seed.measurement_nl,
        seed.measurement_en,
    ):
        assert "  " not in text
        assert "\n" not in text
        assert not text.endswith(" ")


@pytest.mark.parametrize("seed", INDICATORS, ids=ids)
def test_codes_mentioned_in_texts_exist(seed):
    mentioned = set(
        re.findall(
            r"\b(?:LP|CE|VC|PV|EO)-[A-Z0-9-]*[A-Z0-9]\b",
            f"{seed.definition_nl} {seed.definition_en} {seed.measurement_nl} {seed.measurement_en}",
        )
    )
    assert mentioned <= set(cat.INDICATOR_CODES), mentioned - set(cat.INDICATOR_CODES)


@pytest.mark.parametrize("seed", INDICATORS, ids=ids)
def test_sdg_targets_are_existing_targets(seed):
    assert isinstance(seed.sdg_targets, tuple)
    assert seed.sdg_targets, f"{seed.code} maps to no SDG target"
    assert len(set(seed.sdg_targets)) == len(seed.sdg_targets)
    for target in seed.sdg_targets:
        assert is_sdg_target(target), target
        assert 1 <= sdg_of_target(target) <= 17


@pytest.mark.parametrize("seed", INDICATORS, ids=ids)
def test_iris_ids_are_none_or_well_formed(seed):
    assert seed.iris_metric_id is None or IRIS_ID.match(seed.iris_metric_id)


def test_iris_ids_are_few_and_checked():
    """Only mappings verified against the IRIS+ catalogue text are filled in."""
    mapped = {i.code: i.iris_metric_id for i in INDICATORS if i.iris_metric_id}
    assert mapped == {"LP-PLACEMENT-RATE": "PI3527", "EO-PEOPLE-REACHED": "PI4060"}


# --------------------------------------------------------------------------
# Themes, SDGs, benefit types
# --------------------------------------------------------------------------


def test_themes_shape():
    assert {t[0] for t in THEMES} == EXPECTED_THEMES
    assert len(THEMES) == 5
    for row in THEMES:
        assert len(row) == 5
        assert all(isinstance(x, str) and x.strip() for x in row)
    assert set(cat.THEME_PREFIXES) == EXPECTED_THEMES
    assert len(set(cat.THEME_PREFIXES.values())) == 5


def test_sdgs_are_the_seventeen_goals():
    assert [n for n, _, _ in SDGS] == list(range(1, 18))
    for _, nl, en in SDGS:
        assert nl.strip() and en.strip()
    names = {n: en for n, _, en in SDGS}
    assert names[8] == "Decent work and economic growth"
    assert names[12] == "Responsible consumption and production"


@pytest.mark.parametrize(
    "target, goal",
    [("8.5", 8), ("10.2", 10), ("12.5", 12), ("1.a", 1), ("17.19", 17), ("8.10", 8), ("3.d", 3)],
)
def test_sdg_of_target(target, goal):
    assert sdg_of_target(target) == goal


@pytest.mark.parametrize(
    "bad",
    [
        "18.1",
        "0.1",
        "8",
        "8.",
        "8.11",
        "17.20",
        "7.4",
        "17.a",
        "1.c",
        "8.05",
        " 8.5",
        "8,5",
        "",
        "x.1",
        8.5,
        None,
    ],
)
def test_sdg_of_target_rejects_non_targets(bad):
    assert not is_sdg_target(bad)
    with pytest.raises(ValueError):
        sdg_of_target(bad)  # type: ignore[arg-type]


def test_there_are_169_sdg_targets():
    count = 0
    for goal in range(1, 18):
        for part in [str(n) for n in range(1, 21)] + list("abcde"):
            count += is_sdg_target(f"{goal}.{part}")
    assert count == 169


def test_benefit_types():
    codes = [b[0] for b in BENEFIT_TYPES]
    assert codes == ["bijstand", "ww", "wajong", "wia", "wao", "ioaw", "none", "other"]
    for _code, nl, en in BENEFIT_TYPES:
        assert nl.strip() and en.strip()
    assert {c: nl for c, nl, _ in BENEFIT_TYPES}["none"] == "Geen uitkering"
    assert "Participatiewet" in {c: nl for c, nl, _ in BENEFIT_TYPES}["bijstand"]
