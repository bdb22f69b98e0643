"""The codec's single error type."""

from __future__ import annotations


class TCStringError(ValueError):
    """A TC string (or a model to encode) is invalid.

    The message says what is wrong and where: the segment, the field and, when decoding, the bit
    offset inside that segment. Callers (the HTTP API, `manage.py tcf`) show it to the user as is.
    """
