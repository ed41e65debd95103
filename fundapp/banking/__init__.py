"""Money through the bank: account numbers, SEPA payment files and the fund's journal (pure modules)."""
