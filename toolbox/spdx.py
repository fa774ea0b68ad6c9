"""SPDX licence expressions, parsed and normalised by license-expression.

The library ships the SPDX licence list (no network at run time): any listed identifier is
accepted, deprecated ones become their current form (GPL-3.0 → GPL-3.0-only, GPL-2.0+ →
GPL-2.0-or-later), the case is fixed (mit → MIT) and exceptions after WITH are matched whatever
their case. LicenseRef-… names a licence outside the list. COMMON_LICENCES, the identifiers a
toolbox usually meets, is only a hint offered on the forms and for suggestions after a typo.
"""

import difflib
import re
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from license_expression import (
    PARSE_INVALID_EXCEPTION,
    PARSE_INVALID_OPERATOR_SEQUENCE,
    PARSE_INVALID_SYMBOL_AS_EXCEPTION,
    PARSE_INVALID_SYMBOL_SEQUENCE,
    PARSE_UNBALANCED_CLOSING_PARENS,
    ExpressionError,
    ExpressionParseError,
    Licensing,
    get_spdx_licensing,
)

from common.widgets import DatalistInput

COMMON_LICENCES = (
    "0BSD",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BUSL-1.1",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CECILL-2.1",
    "CECILL-B",
    "CECILL-C",
    "CPAL-1.0",
    "Elastic-2.0",
    "EPL-2.0",
    "EUPL-1.2",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "ISC",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "MIT",
    "MPL-2.0",
    "OSL-3.0",
    "PostgreSQL",
    "SSPL-1.0",
    "Unlicense",
    "Zlib",
)

# The characters of SPDX identifiers, LicenseRef-…, operators and brackets; anything else is
# named in the message rather than left to the library's English one.
_UNEXPECTED = re.compile(r"[^A-Za-z0-9.+:()\s-]")
_REF_PREFIX = re.compile(r"(?i)\b(documentref|licenseref)-")
_REF = re.compile(r"^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")


class SpdxError(ValueError):
    """An expression that is not valid SPDX; the message is for the user, in French."""


@cache
def _licensing() -> Licensing:
    # Built once per process from the list the library ships (about 40 ms).
    return get_spdx_licensing()


def _suggestion(key: str) -> str:
    """' Vouliez-vous dire AGPL-3.0-only ?' for a near miss of a common identifier, else ''."""
    by_lower = {name.lower(): name for name in COMMON_LICENCES}
    close = difflib.get_close_matches(key.lower(), list(by_lower), n=1, cutoff=0.5)
    if not close:
        return ""
    return " " + _("Vouliez-vous dire %(id)s ?") % {"id": by_lower[close[0]]}


def _parse_error_message(error: ExpressionParseError) -> str:
    token = (error.token_string or "").strip()
    if error.error_code == PARSE_INVALID_EXCEPTION:
        return _(
            "« %(token)s » est une exception de licence : elle s'écrit après WITH, par exemple "
            "GPL-2.0-only WITH %(token)s."
        ) % {"token": token}
    if error.error_code == PARSE_INVALID_SYMBOL_AS_EXCEPTION:
        return _("« %(token)s » n'est pas une exception de licence SPDX connue (après WITH).") % {
            "token": token
        }
    if error.error_code == PARSE_INVALID_SYMBOL_SEQUENCE:
        return _("Il manque AND, OR ou WITH avant « %(token)s ».") % {"token": token}
    if error.error_code == PARSE_INVALID_OPERATOR_SEQUENCE:
        return _("Identifiant de licence attendu autour de « %(token)s ».") % {"token": token}
    if error.error_code == PARSE_UNBALANCED_CLOSING_PARENS:
        return _("Parenthèse fermante sans parenthèse ouvrante.")
    if token:
        return _("Expression incomplète ou mal formée près de « %(token)s ».") % {"token": token}
    return _("Expression incomplète ou parenthèse non fermée.")


def normalise(expression: str) -> str:
    """The expression in its SPDX form ('gpl-3.0 or mit' → 'GPL-3.0-only OR MIT'); '' for
    nothing. Raises SpdxError with a French message when it is not valid SPDX."""
    if not expression or not expression.strip():
        return ""
    unexpected = _UNEXPECTED.search(expression)
    if unexpected:
        raise SpdxError(_("Caractère inattendu : « %(char)s ».") % {"char": unexpected.group()})
    # LicenseRef- and DocumentRef- are case-insensitive prefixes: written the SPDX way.
    expression = _REF_PREFIX.sub(
        lambda match: "DocumentRef-" if match.group(1).lower() == "documentref" else "LicenseRef-",
        expression,
    )
    licensing = _licensing()
    try:
        parsed = licensing.parse(expression, strict=True)
    except ExpressionParseError as exc:
        raise SpdxError(_parse_error_message(exc)) from exc
    except (ExpressionError, IndexError, AssertionError, KeyError) as exc:
        # "OR requires two or more licenses"; the parser's internals fail on a few malformed
        # inputs such as "()" (IndexError) or "( OR MIT" (AssertionError, or KeyError under
        # python -O). A test feeds it random expressions so that no other error reaches a page.
        raise SpdxError(_("Expression incomplète : une licence manque.")) from exc
    unknown = [key for key in licensing.unknown_license_keys(parsed) if not _REF.match(key)]
    if unknown:
        raise SpdxError(
            _("« %(token)s » n'est pas un identifiant SPDX connu (voir spdx.org/licenses).")
            % {"token": unknown[0]}
            + _suggestion(unknown[0])
        )
    return str(parsed)


def parse(expression: str) -> list[str]:
    """The licence identifiers of a valid expression, normalised; raises SpdxError otherwise."""
    normalised = normalise(expression)
    if not normalised:
        raise SpdxError(_("Expression vide."))
    return _licensing().license_keys(normalised)


def validate_spdx_expression(value: str) -> None:
    """Model validator: empty is allowed (proprietary software has no SPDX licence)."""
    try:
        normalise(value)
    except SpdxError as exc:
        raise ValidationError(str(exc), code="spdx") from exc


class SpdxExpressionField(forms.CharField):
    """A licence as people type it, cleaned to its SPDX form; the common identifiers are
    offered as suggestions, any listed one may be typed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DatalistInput(COMMON_LICENCES))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            normalised = normalise(value)
        except SpdxError as exc:
            raise ValidationError(str(exc), code="spdx") from exc
        # The normal form can be longer than what was typed (GPL-3.0 → GPL-3.0-only).
        if self.max_length is not None and len(normalised) > self.max_length:
            raise ValidationError(
                _("Une fois écrite en forme SPDX, la licence dépasse %(max)s caractères.")
                % {"max": self.max_length},
                code="max_length",
            )
        return normalised
