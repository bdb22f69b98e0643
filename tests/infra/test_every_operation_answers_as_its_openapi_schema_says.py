"""Every operation of the served OpenAPI schema (`/api/v1/schema/`), driven with real requests
against a real site with records, answers as the schema says: the parameters and bodies it is sent
are valid by the schema exactly when the server takes them, every status it answers is documented
for that operation, every body is valid by the documented schema (objects closed: a field the
schema does not name fails), the downstream API key is required where the schema says so (401
without it, 403 with another site's), and every documented status and query parameter is reached.
An operation in the URLconf but not in the schema fails too.

The OpenAPI 3.0 schemas are turned into JSON Schema (2020-12) and checked with jsonschema_rs,
formats included.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import jsonschema_rs
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.views import APIView

from tests.conftest import site_origin

SCHEMA_URL = "/api/v1/schema/?format=json"
API_PREFIX = "/api/"
# What no request in this test can provoke, and where it is proved instead.
NOT_DRIVEN = {503: "a database outage (tests/hardening/test_database_outage_answers_503.py)"}
REFUSED_BODY = ("body", "in the answer")
# OpenAPI 3.0 keywords with no JSON Schema meaning for a response.
DROPPED = {
    "nullable",
    "example",
    "readOnly",
    "writeOnly",
    "deprecated",
    "discriminator",
    "xml",
    "externalDocs",
}


def json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` becomes a null alternative, and an object
    that names its properties admits no others (the schema must name every field an answer has)."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROPPED:
            continue
        if key == "properties":
            out[key] = {name: json_schema(schema) for name, schema in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = json_schema(value)
        else:
            out[key] = value
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def route_as_openapi(route: str) -> str:
    """A URLconf route (path() or re_path()) written as an OpenAPI path template."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return "/" + route.replace("^", "").replace("$", "").replace("/?", "/")


