"""Stream classes, grouped by the Intercom resource that owns them."""

from __future__ import annotations

from tap_intercom.streams.activity_logs import ActivityLogsStream
from tap_intercom.streams.admins import AdminsStream, TeamsStream
from tap_intercom.streams.companies import CompaniesStream, CompanySegmentsStream
from tap_intercom.streams.contacts import ContactsStream
from tap_intercom.streams.conversations import ConversationPartsStream, ConversationsStream
from tap_intercom.streams.data_attributes import (
    CompanyAttributesStream,
    ContactAttributesStream,
    DataAttributesStream,
)
from tap_intercom.streams.help_center import ArticlesStream, CollectionsStream, HelpCentersStream
from tap_intercom.streams.segments import SegmentsStream
from tap_intercom.streams.tags import TagsStream
from tap_intercom.streams.tickets import TicketsStream

#: Every stream, in Stitch's catalog order.
STREAM_TYPES = [
    AdminsStream,
    CompaniesStream,
    CompanyAttributesStream,
    CompanySegmentsStream,
    ConversationsStream,
    ConversationPartsStream,
    ContactAttributesStream,
    ContactsStream,
    SegmentsStream,
    TagsStream,
    TeamsStream,
    DataAttributesStream,
    ArticlesStream,
    CollectionsStream,
    HelpCentersStream,
    TicketsStream,
    ActivityLogsStream,
]

__all__ = ["STREAM_TYPES"]
