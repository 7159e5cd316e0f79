"""tickets: `ticket_parts` is not declared (ticket search results carry no parts, so the
column was always empty); the records and the warnings are unchanged otherwise."""

from __future__ import annotations

from tests.singer_run import base_config, discover, run_tap, select_streams


def test_tickets_declare_no_ticket_parts_and_sync_without_dropping_anything(fake_intercom):
    config = base_config(fake_intercom.base_url)
    catalog = discover(config)
    (tickets,) = [e for e in catalog["streams"] if e["tap_stream_id"] == "tickets"]
    assert "ticket_parts" not in tickets["schema"]["properties"]
    assert "ticket_state" in tickets["schema"]["properties"]
    run = run_tap(config, catalog=select_streams(catalog, {"tickets"}))
    assert run.returncode == 0, run.stderr[-2000:]
    records = run.records("tickets")
    assert len(records) == len(fake_intercom.ground_truth("tickets")["records"])
    assert not any("ticket_parts" in record for record in records)
    assert "was dropped" not in run.stderr
