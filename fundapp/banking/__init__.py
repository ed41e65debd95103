"""Money through the bank: statements read from the bank's files (``statements``); accounts,
matching, SEPA files and the journal join them here."""
