"""The GPP codec's memos (headers, sections) empty themselves before they outgrow their bound, so a
stream of distinct strings cannot grow the process, and `clear_caches` forgets every one of them,
which the benchmark's uncached figures rely on."""

from __future__ import annotations

from privacy_signals.gpp import clear_caches, decode, encode
from privacy_signals.gpp import codec as gpp_codec
from privacy_signals.tcf import decoder as tcf_decoder
from privacy_signals.tcf import encoder as tcf_encoder
from privacy_signals.tcf.memo import MAX_BYTES, MAX_ENTRIES, Memo


def _memos() -> dict[str, dict[object, object]]:
    found = {}
    for module in (gpp_codec, tcf_decoder, tcf_encoder):
        for name, value in vars(module).items():
            if isinstance(value, dict) and not name.startswith("__"):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_distinct_sections_do_not_accumulate() -> None:
    for number in range(MAX_ENTRIES + 50):
        consents = [2 if bit == "1" else 1 for bit in f"{number:013b}"]
        decode(encode({"usnat": {"SensitiveDataProcessing": consents}}))
    for memo in _memos().values():
        if isinstance(memo, Memo):
            assert len(memo) <= MAX_ENTRIES
            assert memo.size <= MAX_BYTES
    assert len(gpp_codec._SECTION_CACHE) < MAX_ENTRIES


def test_clear_caches_forgets_every_memo() -> None:
    gpp_string = encode(
        {
            "tcfeuv2": {
                "Created": __import__("datetime").datetime(2026, 1, 1),
                "VendorConsents": list(range(1, 400, 3)),
            },
            "usnat": {"SaleOptOut": 1},
        }
    )
    decode(gpp_string)
    memos = _memos()
    assert memos["privacy_signals.gpp.codec._SECTION_CACHE"]
    assert memos["privacy_signals.gpp.codec._HEADER_CACHE"]
    clear_caches()
    assert {name: len(memo) for name, memo in memos.items() if memo} == {}
