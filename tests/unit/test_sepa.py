"""SEPA payment files: valid against the ISO XSD, with the totals, groups and text rules of SEPA."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from importlib import resources

import pytest
import sepaxml
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from fundapp.banking.sepa import (
    CollectableLoan,
    CreditTransferBatch,
    CreditTransferLine,
    DirectDebitBatch,
    DirectDebitLine,
    DueInstallment,
    Mandate,
    SepaError,
    SequenceType,
    build_credit_transfer,
    build_direct_debit,
    end_to_end_id,
    installments_to_collect,
)

DD = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
CT = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
CREATED = dt.datetime(2025, 3, 1, 9, 30)
COLLECTION = dt.date(2025, 3, 5)


def debit_line(number=1, amount="125.50", sequence=SequenceType.RECURRING, **changes):
    values = {
        "end_to_end_id": f"L-2025-001-{number}",
        "amount": Decimal(amount),
        "mandate_id": "MANDATE-001",
        "mandate_signed_on": dt.date(2024, 12, 1),
        "sequence": sequence,
        "debtor_name": "Bakkerij de Zon",
        "debtor_iban": "NL91ABNA0417164300",
        "remittance": f"Loan L-2025-001 installment {number}",
    }
    return DirectDebitLine(**{**values, **changes})


def debit_batch(lines, **changes):
    values = {
        "message_id": "DD-20250305",
        "created_at": CREATED,
        "creditor_name": "Impactfonds Zuid",
        "creditor_iban": "NL91ABNA0417164300",
        "creditor_id": "NL50ZZZ241234560000",
        "collection_date": COLLECTION,
        "lines": tuple(lines),
        "creditor_bic": "ABNANL2A",
    }
    return DirectDebitBatch(**{**values, **changes})


def transfer_batch(lines, **changes):
    values = {
        "message_id": "CT-20250305",
        "created_at": CREATED,
        "debtor_name": "Impactfonds Zuid",
        "debtor_iban": "NL91ABNA0417164300",
        "execution_date": COLLECTION,
        "lines": tuple(lines),
    }
    return CreditTransferBatch(**{**values, **changes})


def transfer_line(number=1, amount="25000.00", **changes):
    values = {
        "end_to_end_id": f"L-2025-001-D{number}",
        "amount": Decimal(amount),
        "creditor_name": "Bakkerij de Zon",
        "creditor_iban": "DE89370400440532013000",
        "remittance": "Disbursement loan L-2025-001",
    }
    return CreditTransferLine(**{**values, **changes})


def iso_schema(name):
    """The XSD read by a second, independent validator (xmlschema), not by lxml as the module does."""
    return xmlschema.XMLSchema(str(resources.files(sepaxml).joinpath("schemas", f"{name}.xsd")))


def test_a_direct_debit_file_is_valid_against_the_iso_schema_read_by_an_independent_validator():
    sepa_file = build_direct_debit(debit_batch([debit_line(1, sequence=SequenceType.FIRST), debit_line(2)]))
    iso_schema("pain.008.001.02").validate(sepa_file.xml.decode())
    assert sepa_file.schema == "pain.008.001.02"


def test_transactions_are_grouped_in_one_payment_block_per_sequence_type():
    lines = [debit_line(1, "10.00", SequenceType.FIRST), debit_line(2, "20.00"), debit_line(3, "30.05")]
    document = etree.fromstring(build_direct_debit(debit_batch(lines)).xml)
    blocks = {
        block.findtext("p:PmtTpInf/p:SeqTp", namespaces=DD): block for block in document.iterfind(".//p:PmtInf", DD)
    }
    assert sorted(blocks) == ["FRST", "RCUR"]
    assert blocks["RCUR"].findtext("p:NbOfTxs", namespaces=DD) == "2"
    assert blocks["RCUR"].findtext("p:CtrlSum", namespaces=DD) == "50.05"
    assert blocks["FRST"].findtext("p:PmtInfId", namespaces=DD) == "DD-20250305-FRST"
    assert blocks["RCUR"].findtext("p:ReqdColltnDt", namespaces=DD) == "2025-03-05"
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=DD) == "3"
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=DD) == "60.05"


def test_the_file_carries_the_mandate_creditor_id_and_core_scheme():
    document = etree.fromstring(build_direct_debit(debit_batch([debit_line()])).xml)
    assert document.findtext(".//p:MndtId", namespaces=DD) == "MANDATE-001"
    assert document.findtext(".//p:DtOfSgntr", namespaces=DD) == "2024-12-01"
    assert document.findtext(".//p:CdtrSchmeId//p:Id/p:PrvtId/p:Othr/p:Id", namespaces=DD) == "NL50ZZZ241234560000"
    assert document.findtext(".//p:LclInstrm/p:Cd", namespaces=DD) == "CORE"
    # No debtor BIC given: the EPC's "NOTPROVIDED" stands in its place.
    assert document.findtext(".//p:DbtrAgt//p:Othr/p:Id", namespaces=DD) == "NOTPROVIDED"


def test_the_file_is_reproducible_from_the_batch():
    batch = debit_batch([debit_line(1), debit_line(2)])
    first = build_direct_debit(batch)
    assert build_direct_debit(batch).xml == first.xml
    document = etree.fromstring(first.xml)
    assert document.findtext(".//p:MsgId", namespaces=DD) == "DD-20250305"
    assert document.findtext(".//p:CreDtTm", namespaces=DD) == "2025-03-01T09:30:00"


def test_the_creditor_bic_is_found_from_the_iban_when_not_given():
    document = etree.fromstring(build_direct_debit(debit_batch([debit_line()], creditor_bic=None)).xml)
    assert document.findtext(".//p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=DD) == "ABNANL2A"


def test_names_and_remittance_are_transliterated_to_the_sepa_character_set_and_cut_to_length():
    line = debit_line(
        debtor_name="Café Zoë & Søn — Straße " + "x" * 80,
        remittance="Termijn “één” van lening L-1 ✓ " + "y" * 200,
    )
    document = etree.fromstring(build_direct_debit(debit_batch([line])).xml)
    name = document.findtext(".//p:Dbtr/p:Nm", namespaces=DD)
    remittance = document.findtext(".//p:Ustrd", namespaces=DD)
    assert name.startswith("Cafe Zoe + Son - Strasse xxx")
    assert len(name) == 70
    assert remittance.startswith("Termijn 'een' van lening L-1 yyy")
    assert len(remittance) == 140
    assert re.fullmatch(r"[A-Za-z0-9/\-?:().,'+ ]+", name + remittance)


def test_every_amount_has_exactly_two_decimals():
    xml = build_direct_debit(debit_batch([debit_line(1, "7"), debit_line(2, "1000.5")])).xml.decode()
    assert re.findall(r'<InstdAmt Ccy="EUR">([^<]+)<', xml) == ["7.00", "1000.50"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (debit_line(end_to_end_id="L" * 36), "end-to-end id .* 36 characters; at most 35"),
        (debit_line(end_to_end_id="Lening-één-1"), "outside the SEPA character set"),
        (debit_line(end_to_end_id="/L-1"), "may not start or end with '/'"),
        (debit_line(mandate_id="M//1"), "contain '//'"),
        (debit_line(amount="10.005"), "fraction of a cent"),
        (debit_line(amount="0.00"), "outside what SEPA allows"),
        (debit_line(amount="1000000000.00"), "outside what SEPA allows"),
        (
            debit_line(debtor_iban="NL92ABNA0417164300"),
            "debtor IBAN: The IBAN NL92ABNA0417164300 has wrong check digits",
        ),
        (debit_line(debtor_name="✓✓✓"), "debtor name is empty"),
        (debit_line(mandate_signed_on=dt.date(2025, 3, 6)), "signed on 2025-03-06, after the collection date"),
    ],
)
def test_a_line_that_breaks_a_sepa_rule_is_refused_with_the_field_named(line, problem):
    with pytest.raises(SepaError, match=problem):
        build_direct_debit(debit_batch([line]))


def test_an_end_to_end_id_may_appear_only_once_in_a_file():
    with pytest.raises(SepaError, match="appears twice"):
        build_direct_debit(debit_batch([debit_line(1), debit_line(1)]))


def test_a_batch_is_refused_for_a_wrong_creditor_id_an_empty_list_or_a_date_in_the_past():
    with pytest.raises(SepaError, match=r"creditor identifier: .*wrong check digits"):
        build_direct_debit(debit_batch([debit_line()], creditor_id="NL51ZZZ241234560000"))
    with pytest.raises(SepaError, match="at least one transaction"):
        build_direct_debit(debit_batch([]))
    with pytest.raises(SepaError, match="collection date 2025-02-28 is before"):
        build_direct_debit(debit_batch([debit_line()], collection_date=dt.date(2025, 2, 28)))
    with pytest.raises(SepaError, match=r"message id .* at most 30"):
        build_direct_debit(debit_batch([debit_line()], message_id="M" * 31))


def test_a_sepa_error_names_the_field_in_the_readers_language():
    with pytest.raises(SepaError) as caught:
        build_direct_debit(debit_batch([debit_line(amount="0.001")]))
    dutch = {
        "amount": "bedrag",
        "The %(field)s %(value)s has a fraction of a cent.": "Het %(field)s %(value)s heeft een fractie van een cent.",
    }
    assert (
        caught.value.in_language(lambda text: dutch.get(text, text))
        == "Het bedrag 0.001 heeft een fractie van een cent."
    )


def test_a_credit_transfer_file_is_valid_against_the_iso_schema_with_its_totals():
    sepa_file = build_credit_transfer(
        transfer_batch([transfer_line(1, "25000.00", creditor_bic="COBADEFFXXX"), transfer_line(2, "1250.25")])
    )
    iso_schema("pain.001.001.03").validate(sepa_file.xml.decode())
    document = etree.fromstring(sepa_file.xml)
    assert (sepa_file.number_of_transactions, sepa_file.control_sum) == (2, Decimal("26250.25"))
    assert document.findtext(".//p:PmtInf/p:PmtInfId", namespaces=CT) == "CT-20250305-TRF"
    assert document.findtext(".//p:ReqdExctnDt", namespaces=CT) == "2025-03-05"
    assert document.findtext(".//p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=CT) == "ABNANL2A"
    agents = [agent.findtext(".//p:BIC", namespaces=CT) for agent in document.iterfind(".//p:CdtTrfTxInf", CT)]
    assert agents == ["COBADEFFXXX", None]


def test_a_credit_transfer_to_an_account_outside_sepa_is_refused():
    with pytest.raises(SepaError, match="outside the SEPA area"):
        build_credit_transfer(transfer_batch([transfer_line(creditor_iban="BR1800360305000010009795493C1")]))


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(amounts, st.booleans()), min_size=1, max_size=30))
def test_the_totals_in_the_file_are_the_count_and_sum_of_its_lines(rows):
    lines = [
        debit_line(number, str(amount), SequenceType.FIRST if first else SequenceType.RECURRING)
        for number, (amount, first) in enumerate(rows, start=1)
    ]
    sepa_file = build_direct_debit(debit_batch(lines))
    document = etree.fromstring(sepa_file.xml)
    listed = [Decimal(text) for text in document.xpath("//p:InstdAmt/text()", namespaces=DD)]
    assert sorted(listed) == sorted(amount for amount, _ in rows)
    assert sepa_file.control_sum == sum(listed) == sum(amount for amount, _ in rows)
    assert sepa_file.number_of_transactions == len(rows)
    for block in document.iterfind(".//p:PmtInf", DD):
        in_block = [Decimal(text) for text in block.xpath(".//p:InstdAmt/text()", namespaces=DD)]
        assert Decimal(block.findtext("p:CtrlSum", namespaces=DD)) == sum(in_block)
        assert int(block.findtext("p:NbOfTxs", namespaces=DD)) == len(in_block)


# -- which installments are collected -----------------------------------------------------------


def loan(reference="L-2025-001", mandate=Mandate("MANDATE-001", dt.date(2024, 12, 1)), installments=(), **changes):
    values = {
        "reference": reference,
        "debtor_name": "Bakkerij de Zon",
        "debtor_iban": "NL91ABNA0417164300",
        "mandate": mandate,
        "installments": tuple(installments),
    }
    return CollectableLoan(**{**values, **changes})


def due(number, day, amount="100.00"):
    return DueInstallment(number, day, Decimal(amount))


def test_every_installment_due_and_unpaid_on_the_collection_date_is_collected_once():
    installments = [
        due(1, dt.date(2025, 1, 5)),
        due(2, dt.date(2025, 2, 5), "0.00"),  # paid
        due(3, dt.date(2025, 3, 5), "40.10"),  # due on the day itself
        due(4, dt.date(2025, 4, 5)),  # not yet due
    ]
    lines = installments_to_collect([loan(installments=installments)], COLLECTION)
    assert [(line.end_to_end_id, line.amount) for line in lines] == [
        ("L-2025-001-1", Decimal("100.00")),
        ("L-2025-001-3", Decimal("40.10")),
    ]
    assert lines[0].remittance == "Loan L-2025-001 installment 1"


def test_a_mandate_never_collected_from_starts_with_frst_and_continues_with_rcur():
    installments = [due(2, dt.date(2025, 2, 5)), due(1, dt.date(2025, 1, 5))]
    lines = installments_to_collect([loan(installments=installments)], COLLECTION)
    assert [(line.end_to_end_id, line.sequence) for line in lines] == [
        ("L-2025-001-1", SequenceType.FIRST),
        ("L-2025-001-2", SequenceType.RECURRING),
    ]


def test_a_mandate_already_collected_from_is_rcur():
    mandate = Mandate("MANDATE-001", dt.date(2024, 12, 1), first_collected_on=dt.date(2025, 1, 5))
    lines = installments_to_collect([loan(mandate=mandate, installments=[due(2, dt.date(2025, 2, 5))])], COLLECTION)
    assert [line.sequence for line in lines] == [SequenceType.RECURRING]


def test_loans_without_a_mandate_or_with_one_signed_after_the_date_are_not_collected():
    unsigned = loan("L-2", mandate=None, installments=[due(1, dt.date(2025, 1, 5))])
    later = loan("L-3", mandate=Mandate("M-3", dt.date(2025, 3, 6)), installments=[due(1, dt.date(2025, 1, 5))])
    assert installments_to_collect([unsigned, later], COLLECTION) == ()


def test_the_end_to_end_id_is_the_loan_reference_and_installment_number_in_safe_characters():
    assert end_to_end_id("L-2025-001", 12) == "L-2025-001-12"
    assert end_to_end_id("Lening Één #7/2025", 3) == "Lening-Een-7/2025-3"
    with pytest.raises(SepaError, match="at most 35"):
        end_to_end_id("L" * 34, 10)


def test_collected_lines_build_a_valid_file_with_a_translated_remittance():
    loans = [
        loan(f"L-{index}", installments=[due(1, dt.date(2025, 1, 5)), due(2, dt.date(2025, 2, 5))])
        for index in range(3)
    ]
    lines = installments_to_collect(loans, COLLECTION, remittance="Lening %(reference)s termijn %(number)s")
    sepa_file = build_direct_debit(debit_batch(lines))
    assert (sepa_file.number_of_transactions, sepa_file.control_sum) == (6, Decimal("600.00"))
    assert b"Lening L-0 termijn 1" in sepa_file.xml


def test_a_batch_of_two_thousand_installments_builds_into_one_valid_file():
    loans = [
        loan(
            f"L-{index:05d}",
            mandate=Mandate(f"M-{index}", dt.date(2024, 6, 1), None if index % 3 else dt.date(2024, 7, 1)),
            installments=[due(1, dt.date(2025, 2, 1), "412.37"), due(2, dt.date(2025, 3, 1), "412.37")],
        )
        for index in range(1000)
    ]
    sepa_file = build_direct_debit(debit_batch(installments_to_collect(loans, COLLECTION)))
    assert (sepa_file.number_of_transactions, sepa_file.control_sum) == (2000, Decimal("824740.00"))
    document = etree.fromstring(sepa_file.xml)
    counts = {
        block.findtext("p:PmtTpInf/p:SeqTp", namespaces=DD): block.findtext("p:NbOfTxs", namespaces=DD)
        for block in document.iterfind(".//p:PmtInf", DD)
    }
    assert counts == {"FRST": "666", "RCUR": "1334"}
