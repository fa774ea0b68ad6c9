"""DLA advisers (their accounts, which a CRESS admin validates) and the CRESS observatory.

Its own app because consent and the access audit are a boundary between an organisation and
people outside it: everything an adviser may read goes through `advisers.access`, every read is
logged here, and nothing in `accounts` or `maturity` needs to know about outside readers
(import-linter checks that they never import this app: what they need from it, this app
registers in their registries, maturity.hooks and accounts.rgpd, from AdvisersConfig.ready()).
The observatory lives here too: it is the other way data leaves an organisation (anonymised).
"""
