"""DLA advisers and the CRESS observatory.

Its own app because consent and the access audit are a boundary between an organisation and
people outside it: everything an adviser may read goes through `advisers.access`, every read is
logged here, and nothing in `accounts` or `maturity` needs to know about outside readers. The
observatory lives here too: it is the other way data leaves an organisation (anonymised).
"""
