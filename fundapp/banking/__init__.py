"""Money through the bank: statements read from the bank's files (``statements``), account numbers, SEPA payment
files and the fund's journal; matching and booking join them to the loans."""
