"""The protocol core: every OAuth / OpenID Connect rule that can be decided without the database.

Nothing in this package imports frappe. Each module is named after the specification it holds.
"""
