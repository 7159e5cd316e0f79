"""The help center: ``/articles``, ``/help_center/collections``, ``/help_center/help_centers``
and their details."""

from __future__ import annotations

from typing import Any

from fake_intercom.endpoints.paging import Paging
from fake_intercom.errors import HTTPError


class HelpCenterEndpoints(Paging):
    def ep_articles(self, query: dict[str, str], base: str, path: str, **_: Any) -> tuple[int, Any]:
        return 200, self.paged(self.ds.articles, query, 15, base, path)

    def ep_article(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for a in self.ds.articles:
            if a["id"] == params["id"]:
                n = int(a["id"]) % 1000
                return 200, dict(
                    a,
                    statistics={
                        "type": "article_statistics",
                        "views": n * 13,
                        "conversions": n % 7,
                        "reactions": n % 11,
                        "happy_reaction_percentage": 0.5,
                        "neutral_reaction_percentage": 0.25,
                        "sad_reaction_percentage": 0.25,
                    },
                )
        raise HTTPError(404, "not_found", "Resource Not Found")

    def ep_collections(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        items = sorted(self.ds.collections, key=lambda c: (-c["updated_at"], c["id"]))
        return 200, self.paged(items, query, 15, base, path)

    def ep_collection(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for c in self.ds.collections:
            if c["id"] == params["id"]:
                return 200, c
        raise HTTPError(404, "not_found", "Resource Not Found")

    def ep_help_centers(
        self, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        return 200, self.paged(self.ds.help_centers, query, 15, base, path)

    def ep_help_center(self, params: dict[str, str], **_: Any) -> tuple[int, Any]:
        for c in self.ds.help_centers:
            if c["id"] == params["id"]:
                return 200, c
        raise HTTPError(404, "not_found", "Resource Not Found")
