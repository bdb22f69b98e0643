"""A vendor disabled through the vendors admin's bulk action ("Disable selected", a
`QuerySet.update()` that sends no model signal) is no longer disclosed by the very next request:
neither in the banner's vendor document nor in the TC string's DisclosedVendors segment, in the
process that ran the action and in another process that had already cached the vendor
(infra/config.py: the configuration version bumped by a database trigger, checked per request).

The multi-process test runs two gunicorn services on one database of their own (PostgreSQL on the
PostgreSQL run, a SQLite file otherwise), each having served the vendor before the action, and a
staff user who logs in to the admin of the first one and posts the action there."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.http import HttpRequest

from privacy_signals.tcf import decode
from tests.conftest import site_origin

VENDORS_DOCUMENT = "/api/v1/sites/demo/vendors"
CONSENTS = "/api/v1/sites/demo/consents"
ORIGIN = {"Origin": site_origin("demo")}  # as the banner on the demo page sends it
VENDOR_ADMIN = "/admin/vendors/vendor/"
# The GVL catalogue is shared by every site: only superusers change it (sites/admin_access.py).
STAFF, PASSWORD = "catalogue-admin", "a-long-test-password-9431"
MAKE_STAFF = f"""
from django.contrib.auth.models import User
User.objects.create_superuser({STAFF!r}, password={PASSWORD!r})
"""


def disclosed(vendors_document: dict[str, Any], consent_answer: dict[str, Any]) -> tuple[set[int], set[int]]:
    """The vendors the banner lists, and those the TC string says were disclosed."""
    listed = {vendor["id"] for vendor in vendors_document["vendors"]}
    return listed, set(decode(consent_answer["tc_string"]).vendors_disclosed)


def action_form(vendor_id: int, csrf_token: str) -> dict[str, Any]:
    return {
        "action": "disable_selected",
        "_selected_action": [str(vendor_id)],
        "index": "0",
        "csrfmiddlewaretoken": csrf_token,
    }


@pytest.mark.django_db
def test_the_next_request_in_the_same_process_no_longer_discloses_it(client, demo_site, settings):
    from django.contrib.auth.models import User

    settings.CMP_RATE_LIMIT_PER_IP = 0
    before = disclosed(
        client.get(VENDORS_DOCUMENT).json(),
        client.post(
            CONSENTS, {"action": "accept_all"}, content_type="application/json", headers=ORIGIN
        ).json(),
    )
    vendor_id = min(before[0])
    assert vendor_id in before[1]

    User.objects.create_superuser(STAFF, password=PASSWORD)
    # axes (cmp/login_lockout.py) counts sign-ins per request, so the login names one.
    assert client.login(request=HttpRequest(), username=STAFF, password=PASSWORD)
    client.get(VENDOR_ADMIN)
    answer = client.post(VENDOR_ADMIN, action_form(vendor_id, client.cookies["csrftoken"].value))
    assert answer.status_code == 302, answer.content[:500]

    listed, in_tc_string = disclosed(
        client.get(VENDORS_DOCUMENT).json(),
        client.post(
            CONSENTS, {"action": "accept_all"}, content_type="application/json", headers=ORIGIN
        ).json(),
    )
    assert vendor_id not in listed
    assert vendor_id not in in_tc_string
    assert listed == before[0] - {vendor_id}
    assert in_tc_string == before[1] - {vendor_id}


def staff_session(base_url: str) -> requests.Session:
    session = requests.Session()
    login = base_url + "/admin/login/"
    session.get(login, timeout=30)
    answer = session.post(
        login,
        data={
            "username": STAFF,
            "password": PASSWORD,
            "next": VENDOR_ADMIN,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=30,
    )
    assert answer.url.endswith(VENDOR_ADMIN), f"login failed: {answer.url}"
    return session


def served_disclosure(base_url: str) -> tuple[set[int], set[int]]:
    return disclosed(
        requests.get(base_url + VENDORS_DOCUMENT, timeout=30).json(),
        requests.post(base_url + CONSENTS, json={"action": "accept_all"}, headers=ORIGIN, timeout=30).json(),
    )


@pytest.mark.slow
def test_the_next_request_in_this_and_another_process_no_longer_discloses_it(scratch_database, start_service):
    scratch_database.manage("load_bundled_catalogue")
    scratch_database.manage("create_demo_site")
    scratch_database.python(MAKE_STAFF)
    env = scratch_database.env(CMP_RATE_LIMIT_PER_IP="0")
    acting, other = start_service(env), start_service(env)

    # Both processes have built and kept the site's catalogue before the change.
    before = served_disclosure(acting.base_url)
    assert served_disclosure(other.base_url) == before
    vendor_id = min(before[0])
    assert vendor_id in before[1]

    session = staff_session(acting.base_url)
    page = session.get(acting.base_url + VENDOR_ADMIN, timeout=30)
    assert "disable_selected" in page.text
    answer = session.post(
        acting.base_url + VENDOR_ADMIN, data=action_form(vendor_id, session.cookies["csrftoken"]), timeout=30
    )
    assert answer.status_code == 200
    assert answer.url.endswith(VENDOR_ADMIN), answer.url
    rows = scratch_database.query(f"SELECT enabled FROM vendors_vendor WHERE id = {vendor_id}")
    assert rows == [(False,)] or rows == [(0,)], f"the bulk action did not disable the vendor: {rows}"

    for service in (acting, other):
        listed, in_tc_string = served_disclosure(service.base_url)
        assert vendor_id not in listed, f"{service.base_url} still lists vendor {vendor_id}"
        assert vendor_id not in in_tc_string, f"{service.base_url} still discloses vendor {vendor_id}"
        assert (listed, in_tc_string) == (before[0] - {vendor_id}, before[1] - {vendor_id})
