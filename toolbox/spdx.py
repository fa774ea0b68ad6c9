"""SPDX licence expressions: a small parser over the identifiers a toolbox actually meets.

The full SPDX list has 600+ entries; we keep the ones relevant to software an ESS organisation
may use, plus LicenseRef-* for anything else, so that a typo ("AGPL3") is caught rather than
published.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KNOWN_LICENCES = frozenset(
    [
        "0BSD",
        "AFL-3.0",
        "AGPL-1.0-only",
        "AGPL-1.0-or-later",
        "AGPL-3.0",
        "AGPL-3.0-only",
        "AGPL-3.0-or-later",
        "Apache-1.1",
        "Apache-2.0",
        "APSL-2.0",
        "Artistic-2.0",
        "BlueOak-1.0.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "BSD-3-Clause-Clear",
        "BSD-4-Clause",
        "BSL-1.0",
        "BUSL-1.1",
        "CAL-1.0",
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC0-1.0",
        "CDDL-1.0",
        "CDDL-1.1",
        "CECILL-2.0",
        "CECILL-2.1",
        "CECILL-B",
        "CECILL-C",
        "CPAL-1.0",
        "ECL-2.0",
        "EPL-1.0",
        "EPL-2.0",
        "EUPL-1.1",
        "EUPL-1.2",
        "GPL-1.0-or-later",
        "GPL-2.0",
        "GPL-2.0-only",
        "GPL-2.0-or-later",
        "GPL-3.0",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "ISC",
        "LGPL-2.0-only",
        "LGPL-2.0-or-later",
        "LGPL-2.1",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "LPPL-1.3c",
        "MIT",
        "MIT-0",
        "MPL-1.1",
        "MPL-2.0",
        "MS-PL",
        "MS-RL",
        "NCSA",
        "ODbL-1.0",
        "OFL-1.1",
        "OSL-3.0",
        "PHP-3.01",
        "PostgreSQL",
        "Python-2.0",
        "Ruby",
        "SSPL-1.0",
        "Elastic-2.0",
        "Unlicense",
        "UPL-1.0",
        "W3C",
        "WTFPL",
        "X11",
        "Zlib",
        "ZPL-2.1",
    ]
)
KNOWN_EXCEPTIONS = frozenset(
    [
        "Classpath-exception-2.0",
        "LLVM-exception",
        "GCC-exception-3.1",
        "OpenJDK-assembly-exception-1.0",
        "Autoconf-exception-3.0",
        "Bison-exception-2.2",
    ]
)
_KNOWN_LOWER = {name.lower(): name for name in KNOWN_LICENCES}
_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.+\-]+)")
_LICENSE_REF = re.compile(r"^(DocumentRef-[A-Za-z0-9.\-]+:)?LicenseRef-[A-Za-z0-9.\-]+$")


class SpdxError(ValueError):
    pass


def _tokens(expression: str) -> list[str]:
    tokens, position = [], 0
    expression = expression.strip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if not match:
            raise SpdxError(
                _("Caractère inattendu : « %(char)s ».") % {"char": expression[position]}
            )
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def parse(expression: str) -> list[str]:
    """The licence identifiers of a valid expression; raises SpdxError otherwise."""
    tokens = _tokens(expression)
    if not tokens:
        raise SpdxError(_("Expression vide."))
    found: list[str] = []
    position = 0

    def licence() -> None:
        nonlocal position
        if position >= len(tokens):
            raise SpdxError(_("Expression incomplète."))
        token = tokens[position]
        if token == "(":
            position += 1
            compound()
            if position >= len(tokens) or tokens[position] != ")":
                raise SpdxError(_("Parenthèse non fermée."))
            position += 1
            return
        identifier = token.removesuffix("+")
        if identifier.upper() in {"AND", "OR", "WITH"} or token == ")":
            raise SpdxError(
                _("Identifiant de licence attendu avant « %(token)s ».") % {"token": token}
            )
        if identifier.lower() not in _KNOWN_LOWER and not _LICENSE_REF.match(identifier):
            raise SpdxError(
                _("« %(token)s » n'est pas un identifiant SPDX connu (voir spdx.org/licenses).")
                % {"token": token}
            )
        found.append(identifier)
        position += 1
        if position < len(tokens) and tokens[position].upper() == "WITH":
            position += 1
            if position >= len(tokens) or tokens[position] not in KNOWN_EXCEPTIONS:
                raise SpdxError(_("Exception de licence inconnue après WITH."))
            position += 1

    def compound() -> None:
        nonlocal position
        licence()
        while position < len(tokens) and tokens[position].upper() in {"AND", "OR"}:
            position += 1
            licence()

    compound()
    if position != len(tokens):
        raise SpdxError(_("Élément en trop : « %(token)s ».") % {"token": tokens[position]})
    return found


def validate_spdx_expression(value: str) -> None:
    """Model/form validator: empty is allowed (proprietary software has no SPDX licence)."""
    if not value:
        return
    try:
        parse(value)
    except SpdxError as exc:
        raise ValidationError(str(exc), code="spdx") from exc
