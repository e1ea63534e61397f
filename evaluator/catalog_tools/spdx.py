"""The SPDX licence ids a data/AI catalog meets in practice, to tell a real id from a typo.

Not the whole SPDX list (about 600 ids, https://spdx.org/licenses/): an id missing here is only
a lint warning, and adding it is the fix when it is real.
"""

from __future__ import annotations

SPDX_IDS = frozenset(
    {
        "0BSD",
        "AFL-3.0",
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
        "CC-BY-4.0",
        "CC-BY-NC-4.0",
        "CC-BY-SA-4.0",
        "CC0-1.0",
        "CDDL-1.0",
        "CDDL-1.1",
        "Classpath-exception-2.0",
        "Confluent-Community-1.0",
        "CPL-1.0",
        "ECL-2.0",
        "EPL-1.0",
        "EPL-2.0",
        "EUPL-1.2",
        "Elastic-2.0",
        "GPL-2.0",
        "GPL-2.0-only",
        "GPL-2.0-or-later",
        "GPL-3.0",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "ISC",
        "LGPL-2.1",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "LLVM-exception",
        "MIT",
        "MIT-0",
        "MPL-2.0",
        "MS-PL",
        "NCSA",
        "ODbL-1.0",
        "OFL-1.1",
        "OpenSSL",
        "PostgreSQL",
        "Python-2.0",
        "RSALv2",
        "SSPL-1.0",
        "Unlicense",
        "UPL-1.0",
        "Zlib",
        "ZPL-2.1",
    }
)
"""Ids as SPDX spells them (``RSALv2`` is not SPDX but is what Redis Ltd. calls its licence)."""

SPECIAL = frozenset({"proprietary", "unknown", "noassertion"})
"""Values stackfit accepts besides SPDX ids (lower case)."""

OPERATORS = frozenset({"AND", "OR", "WITH"})

_BY_LOWER = {i.lower(): i for i in SPDX_IDS}


def unknown_ids(expression: str) -> list[str]:
    """The parts of a licence expression that are neither SPDX ids we know nor special values.

    ``LicenseRef-*`` (SPDX's own escape for custom licences) is accepted."""
    parts = [p.strip("()") for p in expression.split() if p not in OPERATORS]
    return [
        p
        for p in parts
        if p not in SPDX_IDS and p.lower() not in SPECIAL and not p.startswith("LicenseRef-")
    ]


def canonical(license_id: str) -> str | None:
    """The SPDX spelling of an id written in another case, if known."""
    return _BY_LOWER.get(license_id.lower())
