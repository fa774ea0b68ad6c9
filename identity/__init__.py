"""Who runs this instance: the CRESS (or network) behind the service, its name, logo, colours,
contact, data-protection officer and legal notices.

A bottom-layer app: it imports no other app of the platform, so that every page's base
template (through its context processor) and maturity's PDF covers (through its template tag)
can read it. One row, edited by CRESS admins in the admin, cached on every page.
"""
