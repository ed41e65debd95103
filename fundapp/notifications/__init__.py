"""Notifications: events → recipients, e-mail, inbox, preferences."""
