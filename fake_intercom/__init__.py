"""A fake Intercom REST API (version 2.14, and 2.11 to 2.17 by ``Intercom-Version``: see
``versions.py``) for tests, benchmarks and demos.

Usage::

    from fake_intercom import FakeIntercom

    with FakeIntercom(scale="small", seed=1) as fake:
        requests.get(fake.base_url + "/tags", headers={"Authorization": "Bearer test-token"})

Or from a shell: ``python -m fake_intercom --port 0 --scale small --seed 1``.

Dev-only (not in the wheel). Layout: ``server.py`` (HTTP server, ``FakeIntercom``), ``app.py``
(one request: auth, rate limit, version, faults, dispatch), ``versions.py`` (what differs per
``Intercom-Version``), ``routes.py``, ``faults.py``,
``introspection.py`` (``/__fake/*``), ``endpoints/<resource>.py`` (the handlers),
``data/<resource>.py`` (the generators, composed by ``data/dataset.py``), ``search.py``,
``search_fields.py`` and ``engine.py`` (the query language and cursor paging), ``fixtures.py``
(the pytest fixtures), ``tests/`` (the fake's own tests).

Introspection (no auth, not rate-limited, not counted):

- ``GET /__fake/stats`` (``fake.stats()``): ``requests_total``, ``requests_by_endpoint``
  (``"GET /conversations/{id}"``...), ``responses_by_status``, ``responses_429`` (rate limit and
  injected), ``faults_injected`` (by kind) and ``faults_injected_total``, ``max_in_flight``,
  ``requests_window_exhausted``, ``intercom_versions`` and ``user_agents`` (value -> count, a
  missing header is ``"<none>"``), ``mutations``, ``scrolls_opened``, ``settings``.
- ``GET /__fake/ground_truth?stream=S&start_date=ISO`` (``fake.ground_truth(S, start)``):
  ``{"stream", "key_properties", "records": [{keys..., "updated_at"}]}``.
- ``POST /__fake/mutate`` ``{"contacts": n, "conversations": n, "companies": n}``
  (``fake.mutate(...)``): returns the mutated ids per resource.
- ``POST /__fake/delete`` ``{"conversations": n, "contacts": n, "merge_contacts": n, "tags": n,
  ...}`` (``fake.delete(...)``), ``GET /__fake/deleted?stream=S`` (``fake.deleted(S)``): deletions
  and merges (``data/deletions.py``); the ground truth then holds the live records only.
- ``POST /__fake/unlink`` ``{"contact_tags": n, "team_admins": n, ...}`` (``fake.unlink(...)``):
  removes one link from each of n random parents of a bridge stream (``data/links.py``); the
  ground truth of the bridge streams (``contact_tags`` ...) is the live links.
- ``POST /__fake/control`` (``fake.control(**settings)``), ``GET /__fake/control``: settings
  ``latency_ms``, ``rate_limit_per_10s``, ``faults``, ``forbidden``, ``broken`` (path prefixes
  that always answer 500), ``deleted_conversations``,
  ``scroll_exists_hold_seconds``, ``scroll_fail_after_pages``, ``scroll_page_size`` (default 50),
  ``scroll_idle_seconds`` (default 60), ``workspace_timezone``, ``mutate_every``,
  ``search_lag`` (``{"min_s", "max_s"}``: each change becomes searchable after a random delay,
  see ``search_lag.py``), ``reset_stats``.

Ids: contacts and companies are 24-hex strings increasing with their index; conversation ids
are ``str(1000000001 + index)``, ticket ids ``str(2000000001 + index)``. ``fake.dataset``
exposes ``contact_tie`` / ``conversation_tie`` (the shared ``updated_at`` second of the tie
clusters).
"""

from .data import DATA_NOW, SCALES, Dataset
from .faults import parse_faults
from .server import FakeIntercom

__all__ = ["DATA_NOW", "SCALES", "Dataset", "FakeIntercom", "parse_faults"]
