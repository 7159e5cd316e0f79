"""Data attributes of contacts, companies and conversations: standard ones and custom ones (names
with spaces and dots, one archived per model)."""

from __future__ import annotations

from typing import Any

from fake_intercom.data.state import DatasetState


class DataAttributeRecords(DatasetState):
    def _make_data_attributes(self) -> dict[str, list[dict[str, Any]]]:
        admin = self.admins[0]["id"]

        def std(model: str, name: str, dt: str, full: str | None = None) -> dict[str, Any]:
            return {
                "type": "data_attribute",
                "model": model,
                "name": name,
                "full_name": full or name,
                "label": name.replace("_", " ").title(),
                "description": f"The {name.replace('_', ' ')} of the {model}",
                "data_type": dt,
                "api_writable": False,
                "ui_writable": False,
                "messenger_writable": False,
                "custom": False,
                "archived": False,
            }

        def cda(
            model: str,
            k: int,
            name: str,
            dt: str,
            *,
            archived: bool = False,
            options: list[str] | None = None,
        ) -> dict[str, Any]:
            d: dict[str, Any] = {
                "type": "data_attribute",
                "id": 3000 + k,
                "model": model,
                "name": name,
                "full_name": f"custom_attributes.{name}",
                "label": name,
                "description": f"Custom {dt} attribute {name}",
                "data_type": dt,
                "api_writable": True,
                "ui_writable": True,
                "messenger_writable": False,
                "custom": True,
                "archived": archived,
                "created_at": 1500000000 + k * 86400 * 30,
                "updated_at": 1600000000 + k * 86400 * 17,
                "admin_id": admin,
            }
            if options:
                d["options"] = options
            return d

        contact = [
            std("contact", n, t)
            for n, t in [
                ("id", "string"),
                ("external_id", "string"),
                ("role", "string"),
                ("email", "string"),
                ("phone", "string"),
                ("name", "string"),
                ("owner_id", "integer"),
                ("created_at", "date"),
                ("updated_at", "date"),
                ("signed_up_at", "date"),
                ("last_seen_at", "date"),
                ("last_contacted_at", "date"),
                ("unsubscribed_from_emails", "boolean"),
                ("browser", "string"),
                ("os", "string"),
            ]
        ]
        contact += [
            std("contact", "location.city", "string", "location.city"),
            std("contact", "location.country", "string", "location.country"),
        ]
        contact += [
            cda("contact", 1, "plan tier", "string", options=["free", "pro", "enterprise"]),
            cda("contact", 2, "seats", "integer"),
            cda("contact", 3, "account.score", "float"),
            cda("contact", 4, "is_vip", "boolean"),
            cda("contact", 5, "trial_ends_at", "date"),
            cda("contact", 6, "legacy_flag", "string", archived=True),
        ]
        company = [
            std("company", n, t)
            for n, t in [
                ("id", "string"),
                ("company_id", "string"),
                ("name", "string"),
                ("created_at", "date"),
                ("updated_at", "date"),
                ("remote_created_at", "date"),
                ("last_request_at", "date"),
                ("monthly_spend", "float"),
                ("session_count", "integer"),
                ("user_count", "integer"),
                ("size", "integer"),
                ("website", "string"),
                ("industry", "string"),
            ]
        ]
        company += [
            std("company", "plan.name", "string", "plan.name"),
            std("company", "plan.id", "string", "plan.id"),
        ]
        company += [
            cda("company", 11, "industry segment", "string"),
            cda("company", 12, "employee_count", "integer"),
            cda("company", 13, "health.score", "float"),
            cda("company", 14, "paid_subscriber", "boolean"),
            cda("company", 15, "renewal_at", "date"),
            cda("company", 16, "old crm id", "string", archived=True),
        ]
        conversation = [
            std("conversation", n, t)
            for n, t in [
                ("id", "string"),
                ("created_at", "date"),
                ("updated_at", "date"),
                ("state", "string"),
                ("priority", "string"),
                ("admin_assignee_id", "integer"),
            ]
        ]
        conversation += [
            cda("conversation", 21, "Issue Type", "string", options=["Bug", "Question", "Billing"]),
            cda("conversation", 22, "priority.score", "integer"),
            cda("conversation", 23, "csat score", "float"),
            cda("conversation", 24, "escalated", "boolean"),
            cda("conversation", 25, "due date", "date"),
            cda("conversation", 26, "legacy ref", "string", archived=True),
        ]
        return {"contact": contact, "company": company, "conversation": conversation}
