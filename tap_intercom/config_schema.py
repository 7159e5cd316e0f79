"""The config JSON schema and every default: what `--about` shows and `meltano.yml` mirrors.

A test keeps `meltano.yml` and the README's settings table in step with `CONFIG_SCHEMA`
(regenerate both with `scripts/sync_settings.py`). Parsing and checking live in `settings.py`.
"""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

from tap_intercom.api_versions import SUPPORTED_RANGE

REGION_HOSTS: dict[str, str] = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
DEFAULT_REGION = "us"
DEFAULT_API_VERSION = "2.14"
DEFAULT_REQUEST_TIMEOUT = 300
#: Retries of one failed request (429, 5xx, timeout, reset, non-JSON body) before giving up.
DEFAULT_MAX_RETRIES = 7
#: Longest single wait between two tries of a request, in seconds.
DEFAULT_MAX_RETRY_WAIT = 60
#: Detail requests in flight at once, for the whole run (see docs/performance.md for its choice).
DEFAULT_CONCURRENCY = 32
#: Top-level streams (each with its children) syncing at the same time.
DEFAULT_PARALLEL_STREAMS = 8
#: How far behind writes Intercom's search index may be, in seconds. Intercom says the delay
#: "can take a few minutes"; 10 minutes is twice a generous reading of that, and re-reading
#: the last 10 minutes of changes costs a few extra records per run (targets upsert on the key).
DEFAULT_SEARCH_LAG_SECONDS = 600
#: Slices of one long search read at once (see docs/performance.md for its choice); 1 = off.
DEFAULT_SEARCH_SLICES = 8
#: More slices than this would announce more pages ahead than a detail prefetcher keeps
#: (`details.KEEP_GENERATIONS`), and 2 cores cannot write the records of more anyway.
MAX_SEARCH_SLICES = 12
#: A search is sliced only with at least twice this many records; no slice is aimed smaller.
DEFAULT_SEARCH_SLICE_MIN_RECORDS = 1500

