"""``/companies`` (pages capped at 10,000 records, lookups by ``company_id``/``name``, tag and
segment filters), ``POST /companies/list``, company details and segments, and the scroll API
(one open scroll per workspace)."""

from __future__ import annotations

import threading
import time
import uuid
from random import Random
from typing import Any
from urllib.parse import urlencode

from fake_intercom.data.ids import COMPANY_BASE, parse_hex_id
from fake_intercom.endpoints.paging import Paging
from fake_intercom.engine import total_pages
from fake_intercom.errors import HTTPError

COMPANY_PAGE_CAP = 10_000


class CompanyEndpoints(Paging):
    lock: threading.RLock
    scroll: dict[str, Any] | None
    scroll_hold_until: float
    scroll_fail_after_pages: int | None
    scroll_page_size: int
    scroll_idle_seconds: float
    scroll_counter: int
    st_scrolls_opened: int

    def _company_idx(self, cid: str) -> int:
        i = parse_hex_id(cid, COMPANY_BASE, self.ds.companies.count)
        if i is None or self.ds.is_removed("companies", i):
            raise HTTPError(404, "company_not_found", "Company Not Found")
        return i

    def _live_companies(self, idxs: range | list[int]) -> list[int]:
        """The indexes of `idxs` whose company is not deleted."""
        with self.ds.lock:
            gone = self.ds.removed["companies"]
            return [i for i in idxs if i not in gone]

    def ep_companies_scroll(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        param = query.get("scroll_param")
        now = time.time()
        with self.lock:
            sc = self.scroll
            if sc is not None and now - sc["last_used"] > self.scroll_idle_seconds:
                self.scroll = sc = None
            if not param:
                if self.scroll_hold_until > now or (sc is not None and not sc["done"]):
                    raise HTTPError(400, "scroll_exists", "scroll already exists for this app")
                self.scroll_counter += 1
                r = Random(f"{self.ds.seed}:scroll:{self.scroll_counter}")
                sc = self.scroll = {
                    "param": str(uuid.UUID(int=r.getrandbits(128), version=4)),
                    "pos": 0,
                    "pages": 0,
                    "last_used": now,
                    "done": False,
                }
                self.st_scrolls_opened += 1
            elif sc is None or sc["param"] != param or sc["done"]:
                raise HTTPError(404, "not_found", "scroll parameter not found")
            if (
                self.scroll_fail_after_pages is not None
                and sc["pages"] >= self.scroll_fail_after_pages
            ):
                self.scroll_fail_after_pages = None
                self.scroll = None
                raise HTTPError(
                    500,
                    "server_error",
                    "Request failed due to an internal network error. Please "
                    "restart the scroll operation.",
                )
            # A page holds the next `scroll_page_size` live companies (deleted ones are
            # skipped, so a page is empty only at the end).
            idxs: list[int] = []
            pos = sc["pos"]
            while pos < self.ds.companies.count and len(idxs) < self.scroll_page_size:
                end = min(self.ds.companies.count, pos + self.scroll_page_size - len(idxs))
                idxs += self._live_companies(range(pos, end))
                pos = end
            sc["pos"] = pos
            sc["pages"] += 1
            sc["last_used"] = now
            if not idxs:
                sc["done"] = True
            scroll_param = sc["param"]
        data = [self.ds.company(i) for i in idxs]
        return 200, {
            "type": "list",
            "data": data,
            "pages": None,
            "total_count": None,
            "scroll_param": scroll_param,
        }

    def ep_companies(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        ds = self.ds
        if query.get("company_id") or query.get("name"):
            want_cid, want_name = query.get("company_id"), query.get("name")
            if want_cid and want_cid.startswith("comp-") and want_cid[5:].isdigit():
                i = int(want_cid[5:])
                if i < ds.companies.count and not want_name:
                    return 200, ds.company(i)
            if want_name and ds.companies.count <= 50_000:
                for i in range(ds.companies.count):
                    c = ds.company(i)
                    if c["name"] == want_name and (not want_cid or c["company_id"] == want_cid):
                        return 200, c
            raise HTTPError(404, "company_not_found", "Company Not Found")
        pp = self.per_page(query, 15)
        page = self.page_no(query)
        if (page - 1) * pp >= COMPANY_PAGE_CAP:
            raise HTTPError(400, "bad_request", "page limit reached, please use scroll API")
        tag_id, seg_id = query.get("tag_id"), query.get("segment_id")
        if tag_id or seg_id:
            idxs = []
            for i in range(ds.companies.count):
                c = ds.company(i)
                if tag_id and tag_id not in {t["id"] for t in c["tags"]["tags"]}:
                    continue
                if seg_id and seg_id not in {s["id"] for s in c["segments"]["segments"]}:
                    continue
                idxs.append(i)
            total = len(idxs)
            chunk = idxs[(page - 1) * pp : page * pp]
        else:
            live: range | list[int] = range(ds.companies.count)
            if ds.removed["companies"]:
                live = self._live_companies(live)
            total = min(len(live), COMPANY_PAGE_CAP)
            chunk = list(live[(page - 1) * pp : min(total, page * pp)])
        tp = total_pages(total, pp)
        nxt = None
        if page < tp:
            q = dict(query, page=str(page + 1), per_page=str(pp))
            nxt = f"{base}{path}?{urlencode(q)}"
        return 200, {
            "type": "list",
            "data": [ds.company(i) for i in chunk],
            "pages": {
                "type": "pages",
                "next": nxt,
                "page": page,
                "per_page": pp,
                "total_pages": tp,
            },
            "total_count": total,
        }

    def ep_companies_list_post(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        ds = self.ds
        pp = self.per_page(query, 15)
        page = self.page_no(query)
        if (page - 1) * pp >= COMPANY_PAGE_CAP:
            raise HTTPError(400, "bad_request", "page limit reached, please use scroll API")
        desc = (query.get("order") or "desc") != "asc"
        with ds.lock:
            rows = [
                (c["last_request_at"] or 0, i)
                for i in self._live_companies(range(ds.companies.count))
                if (c := ds.company(i))["user_count"] > 0
            ]
        rows.sort(reverse=desc)
        rows = rows[:COMPANY_PAGE_CAP]
        out = self.paged([i for _, i in rows], query, 15, base, path)
        out["data"] = [ds.company(i) for i in out["data"]]
        return 200, out

    def ep_company(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        return 200, self.ds.company(self._company_idx(params["id"]))

    def ep_company_segments(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        i = self._company_idx(params["id"])
        return 200, {"type": "list", "data": [dict(s) for s in self.ds.company_segment_list(i)]}
