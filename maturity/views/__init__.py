"""The diagnostic's pages, one module per area (maturity/urls.py maps them)."""
