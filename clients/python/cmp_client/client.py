"""The downstream API over HTTP, with the standard library only.

Every answer is the server's JSON, unchanged, under typed accessors for the fields a caller
decides on; errors come back as one exception type carrying the server's status, code and message."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

USER_AGENT = "cmp-client/0.1"


class ApiError(Exception):
    """An answer other than 2xx, or no answer at all (status 0)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class Question(TypedDict, total=False):
    """One question of a batch check: a user id and what the single check takes."""

    user_id: str
    vendor: int
    purpose: int
    special_feature: int
    category: str
    atp: int


@dataclass(frozen=True)
class CheckAnswer:
    allowed: bool
    legal_basis: str | None
    reason: str

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> CheckAnswer:
        return cls(bool(body["allowed"]), body.get("legal_basis"), str(body.get("reason", "")))


@dataclass(frozen=True)
class FeedPage:
    records: list[dict[str, Any]]
    next_cursor: str | None
    has_more: bool


@dataclass
class ConsentClient:
    """`ConsentClient("https://cmp.example.com", "news-site", "cmpk_...")`."""

    base_url: str
    site_key: str
    api_key: str
    timeout: float = 10.0
    _site_path: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if urllib.parse.urlsplit(self.base_url).scheme not in ("http", "https"):
            raise ValueError("base_url is an http:// or https:// address.")
        self._site_path = "/api/v1/sites/" + urllib.parse.quote(self.site_key, safe="")

    # --- the operations ---------------------------------------------------------------------------

    def current(self, user_id: str) -> dict[str, Any] | None:
        """The visitor's current consent (the latest unexpired record, with `reprompt`), or None
        when nothing unexpired is recorded."""
        try:
            return self._request("GET", self._user_path(user_id, "consent"))
        except ApiError as error:
            if error.status == 404 and error.code == "no_consent":
                return None
            raise

    def check(
        self,
        user_id: str,
        *,
        vendor: int | None = None,
        purpose: int | None = None,
        category: str | None = None,
        atp: int | None = None,
        special_feature: int | None = None,
    ) -> CheckAnswer:
        """May this vendor / purpose / special feature / cookie category / Google ATP process the
        visitor's data? `vendor` alone: may the vendor process at all (run its tags)."""
        asked = {
            "vendor": vendor,
            "purpose": purpose,
            "special_feature": special_feature,
            "category": category,
            "atp": atp,
        }
        query = {name: str(value) for name, value in asked.items() if value is not None}
        return CheckAnswer.from_json(self._request("GET", self._user_path(user_id, "consent/check"), query))

    def check_many(self, questions: Iterable[Question]) -> list[CheckAnswer | ApiError]:
        """Many questions in one request, answered in order; a malformed question gets its own
        ApiError in its place while the others are answered."""
        body = self._request("POST", self._site_path + "/consent-checks", body={"questions": list(questions)})
        answers: list[CheckAnswer | ApiError] = []
        for answer in body["answers"]:
            if "error" in answer:
                error = answer["error"]
                answers.append(ApiError(400, error["code"], error["message"], error.get("field")))
            else:
                answers.append(CheckAnswer.from_json(answer))
        return answers

    def feed_page(
        self,
        since: str | None = None,
        *,
        limit: int = 100,
        actions: Iterable[str] = (),
        created_from: datetime | None = None,
        created_to: datetime | None = None,
    ) -> FeedPage:
        """One page of the changes feed: the site's records in the order written."""
        query: list[tuple[str, str]] = [("limit", str(limit))]
        if since:
            query.append(("since", since))
        query += [("action", action) for action in actions]
        if created_from:
            query.append(("from", created_from.isoformat()))
        if created_to:
            query.append(("to", created_to.isoformat()))
        body = self._request("GET", self._site_path + "/consents", query)
        return FeedPage(list(body["records"]), body.get("next"), bool(body["has_more"]))

    def feed(self, since: str | None = None, **filters: Any) -> Iterator[tuple[dict[str, Any], str | None]]:
        """Every record from `since` to the present, with the cursor to resume after it; stops when
        the feed has nothing more (call again later with the last cursor to continue)."""
        while True:
            page = self.feed_page(since, **filters)
            for record in page.records:
                yield record, page.next_cursor
            if page.next_cursor:
                since = page.next_cursor
            if not page.has_more:
                return

    def export(self, user_id: str, *, format: str = "json") -> dict[str, Any]:
        """Every unexpired record of the visitor (`format="27560"`: ISO/IEC TS 27560 JSON-LD)."""
        return self._request("GET", self._user_path(user_id, "export"), {"format": format})

    def erase(self, user_id: str) -> dict[str, Any]:
        """Deletes the visitor's records; the server keeps a record of the erasure."""
        return self._request("DELETE", self._site_path + "/users/" + urllib.parse.quote(user_id, safe=""))

    # --- HTTP -----------------------------------------------------------------------------------

    def _user_path(self, user_id: str, rest: str) -> str:
        return f"{self._site_path}/users/{urllib.parse.quote(user_id, safe='')}/{rest}"

    def _request(
        self,
        method: str,
        path: str,
        query: Mapping[str, str] | list[tuple[str, str]] | None = None,
        body: Any = None,
    ) -> dict[str, Any]:
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {
            "Authorization": f"Api-Key {self.api_key}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        # S310: the scheme is checked to be http(s) in __post_init__.
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer: dict[str, Any] = json.loads(response.read())
                return answer
        except urllib.error.HTTPError as failure:
            raise _api_error(failure.code, failure.read()) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as failure:
            raise ApiError(0, "unreachable", f"{method} {url}: {failure}") from None


def _api_error(status: int, raw: bytes) -> ApiError:
    try:
        error = json.loads(raw)["error"]
        return ApiError(status, str(error["code"]), str(error["message"]), error.get("field"))
    except (ValueError, KeyError, TypeError):
        return ApiError(status, "http_error", raw[:200].decode(errors="replace") or f"HTTP {status}")
