"""decode(encode(m)) == m over random models, vendor ids up to 65535 (Hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy_signals.tcf import (
    PublisherRestriction,
    TCModel,
    decode,
    encode,
    model_from_canonical,
    model_to_canonical,
)


def id_sets(highest: int, max_size: int) -> st.SearchStrategy[frozenset[int]]:
    scattered = st.frozensets(st.integers(1, highest), max_size=max_size)
    if highest < 3:
        return scattered
    runs = st.lists(st.tuples(st.integers(1, highest), st.integers(0, 300)), max_size=6).map(
        lambda pairs: frozenset(i for start, n in pairs for i in range(start, min(highest, start + n) + 1))
    )
    return st.one_of(scattered, runs)


letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
restrictions = st.lists(
    st.builds(
        PublisherRestriction,
        purpose_id=st.integers(1, 63),
        restriction_type=st.integers(0, 2),
        vendor_ids=id_sets(65535, 40),
    ),
    max_size=5,
)


@st.composite
def publisher_tc(draw: st.DrawFn) -> dict[str, object]:
    if not draw(st.booleans()):
        return {}
    num_custom = draw(st.integers(0, 63))
    return {
        "publisher_consents": draw(id_sets(24, 24)),
        "publisher_legitimate_interests": draw(id_sets(24, 24)),
        "num_custom_purposes": draw(st.one_of(st.none(), st.just(num_custom))),
        "publisher_custom_consents": draw(id_sets(num_custom, 63)) if num_custom else frozenset(),
        "publisher_custom_legitimate_interests": draw(id_sets(num_custom, 63)) if num_custom else frozenset(),
    }


@st.composite
def models(draw: st.DrawFn) -> TCModel:
    return TCModel(
        created=draw(st.integers(0, 2**36 - 1)),
        last_updated=draw(st.integers(0, 2**36 - 1)),
        cmp_id=draw(st.integers(0, 4095)),
        cmp_version=draw(st.integers(0, 4095)),
        consent_screen=draw(st.integers(0, 63)),
        consent_language=draw(letters),
        vendor_list_version=draw(st.integers(0, 4095)),
        policy_version=draw(st.integers(0, 63)),
        is_service_specific=draw(st.booleans()),
        use_non_standard_texts=draw(st.booleans()),
        special_feature_optins=draw(id_sets(12, 12)),
        purpose_consents=draw(id_sets(24, 24)),
        purpose_legitimate_interests=draw(id_sets(24, 24)),
        purpose_one_treatment=draw(st.booleans()),
        publisher_country_code=draw(letters),
        vendor_consents=draw(id_sets(65535, 200)),
        vendor_legitimate_interests=draw(id_sets(65535, 200)),
        publisher_restrictions=tuple(draw(restrictions)),
        vendors_disclosed=draw(st.one_of(st.none(), id_sets(65535, 200))),
        vendors_allowed=draw(st.one_of(st.none(), id_sets(65535, 50))),
        **draw(publisher_tc()),  # type: ignore[arg-type]
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_decode_of_encode_is_the_same_model(model: TCModel) -> None:
    tc_string = encode(model)
    assert decode(tc_string) == model
    # Every segment is padded to 24 bits: whole base64 groups, never '='.
    assert all(len(part) % 4 == 0 for part in tc_string.split("."))
    assert "=" not in tc_string


@settings(max_examples=100, deadline=None)
@given(models())
def test_canonical_json_round_trips(model: TCModel) -> None:
    tc_string = encode(model)
    assert model_from_canonical(model_to_canonical(model, tc_string)) == model


def test_empty_and_duplicate_restrictions_normalise_like_the_reference() -> None:
    model = TCModel(
        created=0,
        last_updated=0,
        publisher_restrictions=(
            PublisherRestriction(2, 1, {9, 10}),
            PublisherRestriction(1, 0, set()),
            PublisherRestriction(2, 1, {3}),
        ),
    )
    assert model.publisher_restrictions == (PublisherRestriction(2, 1, frozenset({3, 9, 10})),)
    assert decode(encode(model)) == model
