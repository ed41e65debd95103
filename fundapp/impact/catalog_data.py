"""Seed data for the impact indicator catalog (the Impactpad frame).

Pure data, stdlib only: no Flask, no SQLAlchemy. A migration or seed command
loads these rows into the database; the catalog can grow after that, but the
codes below are stable and must never be renamed or reused (outcome events,
impact plans and rate cards refer to them).

Conventions for every indicator
-------------------------------
* ``code``: ``<THEME PREFIX>-<WORDS>``, uppercase ASCII, digits and hyphens.
  The prefix names the theme: LP arbeidsparticipatie, CE circulaire_economie,
  VC duurzame_waardeketen, PV armoedebestrijding, EO kansengelijkheid.
* ``toc_level``: where the indicator sits in the theory of change
  (output -> outcome -> impact).
* ``aggregation`` says how values combine across investees and periods:

  - ``sum``: a flow counted in the period (people who started, kg reused,
    hours worked). Periods and investees add up.
  - ``average``: a rate or percentage. Average it; where the numerator and
    denominator are recorded (the measurement text asks for them), weight by
    the denominator.
  - ``latest``: a stock on a reference date (headcount or FTE at the end of
    the period). Across periods take the value of the latest period; across
    investees add up the latest values.

  "Unique people in a period" indicators are summed across periods, so a
  person reached in two quarters counts twice in a year total; a report that
  needs unique people per year uses a year period.
* "Doelgroep" (target group), used by the labour-participation indicators:
  a person who, immediately before starting, received a benefit (bijstand,
  WW, Wajong, WIA, WAO, IOAW or another benefit), is registered in the
  doelgroepregister banenafspraak, or has been assigned to a target group in
  writing by the municipality or UWV (e.g. status holders). The investee keeps
  the evidence; fundapp stores only a pseudonymous participant reference.
* ``iris_metric_id`` is filled in only where the IRIS+ metric measures the
  same thing (checked against the IRIS+ catalogue text); otherwise None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --------------------------------------------------------------------------
# Enumerations
# --------------------------------------------------------------------------

TOC_LEVELS: tuple[str, ...] = ("output", "outcome", "impact")
VALUE_TYPES: tuple[str, ...] = ("integer", "decimal", "percentage")
AGGREGATIONS: tuple[str, ...] = ("sum", "average", "latest")
UNITS: tuple[str, ...] = (
    "people",
    "households",
    "fte",
    "hours",
    "eur",
    "kg",
    "tco2e",
    "percent",
    "count",
    "m2",
    "kwh",
)

#: Theme code -> code prefix of its indicators.
THEME_PREFIXES: dict[str, str] = {
    "arbeidsparticipatie": "LP",
    "circulaire_economie": "CE",
    "duurzame_waardeketen": "VC",
    "armoedebestrijding": "PV",
    "kansengelijkheid": "EO",
}

CODE_PATTERN = re.compile(r"^[A-Z]{2}(-[A-Z0-9]+)+$")

# --------------------------------------------------------------------------
# Themes: (code, name_nl, name_en, description_nl, description_en)
# --------------------------------------------------------------------------

THEMES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "arbeidsparticipatie",
        "Arbeidsparticipatie",
        "Labour participation",
        (
            "Betaald werk, leren en doorstromen voor mensen met een afstand tot de "
            "arbeidsmarkt: mensen met een uitkering, in het doelgroepregister of "
            "door gemeente of UWV tot een doelgroep gerekend. Thema uit het Impactpad."
        ),
        (
            "Paid work, learning on the job and progression for people at a distance "
            "from the labour market: people on a benefit, in the doelgroepregister, "
            "or assigned to a target group by the municipality or UWV. An Impactpad theme."
        ),
    ),
    (
        "circulaire_economie",
        "Circulaire economie",
        "Circular economy",
        (
            "Producten en materialen zo lang mogelijk in gebruik houden: hergebruik, "
            "reparatie en recycling, minder grondstoffen, energie en CO2-uitstoot. "
            "Thema uit het Impactpad."
        ),
        (
            "Keeping products and materials in use for as long as possible: reuse, "
            "repair and recycling, and less use of raw materials, energy and CO2. "
            "An Impactpad theme."
        ),
    ),
    (
        "duurzame_waardeketen",
        "Duurzame waardeketen",
        "Sustainable value chain",
        (
            "Eerlijke en duurzame inkoop en productie in de keten: lokale en sociale "
            "leveranciers, keurmerken, leefbaar loon en aandacht voor risico's bij "
            "leveranciers (IMVO). Thema uit het Impactpad."
        ),
        (
            "Fair and sustainable purchasing and production along the chain: local "
            "and social suppliers, labels, living wages and supplier risk due "
            "diligence (responsible business conduct). An Impactpad theme."
        ),
    ),
    (
        "armoedebestrijding",
        "Armoedebestrijding",
        "Poverty reduction",
        (
            "Huishoudens met een laag inkomen of schulden helpen naar financiële "
            "rust: schuldhulp, gebruik van voorzieningen waar zij recht op hebben, "
            "energiearmoede en een inkomen boven het sociaal minimum."
        ),
        (
            "Helping households on a low income or in debt towards financial "
            "stability: debt counselling, take-up of benefits and allowances they "
            "are entitled to, energy poverty and an income above the social minimum."
        ),
    ),
    (
        "kansengelijkheid",
        "Kansengelijkheid",
        "Equal opportunity",
        (
            "Gelijke kansen op onderwijs, werk en meedoen, ongeacht afkomst, wijk of "
            "thuissituatie: stages, startkwalificaties, taal, digitale vaardigheden, "
            "mentoring en zelfredzaamheid in de wijk."
        ),
        (
            "Equal chances in education, work and community life regardless of "
            "background, neighbourhood or family situation: internships, basic "
            "qualifications, language, digital skills, mentoring and self-reliance."
        ),
    ),
)

THEME_CODES: tuple[str, ...] = tuple(theme[0] for theme in THEMES)

# --------------------------------------------------------------------------
# Sustainable Development Goals
# --------------------------------------------------------------------------

#: (number, name_nl, name_en) -- Dutch names as used by SDG Nederland.
SDGS: tuple[tuple[int, str, str], ...] = (
    (1, "Geen armoede", "No poverty"),
    (2, "Geen honger", "Zero hunger"),
    (3, "Goede gezondheid en welzijn", "Good health and well-being"),
    (4, "Kwaliteitsonderwijs", "Quality education"),
    (5, "Gendergelijkheid", "Gender equality"),
    (6, "Schoon water en sanitair", "Clean water and sanitation"),
    (7, "Betaalbare en duurzame energie", "Affordable and clean energy"),
    (8, "Eerlijk werk en economische groei", "Decent work and economic growth"),
    (9, "Industrie, innovatie en infrastructuur", "Industry, innovation and infrastructure"),
    (10, "Ongelijkheid verminderen", "Reduced inequalities"),
    (11, "Duurzame steden en gemeenschappen", "Sustainable cities and communities"),
    (12, "Verantwoorde consumptie en productie", "Responsible consumption and production"),
    (13, "Klimaatactie", "Climate action"),
    (14, "Leven in het water", "Life below water"),
    (15, "Leven op het land", "Life on land"),
    (16, "Vrede, justitie en sterke publieke diensten", "Peace, justice and strong institutions"),
    (17, "Partnerschap om doelstellingen te bereiken", "Partnerships for the goals"),
)

#: The UN 2030 Agenda's targets per goal: (number of numbered targets,
#: lettered means-of-implementation targets). 169 targets in all.
_SDG_TARGETS_PER_GOAL: dict[int, tuple[int, str]] = {
    1: (5, "ab"),
    2: (5, "abc"),
    3: (9, "abcd"),
    4: (7, "abc"),
    5: (6, "abc"),
    6: (6, "ab"),
    7: (3, "ab"),
    8: (10, "ab"),
    9: (5, "abc"),
    10: (7, "abc"),
    11: (7, "abc"),
    12: (8, "abc"),
    13: (3, "ab"),
    14: (7, "abc"),
    15: (9, "abc"),
    16: (10, "ab"),
    17: (19, ""),
}

_TARGET_PATTERN = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-d])$")


def sdg_of_target(target: str) -> int:
    """The goal number of an SDG target: ``sdg_of_target("8.5") == 8``.

    Raises ValueError for text that is not an existing SDG target.
    """
    if not is_sdg_target(target):
        raise ValueError(f"not an SDG target: {target!r}")
    return int(target.split(".", 1)[0])


def is_sdg_target(target: object) -> bool:
    """True when ``target`` names one of the 169 SDG targets ("8.5", "12.a")."""
    if not isinstance(target, str):
        return False
    match = _TARGET_PATTERN.match(target)
    if not match:
        return False
    goal = int(match.group(1))
    if goal not in _SDG_TARGETS_PER_GOAL:
        return False
    numbered, lettered = _SDG_TARGETS_PER_GOAL[goal]
    part = match.group(2)
    if part.isdigit():
        return not part.startswith("0") and 1 <= int(part) <= numbered
    return part in lettered


# --------------------------------------------------------------------------
# Benefit types (the situation before, for participants)
# --------------------------------------------------------------------------

#: (code, name_nl, name_en)
BENEFIT_TYPES: tuple[tuple[str, str, str], ...] = (
    ("bijstand", "Bijstand (Participatiewet)", "Social assistance (Participation Act)"),
    ("ww", "WW (Werkloosheidswet)", "Unemployment benefit (WW)"),
    ("wajong", "Wajong", "Wajong (disability benefit for young people)"),
    ("wia", "WIA (WGA of IVA)", "WIA incapacity benefit (WGA or IVA)"),
    ("wao", "WAO", "WAO incapacity benefit (pre-2006 scheme)"),
    (
        "ioaw",
        "IOAW",
        "IOAW (income support for older and partially disabled unemployed workers)",
    ),
    ("none", "Geen uitkering", "No benefit"),
    ("other", "Andere uitkering", "Other benefit"),
)

BENEFIT_TYPE_CODES: tuple[str, ...] = tuple(b[0] for b in BENEFIT_TYPES)

# --------------------------------------------------------------------------
# Indicators
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSeed:
    code: str
    name_nl: str
    name_en: str
    theme: str
    toc_level: str
    unit: str
    value_type: str
    aggregation: str
    definition_nl: str
    definition_en: str
    measurement_nl: str
    measurement_en: str
    sdg_targets: tuple[str, ...] = ()
    iris_metric_id: str | None = None


_LP = "arbeidsparticipatie"
_CE = "circulaire_economie"
_VC = "duurzame_waardeketen"
_PV = "armoedebestrijding"
_EO = "kansengelijkheid"

INDICATORS: tuple[IndicatorSeed, ...] = (
    # ------------------------------------------------------------------
    # Arbeidsparticipatie / labour participation
    # ------------------------------------------------------------------
    IndicatorSeed(
        code="LP-EMPLOYED-HEADCOUNT",
        name_nl="Medewerkers uit de doelgroep in dienst",
        name_en="Target-group employees (headcount)",
        theme=_LP,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="latest",
        definition_nl=(
            "Aantal personen uit de doelgroep met een arbeidsovereenkomst bij de "
            "onderneming op de laatste dag van de periode, ongeacht het aantal uren. "
            "Tot de doelgroep hoort wie direct vóór de start een uitkering had "
            "(bijstand, WW, Wajong, WIA, WAO, IOAW), in het doelgroepregister "
            "banenafspraak staat, of door gemeente of UWV schriftelijk tot een "
            "doelgroep is gerekend (bijvoorbeeld statushouders). Telt mee: vaste en "
            "tijdelijke contracten, oproepcontracten met loon in de laatste maand, en "
            "eigen medewerkers die bij een ander zijn gedetacheerd. Telt niet mee: "
            "vrijwilligers, stagiairs zonder arbeidsovereenkomst, deelnemers aan "
            "dagbesteding of een proefplaatsing met behoud van uitkering, en "
            "uitzendkrachten op de loonlijst van een uitzendbureau. Iedere persoon "
            "telt één keer, ook met meer contracten."
        ),
        definition_en=(
            "Number of target-group people with an employment contract with the "
            "enterprise on the last day of the period, whatever their hours. The "
            "target group is anyone who, immediately before starting, received a "
            "benefit (bijstand, WW, Wajong, WIA, WAO, IOAW), is registered in the "
            "doelgroepregister banenafspraak, or was assigned to a target group in "
            "writing by the municipality or UWV (e.g. status holders). Counts: "
            "permanent and fixed-term contracts, on-call contracts with pay in the "
            "last month, and own employees seconded to another organisation. Does "
            "not count: volunteers, interns without an employment contract, day-care "
            "participants, trial placements with retention of benefit, and agency "
            "workers on an agency's payroll. Each person counts once, even with "
            "several contracts."
        ),
        measurement_nl=(
            "Tel op de peildatum (laatste dag van de periode) de personen in de "
            "loonadministratie met een lopend contract. Leg per persoon het bewijs "
            "van de doelgroepstatus vast: de uitkeringsbeschikking, een verklaring "
            "van gemeente of UWV, of de registratie in het doelgroepregister. In "
            "fundapp alleen een pseudonieme deelnemercode, nooit BSN of naam."
        ),
        measurement_en=(
            "Count, on the reference date (last day of the period), the people on "
            "the payroll with a running contract. Keep evidence of target-group "
            "status per person: the benefit decision, a statement from the "
            "municipality or UWV, or the doelgroepregister entry. fundapp holds only "
            "a pseudonymous participant reference, never a BSN or name."
        ),
        sdg_targets=("8.5", "10.2"),
    ),
    IndicatorSeed(
        code="LP-EMPLOYED-FTE",
        name_nl="FTE uit de doelgroep in dienst",
        name_en="Target-group employees (FTE)",
        theme=_LP,
        toc_level="output",
        unit="fte",
        value_type="decimal",
        aggregation="latest",
        definition_nl=(
            "Som van de contracturen per week van de doelgroepmedewerkers in dienst "
            "op de laatste dag van de periode (zie LP-EMPLOYED-HEADCOUNT), gedeeld "
            "door 36. Eén FTE is hier altijd 36 uur per week, ongeacht de cao van de "
            "onderneming, zodat cijfers van verschillende ondernemingen optelbaar "
            "zijn en aansluiten bij de bouwblokkenmethode. Bij oproep- en "
            "min-maxcontracten: het gemiddeld aantal verloonde uren per week over de "
            "laatste drie maanden. Overwerk telt niet mee."
        ),
        definition_en=(
            "Sum of the weekly contract hours of the target-group employees on the "
            "last day of the period (see LP-EMPLOYED-HEADCOUNT), divided by 36. One "
            "FTE is always 36 hours a week here, whatever the enterprise's "
            "collective agreement, so that figures from different enterprises can "
            "be added up and match the bouwblokken method. For on-call and min-max "
            "contracts: the average paid hours per week over the last three months. "
            "Overtime does not count."
        ),
        measurement_nl=(
            "Contracturen uit het personeelsdossier of de loonstrook op de "
            "peildatum; uitkomst afronden op twee decimalen."
        ),
        measurement_en=(
            "Contract hours from the personnel file or payslip on the reference date; round the result to two decimals."
        ),
        sdg_targets=("8.5",),
    ),
    IndicatorSeed(
        code="LP-EMPLOYED-PREV-BENEFIT",
        name_nl="Waarvan vooraf met een uitkering",
        name_en="Of whom on a benefit before",
        theme=_LP,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="latest",
        definition_nl=(
            "Van de doelgroepmedewerkers in dienst op de peildatum "
            "(LP-EMPLOYED-HEADCOUNT): het aantal dat in de maand direct vóór de "
            "start van het dienstverband een uitkering ontving (bijstand, WW, "
            "Wajong, WIA, WAO, IOAW of een andere uitkering). Wie alleen toeslagen "
            "kreeg (zorg-, huur- of kinderopvangtoeslag) telt niet mee. Wie twee "
            "uitkeringen had, telt één keer, bij de uitkering die het grootste deel "
            "van het inkomen vormde; die soort bepaalt ook de uitsplitsing in de "
            "indicatoren per uitkeringssoort."
        ),
        definition_en=(
            "Of the target-group employees on the reference date "
            "(LP-EMPLOYED-HEADCOUNT): the number who received a benefit (bijstand, "
            "WW, Wajong, WIA, WAO, IOAW or another benefit) in the month immediately "
            "before their employment started. People who only received allowances "
            "(healthcare, rent or childcare allowance) do not count. Someone with "
            "two benefits counts once, under the benefit that made up most of their "
            "income; that type also decides the split in the per-benefit indicators."
        ),
        measurement_nl=(
            "Uitkeringsbeschikking of verklaring van gemeente of UWV over de maand "
            "vóór de start, bewaard bij de deelnemergegevens; leg de soort uitkering "
            "en het aantal maanden in de uitkering vast."
        ),
        measurement_en=(
            "Benefit decision or statement from the municipality or UWV covering "
            "the month before the start, kept with the participant record; record "
            "the benefit type and the number of months on the benefit."
        ),
        sdg_targets=("8.5", "10.2"),
    ),
    IndicatorSeed(
        code="LP-EMPLOYED-PREV-BIJSTAND",
        name_nl="Waarvan vooraf in de bijstand",
        name_en="Of whom on social assistance (bijstand) before",
        theme=_LP,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="latest",
        definition_nl=(
            "Deel van LP-EMPLOYED-PREV-BENEFIT: doelgroepmedewerkers in dienst op de "
            "peildatum die direct vóór de start een bijstandsuitkering op grond van "
            "de Participatiewet hadden, ook als aanvulling op ander inkomen. IOAW en "
            "IOAZ vallen hier niet onder."
        ),
        definition_en=(
            "Part of LP-EMPLOYED-PREV-BENEFIT: target-group employees on the "
            "reference date who received social assistance under the Participation "
            "Act (Participatiewet) immediately before starting, including a top-up "
            "to other income. IOAW and IOAZ are not included."
        ),
        measurement_nl=("Bijstandsbeschikking of verklaring van de gemeente over de maand vóór de start."),
        measurement_en=(
            "Social assistance decision or a statement from the municipality covering the month before the start."
        ),
        sdg_targets=("8.5", "10.2"),
    ),
    IndicatorSeed(
        code="LP-EMPLOYED-PREV-WW",
        name_nl="Waarvan vooraf in de WW",
        name_en="Of whom on unemployment benefit (WW) before",
        theme=_LP,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="latest",
        definition_nl=(
            "Deel van LP-EMPLOYED-PREV-BENEFIT: doelgroepmedewerkers in dienst op de "
            "peildatum die direct vóór de start een WW-uitkering van het UWV hadden."
        ),
        definition_en=(
            "Part of LP-EMPLOYED-PREV-BENEFIT: target-group employees on the "
            "reference date who received unemployment benefit (WW) from UWV "
            "immediately before starting."
        ),
        measurement_nl="WW-beschikking of uitkeringsspecificatie van het UWV over de maand vóór de start.",
        measurement_en="WW decision or UWV benefit statement covering the month before the start.",
        sdg_targets=("8.5",),
    ),
    IndicatorSeed(
        code="LP-EMPLOYED-PREV-WAJONG",
        name_nl="Waarvan vooraf in de Wajong",
        name_en="Of whom on Wajong before",
        theme=_LP,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="latest",
        definition_nl=(
            "Deel van LP-EMPLOYED-PREV-BENEFIT: doelgroepmedewerkers in dienst op de "
            "peildatum die direct vóór de start een Wajong-uitkering hadden "
            "(alle regimes: oude Wajong, Wajong 2010, Wajong 2015)."
        ),
        definition_en=(
            "Part of LP-EMPLOYED-PREV-BENEFIT: target-group employees on the "
            "reference date who received a Wajong benefit immediately before "
            "starting (any regime: old Wajong, Wajong 2010, Wajong 2015)."
        ),
        measurement_nl="Wajong-beschikking of uitkeringsspecificatie van het UWV.",
        measurement_en="Wajong decision or UWV benefit statement.",
        sdg_targets=("8.5", "10.2"),
    ),
    IndicatorSeed(
        code="LP-EMPLOYED-PREV-WIA-WAO",
        name_nl="Waarvan vooraf in de WIA of WAO",
        name_en="Of whom on WIA or WAO before",
        theme=_LP,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="latest",
        definition_nl=(
            "Deel van LP-EMPLOYED-PREV-BENEFIT: doelgroepmedewerkers in dienst op de "
            "peildatum die direct vóór de start een arbeidsongeschiktheidsuitkering "
            "hadden op grond van de WIA (WGA of IVA) of de WAO."
        ),
        definition_en=(
            "Part of LP-EMPLOYED-PREV-BENEFIT: target-group employees on the "
            "reference date who received an incapacity benefit under the WIA (WGA "
            "or IVA) or the WAO immediately before starting."
        ),
        measurement_nl="WIA- of WAO-beschikking of uitkeringsspecificatie van het UWV.",
        measurement_en="WIA or WAO decision or UWV benefit statement.",
        sdg_targets=("8.5", "10.2"),
    ),
    IndicatorSeed(
        code="LP-HOURS-WORKED",
        name_nl="Gewerkte uren doelgroep",
        name_en="Hours worked by target-group employees",
        theme=_LP,
        toc_level="output",
        unit="hours",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Totaal aantal verloonde uren van doelgroepmedewerkers in de periode "
            "volgens de loonadministratie. Doorbetaalde verlof- en ziekte-uren "
            "tellen mee, omdat ze verloond zijn; overwerkuren tellen als gewone "
            "uren, de toeslag erop niet. Onbetaald verlof en uren van vrijwilligers "
            "en stagiairs tellen niet mee."
        ),
        definition_en=(
            "Total paid hours of target-group employees in the period according to "
            "the payroll. Paid leave and paid sick hours count, because they are "
            "paid; overtime hours count as ordinary hours, the overtime premium "
            "does not. Unpaid leave and hours of volunteers and interns do not count."
        ),
        measurement_nl=(
            "Optellen van de verloonde uren op de loonstroken of het loonjournaal "
            "van de maanden of vierwekenperioden die in de rapportageperiode vallen."
        ),
        measurement_en=(
            "Add up the paid hours on the payslips or payroll journal of the months "
            "or four-week pay periods that fall in the reporting period."
        ),
        sdg_targets=("8.5",),
    ),
    IndicatorSeed(
        code="LP-PLACEMENTS-STARTED",
        name_nl="Gestart met werk (plaatsingen)",
        name_en="Started work (placements)",
        theme=_LP,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal personen uit de doelgroep van wie in de periode een dienstverband "
            "bij de onderneming begon (eerste werkdag in de periode). Een verlenging "
            "of omzetting van een bestaand contract is geen nieuwe start; wie na een "
            "onderbreking van minder dan drie maanden terugkeert evenmin. Een "
            "detachering via de onderneming telt mee; een proefplaatsing of "
            "werkervaringsplek met behoud van uitkering niet (zie LP-LEERWERK-PLACES)."
        ),
        definition_en=(
            "Number of target-group people whose employment with the enterprise "
            "began in the period (first working day in the period). Extending or "
            "converting an existing contract is not a new start, nor is a return "
            "after a break of less than three months. A secondment through the "
            "enterprise counts; a trial placement or work-experience place with "
            "retention of benefit does not (see LP-LEERWERK-PLACES)."
        ),
        measurement_nl=(
            "Begindatum volgens de getekende arbeidsovereenkomst en de eerste "
            "loonstrook; tellen in de periode waarin de eerste werkdag valt."
        ),
        measurement_en=(
            "Start date from the signed employment contract and the first payslip; "
            "count in the period that contains the first working day."
        ),
        sdg_targets=("8.5",),
    ),
    IndicatorSeed(
        code="LP-RETAINED-6M",
        name_nl="Na 6 maanden nog aan het werk",
        name_en="Still employed after 6 months",
        theme=_LP,
        toc_level="outcome",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal gestarte doelgroepmedewerkers (LP-PLACEMENTS-STARTED) dat zes "
            "maanden na de eerste werkdag nog een arbeidsovereenkomst heeft, bij de "
            "onderneming of bij een andere werkgever (doorstroom telt als behoud). "
            "Wie in die zes maanden in totaal langer dan vier weken zonder werk was, "
            "telt niet mee. Geteld in de periode waarin de zesmaandsdatum valt."
        ),
        definition_en=(
            "Number of target-group employees who started (LP-PLACEMENTS-STARTED) "
            "and still have an employment contract six months after their first "
            "working day, with the enterprise or another employer (moving on counts "
            "as retained). Anyone without work for more than four weeks in total "
            "during those six months does not count. Counted in the period that "
            "contains the six-month date."
        ),
        measurement_nl=(
            "Op de zesmaandsdatum: loonadministratie (nog in dienst) of, bij "
            "doorstroom, het nieuwe contract of een loonstrook van de nieuwe "
            "werkgever, met toestemming van de deelnemer. Leg ook het cohort vast "
            "(aantal dat zes maanden eerder startte), zodat een behoudpercentage te "
            "berekenen is."
        ),
        measurement_en=(
            "On the six-month date: the payroll (still employed) or, after moving "
            "on, the new contract or a payslip from the new employer, with the "
            "participant's consent. Also record the cohort (number who started six "
            "months earlier) so that a retention rate can be calculated."
        ),
        sdg_targets=("8.5",),
    ),
    IndicatorSeed(
        code="LP-RETAINED-12M",
        name_nl="Na 12 maanden nog aan het werk",
        name_en="Still employed after 12 months",
        theme=_LP,
        toc_level="outcome",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Als LP-RETAINED-6M, maar twaalf maanden na de eerste werkdag: gestarte "
            "doelgroepmedewerkers die dan nog een arbeidsovereenkomst hebben, bij de "
            "onderneming of een andere werkgever, en in die twaalf maanden in totaal "
            "niet langer dan acht weken zonder werk waren. Geteld in de periode "
            "waarin de twaalfmaandsdatum valt."
        ),
        definition_en=(
            "As LP-RETAINED-6M, but twelve months after the first working day: "
            "target-group employees who started and still have an employment "
            "contract then, with the enterprise or another employer, and were "
            "without work for no more than eight weeks in total during those twelve "
            "months. Counted in the period that contains the twelve-month date."
        ),
        measurement_nl=(
            "Als LP-RETAINED-6M, op de twaalfmaandsdatum; leg het cohort vast "
            "(aantal dat twaalf maanden eerder startte)."
        ),
        measurement_en=(
            "As LP-RETAINED-6M, on the twelve-month date; record the cohort (number who started twelve months earlier)."
        ),
        sdg_targets=("8.5",),
    ),
    IndicatorSeed(
        code="LP-OUTFLOW-REGULAR-JOB",
        name_nl="Doorstroom naar regulier werk",
        name_en="Moved on to a regular job",
        theme=_LP,
        toc_level="outcome",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal doelgroepmedewerkers en leerwerkdeelnemers dat in de periode "
            "begint bij een andere, reguliere werkgever, met een arbeidsovereenkomst "
            "voor onbepaalde tijd of voor minimaal zes maanden, van minimaal 12 uur "
            "per week. Een baan met loonkostensubsidie of binnen de banenafspraak bij "
            "een reguliere werkgever telt mee. Telt niet mee: beschut werk, een baan "
            "bij een sociaal werkbedrijf, een detachering vanuit de eigen onderneming, "
            "uitzendwerk met een contract korter dan zes maanden, en een start als "
            "zelfstandige."
        ),
        definition_en=(
            "Number of target-group employees and work-experience participants who, "
            "in the period, start with another, regular employer on an employment "
            "contract that is permanent or runs for at least six months, for at "
            "least 12 hours a week. A job with a wage-cost subsidy or under the "
            "banenafspraak with a regular employer counts. Does not count: sheltered "
            "work (beschut werk), a job at a sheltered-employment company, a "
            "secondment from the enterprise itself, agency work on a contract "
            "shorter than six months, and starting as self-employed."
        ),
        measurement_nl=(
            "Kopie van of verklaring over het nieuwe contract (werkgever, "
            "begindatum, duur, uren), met toestemming van de deelnemer; tellen in de "
            "periode van de eerste werkdag bij de nieuwe werkgever."
        ),
        measurement_en=(
            "Copy of, or a statement about, the new contract (employer, start date, "
            "duration, hours), with the participant's consent; count in the period "
            "of the first working day with the new employer."
        ),
        sdg_targets=("8.5", "10.2"),
    ),
    IndicatorSeed(
        code="LP-QUALIFICATIONS",
        name_nl="Behaalde diploma's en certificaten",
        name_en="Qualifications obtained",
        theme=_LP,
        toc_level="outcome",
        unit="count",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal diploma's en certificaten dat doelgroepmedewerkers en "
            "leerwerkdeelnemers in de periode behalen: mbo-diploma's en "
            "-certificaten, mbo-praktijkverklaringen, branche-erkende certificaten "
            "(zoals VCA, heftruck, Sociale Hygiëne) en NT2- of inburgeringsexamens. "
            "Alleen na een examen of beoordeling door een erkende instelling; "
            "interne deelnamebewijzen en aanwezigheidsverklaringen tellen niet. Wie "
            "twee certificaten haalt, telt twee keer."
        ),
        definition_en=(
            "Number of diplomas and certificates obtained in the period by "
            "target-group employees and work-experience participants: MBO diplomas "
            "and certificates, MBO practical-skills statements (praktijkverklaring), "
            "industry-recognised certificates (such as VCA safety, forklift, Sociale "
            "Hygiëne) and Dutch-as-a-second-language or civic integration exams. "
            "Only after an exam or assessment by a recognised body; internal "
            "course certificates and attendance statements do not count. Someone "
            "who obtains two certificates counts twice."
        ),
        measurement_nl=(
            "Kopie van het diploma of certificaat met de datum van uitgifte; tellen in de periode van de uitgiftedatum."
        ),
        measurement_en=(
            "Copy of the diploma or certificate showing the date of issue; count in the period of the date of issue."
        ),
        sdg_targets=("4.3", "4.4"),
    ),
    IndicatorSeed(
        code="LP-BENEFIT-ENDED",
        name_nl="Uitkering beëindigd",
        name_en="Benefit ended",
        theme=_LP,
        toc_level="outcome",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal doelgroepmedewerkers van wie de uitkering in de periode volledig "
            "is beëindigd doordat zij inkomen uit werk hebben. Een gedeeltelijke "
            "verlaging (aanvullende bijstand naast deeltijdwerk) telt niet, en een "
            "beëindiging om een andere reden (verhuizing, samenwonen, AOW-leeftijd) "
            "ook niet. Geteld in de periode waarin de eerste maand zonder uitkering "
            "begint."
        ),
        definition_en=(
            "Number of target-group employees whose benefit ended completely in the "
            "period because of income from work. A partial reduction (top-up "
            "assistance alongside part-time work) does not count, nor does an end "
            "for another reason (moving away, cohabiting, reaching state pension "
            "age). Counted in the period in which the first month without benefit "
            "begins."
        ),
        measurement_nl=(
            "Beëindigingsbeschikking van gemeente of UWV, of een schriftelijke "
            "bevestiging van de uitkeringsinstantie, bewaard bij de deelnemercode."
        ),
        measurement_en=(
            "Termination decision from the municipality or UWV, or a written "
            "confirmation from the benefit agency, kept with the participant reference."
        ),
        sdg_targets=("8.5", "10.2"),
    ),
    IndicatorSeed(
        code="LP-LEERWERK-PLACES",
        name_nl="Deelnemers op een leerwerkplek",
        name_en="People in a work-experience (leerwerk) place",
        theme=_LP,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="latest",
        definition_nl=(
            "Aantal personen dat op de laatste dag van de periode een leerwerkplek "
            "bij de onderneming heeft: een traject dat werken en leren combineert "
            "onder begeleiding van een werkbegeleider of praktijkopleider, met een "
            "vastgelegd leer- of ontwikkelplan. Telt mee: BBL-leerlingen, "
            "werkervaringsplaatsen en proefplaatsingen met behoud van uitkering, en "
            "leerwerktrajecten van gemeente of UWV. Telt niet: BOL- en hbo-stagiairs "
            "(zie EO-YOUTH-INTERNSHIPS) en medewerkers zonder leerplan."
        ),
        definition_en=(
            "Number of people who hold a work-experience place with the enterprise "
            "on the last day of the period: a programme combining work and learning "
            "under a work coach or on-the-job trainer, with a written learning or "
            "development plan. Counts: BBL apprentices, work-experience places and "
            "trial placements with retention of benefit, and work-learning "
            "programmes of the municipality or UWV. Does not count: BOL and "
            "higher-education interns (see EO-YOUTH-INTERNSHIPS) and employees "
            "without a learning plan."
        ),
        measurement_nl=(
            "Getekende leerwerk- of praktijkovereenkomst (BPV-overeenkomst, "
            "plaatsingsovereenkomst met gemeente of UWV) met begin- en einddatum; "
            "tellen op de peildatum."
        ),
        measurement_en=(
            "Signed work-learning or placement agreement (BPV agreement, placement "
            "agreement with the municipality or UWV) with start and end dates; "
            "count on the reference date."
        ),
        sdg_targets=("4.4", "8.6"),
    ),
    IndicatorSeed(
        code="LP-PLACEMENT-RATE",
        name_nl="Plaatsingspercentage",
        name_en="Job placement rate",
        theme=_LP,
        toc_level="outcome",
        unit="percent",
        value_type="percentage",
        aggregation="average",
        definition_nl=(
            "Percentage van de deelnemers aan een leerwerk- of begeleidingstraject "
            "van de onderneming dat in de periode in een betaalde baan is geplaatst "
            "(deeltijd, voltijd, tijdelijk of vast) en daar ook is begonnen. Teller: "
            "deelnemers die in de periode met betaald werk begonnen; noemer: "
            "deelnemers die in de periode een traject volgden of afrondden. Wie een "
            "baan kreeg maar niet begon, telt niet mee in de teller."
        ),
        definition_en=(
            "Percentage of participants in the enterprise's work-learning or "
            "job-coaching programme who were placed in a paid job (part-time, "
            "full-time, temporary or permanent) in the period and actually started "
            "it. Numerator: participants who started paid work in the period; "
            "denominator: participants who followed or completed a programme in the "
            "period. Someone offered a job who did not start is not in the numerator."
        ),
        measurement_nl=(
            "Deelnemerslijst van de periode (noemer) en het contract of de eerste "
            "loonstrook van de plaatsing (teller); leg teller en noemer vast zodat "
            "een gewogen gemiddelde over ondernemingen mogelijk is."
        ),
        measurement_en=(
            "Participant list for the period (denominator) and the contract or first "
            "payslip of the placement (numerator); record both so that a weighted "
            "average across enterprises is possible."
        ),
        sdg_targets=("8.5",),
        # IRIS+ PI3527: percentage of clients placed in jobs who began them
        # during the reporting period (iris.thegiin.org/metric/5.3/pi3527).
        iris_metric_id="PI3527",
    ),
    IndicatorSeed(
        code="LP-PERMANENT-CONTRACTS",
        name_nl="Vaste contracten voor de doelgroep",
        name_en="Permanent contracts for target-group employees",
        theme=_LP,
        toc_level="outcome",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal doelgroepmedewerkers dat in de periode een arbeidsovereenkomst "
            "voor onbepaalde tijd bij de onderneming krijgt, bij indiensttreding of "
            "door omzetting van een tijdelijk contract. Een oproepcontract voor "
            "onbepaalde tijd zonder vaste uren telt niet."
        ),
        definition_en=(
            "Number of target-group employees who receive a permanent (open-ended) "
            "employment contract from the enterprise in the period, on hiring or by "
            "converting a fixed-term contract. An open-ended on-call contract "
            "without fixed hours does not count."
        ),
        measurement_nl=(
            "Getekende arbeidsovereenkomst of addendum; tellen in de periode van de "
            "ingangsdatum van het vaste contract."
        ),
        measurement_en=("Signed contract or addendum; count in the period of the permanent contract's effective date."),
        sdg_targets=("8.5", "8.8"),
    ),
    IndicatorSeed(
        code="LP-SOCIAL-RETURN-VALUE",
        name_nl="Maatschappelijke waarde volgens bouwblokken",
        name_en="Social value (bouwblokken method)",
        theme=_LP,
        toc_level="impact",
        unit="eur",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Maatschappelijke waarde van het werk van doelgroepmedewerkers in de "
            "periode volgens de bouwblokkentabel van de arbeidsmarktregio die op de "
            "peildatum geldt: (bouwblok per voltijdsjaar naar de situatie vooraf + "
            "bonussen) × uren per week / 36 × maanden / 12. Geen geldstroom, "
            "maar de waardering die gemeenten bij social return gebruiken."
        ),
        definition_en=(
            "Social value of the work of target-group employees in the period, using "
            "the bouwblokken table of the labour-market region valid on the "
            "reference date: (block per full-time year by the situation before + "
            "bonuses) × hours per week / 36 × months / 12. Not a cash flow but "
            "the valuation municipalities use for social return."
        ),
        measurement_nl=(
            "Berekend door fundapp (fundapp.reports.social_value) uit de "
            "deelnemergegevens: situatie vooraf, uren per week, maanden in dienst in "
            "de periode en bonuskenmerken. Het rapport vermeldt de gebruikte tabel, "
            "de regio en de ingangsdatum."
        ),
        measurement_en=(
            "Calculated by fundapp (fundapp.reports.social_value) from participant "
            "data: situation before, hours per week, months employed in the period "
            "and bonus attributes. The report states the table, region and "
            "valid-from date used."
        ),
        sdg_targets=("8.5", "10.2"),
    ),
    IndicatorSeed(
        code="LP-AVOIDED-BENEFIT-COST",
        name_nl="Vermeden uitkeringslasten",
        name_en="Avoided benefit cost",
        theme=_LP,
        toc_level="impact",
        unit="eur",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Geschatte bijstandslasten die de gemeente niet heeft gemaakt doordat "
            "deelnemers uit de bijstand zijn: maanden zonder uitkering × de "
            "bijstandsnorm per maand × 1,05 (vakantietoeslag), eventueel plus de "
            "uitvoeringskosten per dossier per jaar naar rato. Alleen voor volledig "
            "beëindigde bijstandsuitkeringen (LP-BENEFIT-ENDED); WW, Wajong en WIA "
            "tellen hier niet, want die betaalt het UWV en niet de gemeente."
        ),
        definition_en=(
            "Estimated social-assistance cost the municipality did not incur because "
            "participants left social assistance: months off benefit × the monthly "
            "assistance norm × 1.05 (holiday allowance), optionally plus the "
            "implementation cost per case per year pro rata. Only for fully ended "
            "social-assistance benefits (LP-BENEFIT-ENDED); WW, Wajong and WIA do "
            "not count here, because UWV pays those, not the municipality."
        ),
        measurement_nl=(
            "Berekend door fundapp met de norm die op de peildatum geldt; maanden "
            "tellen vanaf de eerste maand zonder uitkering tot het einde van de "
            "periode, of tot de deelnemer weer een uitkering krijgt. Het rapport "
            "vermeldt de norm en de ingangsdatum."
        ),
        measurement_en=(
            "Calculated by fundapp with the norm valid on the reference date; "
            "months run from the first month without benefit to the end of the "
            "period, or until the participant returns to benefit. The report states "
            "the norm and its valid-from date."
        ),
        sdg_targets=("8.5",),
    ),
    # ------------------------------------------------------------------
    # Circulaire economie / circular economy
    # ------------------------------------------------------------------
    IndicatorSeed(
        code="CE-MATERIAL-REUSED-KG",
        name_nl="Materiaal hergebruikt",
        name_en="Material reused",
        theme=_CE,
        toc_level="output",
        unit="kg",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Gewicht in kilogram van producten, onderdelen en materialen die de "
            "onderneming in de periode opnieuw in gebruik heeft gebracht in dezelfde "
            "of een vergelijkbare functie, zonder ze te vermalen of om te smelten: "
            "verkochte of weggegeven tweedehands goederen, gedemonteerde onderdelen "
            "die opnieuw worden ingebouwd, bouwmaterialen die opnieuw worden "
            "toegepast. Telt niet: materiaal dat wordt gerecycled "
            "(CE-MATERIAL-RECYCLED-KG), verbrand of gestort, en ingezamelde voorraad "
            "die nog niet is afgezet."
        ),
        definition_en=(
            "Weight in kilograms of products, components and materials the "
            "enterprise put back into use in the period in the same or a similar "
            "function, without shredding or melting them: second-hand goods sold or "
            "given away, dismantled parts built in again, building materials "
            "applied again. Does not count: material that is recycled "
            "(CE-MATERIAL-RECYCLED-KG), incinerated or landfilled, and collected "
            "stock not yet passed on."
        ),
        measurement_nl=(
            "Wegen bij verkoop of uitgifte (weegbon, kassasysteem met gewicht per "
            "productgroep) of, als wegen niet kan, aantal stuks × een vast gemiddeld "
            "gewicht per productgroep dat in het impactplan is vastgelegd; tellen in "
            "de periode van afzet."
        ),
        measurement_en=(
            "Weigh at sale or hand-out (weighbridge ticket, till system with weight "
            "per product group) or, where weighing is impractical, number of items × "
            "a fixed average weight per product group set in the impact plan; count "
            "in the period the items leave the enterprise."
        ),
        sdg_targets=("12.5",),
    ),
    IndicatorSeed(
        code="CE-MATERIAL-RECYCLED-KG",
        name_nl="Materiaal gerecycled",
        name_en="Material recycled",
        theme=_CE,
        toc_level="output",
        unit="kg",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Gewicht in kilogram van ingezameld of gescheiden materiaal dat de "
            "onderneming in de periode heeft afgegeven aan een verwerker die het tot "
            "secundaire grondstof verwerkt (materiaalrecycling). Verbranding met "
            "energieterugwinning, storten en export zonder verwerkingsbewijs tellen "
            "niet."
        ),
        definition_en=(
            "Weight in kilograms of collected or separated material the enterprise "
            "delivered in the period to a processor that turns it into secondary raw "
            "material (material recycling). Incineration with energy recovery, "
            "landfill and export without proof of processing do not count."
        ),
        measurement_nl=(
            "Weegbonnen en afgifte- of begeleidingsbrieven van de erkende verwerker; tellen op de afgiftedatum."
        ),
        measurement_en=(
            "Weighbridge tickets and waste transfer notes from the licensed processor; count on the delivery date."
        ),
        sdg_targets=("12.5",),
    ),
    IndicatorSeed(
        code="CE-PRODUCTS-REPAIRED",
        name_nl="Producten gerepareerd",
        name_en="Products repaired",
        theme=_CE,
        toc_level="output",
        unit="count",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal producten (apparaten, fietsen, meubels, kleding, elektronica) dat "
            "de onderneming in de periode heeft gerepareerd of gereviseerd en dat "
            "weer werkt en terug is bij de eigenaar of is verkocht. Een product telt "
            "één keer per reparatie. Onderhoud zonder defect (schoonmaken, afstellen) "
            "en producten die na een reparatiepoging worden afgeschreven tellen niet."
        ),
        definition_en=(
            "Number of products (appliances, bicycles, furniture, clothing, "
            "electronics) the enterprise repaired or refurbished in the period that "
            "work again and are back with their owner or sold. A product counts "
            "once per repair. Maintenance without a defect (cleaning, adjusting) and "
            "products written off after a repair attempt do not count."
        ),
        measurement_nl=(
            "Werkorder- of reparatieregistratie met de datum van aflevering; tellen in de periode van aflevering."
        ),
        measurement_en=("Work-order or repair log with the date of return or sale; count in the period of that date."),
        sdg_targets=("12.5",),
    ),
    IndicatorSeed(
        code="CE-SECONDHAND-ITEMS",
        name_nl="Tweedehands producten verkocht of uitgegeven",
        name_en="Second-hand items sold or passed on",
        theme=_CE,
        toc_level="output",
        unit="count",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal tweedehands producten dat de onderneming in de periode heeft "
            "verkocht, verhuurd of gratis uitgegeven voor hergebruik (kringloop, "
            "refurbished elektronica, tweedehands kleding en meubels). Stuks in "
            "plaats van kilo's: het vult CE-MATERIAL-REUSED-KG aan, het vervangt "
            "het niet. Verhuur van hetzelfde product telt één keer per periode."
        ),
        definition_en=(
            "Number of second-hand items the enterprise sold, rented out or gave "
            "away for reuse in the period (charity shop, refurbished electronics, "
            "second-hand clothing and furniture). Items rather than kilograms: it "
            "complements CE-MATERIAL-REUSED-KG, it does not replace it. Renting out "
            "the same item counts once per period."
        ),
        measurement_nl="Kassasysteem of uitgifteregistratie per artikel; tellen in de periode van afzet.",
        measurement_en="Till system or hand-out log per item; count in the period the item leaves.",
        sdg_targets=("12.5",),
    ),
    IndicatorSeed(
        code="CE-MATERIALS-REUSED-M2",
        name_nl="Oppervlak hergebruikte bouwmaterialen",
        name_en="Area of building materials reused",
        theme=_CE,
        toc_level="output",
        unit="m2",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Oppervlak in vierkante meters van plaatmateriaal en vloer-, wand-, "
            "plafond- en gevelbekleding (zoals tapijttegels, systeemplafonds, glas, "
            "gevelpanelen, houten platen) dat in de periode opnieuw is toegepast in "
            "een bouw- of inrichtingsproject. Alleen voor materiaal dat niet ook in "
            "kilogrammen is gerapporteerd (CE-MATERIAL-REUSED-KG), om dubbeltelling "
            "te voorkomen."
        ),
        definition_en=(
            "Area in square metres of sheet material and floor, wall, ceiling and "
            "façade finishes (such as carpet tiles, suspended-ceiling panels, glass, "
            "façade panels, wooden boards) applied again in a construction or "
            "fit-out project in the period. Only for material not also reported in "
            "kilograms (CE-MATERIAL-REUSED-KG), to avoid double counting."
        ),
        measurement_nl=(
            "Opleverings- of materiaalstaat van het project met oppervlak per "
            "materiaalsoort; tellen in de periode van oplevering."
        ),
        measurement_en=(
            "Project completion or materials statement with the area per material "
            "type; count in the period of completion."
        ),
        sdg_targets=("12.2", "12.5"),
    ),
    IndicatorSeed(
        code="CE-SECONDARY-INPUT-SHARE",
        name_nl="Aandeel secundair materiaal in de inkoop",
        name_en="Share of secondary material in inputs",
        theme=_CE,
        toc_level="outcome",
        unit="percent",
        value_type="percentage",
        aggregation="average",
        definition_nl=(
            "Gewicht van hergebruikte en gerecyclede grondstoffen en onderdelen als "
            "percentage van het totale gewicht van de grondstoffen en onderdelen die "
            "de onderneming in de periode inkocht of inzamelde voor de eigen "
            "productie. Verpakkingen en hulpstoffen (brandstof, schoonmaakmiddelen) "
            "tellen niet mee."
        ),
        definition_en=(
            "Weight of reused and recycled raw materials and components as a "
            "percentage of the total weight of raw materials and components the "
            "enterprise bought or collected for its own production in the period. "
            "Packaging and consumables (fuel, cleaning agents) are excluded."
        ),
        measurement_nl=(
            "Inkoopfacturen en leveranciersverklaringen met gewicht en aandeel "
            "gerecycled materiaal per artikel; eigen inzameling uit weegbonnen; "
            "teller en noemer vastleggen."
        ),
        measurement_en=(
            "Purchase invoices and supplier declarations with weight and recycled "
            "content per item; own collection from weighbridge tickets; record "
            "numerator and denominator."
        ),
        sdg_targets=("12.2", "12.5"),
    ),
    IndicatorSeed(
        code="CE-ENERGY-SAVED-KWH",
        name_nl="Energie bespaard",
        name_en="Energy saved",
        theme=_CE,
        toc_level="outcome",
        unit="kwh",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Vermindering van het energieverbruik in kWh in de periode door "
            "maatregelen die de onderneming bij huishoudens of organisaties heeft "
            "uitgevoerd of begeleid (energiecoaching, isolatie, tochtstrips, "
            "ledverlichting, zuinige apparaten). Gas wordt omgerekend naar kWh met "
            "de factor uit het impactplan (gangbaar: 1 m³ aardgas ≈ 9,77 kWh). Een "
            "maatregel telt voor de maanden na uitvoering, hooguit twaalf maanden."
        ),
        definition_en=(
            "Reduction in energy use in kWh in the period from measures the "
            "enterprise carried out or guided at households or organisations "
            "(energy coaching, insulation, draught-proofing, LED lighting, efficient "
            "appliances). Gas is converted to kWh with the factor in the impact plan "
            "(commonly 1 m³ of natural gas ≈ 9.77 kWh). A measure counts for the "
            "months after it was carried out, for at most twelve months."
        ),
        measurement_nl=(
            "Bij voorkeur meterstanden vóór en na de maatregel, gecorrigeerd voor "
            "graaddagen; anders een vaste besparing per maatregel uit een erkende "
            "bron (bijvoorbeeld Milieu Centraal), vastgelegd in het impactplan."
        ),
        measurement_en=(
            "Preferably meter readings before and after the measure, corrected for "
            "degree days; otherwise a fixed saving per measure from a recognised "
            "source (e.g. Milieu Centraal), set in the impact plan."
        ),
        sdg_targets=("7.3",),
    ),
    IndicatorSeed(
        code="CE-CO2-AVOIDED",
        name_nl="Vermeden CO2-uitstoot",
        name_en="CO2 emissions avoided",
        theme=_CE,
        toc_level="impact",
        unit="tco2e",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Broeikasgasuitstoot in ton CO2-equivalent die in de periode is vermeden "
            "doordat producten en materialen zijn hergebruikt, gerepareerd of "
            "gerecycled in plaats van nieuw gemaakt, of doordat energie is bespaard. "
            "Berekening: hoeveelheid (kg, stuks of kWh) × emissiefactor per product- "
            "of materiaalsoort uit een erkende bron (bijvoorbeeld "
            "CO2emissiefactoren.nl of de Nationale Milieudatabase), minus de "
            "uitstoot van eigen inzameling, transport en bewerking voor zover "
            "bekend. Vermeden uitstoot is geen verlaging van de eigen voetafdruk en "
            "wordt daar apart van gerapporteerd."
        ),
        definition_en=(
            "Greenhouse-gas emissions in tonnes of CO2 equivalent avoided in the "
            "period because products and materials were reused, repaired or "
            "recycled instead of newly made, or because energy was saved. "
            "Calculation: quantity (kg, items or kWh) × emission factor per product "
            "or material type from a recognised source (e.g. CO2emissiefactoren.nl "
            "or the Nationale Milieudatabase), minus the emissions of the "
            "enterprise's own collection, transport and processing where known. "
            "Avoided emissions are not a reduction of the enterprise's own "
            "footprint and are reported separately from it."
        ),
        measurement_nl=(
            "Hoeveelheden uit CE-MATERIAL-REUSED-KG, CE-MATERIAL-RECYCLED-KG, "
            "CE-PRODUCTS-REPAIRED en CE-ENERGY-SAVED-KWH; emissiefactoren met bron "
            "en versie vastleggen in het impactplan en niet tussentijds wijzigen "
            "zonder de nulmeting opnieuw te berekenen."
        ),
        measurement_en=(
            "Quantities from CE-MATERIAL-REUSED-KG, CE-MATERIAL-RECYCLED-KG, "
            "CE-PRODUCTS-REPAIRED and CE-ENERGY-SAVED-KWH; record the emission "
            "factors with source and version in the impact plan and do not change "
            "them mid-plan without recalculating the baseline."
        ),
        sdg_targets=("9.4", "12.2"),
    ),
    # ------------------------------------------------------------------
    # Duurzame waardeketen / sustainable value chain
    # ------------------------------------------------------------------
    IndicatorSeed(
        code="VC-LOCAL-SPEND-EUR",
        name_nl="Lokale inkoop",
        name_en="Local purchasing",
        theme=_VC,
        toc_level="output",
        unit="eur",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Inkoopwaarde in euro (exclusief btw) in de periode bij leveranciers "
            "met een vestiging in dezelfde arbeidsmarktregio als de onderneming. "
            "Bepalend is de KvK-vestiging die levert of de dienst uitvoert, niet het "
            "hoofdkantoor. Loonkosten, huur, belastingen, rente, afschrijvingen en "
            "energie via het net tellen niet mee."
        ),
        definition_en=(
            "Purchase value in euros (excluding VAT) in the period with suppliers "
            "that have an establishment in the enterprise's own labour-market "
            "region. What counts is the registered establishment (KvK) that "
            "delivers or performs the service, not the head office. Wages, rent, "
            "taxes, interest, depreciation and grid energy are excluded."
        ),
        measurement_nl=(
            "Crediteurenlijst uit de boekhouding over de periode, per leverancier "
            "de vestigingsplaats volgens het KvK-register, gekoppeld aan de "
            "arbeidsmarktregio."
        ),
        measurement_en=(
            "Creditors list from the accounts for the period, with each supplier's "
            "establishment according to the KvK register, matched to the "
            "labour-market region."
        ),
        sdg_targets=("8.3",),
    ),
    IndicatorSeed(
        code="VC-LOCAL-SPEND-SHARE",
        name_nl="Aandeel lokale inkoop",
        name_en="Share of local purchasing",
        theme=_VC,
        toc_level="outcome",
        unit="percent",
        value_type="percentage",
        aggregation="average",
        definition_nl=(
            "VC-LOCAL-SPEND-EUR als percentage van de totale inkoopwaarde "
            "(exclusief btw) in de periode, met dezelfde uitsluitingen: loonkosten, "
            "huur, belastingen, rente, afschrijvingen en energie via het net tellen "
            "in teller noch noemer mee."
        ),
        definition_en=(
            "VC-LOCAL-SPEND-EUR as a percentage of total purchase value (excluding "
            "VAT) in the period, with the same exclusions: wages, rent, taxes, "
            "interest, depreciation and grid energy are in neither numerator nor "
            "denominator."
        ),
        measurement_nl="Als VC-LOCAL-SPEND-EUR; teller en noemer vastleggen.",
        measurement_en="As VC-LOCAL-SPEND-EUR; record numerator and denominator.",
        sdg_targets=("8.3",),
    ),
    IndicatorSeed(
        code="VC-LABELLED-SUPPLIERS",
        name_nl="Leveranciers met een sociaal of ecologisch keurmerk",
        name_en="Suppliers with a social or ecological label",
        theme=_VC,
        toc_level="output",
        unit="count",
        value_type="integer",
        aggregation="latest",
        definition_nl=(
            "Aantal leveranciers met een inkoopwaarde van minimaal € 1.000 in de "
            "twaalf maanden vóór de peildatum dat op de peildatum een geldig sociaal "
            "of ecologisch keurmerk heeft: bijvoorbeeld PSO (Prestatieladder "
            "Socialer Ondernemen), registratie in de Code Sociale Ondernemingen, "
            "lidmaatschap van Social Enterprise NL, B Corp, Fairtrade, EU Ecolabel, "
            "FSC of PEFC, Skal (biologisch) of Cradle to Cradle. Een verlopen "
            "keurmerk telt niet; een leverancier met meer keurmerken telt één keer."
        ),
        definition_en=(
            "Number of suppliers with purchases of at least EUR 1,000 in the twelve "
            "months before the reference date that hold a valid social or "
            "ecological label on the reference date: e.g. PSO (Prestatieladder "
            "Socialer Ondernemen), registration in the Code Sociale Ondernemingen, "
            "Social Enterprise NL membership, B Corp, Fairtrade, EU Ecolabel, FSC or "
            "PEFC, Skal (organic) or Cradle to Cradle. A lapsed label does not "
            "count; a supplier with several labels counts once."
        ),
        measurement_nl=(
            "Leverancierslijst met keurmerk, certificaatnummer en einddatum, "
            "gecontroleerd in het openbare register van de keurmerkhouder op de "
            "peildatum."
        ),
        measurement_en=(
            "Supplier list with label, certificate number and expiry date, checked "
            "against the label owner's public register on the reference date."
        ),
        sdg_targets=("12.6",),
    ),
    IndicatorSeed(
        code="VC-LABELLED-SPEND-SHARE",
        name_nl="Aandeel inkoop bij leveranciers met een keurmerk",
        name_en="Share of purchasing from labelled suppliers",
        theme=_VC,
        toc_level="outcome",
        unit="percent",
        value_type="percentage",
        aggregation="average",
        definition_nl=(
            "Inkoopwaarde (exclusief btw) in de periode bij leveranciers die op het "
            "moment van inkoop een geldig keurmerk hadden zoals genoemd bij "
            "VC-LABELLED-SUPPLIERS, als percentage van de totale inkoopwaarde met "
            "dezelfde uitsluitingen als VC-LOCAL-SPEND-SHARE."
        ),
        definition_en=(
            "Purchase value (excluding VAT) in the period with suppliers that held a "
            "valid label as listed under VC-LABELLED-SUPPLIERS at the time of "
            "purchase, as a percentage of total purchase value with the same "
            "exclusions as VC-LOCAL-SPEND-SHARE."
        ),
        measurement_nl=(
            "Crediteurenlijst gekoppeld aan de leverancierslijst met keurmerken en "
            "geldigheidsdata; teller en noemer vastleggen."
        ),
        measurement_en=(
            "Creditors list matched to the supplier list with labels and validity "
            "dates; record numerator and denominator."
        ),
        sdg_targets=("12.6",),
    ),
    IndicatorSeed(
        code="VC-SOCIAL-ENTERPRISE-SPEND",
        name_nl="Inkoop bij sociale ondernemingen",
        name_en="Purchasing from social enterprises",
        theme=_VC,
        toc_level="output",
        unit="eur",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Inkoopwaarde in euro (exclusief btw) in de periode bij sociale "
            "ondernemingen en inclusieve werkgevers: geregistreerd in de Code "
            "Sociale Ondernemingen, lid van Social Enterprise NL, in het bezit van "
            "een PSO-certificaat (Trede 1 of hoger, of PSO 30+), of een "
            "Cedris-erkend leerwerkbedrijf of sociaal ontwikkelbedrijf. De status "
            "moet gelden op de factuurdatum."
        ),
        definition_en=(
            "Purchase value in euros (excluding VAT) in the period with social "
            "enterprises and inclusive employers: registered in the Code Sociale "
            "Ondernemingen, a Social Enterprise NL member, holding a PSO "
            "certificate (Step 1 or higher, or PSO 30+), or a Cedris-recognised "
            "work-learning company or social development company. The status must "
            "hold on the invoice date."
        ),
        measurement_nl=(
            "Crediteurenlijst gekoppeld aan de openbare registers (Code Sociale "
            "Ondernemingen, PSO, Social Enterprise NL, Cedris) op de factuurdatum."
        ),
        measurement_en=(
            "Creditors list matched to the public registers (Code Sociale "
            "Ondernemingen, PSO, Social Enterprise NL, Cedris) on the invoice date."
        ),
        sdg_targets=("8.5", "10.2"),
    ),
    IndicatorSeed(
        code="VC-LIVING-WAGE-SHARE",
        name_nl="Aandeel medewerkers met een leefbaar loon",
        name_en="Share of employees paid a living wage",
        theme=_VC,
        toc_level="outcome",
        unit="percent",
        value_type="percentage",
        aggregation="average",
        definition_nl=(
            "Percentage van de eigen medewerkers (inclusief doelgroepmedewerkers, "
            "exclusief stagiairs en vrijwilligers) van wie het bruto uurloon "
            "inclusief vakantiegeld op de peildatum minimaal gelijk is aan de "
            "leefbaarloonnorm voor Nederland die in het impactplan is vastgelegd "
            "(bijvoorbeeld de schatting van de WageIndicator Foundation). Het "
            "wettelijk minimumloon alleen is geen leefbaar loon. Telt het loon dat de "
            "medewerker ontvangt, ongeacht loonkostensubsidie."
        ),
        definition_en=(
            "Percentage of the enterprise's own employees (including target-group "
            "employees, excluding interns and volunteers) whose gross hourly wage "
            "including holiday pay on the reference date is at least the Dutch "
            "living-wage benchmark set in the impact plan (e.g. the WageIndicator "
            "Foundation estimate). The statutory minimum wage alone is not a living "
            "wage. What counts is the wage the employee receives, regardless of any "
            "wage-cost subsidy."
        ),
        measurement_nl=(
            "Loonadministratie op de peildatum, vergeleken met de vastgelegde norm "
            "(bron en datum in het impactplan); teller en noemer vastleggen."
        ),
        measurement_en=(
            "Payroll on the reference date compared with the benchmark (source and "
            "date recorded in the impact plan); record numerator and denominator."
        ),
        sdg_targets=("8.5",),
    ),
    IndicatorSeed(
        code="VC-SUPPLIERS-SCREENED",
        name_nl="Leveranciers beoordeeld op risico's in de keten",
        name_en="Suppliers screened for supply-chain risks",
        theme=_VC,
        toc_level="output",
        unit="count",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal leveranciers waarvan de onderneming in de periode de risico's op "
            "schending van mensenrechten, arbeidsrechten en milieu heeft beoordeeld "
            "volgens de OESO-richtlijnen (gepaste zorgvuldigheid): een ingevulde "
            "vragenlijst met onderbouwing, een audit- of certificaatcontrole, of een "
            "bezoek met verslag. Alleen een handtekening onder algemene voorwaarden "
            "of een gedragscode telt niet. Dezelfde leverancier telt hooguit één "
            "keer per jaar."
        ),
        definition_en=(
            "Number of suppliers whose risks of human-rights, labour-rights and "
            "environmental harm the enterprise assessed in the period following the "
            "OECD Guidelines (due diligence): a completed questionnaire with "
            "evidence, an audit or certificate check, or a visit with a written "
            "report. A mere signature under terms and conditions or a code of "
            "conduct does not count. The same supplier counts at most once a year."
        ),
        measurement_nl=(
            "Beoordelingsdossier per leverancier met datum, methode en uitkomst; "
            "tellen in de periode waarin de beoordeling is afgerond."
        ),
        measurement_en=(
            "Assessment file per supplier with date, method and outcome; count in "
            "the period the assessment was completed."
        ),
        sdg_targets=("8.7", "12.6"),
    ),
    # ------------------------------------------------------------------
    # Armoedebestrijding / poverty reduction
    # ------------------------------------------------------------------
    IndicatorSeed(
        code="PV-DEBT-HOUSEHOLDS-STARTED",
        name_nl="Huishoudens gestart met schuldhulp",
        name_en="Households starting debt counselling",
        theme=_PV,
        toc_level="output",
        unit="households",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal huishoudens dat in de periode na een intakegesprek een "
            "schuldhulptraject bij of via de onderneming is begonnen, met een "
            "vastgelegd plan van aanpak. Eenmalige vragen, informatiebijeenkomsten "
            "en doorverwijzingen zonder eigen begeleiding tellen niet. Een "
            "huishouden telt één keer per traject; wie binnen zes maanden na "
            "afsluiting terugkomt, telt niet opnieuw."
        ),
        definition_en=(
            "Number of households that started a debt-counselling programme with or "
            "through the enterprise in the period, after an intake interview and "
            "with a written plan. One-off questions, information sessions and "
            "referrals without the enterprise's own support do not count. A "
            "household counts once per programme; a household returning within six "
            "months of closure does not count again."
        ),
        measurement_nl=(
            "Registratie van de intakedatum en het plan van aanpak per huishouden "
            "(pseudoniem); tellen in de periode van de intake."
        ),
        measurement_en=(
            "Record of the intake date and plan per household (pseudonymous); count in the period of the intake."
        ),
        sdg_targets=("1.4", "10.2"),
    ),
    IndicatorSeed(
        code="PV-DEBT-HOUSEHOLDS-SUPPORTED",
        name_nl="Huishoudens in schuldhulp (lopend)",
        name_en="Households in debt counselling (active caseload)",
        theme=_PV,
        toc_level="output",
        unit="households",
        value_type="integer",
        aggregation="latest",
        definition_nl=(
            "Aantal huishoudens met een lopend schuldhulptraject bij of via de "
            "onderneming op de laatste dag van de periode: gestart "
            "(PV-DEBT-HOUSEHOLDS-STARTED) en nog niet afgesloten of uitgevallen. "
            "Een huishouden dat langer dan drie maanden geen contact meer heeft "
            "gehad, telt als uitgevallen."
        ),
        definition_en=(
            "Number of households with an active debt-counselling programme with or "
            "through the enterprise on the last day of the period: started "
            "(PV-DEBT-HOUSEHOLDS-STARTED) and not yet closed or dropped out. A "
            "household with no contact for more than three months counts as "
            "dropped out."
        ),
        measurement_nl="Cliëntregistratie met start-, laatste-contact- en afsluitdatum; tellen op de peildatum.",
        measurement_en="Client records with start, last-contact and closure dates; count on the reference date.",
        sdg_targets=("1.4",),
    ),
    IndicatorSeed(
        code="PV-DEBTS-RESOLVED",
        name_nl="Huishoudens met geregelde schulden",
        name_en="Households with debts resolved",
        theme=_PV,
        toc_level="outcome",
        unit="households",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal huishoudens van wie de problematische schulden in de periode "
            "zijn geregeld: alle schuldeisers hebben ingestemd met een minnelijke "
            "schuldregeling of saneringskrediet, de rechter heeft de Wsnp-regeling "
            "afgesloten met een schone lei, of alle schulden zijn betaald of "
            "kwijtgescholden. Een betalingsregeling met een deel van de schuldeisers "
            "telt niet. Geteld op de datum van het akkoord of de beschikking; wie de "
            "regeling later niet volhoudt, wordt niet teruggeteld maar apart "
            "gemeld."
        ),
        definition_en=(
            "Number of households whose problem debts were resolved in the period: "
            "all creditors agreed to an amicable debt settlement or a consolidation "
            "loan (saneringskrediet), the court closed the statutory debt scheme "
            "(Wsnp) with a clean slate, or all debts were paid or remitted. A "
            "payment plan with only some creditors does not count. Counted on the "
            "date of the agreement or decision; a household that later fails the "
            "settlement is not subtracted but reported separately."
        ),
        measurement_nl=(
            "Akkoordverklaring van alle schuldeisers, de beschikking over het "
            "saneringskrediet, het vonnis schone lei of een schuldenoverzicht met "
            "nulstanden, bewaard per huishouden."
        ),
        measurement_en=(
            "Consent of all creditors, the consolidation-loan decision, the "
            "clean-slate ruling or a debt overview showing zero balances, kept per "
            "household."
        ),
        sdg_targets=("1.2", "1.4"),
    ),
    IndicatorSeed(
        code="PV-DEBT-AMOUNT-RESOLVED",
        name_nl="Schuldbedrag geregeld",
        name_en="Debt amount resolved",
        theme=_PV,
        toc_level="outcome",
        unit="eur",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Totaal openstaand schuldbedrag (hoofdsom, rente en kosten) op de datum "
            "van het akkoord of de beschikking van de huishoudens die in de periode "
            "meetellen bij PV-DEBTS-RESOLVED."
        ),
        definition_en=(
            "Total outstanding debt (principal, interest and costs) on the date of "
            "the agreement or decision, of the households counted in "
            "PV-DEBTS-RESOLVED in the period."
        ),
        measurement_nl="Schuldenoverzicht uit het dossier, bevestigd door de schuldeisers.",
        measurement_en="Debt overview from the case file, confirmed by the creditors.",
        sdg_targets=("1.4",),
    ),
    IndicatorSeed(
        code="PV-INCOME-SECURED",
        name_nl="Extra inkomen uit voorzieningen",
        name_en="Extra income secured from entitlements",
        theme=_PV,
        toc_level="outcome",
        unit="eur",
        value_type="decimal",
        aggregation="sum",
        definition_nl=(
            "Jaarbedrag aan inkomen dat huishoudens dankzij hulp van de onderneming "
            "in de periode voor het eerst krijgen uit voorzieningen waarop zij recht "
            "hadden maar die zij niet gebruikten: toeslagen, bijzondere bijstand, "
            "individuele inkomenstoeslag, kwijtschelding van gemeentelijke "
            "belastingen en andere minimaregelingen. Geteld in de periode van "
            "toekenning, als maandbedrag × 12 of als het toegekende eenmalige "
            "bedrag; de verlenging van een bestaande voorziening telt niet."
        ),
        definition_en=(
            "Annual amount of income that households receive for the first time in "
            "the period, thanks to the enterprise's help, from entitlements they "
            "had but did not use: allowances (toeslagen), special assistance, "
            "individual income supplement, remission of municipal taxes and other "
            "low-income schemes. Counted in the period of the award, as the monthly "
            "amount × 12 or as the one-off amount awarded; renewing an existing "
            "entitlement does not count."
        ),
        measurement_nl=("Toekenningsbeschikking van Dienst Toeslagen of de gemeente per huishouden (pseudoniem)."),
        measurement_en=(
            "Award decision from the Benefits Agency (Dienst Toeslagen) or the "
            "municipality per household (pseudonymous)."
        ),
        sdg_targets=("1.3",),
    ),
    IndicatorSeed(
        code="PV-FINANCES-STABLE",
        name_nl="Huishoudens met stabiele financiën",
        name_en="Households with stable finances",
        theme=_PV,
        toc_level="outcome",
        unit="households",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal begeleide huishoudens dat in de periode voor het eerst drie "
            "aaneengesloten maanden de vaste lasten (huur, energie, "
            "zorgverzekering) op tijd heeft betaald zonder nieuwe achterstanden, "
            "met een sluitende begroting. Geteld in de periode van de derde maand."
        ),
        definition_en=(
            "Number of supported households that, for the first time, paid their "
            "fixed costs (rent, energy, health insurance) on time for three "
            "consecutive months in the period without new arrears, with a balanced "
            "budget. Counted in the period of the third month."
        ),
        measurement_nl=(
            "Bankafschriften of een verklaring van de bewindvoerder of het "
            "budgetbeheer over drie maanden, plus de begroting."
        ),
        measurement_en=(
            "Bank statements or a statement from the financial administrator or "
            "budget-management service covering three months, plus the budget."
        ),
        sdg_targets=("1.4",),
    ),
    IndicatorSeed(
        code="PV-ENERGY-POVERTY-HOUSEHOLDS",
        name_nl="Huishoudens geholpen bij energiearmoede",
        name_en="Households helped with energy poverty",
        theme=_PV,
        toc_level="output",
        unit="households",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal huishoudens met een inkomen tot 130% van het sociaal minimum dat "
            "in de periode thuis minimaal één energiebesparende maatregel of een "
            "bezoek van een energiecoach heeft gekregen. Een huishouden telt één "
            "keer per periode, ook bij meer maatregelen."
        ),
        definition_en=(
            "Number of households with an income up to 130% of the social minimum "
            "that received at least one energy-saving measure or an energy-coach "
            "visit at home in the period. A household counts once per period, even "
            "with several measures."
        ),
        measurement_nl=(
            "Registratie per adres (pseudoniem) met datum van bezoek of installatie "
            "en de inkomenstoets (verklaring van de gemeente of eigen verklaring "
            "met bewijs)."
        ),
        measurement_en=(
            "Record per address (pseudonymous) with the date of the visit or "
            "installation and the income check (municipal statement or a "
            "self-declaration with evidence)."
        ),
        sdg_targets=("1.4", "7.1"),
    ),
    IndicatorSeed(
        code="PV-ABOVE-SOCIAL-MINIMUM",
        name_nl="Huishoudens boven 120% van het sociaal minimum",
        name_en="Households lifted above 120% of the social minimum",
        theme=_PV,
        toc_level="impact",
        unit="households",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal begeleide huishoudens met een besteedbaar inkomen onder 120% van "
            "het sociaal minimum bij de start dat twaalf maanden later een inkomen "
            "boven die grens heeft. Geteld in de periode van de meting na twaalf "
            "maanden."
        ),
        definition_en=(
            "Number of supported households with a disposable income below 120% of "
            "the social minimum at the start that have an income above that line "
            "twelve months later. Counted in the period of the twelve-month "
            "measurement."
        ),
        measurement_nl=(
            "Inkomensgegevens (loonstroken, uitkeringsspecificaties) bij de start en "
            "na twaalf maanden, vergeleken met de bijstandsnorm voor de leefsituatie "
            "op die datum; leg ook het aantal gemeten huishoudens vast."
        ),
        measurement_en=(
            "Income evidence (payslips, benefit statements) at the start and after "
            "twelve months, compared with the social-assistance norm for the "
            "household situation on that date; also record the number of "
            "households measured."
        ),
        sdg_targets=("1.2",),
    ),
    # ------------------------------------------------------------------
    # Kansengelijkheid / equal opportunity
    # ------------------------------------------------------------------
    IndicatorSeed(
        code="EO-PEOPLE-REACHED",
        name_nl="Bereikte bewoners",
        name_en="Residents reached",
        theme=_EO,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal unieke personen dat in de periode minimaal één keer actief heeft "
            "deelgenomen aan een activiteit of dienst van de onderneming in de wijk "
            "(cursus, spreekuur, begeleiding, buurtactiviteit). Wie vaker komt, "
            "telt één keer per periode. Geen vermenigvuldiging met de grootte van "
            "het huishouden, geen bezoekersaantallen of bereik van flyers en "
            "sociale media."
        ),
        definition_en=(
            "Number of unique people who actively took part at least once in the "
            "period in an activity or service of the enterprise in the "
            "neighbourhood (course, drop-in hour, coaching, community activity). "
            "Someone who comes more often counts once per period. No household "
            "multipliers, no visitor counts, no reach of flyers or social media."
        ),
        measurement_nl=(
            "Presentie- of deelnemerslijsten met een pseudonieme deelnemercode, "
            "ontdubbeld binnen de periode. Optellen over perioden telt wie in meer "
            "perioden meedeed meer keren; rapporteer een jaarcijfer als eigen "
            "jaarperiode."
        ),
        measurement_en=(
            "Attendance or participant lists with a pseudonymous participant "
            "reference, de-duplicated within the period. Adding periods counts "
            "people who took part in several periods more than once; report a year "
            "figure as a year period of its own."
        ),
        sdg_targets=("10.2",),
        # IRIS+ PI4060 "Client Individuals: Total": unique individuals who were
        # clients of the organisation in the reporting period, no household
        # multipliers (iris.thegiin.org/metric/5.3/pi4060).
        iris_metric_id="PI4060",
    ),
    IndicatorSeed(
        code="EO-YOUTH-INTERNSHIPS",
        name_nl="Jongeren gestart met een stage",
        name_en="Young people starting an internship",
        theme=_EO,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal jongeren tot 27 jaar dat in de periode een stage bij de "
            "onderneming is begonnen (beroepspraktijkvorming in de mbo-BOL, hbo- of "
            "wo-stage, of een vmbo-stage van minimaal 40 uur), met een "
            "stageovereenkomst en een vaste begeleider in de onderneming. BBL-"
            "leerlingen tellen bij LP-LEERWERK-PLACES."
        ),
        definition_en=(
            "Number of young people under 27 who started an internship with the "
            "enterprise in the period (MBO-BOL work placement, higher-education "
            "internship, or a pre-vocational (vmbo) placement of at least 40 hours), "
            "with an internship agreement and a named supervisor in the enterprise. "
            "BBL apprentices count under LP-LEERWERK-PLACES."
        ),
        measurement_nl=(
            "Stage- of praktijkovereenkomst (school, student, onderneming) met "
            "startdatum en geboortejaar; tellen in de periode van de start."
        ),
        measurement_en=(
            "Internship or placement agreement (school, student, enterprise) with "
            "start date and year of birth; count in the period of the start."
        ),
        sdg_targets=("4.4", "8.6"),
    ),
    IndicatorSeed(
        code="EO-YOUTH-START-QUALIFICATION",
        name_nl="Jongeren met een startkwalificatie",
        name_en="Young people obtaining a basic qualification",
        theme=_EO,
        toc_level="outcome",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal door de onderneming begeleide jongeren tot 27 jaar dat in de "
            "periode een startkwalificatie behaalt: een havo- of vwo-diploma of een "
            "mbo-diploma op niveau 2 of hoger. Certificaten en praktijkverklaringen "
            "tellen hier niet (wel bij LP-QUALIFICATIONS)."
        ),
        definition_en=(
            "Number of young people under 27 supported by the enterprise who obtain "
            "a basic qualification (startkwalificatie) in the period: a havo or vwo "
            "diploma, or an MBO diploma at level 2 or higher. Certificates and "
            "practical-skills statements do not count here (they do under "
            "LP-QUALIFICATIONS)."
        ),
        measurement_nl="Kopie van het diploma; tellen in de periode van de diplomadatum.",
        measurement_en="Copy of the diploma; count in the period of the diploma date.",
        sdg_targets=("4.4", "8.6"),
    ),
    IndicatorSeed(
        code="EO-NEET-TO-WORK-OR-SCHOOL",
        name_nl="Jongeren van thuiszitten naar werk of school",
        name_en="Young people from NEET into work or education",
        theme=_EO,
        toc_level="outcome",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal jongeren van 16 tot 27 jaar dat bij de start van de begeleiding "
            "geen werk, opleiding of stage had en dat na de begeleiding drie "
            "maanden aaneengesloten een arbeidsovereenkomst heeft of bij een "
            "opleiding staat ingeschreven. Geteld in de periode waarin die drie "
            "maanden vol zijn."
        ),
        definition_en=(
            "Number of young people aged 16 to 26 who had no job, education or "
            "training at the start of support and who, after support, have held an "
            "employment contract or been enrolled in education for three "
            "consecutive months. Counted in the period in which the three months "
            "are completed."
        ),
        measurement_nl=(
            "Verklaring of registratie van de situatie bij de start; bewijs van "
            "inschrijving (school of DUO) of het contract en een loonstrook na drie "
            "maanden."
        ),
        measurement_en=(
            "Statement or record of the situation at the start; proof of enrolment "
            "(school or DUO) or the contract and a payslip after three months."
        ),
        sdg_targets=("8.6",),
    ),
    IndicatorSeed(
        code="EO-LANGUAGE-LEVEL-GAINED",
        name_nl="Deelnemers met hoger taalniveau Nederlands",
        name_en="Participants gaining a Dutch language level",
        theme=_EO,
        toc_level="outcome",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal deelnemers dat in de periode een taaltraject Nederlands afrondt "
            "met een eindtoets die minimaal één niveau van het Europees "
            "Referentiekader (ERK) vooruitgang laat zien ten opzichte van de "
            "intaketoets, bijvoorbeeld van A1 naar A2 of van A2 naar B1. Afronden "
            "zonder eindtoets telt niet."
        ),
        definition_en=(
            "Number of participants who complete a Dutch language programme in the "
            "period with a final test showing progress of at least one level on the "
            "Common European Framework of Reference (CEFR) compared with the intake "
            "test, e.g. from A1 to A2 or from A2 to B1. Completion without a final "
            "test does not count."
        ),
        measurement_nl=(
            "Intake- en eindtoets met een gestandaardiseerd instrument "
            "(bijvoorbeeld een NT2-toets of het staatsexamen); tellen in de periode "
            "van de eindtoets."
        ),
        measurement_en=(
            "Intake and final test with a standardised instrument (e.g. a Dutch "
            "as-a-second-language test or the state exam); count in the period of "
            "the final test."
        ),
        sdg_targets=("4.6", "10.2"),
    ),
    IndicatorSeed(
        code="EO-DIGITAL-SKILLS",
        name_nl="Deelnemers met digitale basisvaardigheden",
        name_en="Participants gaining basic digital skills",
        theme=_EO,
        toc_level="outcome",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal deelnemers dat in de periode een training digitale "
            "basisvaardigheden afrondt (bijvoorbeeld e-mail, DigiD, online "
            "bankieren, een formulier van de overheid invullen) en de eindopdracht "
            "of -toets zelfstandig uitvoert. Alleen aanwezig zijn telt niet."
        ),
        definition_en=(
            "Number of participants who complete a basic digital skills course in "
            "the period (e.g. email, DigiD, online banking, filling in a government "
            "form) and carry out the final assignment or test on their own. "
            "Attendance alone does not count."
        ),
        measurement_nl="Deelnemerslijst met het resultaat van de eindopdracht; tellen in de periode van afronding.",
        measurement_en="Participant list with the final-assignment result; count in the period of completion.",
        sdg_targets=("4.4",),
    ),
    IndicatorSeed(
        code="EO-MENTOR-MATCHES",
        name_nl="Jongeren gekoppeld aan een mentor",
        name_en="Young people matched with a mentor",
        theme=_EO,
        toc_level="output",
        unit="people",
        value_type="integer",
        aggregation="sum",
        definition_nl=(
            "Aantal jongeren tot 27 jaar dat in de periode is gekoppeld aan een "
            "vaste mentor of maatje via de onderneming. Een koppeling telt pas na "
            "de derde afspraak; een kennismaking zonder vervolg telt niet."
        ),
        definition_en=(
            "Number of young people under 27 matched with a regular mentor or buddy "
            "through the enterprise in the period. A match counts only after the "
            "third meeting; an introduction without follow-up does not count."
        ),
        measurement_nl="Koppelingsregistratie met de datum van de derde afspraak; tellen in die periode.",
        measurement_en="Matching record with the date of the third meeting; count in that period.",
        sdg_targets=("4.4", "10.2"),
    ),
    IndicatorSeed(
        code="EO-SELF-RELIANCE-IMPROVED",
        name_nl="Aandeel deelnemers met meer zelfredzaamheid",
        name_en="Share of participants with improved self-reliance",
        theme=_EO,
        toc_level="impact",
        unit="percent",
        value_type="percentage",
        aggregation="average",
        definition_nl=(
            "Percentage van de deelnemers met een vervolgmeting in de periode bij "
            "wie op de Zelfredzaamheid-Matrix (ZRM) minimaal één domein met één punt "
            "of meer is gestegen ten opzichte van de startmeting en geen domein is "
            "gedaald. Noemer: alle deelnemers met een vervolgmeting in de periode."
        ),
        definition_en=(
            "Percentage of participants with a follow-up assessment in the period "
            "whose Self-Sufficiency Matrix (Zelfredzaamheid-Matrix, ZRM) score rose "
            "by at least one point on at least one domain compared with the intake "
            "assessment, with no domain falling. Denominator: all participants with "
            "a follow-up assessment in the period."
        ),
        measurement_nl=(
            "ZRM-startmeting bij de intake en vervolgmeting na zes tot twaalf "
            "maanden, afgenomen door een getrainde begeleider; teller en noemer "
            "vastleggen."
        ),
        measurement_en=(
            "ZRM assessment at intake and a follow-up after six to twelve months, "
            "by a trained coach; record numerator and denominator."
        ),
        sdg_targets=("10.2",),
    ),
)

INDICATOR_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS)
_BY_CODE: dict[str, IndicatorSeed] = {i.code: i for i in INDICATORS}


def indicator(code: str) -> IndicatorSeed:
    """The seed indicator with this code; KeyError naming the code if unknown."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown indicator code: {code!r}") from None


def indicators_for_theme(theme: str) -> tuple[IndicatorSeed, ...]:
    """The seed indicators of one theme, in catalog order."""
    if theme not in THEME_CODES:
        raise ValueError(f"unknown theme: {theme!r}")
    return tuple(i for i in INDICATORS if i.theme == theme)
