"""Every text the investee reads, in Dutch and English, in two tables.

MESSAGES holds the validation messages (keyed by rule), TEXTS the template's own
texts. Placeholders use str.format; user text is quoted with ``quote`` so that a
hostile value cannot make a message huge or carry control characters.
"""

from __future__ import annotations

import re
from datetime import date

from fundapp.formats import format_day

MESSAGES: dict[str, dict[str, str]] = {
    # --- the whole file -------------------------------------------------------
    "file_empty": {
        "nl": "Het bestand is leeg.",
        "en": "The file is empty.",
    },
    "file_too_large": {
        "nl": "Het bestand is {size_mb} MB; de grens is {max_mb} MB.",
        "en": "The file is {size_mb} MB; the limit is {max_mb} MB.",
    },
    "not_xlsx": {
        "nl": "Dit is geen Excel-werkmap (.xlsx), bijvoorbeeld een CSV- of tekstbestand met een andere "
        "naam. Vul het gedownloade sjabloon in en sla het op als .xlsx.",
        "en": "This is not an Excel workbook (.xlsx), for example a CSV or text file that was renamed. "
        "Fill in the downloaded template and save it as .xlsx.",
    },
    "old_xls": {
        "nl": "Dit is een oud Excel 97-2003-bestand (.xls) of een werkmap met een wachtwoord. "
        "Sla het op als Excel-werkmap (.xlsx) zonder wachtwoord.",
        "en": "This is an old Excel 97-2003 file (.xls) or a password-protected workbook. "
        "Save it as an Excel workbook (.xlsx) without a password.",
    },
    "not_a_workbook": {
        "nl": "Dit bestand is geen Excel-werkmap maar een ander Office- of zipbestand (bijvoorbeeld Word).",
        "en": "This file is not an Excel workbook but another Office or zip file (for example Word).",
    },
    "corrupt_zip": {
        "nl": "Het bestand is beschadigd of onvolledig (misschien is het uploaden afgebroken). "
        "Open het in Excel, sla het opnieuw op en upload het nog eens.",
        "en": "The file is damaged or incomplete (perhaps the upload was cut off). "
        "Open it in Excel, save it again and upload it once more.",
    },
    "macro_enabled": {
        "nl": "Werkmappen met macro's (.xlsm) worden geweigerd. Sla het bestand op als Excel-werkmap (.xlsx).",
        "en": "Workbooks with macros (.xlsm) are refused. Save the file as an Excel workbook (.xlsx).",
    },
    "zip_bomb_size": {
        "nl": "Het bestand pakt uit tot meer dan {max_mb} MB en wordt geweigerd.",
        "en": "The file unpacks to more than {max_mb} MB and is refused.",
    },
    "zip_bomb_ratio": {
        "nl": "Een onderdeel van het bestand ({part}) is verdacht sterk gecomprimeerd ({ratio}x) en wordt geweigerd.",
        "en": "A part of the file ({part}) is suspiciously highly compressed ({ratio}x) and is refused.",
    },
    "sheet_too_large": {
        "nl": "Het tabblad {name} reikt tot rij {rows} en kolom {columns}: meer cellen dan fundapp leest "
        "({cells}). Verwijder wat buiten de tabel staat en upload het bestand opnieuw.",
        "en": "The sheet {name} reaches row {rows} and column {columns}: more cells than fundapp reads "
        "({cells}). Delete what lies outside the table and upload the file again.",
    },
    "zip_too_many_parts": {
        "nl": "Het bestand bestaat uit te veel onderdelen ({count}) voor een ingevuld sjabloon.",
        "en": "The file has too many parts ({count}) for a filled-in template.",
    },
    "unsafe_xml": {
        "nl": "Het bestand bevat XML die niet is toegestaan ({part}): een DOCTYPE- of ENTITY-declaratie, of "
        "een andere tekenset dan UTF-8. Sla het bestand opnieuw op in Excel.",
        "en": "The file contains XML that is not allowed ({part}): a DOCTYPE or ENTITY declaration, or a "
        "character encoding other than UTF-8. Save the file again in Excel.",
    },
    "missing_sheet": {
        "nl": "Het tabblad '{name}' ontbreekt. Gebruik het gedownloade sjabloon zonder tabbladen te "
        "verwijderen of te hernoemen.",
        "en": "The sheet '{name}' is missing. Use the downloaded template without deleting or renaming sheets.",
    },
    "identity_missing": {
        "nl": "Dit is geen fundapp-sjabloon (het verborgen herkenningsblad ontbreekt). "
        "Download het sjabloon voor deze periode en vul dat in.",
        "en": "This is not a fundapp template (the hidden identification sheet is missing). "
        "Download the template for this period and fill that in.",
    },
    "version_wrong": {
        "nl": "Dit sjabloon heeft versie {found}; alleen versie {expected} wordt geaccepteerd. "
        "Download een nieuw sjabloon.",
        "en": "This template is version {found}; only version {expected} is accepted. Download a new template.",
    },
    "other_investee": {
        "nl": "Dit sjabloon is gemaakt voor een andere organisatie. Download je eigen sjabloon.",
        "en": "This template was made for another organisation. Download your own template.",
    },
    "other_period": {
        "nl": "Dit sjabloon is voor periode {found}; deze rapportage is voor {expected}.",
        "en": "This template is for period {found}; this report is for {expected}.",
    },
    "bad_signature": {
        "nl": "Het verborgen herkenningsblad van het sjabloon is gewijzigd. Download een nieuw sjabloon.",
        "en": "The template's hidden identification sheet has been changed. Download a new template.",
    },
    "too_many_problems": {
        "nl": "En nog {count} andere problemen; los eerst de bovenstaande op.",
        "en": "And {count} more problems; fix the ones above first.",
    },
    # --- a sheet ---------------------------------------------------------------
    "header_changed": {
        "nl": "De kolomkop is gewijzigd (verwacht: '{expected}'). Kolommen invoegen, verwijderen of "
        "verplaatsen kan niet; de rest van dit tabblad is niet gecontroleerd.",
        "en": "The column header was changed (expected: '{expected}'). Columns cannot be inserted, "
        "deleted or moved; the rest of this sheet was not checked.",
    },
    "too_many_rows": {
        "nl": "Het tabblad loopt door tot rij {last_row}; er passen hoogstens {max_rows} regels in. "
        "Dit tabblad is niet verder gecontroleerd.",
        "en": "The sheet runs to row {last_row}; at most {max_rows} rows are accepted. "
        "This sheet was not checked further.",
    },
    "indicator_missing": {
        "nl": "De regel voor indicator {code} ({name}) ontbreekt; die hoort bij je impactplan.",
        "en": "The row for indicator {code} ({name}) is missing; it belongs to your impact plan.",
    },
    # --- a cell ----------------------------------------------------------------
    "formula": {
        "nl": "Hier staat een formule; vul een waarde in (kopieer en plak als waarde).",
        "en": "This cell holds a formula; enter a value (copy and paste as values).",
    },
    "error_value": {
        "nl": "Deze cel bevat een foutwaarde (zoals #DEEL/0!); vul een waarde in.",
        "en": "This cell holds an error value (such as #DIV/0!); enter a value.",
    },
    "merged": {
        "nl": "De cellen {range} zijn samengevoegd; maak het samenvoegen ongedaan.",
        "en": "The cells {range} are merged; unmerge them.",
    },
    "outside_columns": {
        "nl": "Buiten de kolommen van het sjabloon staan gegevens; haal ze weg (ook geen namen of notities).",
        "en": "There is data outside the template's columns; remove it (no names or notes either).",
    },
    "not_a_number": {
        "nl": "{text} is geen getal; vul een getal in zonder tekst of eenheid.",
        "en": "{text} is not a number; enter a number without text or unit.",
    },
    "value_required": {
        "nl": "Vul een waarde in; elke indicator uit het impactplan moet gerapporteerd worden "
        "(vul 0 in als er niets te melden is en leg het uit in de toelichting).",
        "en": "Enter a value; every indicator of the impact plan must be reported "
        "(enter 0 if there is nothing to report and explain it in the comment).",
    },
    "negative": {
        "nl": "De waarde mag niet negatief zijn.",
        "en": "The value cannot be negative.",
    },
    "not_whole": {
        "nl": "Vul een heel getal in (zonder decimalen).",
        "en": "Enter a whole number (no decimals).",
    },
    "too_many_decimals": {
        "nl": "Gebruik hoogstens {max} decimalen.",
        "en": "Use at most {max} decimals.",
    },
    "percentage_range": {
        "nl": "Een percentage ligt tussen 0 en 100 (vul 45 in voor 45%).",
        "en": "A percentage lies between 0 and 100 (enter 45 for 45%).",
    },
    "too_large": {
        "nl": "Dit getal is onwaarschijnlijk groot.",
        "en": "This number is implausibly large.",
    },
    "unknown_indicator": {
        "nl": "Onbekende indicatorcode {code}.",
        "en": "Unknown indicator code {code}.",
    },
    "not_in_plan": {
        "nl": "Indicator {code} staat niet in je impactplan voor deze periode; haal de regel weg.",
        "en": "Indicator {code} is not in your impact plan for this period; remove the row.",
    },
    "duplicate_indicator": {
        "nl": "Indicator {code} staat er twee keer in (ook in rij {row}).",
        "en": "Indicator {code} appears twice (also in row {row}).",
    },
    "code_missing": {
        "nl": "De indicatorcode ontbreekt in een regel met gegevens.",
        "en": "The indicator code is missing on a row with data.",
    },
    "reference_missing": {
        "nl": "De referentie ontbreekt in een regel met gegevens.",
        "en": "The reference is missing on a row with data.",
    },
    "reference_bsn": {
        "nl": "Deze referentie bevat een getal dat op een BSN lijkt en wordt geweigerd. Gebruik een eigen "
        "pseudoniem per deelnemer met minder dan negen cijfers (bijvoorbeeld D-0001) en houd de koppeling "
        "met de persoon in je eigen administratie; stuur nooit een BSN of naam.",
        "en": "This reference holds a number that looks like a BSN (citizen service number) and is refused. "
        "Use a pseudonym of your own per participant with fewer than nine digits (for example D-0001) and "
        "keep the link to the person in your own records; never send a BSN or a name.",
    },
    "duplicate_reference": {
        "nl": "Referentie {text} staat er twee keer in (ook in rij {row}); één regel per deelnemer.",
        "en": "Reference {text} appears twice (also in row {row}); one row per participant.",
    },
    "start_date_required": {
        "nl": "Vul de startdatum in.",
        "en": "Enter the start date.",
    },
    "not_a_date": {
        "nl": "{text} is geen datum; vul een datum in (dd-mm-jjjj).",
        "en": "{text} is not a date; enter a date (yyyy-mm-dd).",
    },
    "date_implausible": {
        "nl": "Een datum ligt tussen {earliest} en {latest}.",
        "en": "A date lies between {earliest} and {latest}.",
    },
    "start_after_period": {
        "nl": "De startdatum ligt na het einde van de periode ({end}).",
        "en": "The start date is after the end of the period ({end}).",
    },
    "event_outside_period": {
        "nl": "De datum ligt buiten de periode ({start} t/m {end}).",
        "en": "The date is outside the period ({start} to {end}).",
    },
    "event_before_start": {
        "nl": "De datum ligt vóór de startdatum van de deelnemer ({start}).",
        "en": "The date is before the participant's start date ({start}).",
    },
    "unknown_event_code": {
        "nl": "Onbekende gebeurteniscode {code}; kies een code uit de lijst.",
        "en": "Unknown event code {code}; pick a code from the list.",
    },
    "event_date_missing": {
        "nl": "Vul de datum van deze gebeurtenis in.",
        "en": "Enter the date of this event.",
    },
    "event_code_missing": {
        "nl": "Er staat een datum maar geen gebeurteniscode; vul de code in.",
        "en": "There is a date but no event code; enter the code.",
    },
    "months_invalid": {
        "nl": "Maanden in uitkering is een heel getal van 0 tot en met {max}.",
        "en": "Months on benefit is a whole number from 0 to {max}.",
    },
    "hours_range": {
        "nl": "Uren per week ligt tussen 0 en {max}.",
        "en": "Hours per week lies between 0 and {max}.",
    },
    "unknown_benefit": {
        "nl": "Onbekende uitkering {text}; kies er een uit de lijst.",
        "en": "Unknown benefit {text}; pick one from the list.",
    },
    "text_too_long": {
        "nl": "De tekst is {length} tekens lang; hoogstens {max} tekens.",
        "en": "The text is {length} characters long; at most {max} characters.",
    },
    "control_characters": {
        "nl": "De tekst bevat onzichtbare stuurtekens; typ hem opnieuw.",
        "en": "The text contains invisible control characters; type it again.",
    },
    "not_text": {
        "nl": "Vul hier tekst in, geen datum of waar/onwaar.",
        "en": "Enter text here, not a date or true/false.",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "kpi_title": {"nl": "KPI-rapportage {period} — {investee}", "en": "KPI report {period} — {investee}"},
    "period_line": {
        "nl": "Periode {start} t/m {end} · KvK {kvk}",
        "en": "Period {start} to {end} · Chamber of Commerce (KvK) {kvk}",
    },
    "kpi_hint": {
        "nl": "Vul per indicator de waarde en eventueel een toelichting in (de gele cellen).",
        "en": "Enter the value per indicator and, if useful, a comment (the yellow cells).",
    },
    "participants_title": {"nl": "Deelnemers {period} — {investee}", "en": "Participants {period} — {investee}"},
    "participants_hint": {
        "nl": "Eén regel per deelnemer. Referentie: je eigen pseudoniem (bijv. D-0001), nooit een BSN of naam.",
        "en": "One row per participant. Reference: a pseudonym of your own (e.g. D-0001), never a BSN or name.",
    },
    "instructions_title": {"nl": "Instructies KPI-rapportage", "en": "Instructions KPI report"},
    "investee": {"nl": "Organisatie", "en": "Organisation"},
    "kvk": {"nl": "KvK-nummer", "en": "Chamber of Commerce (KvK) number"},
    "period": {"nl": "Periode", "en": "Period"},
    "steps": {
        "nl": "1. Tabblad KPI: vul voor elke indicator de waarde in; gebruik de toelichting voor uitleg. "
        "Een waarde is verplicht (vul 0 in als er niets te melden is).\n"
        "2. Tabblad Deelnemers: één regel per deelnemer, met startdatum, uitkering vooraf en de "
        "gebeurtenissen in deze periode (code en datum).\n"
        "3. Vul waarden in, geen formules. Voeg geen kolommen of tabbladen toe en hernoem niets.\n"
        "4. Sla op als .xlsx en upload het bestand. Bij fouten krijg je je bestand terug met de "
        "foute cellen rood gemarkeerd.",
        "en": "1. Sheet KPI: enter the value of every indicator; use the comment for explanations. "
        "A value is required (enter 0 if there is nothing to report).\n"
        "2. Sheet Participants: one row per participant, with the start date, the benefit before and "
        "the events in this period (code and date).\n"
        "3. Enter values, not formulas. Do not add columns or sheets and do not rename anything.\n"
        "4. Save as .xlsx and upload the file. If there are errors you get your file back with the "
        "wrong cells marked red.",
    },
    "privacy": {
        "nl": "Privacy: verwijs naar deelnemers met een eigen pseudoniem (bijvoorbeeld D-0001) en houd de "
        "koppeling met de persoon in je eigen administratie. Vul nooit een BSN, naam, adres of "
        "geboortedatum in; een referentie die op een BSN lijkt wordt geweigerd.",
        "en": "Privacy: refer to participants by a pseudonym of your own (for example D-0001) and keep the "
        "link to the person in your own records. Never enter a BSN, name, address or date of birth; "
        "a reference that looks like a BSN is refused.",
    },
    "indicators_heading": {"nl": "Indicatoren in je impactplan", "en": "Indicators in your impact plan"},
    "file_name": {"nl": "kpi-sjabloon-{kvk}-{period}.xlsx", "en": "kpi-template-{kvk}-{period}.xlsx"},
    "events_heading": {"nl": "Gebeurteniscodes", "en": "Event codes"},
    "benefits_heading": {"nl": "Uitkeringen", "en": "Benefits"},
    "col_code": {"nl": "Code", "en": "Code"},
    "col_name": {"nl": "Omschrijving", "en": "Description"},
    "col_unit": {"nl": "Eenheid", "en": "Unit"},
    "col_type": {"nl": "Soort waarde", "en": "Kind of value"},
    "type_integer": {"nl": "heel getal", "en": "whole number"},
    "type_decimal": {"nl": "getal", "en": "number"},
    "type_percentage": {"nl": "percentage 0-100", "en": "percentage 0-100"},
    "dv_integer": {
        "nl": "Vul een heel getal{sign} in.",
        "en": "Enter a whole number{sign}.",
    },
    "dv_decimal": {"nl": "Vul een getal{sign} in.", "en": "Enter a number{sign}."},
    "dv_percentage": {
        "nl": "Vul een percentage in tussen 0 en 100 (45 voor 45%).",
        "en": "Enter a percentage between 0 and 100 (45 for 45%).",
    },
    "dv_not_negative": {"nl": " van 0 of meer", "en": " of 0 or more"},
    "dv_title_value": {"nl": "Waarde", "en": "Value"},
    "dv_title_invalid": {"nl": "Ongeldige waarde", "en": "Invalid value"},
    "dv_reference": {
        "nl": "Je eigen pseudoniem voor de deelnemer, bijv. D-0001. Nooit een BSN of naam.",
        "en": "Your own pseudonym for the participant, e.g. D-0001. Never a BSN or name.",
    },
    "dv_start_date": {
        "nl": "Datum waarop de deelnemer begon (uiterlijk {end}).",
        "en": "Date the participant started (no later than {end}).",
    },
    "dv_benefit": {"nl": "Kies de uitkering vóór de start.", "en": "Pick the benefit before the start."},
    "dv_months": {
        "nl": "Aantal maanden in uitkering vóór de start (heel getal).",
        "en": "Number of months on benefit before the start (whole number).",
    },
    "dv_hours": {"nl": "Uren per week, 0 tot en met 60.", "en": "Hours per week, 0 to 60."},
    "dv_event_code": {"nl": "Kies een gebeurteniscode uit de lijst.", "en": "Pick an event code from the list."},
    "dv_event_date": {
        "nl": "Datum van de gebeurtenis, binnen de periode ({start} t/m {end}).",
        "en": "Date of the event, within the period ({start} to {end}).",
    },
    "lists_benefits": {"nl": "Uitkering", "en": "Benefit"},
    "lists_benefit_codes": {"nl": "Uitkeringscode", "en": "Benefit code"},
    "lists_events": {"nl": "Gebeurteniscode", "en": "Event code"},
    "lists_event_labels": {"nl": "Omschrijving", "en": "Description"},
    "comment_author": {"nl": "fundapp", "en": "fundapp"},
    "comment_heading": {"nl": "Fout", "en": "Error"},
}

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_QUOTE_LENGTH = 40


def message(key: str, language: str, **values: object) -> str:
    """The validation message `key` in `language` (English when the language is unknown)."""
    texts = MESSAGES[key]
    return texts.get(language, texts["en"]).format(**values)


def text(key: str, language: str, **values: object) -> str:
    """A template text in `language`."""
    texts = TEXTS[key]
    return texts.get(language, texts["en"]).format(**values)


def quote(value: object) -> str:
    """User input as it may appear inside a message: quoted, shortened, control characters shown as '?'."""
    shown = _UNPRINTABLE.sub("?", str(value))
    if len(shown) > _QUOTE_LENGTH:
        shown = shown[: _QUOTE_LENGTH - 1] + "…"
    return f"'{shown}'"


def format_date(day: date, language: str) -> str:
    """A date as the pages write it: 31-3-2026 in Dutch, 31 Mar 2026 in English."""
    return format_day(day, language)
