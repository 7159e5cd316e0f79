"""``Dataset``: all the data of one fake workspace, composed of one mixin per resource."""

from __future__ import annotations

import threading
import time
from array import array
from collections.abc import Callable
from random import Random

from fake_intercom.data.activity_logs import ActivityLogRecords
from fake_intercom.data.admins import AdminRecords
from fake_intercom.data.bulk import Bulk, make_tie, random_timestamps
from fake_intercom.data.clock import OLD_TS
from fake_intercom.data.companies import CompanyRecords
from fake_intercom.data.contacts import ContactRecords
from fake_intercom.data.conversation_parts import ConversationPartRecords
from fake_intercom.data.conversations import ConversationRecords
from fake_intercom.data.data_attributes import DataAttributeRecords
from fake_intercom.data.deletions import DeletionRecords
from fake_intercom.data.ground_truth import GroundTruth
from fake_intercom.data.help_center import HelpCenterRecords
from fake_intercom.data.ids import CONVERSATION_BASE, company_id, contact_id
from fake_intercom.data.links import LinkRecords
from fake_intercom.data.tags_segments import TagSegmentRecords
from fake_intercom.data.tickets import TicketRecords

SCALES: dict[str, dict[str, int]] = {
    "small": {
        "contacts": 300,
        "companies": 100,
        "conversations": 200,
        "tickets": 60,
        "activity_logs": 300,
    },
    "medium": {
        "contacts": 20_000,
        "companies": 5_000,
        "conversations": 5_000,
        "tickets": 1_000,
        "activity_logs": 2_000,
    },
    # Many contacts, few conversations: the shape of many real workspaces (the contacts
    # search is then the run's one long chain of pages).
    "contacts-heavy": {
        "contacts": 200_000,
        "companies": 2_000,
        "conversations": 2_000,
        "tickets": 500,
        "activity_logs": 2_000,
    },
    "large": {
        "contacts": 200_000,
        "companies": 20_000,
        "conversations": 50_000,
        "tickets": 5_000,
        "activity_logs": 5_000,
    },
}


