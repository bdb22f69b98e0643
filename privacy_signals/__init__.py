"""Privacy signals in pure Python: the IAB TCF v2 TC string, Google's Additional Consent string and
Google Consent Mode v2 signals (and, in `privacy_signals.gpp`, the IAB GPP string).

No module here imports Django or the consent-management project, so the package installs and runs
on its own (`pip install privacy-signals`); the project depends on it, never the other way round.

    from privacy_signals.tcf import TCModel, decode, encode
    from privacy_signals.ac_string import encode_ac_string, decode_ac_string
    from privacy_signals.consent_mode import consent_mode_signals
    from privacy_signals.gpp import GppModel, decode as decode_gpp, encode as encode_gpp
"""

__version__ = "1.0.0"
