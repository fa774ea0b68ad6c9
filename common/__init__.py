"""Small helpers every app may use: Markdown rendered safe (text), ids read from requests
(ids), URLs of many objects at once (links), hand-written YAML loaded safely (safe_yaml) and
shared form widgets (widgets).

The bottom layer: it knows no app of the platform (no models, no settings of its own), so
that accounts, maturity and the apps above them can all import it. Configuration and the
pages that gather several apps live in `config`, at the top.
"""
