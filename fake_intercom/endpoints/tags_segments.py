"""``/tags`` and ``/segments`` (contact or company segments, optionally with member counts)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fake_intercom.endpoints.paging import Paging


class TagSegmentEndpoints(Paging):
    _segment_counts: dict[str, int] | None

    def ep_tags(self, **_: Any) -> tuple[int, Any]:
        return 200, {"type": "list", "data": self.ds.tags}

    def ep_segments(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        segs = (
            self.ds.company_segments if query.get("type") == "company" else self.ds.contact_segments
        )
        out = [dict(s) for s in segs]
        if query.get("include_count") == "true":
            counts = self.segment_counts()
            for s in out:
                s["count"] = counts.get(s["id"], 0)
        return 200, {"type": "segment.list", "segments": out, "pages": {}}

    def segment_counts(self) -> dict[str, int]:
        if self._segment_counts is None:
            counts: Counter[str] = Counter()
            for i in range(self.ds.contacts.count):
                for s in self.ds.contact_segment_ids(i):
                    counts[s["id"]] += 1
            for i in range(self.ds.companies.count):
                for s in self.ds.company_segment_list(i):
                    counts[s["id"]] += 1
            self._segment_counts = dict(counts)
        return self._segment_counts
