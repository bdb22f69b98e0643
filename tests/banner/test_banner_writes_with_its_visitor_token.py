"""The banner keeps the write token answered with the visitor's id in first-party storage (not in a
cookie, so it never travels to the publisher's server), sends it with the visitor's later choices,
and a visitor whose id has no token (issued before ids carried proof, or storage cleared) starts
again as a new visitor instead of seeing an error."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord

pytestmark = pytest.mark.browser


def stored_token(page):
    raw = page.evaluate("() => localStorage.getItem('cmp_token_demo')")
    return json.loads(raw) if raw else None


def test_later_choices_carry_the_token_and_stay_in_one_history(open_demo, cookies, context):
    page = open_demo()
    page.click(".cmp-bar [data-cmp=reject]")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    user_id = cookies()["meta"]["user_id"]
    kept = stored_token(page)
    assert kept["user_id"] == user_id
    assert len(kept["token"]) == 43
    assert all(kept["token"] not in c["value"] for c in context.cookies()), "the token is no cookie"

    page.reload()
    page.click("[data-cmp=revisit]")
    with page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        page.click("[data-cmp=withdraw]")
    assert answer.value.status == 201
    actions = list(
        ConsentRecord.objects.filter(user_id=user_id).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["reject_all", "withdraw"]


def test_an_id_without_its_token_starts_a_new_visitor(open_demo, cookies):
    page = open_demo()
    page.click(".cmp-bar [data-cmp=accept]")
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
    first = cookies()["meta"]["user_id"]
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if r.url.endswith("/consents") else None)
    # A visitor from before write tokens: the same id in the cookie, no token beside it.
    page.evaluate("() => localStorage.removeItem('cmp_token_demo')")
    page.reload()
    page.click("[data-cmp=revisit]")
    page.click("[data-cmp=withdraw]")
    page.wait_for_function(f"() => !document.cookie.includes({json.dumps(first)})")
    second = cookies()["meta"]["user_id"]
    assert second != first
    assert answers == [201]
    assert ConsentRecord.objects.get(user_id=second).action == "withdraw"
    assert list(ConsentRecord.objects.filter(user_id=first).values_list("action", flat=True)) == [
        "accept_all"
    ]
    assert stored_token(page)["user_id"] == second

    # An id whose token the server refuses (a cookie from before ids carried proof): one 403, then
    # the choice is recorded for a new visitor, and nothing is written for the old id.
    page.evaluate(
        """() => {
          const m = JSON.parse(decodeURIComponent(document.cookie.match(/cmp_consent=([^;]*)/)[1]));
          const old = {user_id: 'x'.repeat(32), token: 'y'.repeat(43)};
          localStorage.setItem('cmp_token_demo', JSON.stringify(old));
          m.user_id = 'x'.repeat(32);
          document.cookie = 'cmp_consent=' + encodeURIComponent(JSON.stringify(m)) + '; path=/';
        }"""
    )
    answers.clear()
    page.reload()
    page.click("[data-cmp=revisit]")
    page.click("[data-cmp=withdraw]")
    page.wait_for_function("() => !document.cookie.includes('x'.repeat(32))")
    assert answers == [403, 201]
    assert not ConsentRecord.objects.filter(user_id="x" * 32).exists()
    expect(page.locator("[data-cmp=revisit]")).to_be_visible()
