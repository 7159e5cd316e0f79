"""The fixed clock of the generated data: the same seed gives the same timestamps on any day
(only mutations use the wall clock)."""

from __future__ import annotations

DATA_NOW = 1780272000  # 2026-06-01T00:00:00Z: the fixed "now" of the generated data
DATA_START = 1420070400  # 2015-01-01T00:00:00Z
OLD_TS = 946684800  # 2000-01-01T00:00:00Z (9 digits: before 2001-09-09)
DAY = 86400
