"""``/data_attributes`` (by model, archived ones only with ``include_archived=true``)."""

from __future__ import annotations

from typing import Any

from fake_intercom.endpoints.paging import Paging
from fake_intercom.errors import HTTPError


class DataAttributeEndpoints(Paging):
    def ep_data_attributes(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        model = query.get("model")
        das = self.ds.data_attributes
        if model and model not in das:
            raise HTTPError(
                400, "parameter_invalid", "model must be one of contact, company, conversation"
            )
        items = (
            das[model]
            if model
            else [a for m in ("contact", "company", "conversation") for a in das[m]]
        )
        if query.get("include_archived") != "true":
            items = [a for a in items if not a["archived"]]
        return 200, {"type": "list", "data": items}
