"""Small helpers every app may use, such as Markdown rendered safe (text), ids read from
requests (ids), URLs of many objects at once (links), hand-written YAML loaded safely
(safe_yaml) and shared form widgets (widgets).

The bottom layer: it imports no app of the platform (import-linter checks it), so that
accounts, maturity and the apps above them can all import it. Configuration and the pages
that gather several apps live in `config`, at the top.
"""
