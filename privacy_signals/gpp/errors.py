"""The GPP codec's single error type."""

from __future__ import annotations


class GppStringError(ValueError):
    """A GPP string, one of its sections, or field values to encode are invalid.

    The message says what is wrong and where (the section, the segment, the field). Callers (the
    HTTP API, `manage.py gpp`) show it to the user as is. The codec raises nothing else on any
    input, however malformed.
    """
