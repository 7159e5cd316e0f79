"""Numbers written as text: the one definition that epoch parsing and type coercion share.

Intercom sends numbers as JSON numbers, but custom attributes, hand-made data and other
tools' exports put them in strings (``"946684800"``, ``"12.50"``). Both
:func:`tap_intercom.dates.epoch_to_datetime` and the record conformer's coercions read such
strings with these patterns, so a string is a number for one exactly when it is for the other.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["INTEGER_RE", "NUMERIC_RE", "decimal_from_text"]

#: A plain decimal number: optional sign, digits with an optional fraction, optional
#: exponent. Deliberately stricter than ``Decimal()`` (no underscores, NaN or Infinity).
NUMERIC_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
#: An integer: optional sign and digits only.
INTEGER_RE = re.compile(r"[+-]?\d+")


def decimal_from_text(text: str) -> Decimal | None:
    """The exact value of a :data:`NUMERIC_RE` match, or None if ``Decimal`` cannot hold it.

    The pattern guarantees the syntax, but an exponent beyond ``Decimal``'s range
    (``"1e9999999999999999999"``) still makes ``Decimal()`` raise.
    """
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
