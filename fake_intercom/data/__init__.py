"""Deterministic data for the fake Intercom workspace.

Bulk resources (contacts, companies, conversations and their parts, tickets) are stored compactly:
only the timestamps that drive ordering and filtering live in arrays; every other field is generated
on demand from a ``random.Random`` keyed by ``(seed, resource, index)``. Records are kept in sorted
indexes of ``(updated_at << 32) | index`` so that searches and pages are bisect-based.

Small resources (admins, teams, tags, segments, articles, collections, help centers, data
attributes, activity logs) are built once at start-up.
"""

from fake_intercom.data.clock import DATA_NOW
from fake_intercom.data.dataset import SCALES, Dataset

__all__ = ["DATA_NOW", "SCALES", "Dataset"]
