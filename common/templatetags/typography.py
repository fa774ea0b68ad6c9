"""French typography in templates: {% load typography %}, then {{ name|de }} (d’Inès, de Louis).

The rest of French typography (no-break spaces, apostrophes) is done on every page at once by
common.typography.FrenchTypographyMiddleware."""

from django import template

from common import typography

register = template.Library()
register.filter("de", typography.de, is_safe=True)
