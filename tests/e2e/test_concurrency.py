"""End to end: concurrency changes nothing in the output (every stream, the real CLI)."""

from __future__ import annotations

from tests.singer_run import base_config, discover, run_tap, select_streams


def test_output_is_identical_with_concurrency_1_and_the_default(make_fake):
    """Every stream selected: the default runs streams in parallel and fetches details ahead;
    `concurrency` 1 with `parallel_streams` 1 does neither. Every message (bar extraction
    time and table version) and the final state must be the same."""
    fake = make_fake(scale="small", seed=5, latency_ms=2)
    config = base_config(fake.base_url)
    catalog = select_streams(discover(config))

    def normalised(concurrency: int | None) -> tuple[list, dict]:
        settings = (
            config
            if concurrency is None
            else {**config, "concurrency": concurrency, "parallel_streams": concurrency}
        )
        run = run_tap(settings, catalog=catalog)
        assert run.returncode == 0, run.stderr[-3000:]
        return run.comparable_messages(), run.final_state

    sequential, sequential_state = normalised(1)
    parallel, parallel_state = normalised(None)
    assert len(sequential) > 1000
    assert {m["stream"] for m in sequential if m["type"] == "RECORD"} == {
        entry["tap_stream_id"] for entry in catalog["streams"]
    }
    assert parallel == sequential
    assert parallel_state == sequential_state
    stats = fake.stats()
    assert stats["max_in_flight"] > 1
    assert any("/contacts/{id}/" in endpoint for endpoint in stats["requests_by_endpoint"])
