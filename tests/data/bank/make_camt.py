"""Write the camt.053 samples, one per version 001.02 to 001.08, and 001.10 and 001.13, with the same movements.

    python tests/data/bank/make_camt.py      # (re)writes tests/data/bank/camt053_vXX.xml

Synthetic data in the shape Dutch banks send: one statement for a fund's account with
a transfer in, a SEPA direct-debit batch of three collections (one entry, three
details), a returned direct debit (reversal, reason MD06), a disbursement, a payment
with a structured creditor reference and bank costs without details. What differs
between the versions is written the way each version's schema has it: BIC (.02-.04)
or BICFI (.05+); a detail's Amt and CdtDbtInd (.04+); booking dates as date-times
(.06, .07); a party under Pty and Sts/Cd (.08+). The .08 sample and the later ones also
hold a pending entry, which is not a booked movement. The .10 and .13 samples are the .08
one in their namespace: every element written here has the same path and order in their
schemas (the types were renumbered, ReportEntry10 to ReportEntry15, not the elements).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
OWN = ("Stichting SIF Rotterdam", "NL91ABNA0417164300", "ABNANL2A")


def party(role: str, who: tuple[str, str, str], version: int) -> tuple[str, str]:
    name, iban, bic = who
    bic_tag = "BIC" if version <= 4 else "BICFI"
    named = f"<Pty><Nm>{name}</Nm></Pty>" if version >= 8 else f"<Nm>{name}</Nm>"
    parties = f"<{role}>{named}</{role}><{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>"
    agents = f"<{role}Agt><FinInstnId><{bic_tag}>{bic}</{bic_tag}></FinInstnId></{role}Agt>"
    return parties, agents


def details(version: int, amount: str, sign: str, refs: str, debtor: tuple, creditor: tuple, extra: str = "") -> str:
    debtor_parties, debtor_agent = party("Dbtr", debtor, version)
    creditor_parties, creditor_agent = party("Cdtr", creditor, version)
    amounts = f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>' if version >= 4 else ""
    return (
        f"<TxDtls><Refs>{refs}</Refs>{amounts}"
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>'
        f"<RltdPties>{debtor_parties}{creditor_parties}</RltdPties>"
        f"<RltdAgts>{debtor_agent}{creditor_agent}</RltdAgts>{extra}</TxDtls>"
    )


def entry(
    version: int,
    number: int,
    amount: str,
    sign: str,
    code: tuple,
    body: str,
    reversal: bool = False,
    status: str = "BOOK",
) -> str:
    booked = "<DtTm>2026-03-02T08:15:00+01:00</DtTm>" if version in (6, 7) else "<Dt>2026-03-02</Dt>"
    state = f"<Sts><Cd>{status}</Cd></Sts>" if version >= 8 else f"<Sts>{status}</Sts>"
    domain, family, sub = code
    return (
        f'<Ntry><NtryRef>{number:04d}</NtryRef><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
        + ("<RvslInd>true</RvslInd>" if reversal else "")
        + f"{state}<BookgDt>{booked}</BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>"
        f"<AcctSvcrRef>ENT-260302-{number:04d}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"{body}</Ntry>"
    )


GROENE = ("Groene Koffie B.V.", "NL81RABO0312345678", "RABONL2U")
BUURTWERK = ("Buurtwerk Coop U.A.", "NL77ABNA0520123456", "ABNANL2A")
HOEVE = ("Zorgboerderij De Hoeve", "NL12TRIO0198765432", "TRIONL2U")
GEMEENTE = ("Gemeente Voorbeeldstad", "NL86INGB0002445588", "INGBNL2A")


def remittance(text: str) -> str:
    return f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf>"


def entries(version: int) -> str:
    uetr = "<UETR>7b0f3a52-1c7e-4d7a-9a43-2f6d8e9c1b20</UETR>" if version >= 8 else ""
    transfer = details(
        version, "1250.00", "CRDT", f"<EndToEndId>SIF-2026-0007-03</EndToEndId>{uetr}", GROENE, OWN,
        remittance("Aflossing lening SIF-2026-0007 termijn 3"),
    )  # fmt: skip
    collections = "".join(
        details(version, amount, "CRDT", f"<EndToEndId>{e2e}</EndToEndId><MndtId>{mandate}</MndtId>", who, OWN, remittance(text))
        for amount, e2e, mandate, who, text in (
            ("412.50", "SIF-2026-0011-05", "SIF-2026-0011", BUURTWERK, "Termijn 5 lening SIF-2026-0011"),
            ("250.00", "SIF-2026-0007-04", "SIF-2026-0007", GROENE, "Termijn 4 lening SIF-2026-0007"),
            ("180.00", "SIF-2026-0014-01", "SIF-2026-0014", HOEVE, "Termijn 1 lening SIF-2026-0014"),
        )
    )  # fmt: skip
    batch = '<Btch><PmtInfId>SIF-DD-20260302</PmtInfId><NbOfTxs>3</NbOfTxs><TtlAmt Ccy="EUR">842.50</TtlAmt></Btch>'
    returned = details(
        version, "412.50", "DBIT", "<EndToEndId>SIF-2026-0011-05</EndToEndId><MndtId>SIF-2026-0011</MndtId>",
        BUURTWERK, OWN,
        remittance("Termijn 5 lening SIF-2026-0011")
        + "<RtrInf><Rsn><Cd>MD06</Cd></Rsn><AddtlInf>Terugboeking op verzoek van de betaler</AddtlInf></RtrInf>",
    )  # fmt: skip
    disbursement = details(
        version, "2500.00", "DBIT", "<EndToEndId>SIF-UIT-0042</EndToEndId>", OWN, HOEVE,
        remittance("Uitbetaling lening SIF-2026-0014 tranche 1"),
    )  # fmt: skip
    structured = details(
        version, "75.00", "CRDT", "<EndToEndId>NOTPROVIDED</EndToEndId>", GEMEENTE, OWN,
        "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp>"
        "<Ref>1234567890123456</Ref></CdtrRefInf></Strd></RmtInf>",
    )  # fmt: skip
    parts = [
        entry(version, 1, "1250.00", "CRDT", ("PMNT", "RCDT", "ESCT"), f"<NtryDtls>{transfer}</NtryDtls>"),
        entry(version, 2, "842.50", "CRDT", ("PMNT", "RDDT", "ESDD"), f"<NtryDtls>{batch}{collections}</NtryDtls>"),
        entry(version, 3, "412.50", "DBIT", ("PMNT", "RDDT", "UPDD"), f"<NtryDtls>{returned}</NtryDtls>", reversal=True),
        entry(version, 4, "2500.00", "DBIT", ("PMNT", "ICDT", "ESCT"), f"<NtryDtls>{disbursement}</NtryDtls>"),
        entry(version, 5, "75.00", "CRDT", ("PMNT", "RCDT", "ESCT"), f"<NtryDtls>{structured}</NtryDtls>"),
        entry(version, 6, "10.50", "DBIT", ("ACMT", "MDOP", "CHRG"), "<AddtlNtryInf>Kosten betalingsverkeer februari 2026</AddtlNtryInf>"),
    ]  # fmt: skip
    if version >= 8:
        parts.append(entry(version, 7, "99.00", "CRDT", ("PMNT", "RCDT", "ESCT"), "", status="PDNG"))
    return "".join(parts)


def balance(code: str, amount: str, day: str) -> str:
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount}</Amt>'
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def document(version: int) -> str:
    bic_tag = "BIC" if version <= 4 else "BICFI"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02d}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        "<BkToCstmrStmt>\n"
        f"<GrpHdr><MsgId>CAMT053-20260302-V{version:02d}</MsgId><CreDtTm>2026-03-03T06:00:00+01:00</CreDtTm>"
        "<MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn></GrpHdr>\n"
        f"<Stmt><Id>STMT-20260302-{version:02d}</Id><ElctrncSeqNb>61</ElctrncSeqNb>"
        "<CreDtTm>2026-03-03T06:00:00+01:00</CreDtTm>"
        "<FrToDt><FrDtTm>2026-03-02T00:00:00+01:00</FrDtTm><ToDtTm>2026-03-02T23:59:59+01:00</ToDtTm></FrToDt>\n"
        f"<Acct><Id><IBAN>{OWN[1]}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>{OWN[0]}</Nm></Ownr>"
        f"<Svcr><FinInstnId><{bic_tag}>{OWN[2]}</{bic_tag}></FinInstnId></Svcr></Acct>\n"
        + balance("OPBD", "10000.00", "2026-03-01")
        + "\n"
        + balance("CLBD", "9244.50", "2026-03-02")
        + "\n"
        + "<TxsSummry><TtlNtries><NbOfNtries>6</NbOfNtries></TtlNtries></TxsSummry>\n"
        + entries(version).replace("<Ntry>", "\n<Ntry>")
        + "\n</Stmt>\n</BkToCstmrStmt>\n</Document>\n"
    )


if __name__ == "__main__":
    for version in (*range(2, 9), 10, 13):
        (HERE / f"camt053_v{version:02d}.xml").write_text(document(version), encoding="utf-8")
