"""Stream classes, grouped by the Intercom resource that owns them."""

from __future__ import annotations

from tap_intercom.streams.activity_logs import ActivityLogsStream
from tap_intercom.streams.admins import AdminsStream, TeamAdminsStream, TeamsStream
from tap_intercom.streams.companies import (
    CompaniesStream,
    CompanySegmentsStream,
    CompanyTagsStream,
)
from tap_intercom.streams.contacts import (
    ContactCompaniesStream,
    ContactsStream,
    ContactTagsStream,
)
from tap_intercom.streams.conversations import (
    ConversationContactsStream,
    ConversationPartsStream,
    ConversationsStream,
    ConversationTagsStream,
    ConversationTeammatesStream,
)
from tap_intercom.streams.data_attributes import (
    CompanyAttributesStream,
    ContactAttributesStream,
    DataAttributesStream,
)
from tap_intercom.streams.help_center import ArticlesStream, CollectionsStream, HelpCentersStream
from tap_intercom.streams.segments import SegmentsStream
from tap_intercom.streams.tags import TagsStream
from tap_intercom.streams.ticket_types import TicketStatesStream, TicketTypesStream
from tap_intercom.streams.tickets import (
    TicketContactsStream,
    TicketPartsStream,
    TicketsStream,
)

#: Stitch's eleven streams, in its catalog order (same names, keys and replication keys).
STITCH_STREAM_TYPES = [
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
]
#: One row per link between a parent and an id it lists inline (`tap_intercom.bridges`).
BRIDGE_STREAM_TYPES = [
    ContactTagsStream,
    ContactCompaniesStream,
    ConversationTagsStream,
    ConversationContactsStream,
    ConversationTeammatesStream,
    CompanyTagsStream,
    TeamAdminsStream,
]
#: Tables Stitch's tap lacks.
EXTRA_STREAM_TYPES = [
    DataAttributesStream,
    ArticlesStream,
    CollectionsStream,
    HelpCentersStream,
    # Full-table streams before incremental ones: the run then ends on a bookmark's STATE,
    # which targets that checkpoint on the last STATE after the last RECORD need.
    TicketTypesStream,
    TicketStatesStream,
    TicketsStream,
    TicketPartsStream,
    TicketContactsStream,
    ActivityLogsStream,
]
#: Every stream, in catalog order: Stitch's first, then the extra ones, then the bridges.
STREAM_TYPES = [*STITCH_STREAM_TYPES, *EXTRA_STREAM_TYPES, *BRIDGE_STREAM_TYPES]
STITCH_STREAM_NAMES = tuple(stream_type.name for stream_type in STITCH_STREAM_TYPES)
#: Stream name → replication key (None for full-table streams): what state translation needs.
REPLICATION_KEYS: dict[str, str | None] = {
    stream_type.name: stream_type.replication_key for stream_type in STREAM_TYPES
}

__all__ = [
    "BRIDGE_STREAM_TYPES",
    "EXTRA_STREAM_TYPES",
    "REPLICATION_KEYS",
    "STITCH_STREAM_NAMES",
    "STITCH_STREAM_TYPES",
    "STREAM_TYPES",
]