class Dataset(
    AdminRecords,
    TagSegmentRecords,
    DataAttributeRecords,
    HelpCenterRecords,
    ActivityLogRecords,
    ContactRecords,
    CompanyRecords,
    ConversationRecords,
    ConversationPartRecords,
    TicketRecords,
    DeletionRecords,
    LinkRecords,
    GroundTruth,
):
    """All the data of one fake workspace. Thread safety: callers hold ``lock`` for mutations
    and for index walks; record builders only read."""

    def __init__(self, seed: int = 1, scale: str = "small", **counts: int) -> None:
        if scale not in SCALES:
            msg = f"unknown scale {scale!r}"
            raise ValueError(msg)
        self.seed = seed
        self.scale = scale
        sizes = dict(SCALES[scale])
        for k, v in counts.items():
            if v is not None:
                if k not in sizes:
                    msg = f"unknown count {k!r}"
                    raise ValueError(msg)
                sizes[k] = int(v)
        self.sizes = sizes
        self.lock = threading.RLock()
        self.data_version = 0
        self._orig_updated: dict[int, int] = {}
        self.deleted_conversations: set[str] = set()
        #: resource -> record index -> when its latest change becomes searchable (wall time).
        self.searchable_at: dict[str, dict[int, float]] = {}
        self.init_deletions()
        self.init_links()
        r = Random(f"{seed}:timestamps")

        # --- small fixed resources ---
        self.admins = self._make_admins()
        self.teams = self._make_teams()
        self.tags = self._make_tags()
        self.contact_segments = self._make_segments("contact", 8)
        self.company_segments = self._make_segments("company", 6)
        self.data_attributes = self._make_data_attributes()

        # --- contacts ---
        nc = sizes["contacts"]
        created, updated = random_timestamps(r, nc)
        self.contacts = Bulk(nc, created, updated)
        for i in (1, 2):
            if i < nc - 2:
                created[i] = updated[i] = OLD_TS
        tie_size = min(max(400, nc // 20), nc * 55 // 100)
        self.contact_tie = make_tie(
            self.contacts, tie_size, 75 if nc < 1000 else nc * 2 // 5, 15 * 3600 + 1234
        )
        # neighbours on the same UTC day as the tie (earlier and later seconds)
        if nc > 40:
            for k in range(10):
                i = 10 + k
                updated[i] = (
                    self.contact_tie - 5 * 3600 + k if k < 5 else self.contact_tie + 3600 + k
                )
                created[i] = min(created[i], updated[i])
        self.contacts.build_indexes()

        # --- companies ---
        nco = sizes["companies"]
        created, updated = random_timestamps(r, nco)
        self.companies = Bulk(nco, created, updated)
        if nco > 3:
            created[0] = updated[0] = OLD_TS
        self.companies.build_indexes()

        # --- conversations ---
        nv = sizes["conversations"]
        created, updated = random_timestamps(r, nv, 3.0)
        self.conversations = Bulk(nv, created, updated)
        tie_size = min(max(200, nv // 20), nv * 55 // 100)
        self.conversation_tie = make_tie(
            self.conversations,
            tie_size,
            max(0, 150 - tie_size // 2) if nv < 1000 else nv * 2 // 5,
            9 * 3600 + 321,
        )
        self.n_parts = array("i", [0]) * nv
        big = {2, 3} | set(range(5000, nv, 5000))
        for i in range(nv):
            if i == 0:
                n = 0
            elif i == 1:
                n = 1
            elif i in big:
                n = 501 + (i * 149) % 200
            else:
                n = int(r.random() ** 2 * 18) + 1
            self.n_parts[i] = n
        self.extra_parts: dict[int, list[int]] = {}
        self.conversations.build_indexes()

        # --- tickets ---
        nt = sizes["tickets"]
        created, updated = random_timestamps(r, nt)
        self.tickets = Bulk(nt, created, updated)
        self.tickets.build_indexes()

        # --- help center, articles, activity logs ---
        self.help_centers = self._make_help_centers()
        self.collections = self._make_collections()
        self.articles = self._make_articles()
        self.activity_logs = self._make_activity_logs(sizes["activity_logs"])

        self.bulks: dict[str, Bulk] = {
            "contacts": self.contacts,
            "companies": self.companies,
            "conversations": self.conversations,
            "tickets": self.tickets,
        }

    def mutate(
        self,
        contacts: int = 0,
        conversations: int = 0,
        companies: int = 0,
        now: float | None = None,
        *,
        wall_clock: bool = False,
        search_delay: Callable[[str, int, int], float] | None = None,
    ) -> dict[str, list[str]]:
        """Give random records of each resource a new version (``updated_at`` now).

        By default every call moves its records past the newest of their resource (a distinct,
        increasing second per call, which may run ahead of the wall clock); with
        ``wall_clock`` a record's new ``updated_at`` is the wall-clock second (past its own
        previous one), as Intercom's, which search-index lag needs to be meaningful.
        ``search_delay(resource, index, version)`` gives each change its delay before search
        sees it (``searchable_at``).
        """
        written = now if now is not None else time.time()
        wall = int(written)
        out: dict[str, list[str]] = {"contacts": [], "conversations": [], "companies": []}
        with self.lock:
            self.data_version += 1
            r = Random(f"{self.seed}:mutate:{self.data_version}")
            for name, n, idfn in (
                ("contacts", contacts, contact_id),
                ("conversations", conversations, lambda i: str(CONVERSATION_BASE + i)),
                ("companies", companies, company_id),
            ):
                bulk = self.bulks[name]
                n_pick = min(int(n), bulk.count)
                if n_pick <= 0:
                    continue
                ts = max(wall, bulk.max_updated() + 1)
                for i in sorted(r.sample(range(bulk.count), n_pick)):
                    if wall_clock:
                        ts = max(wall, bulk.updated[i] + 1)
                    if name == "conversations":
                        if i not in self.extra_parts:
                            self._orig_updated[i] = bulk.updated[i]
                        self.extra_parts.setdefault(i, []).append(ts)
                    bulk.set_updated(i, ts)
                    if search_delay is not None:
                        delay = search_delay(name, i, bulk.version[i])
                        self.searchable_at.setdefault(name, {})[i] = written + delay
                    out[name].append(idfn(i))
        return out
