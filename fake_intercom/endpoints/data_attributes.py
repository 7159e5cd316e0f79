"""``/data_attributes`` (by model, archived ones only with ``include_archived=true``) and, from
2.16 on, ``/conversations/attributes``."""

from __future__ import annotations

from typing import Any

from fake_intercom.endpoints.paging import Paging
from fake_intercom.errors import HTTPError
from fake_intercom.versions import DEFAULT, Version, conversation_attribute


class DataAttributeEndpoints(Paging):
    def ep_data_attributes(
        self, query: dict[str, str], version: Version = DEFAULT, **_: Any
    ) -> tuple[int, Any]:
        model = query.get("model")
        das = self.ds.data_attributes
        if model and model not in das:
            raise HTTPError(
                400, "parameter_invalid", "model must be one of contact, company, conversation"
            )
        models = ("contact", "company") if version >= (2, 16) else tuple(das)
        items = das[model] if model else [a for m in models for a in das[m]]
        if query.get("include_archived") != "true":
            items = [a for a in items if not a["archived"]]
        return 200, {"type": "list", "data": items}

    def ep_conversation_attributes(self, query: dict[str, str], **_: Any) -> tuple[int, Any]:
        admin_id = self.ds.admins[0]["id"]
        items = [
            conversation_attribute(a, admin_id)
            for a in self.ds.data_attributes["conversation"]
            if a["custom"] and (query.get("include_archived") == "true" or not a["archived"])
        ]
        return 200, {"type": "list", "data": items}
