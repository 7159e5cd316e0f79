"""The ``ep_*`` handlers of ``App``, one mixin per Intercom resource.

A handler gets keyword arguments ``params`` (path parameters), ``query`` (last value of each
query parameter), ``body`` (parsed JSON or None), ``base`` (scheme and host, for ``next`` links)
and ``path``, and returns ``(status, body)`` or raises ``HTTPError``.
"""

from __future__ import annotations

from fake_intercom.endpoints.activity_logs import ActivityLogEndpoints
from fake_intercom.endpoints.admins import AdminEndpoints
from fake_intercom.endpoints.companies import CompanyEndpoints
from fake_intercom.endpoints.contacts import ContactEndpoints
from fake_intercom.endpoints.conversations import ConversationEndpoints
from fake_intercom.endpoints.data_attributes import DataAttributeEndpoints
from fake_intercom.endpoints.help_center import HelpCenterEndpoints
from fake_intercom.endpoints.tags_segments import TagSegmentEndpoints
from fake_intercom.endpoints.tickets import TicketEndpoints


class Endpoints(
    AdminEndpoints,
    ActivityLogEndpoints,
    TagSegmentEndpoints,
    CompanyEndpoints,
    ContactEndpoints,
    ConversationEndpoints,
    DataAttributeEndpoints,
    HelpCenterEndpoints,
    TicketEndpoints,
):
    """Every endpoint handler."""


__all__ = ["Endpoints"]
