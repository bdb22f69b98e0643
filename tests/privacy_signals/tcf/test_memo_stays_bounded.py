"""The memos of recurring sections empty themselves before they outgrow their size bound, so a
stream of distinct crafted strings cannot grow the process."""

from __future__ import annotations

from privacy_signals.tcf import TCModel, decode, encode
from privacy_signals.tcf import decoder as tcf_decoder
from privacy_signals.tcf import encoder as tcf_encoder
from privacy_signals.tcf.memo import BYTES_PER_ID, MAX_BYTES


def test_distinct_wide_sections_do_not_accumulate() -> None:
    memos = [
        tcf_decoder._SECTION_CACHE,
        tcf_decoder._INT_SECTION_CACHE,
        tcf_decoder._CORE_TAIL_CACHE,
        tcf_decoder._SEGMENT_CACHE,
        tcf_encoder._SECTION_CACHE,
        tcf_encoder._RESTRICTION_CACHE,
    ]
    for count in range(60):
        # ~60,000 ids each, in range form: a short string that expands to about 4 MB of sets.
        wide = frozenset(range(1, 60_000 - count)) | {65_000 + count}
        model = TCModel(created=0, last_updated=0, vendor_consents=wide, vendors_disclosed=wide)
        assert decode(encode(model)) == model
        for memo in memos:
            assert memo.size <= MAX_BYTES
            held = sum(len(v if isinstance(v, frozenset) else ()) for v in memo.values())
            assert held * BYTES_PER_ID <= MAX_BYTES