CONFIG_SCHEMA: dict[str, t.Any] = th.PropertiesList(
    th.Property(
        "access_token",
        th.StringType,
        required=True,
        secret=True,
        title="Access token",
        description="Intercom access token (Developer Hub → your app → Authentication).",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        title="Start date",
        description=(
            "Earliest `updated_at` to extract on the first sync (ISO 8601). "
            "Default: one year before now. A saved bookmark always wins."
        ),
    ),
    th.Property(
        "region",
        th.StringType,
        default=DEFAULT_REGION,
        allowed_values=list(REGION_HOSTS),
        title="Region",
        description=(
            "Region of the Intercom workspace: us (api.intercom.io), "
            "eu (api.eu.intercom.io) or au (api.au.intercom.io)."
        ),
    ),
    th.Property(
        "api_url",
        th.StringType,
        title="API base URL",
        description=(
            "Override the API base URL (proxies, tests). Wins over `region`. "
            "Must be https unless the host is loopback."
        ),
    ),
    th.Property(
        "api_version",
        th.StringType,
        default=DEFAULT_API_VERSION,
        title="API version",
        description=(
            f"Intercom API version, {SUPPORTED_RANGE}: sent as the `Intercom-Version` "
            "header; discovery's schemas follow it."
        ),
    ),
    th.Property(
        "request_timeout",
        th.CustomType({"type": ["number", "string", "null"]}),
        title="Request timeout",
        description="Seconds before an HTTP request times out (number or numeric string).",
        default=DEFAULT_REQUEST_TIMEOUT,
    ),
    th.Property(
        "max_retries",
        th.IntegerType,
        default=DEFAULT_MAX_RETRIES,
        title="Max retries",
        description=(
            "Retries of one failed request (429, 5xx, timeout, connection reset, truncated "
            "body) before the run stops with an error."
        ),
    ),
    th.Property(
        "max_retry_wait",
        th.CustomType({"type": ["number", "string", "null"]}),
        default=DEFAULT_MAX_RETRY_WAIT,
        title="Max retry wait",
        description=(
            "Longest wait in seconds before one retry: backoff doubles from 1 s up to this; "
            "a 429 waits for Intercom's X-RateLimit-Reset and `scroll_exists` for 15 s, "
            "both at most this. Lower it (with `max_retries`) to fail sooner in an outage."
        ),
    ),
    th.Property(
        "concurrency",
        th.IntegerType,
        default=DEFAULT_CONCURRENCY,
        title="Concurrency",
        description=(
            "Per-record detail requests in flight at once, for the whole run (conversation "
            "details for conversation_parts, admin details, contacts' tags and companies past "
            "10). 1 = one at a time. Output is identical for any value."
        ),
    ),
    th.Property(
        "parallel_streams",
        th.IntegerType,
        default=DEFAULT_PARALLEL_STREAMS,
        title="Parallel streams",
        description=(
            "Top-level streams (each with its children) syncing at the same time. The output "
            "of streams waiting for their turn is buffered in temporary files (TMPDIR, at most "
            "256 MB in all; a stream pauses at the cap) and written in catalog order, "
            "identical to a sequential run. 1 = one after another."
        ),
    ),
    th.Property(
        "search_slices",
        th.IntegerType,
        default=DEFAULT_SEARCH_SLICES,
        title="Search slices",
        description=(
            "Slices of one long search (contacts, conversations, tickets) read at the same "
            "time: non-overlapping `updated_at` ranges (whole days for contacts before API "
            "2.17), each its own chain of pages, all under the run's rate limit. Records of a "
            "stream then come in slice order, not by `updated_at`; the saved bookmark only "
            "passes a slice once every earlier one is complete, and ends as a sequential "
            "run's. 1 = one chain of pages (no slicing). At most 12, and at most `concurrency` "
            "(the slices' pages run on its workers)."
        ),
    ),
    th.Property(
        "search_slice_min_records",
        th.IntegerType,
        default=DEFAULT_SEARCH_SLICE_MIN_RECORDS,
        title="Search slice min records",
        description=(
            "A search is sliced only when its first page reports at least twice this many "
            "records (`total_count`), and no slice is aimed smaller; each slice costs a first "
            "request that a chain would not, and a split slice one more."
        ),
    ),
    th.Property(
        "search_lag_seconds",
        th.IntegerType,
        default=DEFAULT_SEARCH_LAG_SECONDS,
        title="Search lag seconds",
        description=(
            "How far Intercom's search index may lag behind writes (contacts, conversations "
            "and their parts, tickets). The bookmark of these streams never passes the start "
            "of the run's first search minus this, so a change that was not yet searchable is "
            "read next run; the cost is re-reading the changes of the last this-many seconds "
            "(and of the run itself) each run. 0 = trust the index (may lose changes)."
        ),
    ),
    th.Property(
        "deleted_conversations",
        th.BooleanType,
        default=True,
        title="Deleted conversations",
        description=(
            "Read `GET /conversations/deleted` (API 2.16, sent with that version) each run and "
            "write a tombstone (`id`, `_sdc_deleted_at`) per conversation deleted since the "
            "bookmark. Costs one request per 60 deletions (at least one per run)."
        ),
    ),
    th.Property(
        "contact_deletions_preview",
        th.BooleanType,
        default=False,
        title="Contact deletions (Preview API)",
        description=(
            "Read Intercom's Preview `GET /contacts/activities` each run (sent with "
            "`Intercom-Version: Preview`) and write a tombstone (`id`, `_sdc_deleted_at`) per "
            "deleted or merged-away contact. Off by default: Preview can change without notice. "
            "The first run reads the whole event history (one request per 150 events)."
        ),
    ),
    th.Property(
        "contact_merge_history",
        th.BooleanType,
        default=True,
        title="Contact merge history",
        description=(
            "On API 2.16 and newer, ask contact search for each user's `merge_history` "
            "(`include_merge_history=true`) and write a tombstone (`id`, `_sdc_deleted_at`) per "
            "lead merged into a user read this run. No extra request; ignored before 2.16, "
            "which tells nothing of merges outside the Preview API."
        ),
    ),
    th.Property(
        "company_deletions",
        th.BooleanType,
        default=False,
        title="Company deletions",
        description=(
            "Write companies and company_segments as one table version per run "
            "(ACTIVATE_VERSION around every company the scroll reads), so a target with "
            "activate-version support marks deleted companies and left segments deleted. No "
            "extra request (the scroll reads every company anyway), but every company and "
            "membership is written and loaded every run instead of the changed ones only; "
            "off by default for that target-side cost."
        ),
    ),
    th.Property(
        "max_requests_per_minute",
        th.CustomType({"type": ["number", "string", "null"]}),
        title="Max requests per minute",
        description=(
            "Cap this tap's request rate below the app's quota (10,000/min by default), "
            "leaving the rest to the workspace's other integrations. Default: no own cap; "
            "the tap still paces itself by Intercom's rate-limit headers."
        ),
    ),
    th.Property(
        "user_agent",
        th.StringType,
        title="User agent",
        description="User-Agent header to send (default: tap-intercom/<version>).",
    ),
).to_dict()


#: The tap's own settings (the SDK adds its built-in ones, e.g. stream maps, to the schema).
TAP_SETTING_NAMES: tuple[str, ...] = tuple(CONFIG_SCHEMA["properties"])
