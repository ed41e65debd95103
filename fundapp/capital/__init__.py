"""The fund's investors: commitments, capital calls, distributions, fund expenses, provisions, NAV, capital accounts."""
