"""What the endpoint mixins share: page-number envelopes, cursor envelopes and search bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fake_intercom.data import Dataset
from fake_intercom.engine import Engine, total_pages
from fake_intercom.errors import HTTPError

MAX_PER_PAGE = 150


class Paging:
    """Base of the per-resource endpoint mixins of ``App``."""

    ds: Dataset
    engine: Engine
    workspace_timezone: str

    def not_yet_searchable(self, resource: str) -> Callable[[int], bool] | None:
        """Search-index lag (``search_lag.SearchLag``); None: every record is searchable."""
        return None

    @staticmethod
    def per_page(
        query: dict[str, str] | dict[str, Any], default: int, key: str = "per_page"
    ) -> int:
        raw = query.get(key)
        if raw is None or raw == "":
            return default
        try:
            n = int(raw)
        except (TypeError, ValueError) as exc:
            raise HTTPError(400, "parameter_invalid", f"{key} must be an integer") from exc
        return max(1, min(MAX_PER_PAGE, n))

    @staticmethod
    def page_no(query: dict[str, str]) -> int:
        try:
            return max(1, int(query.get("page") or 1))
        except ValueError as exc:
            raise HTTPError(400, "parameter_invalid", "page must be an integer") from exc

    def paged(  # noqa: PLR0917
        self,
        items: list[Any],
        query: dict[str, str],
        default_pp: int,
        base: str,
        path: str,
        key: str = "data",
        list_type: str = "list",
        with_total: bool = True,
    ) -> dict[str, Any]:
        pp = self.per_page(query, default_pp)
        page = self.page_no(query)
        total = len(items)
        tp = total_pages(total, pp)
        chunk = items[(page - 1) * pp : page * pp]
        nxt = None
        if page < tp:
            q = dict(query)
            q["page"] = str(page + 1)
            q["per_page"] = str(pp)
            nxt = f"{base}{path}?{urlencode(q)}"
        out: dict[str, Any] = {
            "type": list_type,
            "pages": {
                "type": "pages",
                "page": page,
                "per_page": pp,
                "total_pages": tp,
                "next": nxt,
            },
        }
        if with_total:
            out["total_count"] = total
        out[key] = chunk
        return out

    def cursor_envelope(  # noqa: PLR0917
        self,
        resource: str,
        idxs: list[int],
        total: int,
        page: int,
        pp: int,
        nxt: str | None,
        build: Callable[[int], Any],
        key: str,
        list_type: str,
    ) -> dict[str, Any]:
        pages: dict[str, Any] = {
            "type": "pages",
            "page": page,
            "per_page": pp,
            "total_pages": max(page, total_pages(total, pp)),
        }
        if nxt:
            pages["next"] = {"page": page + 1, "starting_after": nxt}
        return {
            "type": list_type,
            key: [build(i) for i in idxs],
            "total_count": total,
            "pages": pages,
        }

    def do_search(  # noqa: PLR0917
        self,
        resource: str,
        body: Any,
        default_pp: int,
        default_sort: str,
        build: Callable[[int], Any],
        key: str,
        list_type: str,
        *,
        exact_dates: bool = False,
    ) -> tuple[int, Any]:
        if not isinstance(body, dict):
            raise HTTPError(400, "parameter_invalid", "A JSON body with a query is required")
        if "query" not in body:
            raise HTTPError(400, "parameter_not_found", "query is a required parameter")
        pag = body.get("pagination") or {}
        if not isinstance(pag, dict):
            raise HTTPError(400, "parameter_invalid", "pagination must be an object")
        pp = self.per_page(pag, default_pp)
        sort = body.get("sort") or {}
        if not isinstance(sort, dict):
            raise HTTPError(400, "parameter_invalid", "sort must be an object")
        sfield = sort.get("field") or default_sort
        order = sort.get("order") or "ascending"
        if order not in ("ascending", "descending"):
            raise HTTPError(400, "parameter_invalid", "sort order must be ascending or descending")
        idxs, total, page, nxt = self.engine.page(
            resource,
            body["query"],
            sfield,
            order == "descending",
            pp,
            pag.get("starting_after"),
            self.workspace_timezone,
            exact_dates=exact_dates,
            hidden=self.not_yet_searchable(resource),
        )
        return 200, self.cursor_envelope(
            resource, idxs, total, page, pp, nxt, build, key, list_type
        )