def urlconf_operations() -> set[tuple[str, str]]:
    """(method, path) of every view under /api/ and /.well-known/ in the URLconf, the schema's own
    pages left out."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield route_as_openapi(prefix + str(pattern.pattern)), pattern.callback

    found: set[tuple[str, str]] = set()
    for path, callback in walk(get_resolver().url_patterns, ""):
        if not path.startswith((API_PREFIX, "/.well-known/")):
            continue
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if view in (SpectacularAPIView, SpectacularRedocView):
            continue
        if view is None or not issubclass(view, APIView):
            found.add(("?", path))  # a function view the schema generator cannot see
            continue
        for method in view.http_method_names:
            if method not in ("options", "head", "trace") and hasattr(view, method):
                found.add((method, path))
    return found


def coerce(value: str, schema: dict[str, Any]) -> Any:
    """A query string value as the type its parameter schema names (form style)."""
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?\d+", value):
        return int(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


class Conformance:
    """Sends requests through the whole middleware stack and checks each one against the schema."""

    def __init__(self, client: Any, schema: dict[str, Any]) -> None:
        self.client = client
        self.schema = schema
        self.components = {
            "schemas": {name: json_schema(part) for name, part in schema["components"]["schemas"].items()}
        }
        self.seen: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.used_parameters: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.keyless_refused: set[tuple[str, str]] = set()
        self.foreign_key_refused: set[tuple[str, str]] = set()
        self.failures: list[str] = []

    def validator(self, schema: dict[str, Any]) -> Any:
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema", **json_schema(schema)}
        return jsonschema_rs.validator_for({**root, "components": self.components}, validate_formats=True)

    def errors(self, schema: dict[str, Any], instance: Any) -> list[str]:
        return [str(error).split("\n")[0] for error in self.validator(schema).iter_errors(instance)]

    def operation(self, method: str, template: str) -> dict[str, Any]:
        operation = self.schema["paths"].get(template, {}).get(method)
        assert operation is not None, f"{method.upper()} {template} is not in the schema"
        return operation

    def parameter_errors(
        self, operation: dict[str, Any], path: dict[str, str], query: list[tuple[str, str]]
    ) -> list[str]:
        documented = {(p["in"], p["name"]): p for p in operation.get("parameters", [])}
        problems = []
        for name, value in path.items():
            parameter = documented.get(("path", name))
            if parameter is None:
                problems.append(f"path parameter {name} is not documented")
            else:
                problems += [
                    f"{name}: {e}"
                    for e in self.errors(parameter["schema"], coerce(value, parameter["schema"]))
                ]
        given: dict[str, list[str]] = defaultdict(list)
        for name, value in query:
            given[name].append(value)
        for name, values in given.items():
            parameter = documented.get(("query", name))
            if parameter is None:
                problems.append(f"query parameter {name} is not documented")
                continue
            schema = parameter["schema"]
            if schema.get("type") == "array":
                instance: Any = [coerce(v, schema.get("items", {})) for v in values]
            elif len(values) > 1:
                problems.append(f"{name} is given {len(values)} times but is not an array")
                continue
            else:
                instance = coerce(values[0], schema)
            problems += [f"{name}: {e}" for e in self.errors(schema, instance)]
        for (where, name), parameter in documented.items():
            if parameter.get("required") and where == "query" and name not in given:
                problems.append(f"required query parameter {name} is missing")
        return problems

    def call(
        self,
        method: str,
        template: str,
        expect: int,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, str | list[str]] | None = None,
        key: str | None = None,
        body: Any = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
        refused: str | None = None,
        headers: dict[str, str] | None = None,
        address: str = "127.0.0.1",
    ) -> Any:
        """One request. `refused` says why a 4xx is expected, and so which part the schema must
        refuse too: "parameter", "body" (or "in the answer": refused inside a 200) or "media type";
        "beyond the schema" for what a schema cannot say (an unknown site, a TC string that does not
        decode, a body over the size limit)."""
        operation = self.operation(method, template)
        path = path or {}
        pairs = [
            (name, value)
            for name, values in (query or {}).items()
            for value in (values if isinstance(values, list) else [values])
        ]
        where = f"{method.upper()} {template} {path} {pairs}"
        problems = self.parameter_errors(operation, path, pairs)
        if refused == "parameter":
            if not problems:
                self.failures.append(f"{where}: the server refuses these parameters; the schema takes them")
        elif problems:
            self.failures.append(f"{where}: parameters the schema refuses: {problems}")

        data: bytes | None = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        if data is not None:
            media = operation.get("requestBody", {}).get("content", {}).get(content_type)
            if media is None:
                if refused != "media type":
                    self.failures.append(f"{where}: request media type {content_type} is not documented")
            elif raw is None:
                body_problems = self.errors(media["schema"], body)
                if refused in REFUSED_BODY and not body_problems:
                    self.failures.append(f"{where}: the server refuses {body!r}; the schema takes it")
                elif refused not in REFUSED_BODY and body_problems:
                    self.failures.append(f"{where}: a body the schema refuses: {body_problems}")

        url = template.format(**path) + (f"?{urlencode(pairs)}" if pairs else "")
        sent_headers = dict(headers or {})
        if method == "post" and template.endswith("/consents") and "site_key" in path:
            sent_headers.setdefault("Origin", site_origin(path["site_key"]))  # as the banner sends it
        if key:
            sent_headers["Authorization"] = f"Api-Key {key}"
        kwargs: dict[str, Any] = {"headers": sent_headers, "REMOTE_ADDR": address}
        if data is not None:
            kwargs.update(data=data, content_type=content_type)
        response = getattr(self.client, method)(url, **kwargs)
        status = response.status_code
        assert status == expect, f"{where} -> {status} (expected {expect}): {response.content[:300]!r}"
        self.check_response(method, template, operation, response, where)

        op = (method, template)
        self.seen[op].add(status)
        if 200 <= status < 300 or status == 304:
            self.used_parameters[op].update(name for name, _ in pairs)
        if status == 401 and not key:
            self.keyless_refused.add(op)
        if status == 403 and key:
            self.foreign_key_refused.add(op)
        if not key and self.needs_key(operation) and status not in (401, 413, 415, 429):
            self.failures.append(f"{where}: answered {status} without the API key the schema requires")
        return response

    @staticmethod
    def needs_key(operation: dict[str, Any]) -> bool:
        security = operation.get("security", [])
        return bool(security) and all(requirement for requirement in security)

    def check_response(
        self, method: str, template: str, operation: dict[str, Any], response: Any, where: str
    ) -> None:
        status = response.status_code
        documented = operation["responses"].get(str(status))
        if documented is None:
            self.failures.append(f"{where}: status {status} is not documented")
            return
        content = documented.get("content")
        if not content:
            if response.content:
                self.failures.append(f"{where}: {status} is documented without a body but has one")
            return
        media_type = response["Content-Type"].split(";")[0].strip()
        # OpenAPI content keys may be media ranges ("image/*"); the exact type wins.
        media = content.get(media_type) or content.get(media_type.split("/")[0] + "/*")
        if media is None:
            self.failures.append(f"{where}: {status} answers {media_type}; documented: {sorted(content)}")
            return
        if not media_type.endswith("json"):
            return  # an image: its type is all a schema says of it
        problems = self.errors(media["schema"], json.loads(response.content))
        if problems:
            self.failures.append(f"{where}: the {status} body is not as documented: {problems[:5]}")


@pytest.fixture(autouse=True)
def _unlimited(settings: Any) -> None:
    # The 429 cases set their own limits; the rest come from one address by the hundred.
    settings.CMP_RATE_LIMIT_PER_IP = 0
    settings.CMP_RATE_LIMIT_PER_SITE = 0


@pytest.fixture
def served_schema(client: Any, db: None) -> dict[str, Any]:
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def conformance(client: Any, served_schema: dict[str, Any]) -> Conformance:
    return Conformance(client, served_schema)


def oversized(field: str) -> bytes:
    """A JSON body over the default 64 KiB limit (CMP_MAX_BODY_BYTES)."""
    return json.dumps({field: "x" * 70_000}).encode()


def rate_limited(settings: Any, check: Conformance, method: str, template: str, **kwargs: Any) -> None:
    """The second request from one address within its window: 429."""
    settings.CMP_RATE_LIMIT_PER_IP = 1
    settings.CMP_RATE_LIMIT_KEY_PREFIX = f"test-rl:{uuid.uuid4().hex}"
    address = f"203.0.113.{len(check.seen) % 250 + 1}"
    first = kwargs.pop("first_status")
    check.call(method, template, first, address=address, **kwargs)
    check.call(method, template, 429, address=address, refused="beyond the schema", **kwargs)
    settings.CMP_RATE_LIMIT_PER_IP = 0


def test_the_urlconf_has_no_operation_the_schema_leaves_out(served_schema: dict[str, Any]) -> None:
    documented = {(method, path) for path, item in served_schema["paths"].items() for method in item}
    assert urlconf_operations() == documented


def test_downstream_operations_require_their_key_in_the_schema(served_schema: dict[str, Any]) -> None:
    for path, item in served_schema["paths"].items():
        for method, operation in item.items():
            if operation.get("tags") == ["downstream"]:
                assert Conformance.needs_key(operation), f"{method} {path}: the key is optional"
                assert operation["security"] == [{"ApiKey": []}], (method, path)


def test_every_operation_answers_as_its_schema_says(
    conformance: Conformance, settings: Any, site: Any, other_site: Any, api_key_for: Any, catalogue: Any
) -> None:
    check = conformance
    key, foreign = api_key_for(site), api_key_for(other_site)
    alpha = {"site_key": site.key}
    nobody = "n0-consent-recorded-here"

    # --- the banner's public operations -----------------------------------------------------
    consents = "/api/v1/sites/{site_key}/consents"
    accepted = check.call("post", consents, 201, path=alpha, body={"action": "accept_all", "language": "fr"})
    user, token = accepted.json()["user_id"], accepted.json()["write_token"]
    custom = {
        "action": "custom",
        "user_id": user,
        "write_token": token,
        "categories": {"necessary": True, "analytics": True, "advertisement": False},
        "purposes": [1, 2, 3],
        "purpose_li_objections": [7],
        "special_features": [1],
        "vendors": sorted(catalogue.vendors)[:5],
        "vendor_li_objections": sorted(catalogue.vendors)[5:7],
        "atps": [89],
    }
    check.call("post", consents, 201, path=alpha, raw=json.dumps(custom).encode(), content_type="text/plain")
    check.call("post", consents, 201, path=alpha, body=custom)
    rejected = check.call("post", consents, 201, path=alpha, body={"action": "reject_all"}).json()
    erased_user = rejected["user_id"]
    withdrawal = {"action": "withdraw", "user_id": erased_user, "write_token": rejected["write_token"]}
    check.call("post", consents, 201, path=alpha, body=withdrawal)
    # A visitor's id without its write token, and a page of an origin the site does not list: 403.
    forged = {"action": "accept_all", "user_id": erased_user, "write_token": "x" * 43}
    check.call("post", consents, 403, path=alpha, body=forged, refused="beyond the schema")
    check.call(
        "post", consents, 403, path=alpha, body={"action": "accept_all"},
        headers={"Origin": "https://elsewhere.example"}, refused="beyond the schema",
    )  # fmt: skip
    check.call("post", consents, 400, path=alpha, body={"action": "maybe"}, refused="body")
    check.call("post", consents, 400, path=alpha, body={"action": "custom", "vendors": [0]}, refused="body")
    check.call(
        "post", consents, 400, path=alpha, body={"action": "accept_all", "user_id": "short"}, refused="body"
    )
    check.call("post", consents, 400, path=alpha, raw=b"{not json", refused="body")
    check.call(
        "post",
        consents,
        404,
        path={"site_key": "no-such-site"},
        body={"action": "accept_all"},
        refused="beyond the schema",
    )
    check.call(
        "post",
        consents,
        413,
        path=alpha,
        raw=oversized("pad"),
        refused="beyond the schema",
    )
    check.call(
        "post",
        consents,
        415,
        path=alpha,
        body={"action": "accept_all"},
        content_type="application/xml",
        refused="media type",
    )
    rate_limited(
        settings, check, "post", consents, first_status=201, path=alpha, body={"action": "accept_all"}
    )

    for template in (
        "/api/v1/sites/{site_key}/banner",
        "/api/v1/sites/{site_key}/requirements",
        "/api/v1/sites/{site_key}/preferences",
        "/api/v1/sites/{site_key}/vendors",
    ):
        first = check.call("get", template, 200, path=alpha, query={"lang": "fr"})
        check.call(
            "get", template, 304, path=alpha, query={"lang": "fr"}, headers={"If-None-Match": first["ETag"]}
        )
        check.call("get", template, 400, path=alpha, query={"lang": ["en", "fr"]}, refused="parameter")
        check.call("get", template, 404, path={"site_key": "no-such-site"}, refused="beyond the schema")
        rate_limited(settings, check, "get", template, first_status=200, path=alpha)

    # A return visit fetches the banner document under the stamp of the requirements it revalidated.
    stamp = check.call("get", "/api/v1/sites/{site_key}/requirements", 200, path=alpha).json()["stamp"]
    check.call("get", "/api/v1/sites/{site_key}/banner", 200, path=alpha, query={"lang": "fr", "v": stamp})
    # and the preferences document under the same stamp, as the banner document links it.
    check.call(
        "get", "/api/v1/sites/{site_key}/preferences", 200, path=alpha, query={"lang": "fr", "v": stamp}
    )

    check.call("get", "/.well-known/gpc.json", 200)

    # The logo the console's Appearance page stores, and the banner's display beacon.
    from sites.models import BannerTheme

    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
    BannerTheme.objects.update_or_create(site=site, defaults={"logo": png, "logo_type": "image/png"})
    logo = "/api/v1/sites/{site_key}/logo"
    first = check.call("get", logo, 200, path=alpha)
    check.call("get", logo, 304, path=alpha, headers={"If-None-Match": first["ETag"]})
    check.call("get", logo, 404, path={"site_key": other_site.key}, refused="beyond the schema")
    shown = "/api/v1/sites/{site_key}/shown"
    # navigator.sendBeacon(url) with no data: a POST without a body.
    check.call("post", shown, 204, path=alpha, query={"lang": "fr"})
    check.call("post", shown, 404, path={"site_key": "no-such-site"}, refused="beyond the schema")
    rate_limited(settings, check, "post", shown, first_status=204, path=alpha)

    receipt = "/api/v1/sites/{site_key}/users/{user_id}/receipt"
    mine = {**alpha, "user_id": user}
    proof = {"write_token": token}
    check.call("post", receipt, 200, path=mine, body=proof)
    check.call("post", receipt, 200, path=mine, raw=json.dumps(proof).encode(), content_type="text/plain")
    check.call("post", receipt, 400, path={**alpha, "user_id": "not a user"}, body=proof, refused="parameter")
    check.call("post", receipt, 400, path=mine, body=proof, query={"lang": "fr"}, refused="parameter")
    check.call("post", receipt, 400, path=mine, body={"write_token": "short"}, refused="body")
    check.call("post", receipt, 403, path=mine, body={}, refused="body")
    check.call("post", receipt, 403, path=mine, body={"write_token": "x" * 43}, refused="beyond the schema")
    from consent import visitors

    unrecorded, unrecorded_token = visitors.issue(site.pk)  # an issued id with no record yet
    check.call(
        "post", receipt, 404, path={**alpha, "user_id": unrecorded},
        body={"write_token": unrecorded_token}, refused="beyond the schema",
    )  # fmt: skip
    check.call("post", receipt, 413, path=mine, raw=oversized("write_token"), refused="beyond the schema")
    check.call(
        "post", receipt, 415, path=mine, body=proof, content_type="application/xml", refused="media type"
    )
    rate_limited(settings, check, "post", receipt, first_status=200, path=mine, body=proof)

    decode = "/api/v1/tcf/decode"
    tc_string = accepted.json()["tc_string"]
    check.call("post", decode, 200, body={"tc_string": tc_string})
    check.call("post", decode, 400, body={"tc_string": "not-a-tc-string"}, refused="beyond the schema")
    check.call("post", decode, 400, body={"tc_string": tc_string, "more": 1}, refused="body")
    check.call("post", decode, 400, body={"tc_string": 7}, refused="body")
    check.call("post", decode, 413, raw=oversized("tc_string"), refused="beyond the schema")
    check.call(
        "post",
        decode,
        415,
        body={"tc_string": tc_string},
        content_type="application/xml",
        refused="media type",
    )
    rate_limited(settings, check, "post", decode, first_status=200, body={"tc_string": tc_string})

    # --- downstream operations, with the site's key ----------------------------------------------
    def refuses_strangers(method: str, template: str, path: dict[str, str], **kwargs: Any) -> None:
        check.call(method, template, 401, path=path, **kwargs)
        check.call(method, template, 401, path=path, headers={"Authorization": "Bearer nope"}, **kwargs)
        check.call(method, template, 401, path=path, key="cmpk_unknown", **kwargs)
        check.call(method, template, 403, path=path, key=foreign, **kwargs)

    current = "/api/v1/sites/{site_key}/users/{user_id}/consent"
    check.call("get", current, 200, path={**alpha, "user_id": user}, key=key)
    check.call("get", current, 400, path={**alpha, "user_id": "not a user"}, key=key, refused="parameter")
    check.call("get", current, 404, path={**alpha, "user_id": nobody}, key=key)
    refuses_strangers("get", current, {**alpha, "user_id": user})

    single = "/api/v1/sites/{site_key}/users/{user_id}/consent/check"
    who = {**alpha, "user_id": user}
    vendor = sorted(catalogue.vendors)[0]
    for question in (
        {"vendor": str(vendor)},
        {"vendor": str(vendor), "purpose": "1"},
        {"purpose": "2"},
        {"special_feature": "1"},
        {"special_feature": "1", "vendor": str(vendor)},
        {"category": "analytics"},
        {"category": "necessary"},
        {"atp": "89"},
        {"us": "sale"},
    ):
        check.call("get", single, 200, path=who, query=question, key=key)
    check.call("get", single, 200, path={**alpha, "user_id": nobody}, query={"purpose": "1"}, key=key)
    check.call("get", single, 400, path=who, query={"category": "cookies"}, key=key, refused="parameter")
    check.call("get", single, 400, path=who, query={"vendor": "x"}, key=key, refused="parameter")
    check.call(
        "get", single, 400, path=who, query={"purpose": "1", "atp": "2"}, key=key, refused="beyond the schema"
    )
    check.call(
        "get", single, 400, path=who, query={"purpose": "1", "colour": "2"}, key=key, refused="parameter"
    )
    check.call(
        "get",
        single,
        400,
        path={**alpha, "user_id": "not a user"},
        query={"purpose": "1"},
        key=key,
        refused="parameter",
    )
    refuses_strangers("get", single, who, query={"purpose": "1"})

    batch = "/api/v1/sites/{site_key}/consent-checks"
    questions = {
        "questions": [
            {"user_id": user, "vendor": vendor},
            {"user_id": nobody, "category": "analytics"},
            {"user_id": user, "atp": 89},
            {"user_id": user, "purpose": 1},
        ]
    }
    check.call("post", batch, 200, path=alpha, body=questions, key=key)
    check.call("post", batch, 400, path=alpha, body={"questions": []}, key=key, refused="body")
    # A malformed question is answered in its place, the others still answered.
    check.call(
        "post", batch, 200, path=alpha, body={"questions": [{"vendor": 1}]}, key=key, refused="in the answer"
    )
    check.call(
        "post",
        batch,
        413,
        path=alpha,
        raw=oversized("questions"),
        key=key,
        refused="beyond the schema",
    )
    check.call(
        "post",
        batch,
        415,
        path=alpha,
        body=questions,
        key=key,
        content_type="application/xml",
        refused="media type",
    )
    refuses_strangers("post", batch, alpha, body=questions)

    export = "/api/v1/sites/{site_key}/users/{user_id}/export"
    for kind in ("json", "27560"):
        check.call("get", export, 200, path=who, query={"format": kind}, key=key)
    check.call("get", export, 200, path={**alpha, "user_id": nobody}, key=key)
    check.call("get", export, 400, path=who, query={"format": "xml"}, key=key, refused="parameter")
    check.call("get", export, 400, path=who, query={"since": "1"}, key=key, refused="parameter")
    refuses_strangers("get", export, who)

    erase = "/api/v1/sites/{site_key}/users/{user_id}"
    check.call("delete", erase, 400, path={**alpha, "user_id": "not a user"}, key=key, refused="parameter")
    refuses_strangers("delete", erase, {**alpha, "user_id": erased_user})
    check.call("delete", erase, 200, path={**alpha, "user_id": erased_user}, key=key)
    check.call("delete", erase, 200, path={**alpha, "user_id": nobody}, key=key)

    feed = "/api/v1/sites/{site_key}/consents"
    page = check.call("get", feed, 200, path=alpha, query={"limit": "2"}, key=key).json()
    check.call(
        "get",
        feed,
        200,
        path=alpha,
        key=key,
        query={
            "since": page["next"],
            "limit": "1000",
            "action": ["accept_all", "custom", "erase"],
            "from": "2020-01-01T00:00:00Z",
            "to": "2100-01-01",
        },
    )
    check.call("get", feed, 400, path=alpha, query={"limit": "0"}, key=key, refused="parameter")
    check.call("get", feed, 400, path=alpha, query={"action": "maybe"}, key=key, refused="parameter")
    check.call("get", feed, 400, path=alpha, query={"from": "yesterday"}, key=key, refused="parameter")
    check.call("get", feed, 400, path=alpha, query={"since": "!!"}, key=key, refused="beyond the schema")
    check.call("get", feed, 400, path=alpha, query={"user": user}, key=key, refused="parameter")
    refuses_strangers("get", feed, alpha)
    rate_limited(settings, check, "get", feed, first_status=200, path=alpha, key=key)

    # --- the GVL read API ---------------------------------------------------------------------------
    version = str(catalogue.vendor_list_version)
    gvl = [
        "/api/v1/gvl/",
        "/api/v1/gvl/purposes/",
        "/api/v1/gvl/features/",
        "/api/v1/gvl/stacks/",
        "/api/v1/gvl/data-categories/",
        "/api/v1/gvl/vendors/",
        "/api/v1/gvl/vendors/{vendor_id}/",
    ]
    for template in gvl:
        path = {"vendor_id": str(vendor)} if "{vendor_id}" in template else {}
        first = check.call("get", template, 200, path=path, query={"lang": "fr", "version": version})
        check.call(
            "get",
            template,
            304,
            path=path,
            query={"lang": "fr", "version": version},
            headers={"If-None-Match": first["ETag"]},
        )
        check.call("get", template, 400, path=path, query={"version": "v1"}, refused="parameter")
        check.call("get", template, 400, path=path, query={"verison": version}, refused="parameter")
        check.call("get", template, 404, path=path, query={"version": "99999"}, refused="beyond the schema")
    vendors = "/api/v1/gvl/vendors/"
    filters = {
        "purpose": "1",
        "leg_int_purpose": "2",
        "flexible_purpose": "2",
        "special_purpose": "1",
        "feature": "1",
        "special_feature": "1",
        "data_category": "1",
    }
    for name, value in filters.items():
        check.call("get", vendors, 200, query={name: value})
    check.call(
        "get", vendors, 200, query={"search": "goo", "include_deleted": "true", "limit": "5", "offset": "2"}
    )
    check.call("get", vendors, 400, query={"limit": "1001"}, refused="parameter")
    check.call("get", vendors, 400, query={"include_deleted": "maybe"}, refused="parameter")
    detail = "/api/v1/gvl/vendors/{vendor_id}/"
    check.call("get", detail, 400, path={"vendor_id": "abc"}, refused="parameter")
    check.call("get", detail, 404, path={"vendor_id": "999999"}, refused="beyond the schema")

    assert not check.failures, "\n".join(check.failures)

    # Every documented status and query parameter of every operation was reached.
    unreached = []
    for path, item in check.schema["paths"].items():
        for method, operation in item.items():
            op = (method, path)
            statuses = {int(code) for code in operation["responses"]} - set(NOT_DRIVEN)
            if missing := statuses - check.seen[op]:
                unreached.append(f"{method.upper()} {path}: statuses {sorted(missing)} never answered")
            parameters = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if missing_parameters := parameters - check.used_parameters[op]:
                unreached.append(
                    f"{method.upper()} {path}: parameters {sorted(missing_parameters)} never used"
                )
            if Conformance.needs_key(operation) and not (
                op in check.keyless_refused and op in check.foreign_key_refused
            ):
                unreached.append(f"{method.upper()} {path}: the key requirement was not exercised")
    assert not unreached, "\n".join(unreached)
