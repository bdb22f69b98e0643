"""The benchmark's uncached figures clear the codec's memos before every call; this checks that
`clear_caches` reaches every memo the decoder and encoder keep, so those figures stay honest."""

from __future__ import annotations

from privacy_signals.tcf import PublisherRestriction, TCModel, decode, encode
from privacy_signals.tcf import decoder as tcf_decoder
from privacy_signals.tcf import encoder as tcf_encoder


def _memos() -> dict[str, dict[object, object]]:
    found = {}
    for module in (tcf_decoder, tcf_encoder):
        for name, value in vars(module).items():
            if isinstance(value, dict) and not name.startswith("__"):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_clear_caches_forgets_every_memo() -> None:
    model = TCModel(
        created=17682624000,
        last_updated=17682624000,
        cmp_id=300,
        purpose_consents={1, 2, 3},
        special_feature_optins={1},
        vendor_consents={1, 131, 294, 508},
        vendor_legitimate_interests=set(range(1, 200, 2)),
        publisher_restrictions=(PublisherRestriction(2, 1, frozenset({1, 131})),),
        vendors_disclosed=set(range(1, 300)),
        publisher_consents={1},
    )
    decode(encode(model))
    memos = _memos()
    assert any(memos.values()), "the round trip should have filled some memo"
    tcf_decoder.clear_caches()
    tcf_encoder.clear_caches()
    assert {name: len(memo) for name, memo in memos.items() if memo} == {}
