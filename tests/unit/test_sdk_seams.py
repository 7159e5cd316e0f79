"""The contract with singer-sdk: every non-public member the tap uses is in `sdk_seams`, and
still there. An SDK upgrade that removes, renames or changes one fails here, loudly."""

from __future__ import annotations

import ast
import hashlib
import inspect
from pathlib import Path

import pytest
import requests
from singer_sdk import RESTStream, Tap

import tap_intercom
from tap_intercom import sdk_seams
from tap_intercom.tap import TapIntercom

PACKAGE = Path(tap_intercom.__file__).parent
#: sha256 of the source of the SDK's `Tap.sync_all`, which `TapSeams.sync_all` mirrors. When an
#: SDK upgrade changes it, compare the new body with `TapSeams.sync_all`, then update this.
SYNC_ALL_SHA256 = "e4412393757b4cdc422ba4982705b0a06dfaf80ce249160aa9ab2a81cd7c00b5"
#: The same for `Stream._generate_record_messages`, whose passes
#: `StreamSeams._write_record_message` skips when they are no-ops,
RECORD_MESSAGES_SHA256 = "9b5f9fbcdedb7a1aec5673a44f51fd9bd88840f19f0fb29cba9953b9d9095bfe"
#: and for `Stream._write_record_message`, whose body that seam mirrors.
WRITE_RECORD_SHA256 = "292b7bed39883bd999839ea8ac5153ab52287f6120f7203902892510b0cfbd08"
#: The SDK's bookmark move (`Stream._increment_stream_state`, then the state manager's
#: `increment_state`, then `helpers._state.increment_state`), of which
#: `StreamSeams._increment_stream_state` makes only what stays while a bookmark is held.
INCREMENT_SHA256 = (
    "cabc0edb2fd4f0000dbd140a870dae871400ba13293bd2ecd8bdd93d0fb033bc",
    "d1059448b43b935d9994a611e52c57c512732789f65326a39c115e7ac75e3266",
    "a312fcce304394bc52c5e0b72bb588a36d36ba9836c6f9055e95c8008bf63bf5",
)
#: The same for `RESTStream._request`, whose steps after `Session.send`
#: `StreamSeams.finish_sent` repeats for the tap's direct GETs.
REQUEST_SHA256 = "be6df60d23d63d96d3dc747ab39a7fa0130e7a9500ca1e68f99357f544fbde01"


def test_every_sdk_method_the_seams_use_exists() -> None:
    for owner, name in sdk_seams.SDK_METHODS:
        member = inspect.getattr_static(owner, name, None)
        assert member is not None, f"{owner.__name__}.{name} is gone from singer-sdk"
        assert callable(getattr(owner, name)), f"{owner.__name__}.{name} is not a method"


def test_every_sdk_class_attribute_the_seams_read_exists() -> None:
    for owner, name in sdk_seams.SDK_CLASS_ATTRIBUTES:
        assert hasattr(owner, name), f"{owner.__name__}.{name} is gone from singer-sdk"


def test_the_sdk_request_body_is_the_one_finish_sent_repeats() -> None:
    source = inspect.getsource(RESTStream._request)
    assert hashlib.sha256(source.encode()).hexdigest() == REQUEST_SHA256, (
        "singer-sdk changed RESTStream._request: make StreamSeams.finish_sent do what it now "
        "does after Session.send, then update this"
    )


def test_the_sdk_sync_all_body_is_the_one_the_seam_mirrors() -> None:
    source = inspect.getsource(Tap.sync_all)
    assert hashlib.sha256(source.encode()).hexdigest() == SYNC_ALL_SHA256, (
        "singer-sdk changed Tap.sync_all: update TapSeams.sync_all to match it"
    )


def test_the_sdk_record_message_passes_are_the_ones_the_seam_skips() -> None:
    source = inspect.getsource(RESTStream._generate_record_messages)
    assert hashlib.sha256(source.encode()).hexdigest() == RECORD_MESSAGES_SHA256, (
        "singer-sdk changed Stream._generate_record_messages: check which of its passes "
        "StreamSeams._plain_record_messages still proves to be no-ops, then update this"
    )


def test_the_sdk_record_writer_body_is_the_one_the_seam_mirrors() -> None:
    source = inspect.getsource(RESTStream._write_record_message)
    assert hashlib.sha256(source.encode()).hexdigest() == WRITE_RECORD_SHA256, (
        "singer-sdk changed Stream._write_record_message: make StreamSeams."
        "_write_record_message do what it now does besides writing, then update this"
    )


def test_every_sdk_attribute_the_seams_use_exists(fake_intercom) -> None:
    tap = TapIntercom(
        config={"access_token": "test-token", "api_url": fake_intercom.base_url},
        parse_env_config=False,
    )
    for name in sdk_seams.SDK_TAP_ATTRIBUTES:
        assert name in vars(tap), f"Tap instances no longer have {name}"
    stream = tap.streams["tags"]
    for name in sdk_seams.SDK_STREAM_ATTRIBUTES:
        assert name in vars(stream), f"Stream instances no longer have {name}"
    for name in sdk_seams.REQUESTS_RESPONSE_ATTRIBUTES:
        assert name in vars(requests.Response()), f"requests.Response has no {name}"


def _private_names_defined_by_the_tap() -> set[str]:
    """Names starting with one underscore that the tap's own code defines or assigns."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {name for name in names if name.startswith("_")}


def private_sdk_uses(source: str, ours: set[str]) -> list[str]:
    """Private names used in `source` that the tap does not define itself (line: .name)."""
    offenders = []
    for node in ast.walk(ast.parse(source)):
        module = node.module if isinstance(node, ast.ImportFrom) else None
        if module and module.startswith("singer_sdk") and "._" in module:
            offenders.append(f"from {module} import …")
        if isinstance(node, ast.Attribute):
            name = node.attr
            if name.startswith("_") and not name.startswith("__") and name not in ours:
                offenders.append(f"{node.lineno}: .{name}")
    return offenders


def test_the_private_member_check_finds_sdk_internals() -> None:
    source = "from singer_sdk.helpers._state import X\nself._tap.streams\nself._mine = 1\n"
    assert private_sdk_uses(source, {"_mine"}) == [
        "from singer_sdk.helpers._state import …",
        "2: ._tap",
    ]


def test_no_module_but_the_seams_touches_a_private_sdk_member() -> None:
    # `_replace` & co. are the public API of named tuples (e.g. `urllib.parse` results).
    public = {"_replace", "_asdict", "_fields", "_make"}
    ours = public | (
        _private_names_defined_by_the_tap()
        - {name for _, name in sdk_seams.SDK_METHODS}
        - set(sdk_seams.SDK_TAP_ATTRIBUTES)
        - set(sdk_seams.SDK_STREAM_ATTRIBUTES)
        - {name for _, name in sdk_seams.SDK_CLASS_ATTRIBUTES}
    )
    offenders = [
        f"{path.name}:{use}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "sdk_seams.py"
        for use in private_sdk_uses(path.read_text(encoding="utf-8"), ours)
    ]
    assert offenders == [], offenders


def _deselect(catalog: dict, stream: str, field: str) -> dict:
    for entry in catalog["streams"]:
        if entry["tap_stream_id"] == stream:
            for item in entry["metadata"]:
                if item["breadcrumb"] == ["properties", field]:
                    item["metadata"]["selected"] = False
    return catalog


def test_record_messages_skip_the_sdk_passes_only_when_they_change_nothing(fake_intercom):
    from tests.in_process import discovered_catalog, sync_in_process, tap_for
    from tests.singer_run import select_streams

    catalog = select_streams(discovered_catalog(fake_intercom), {"tags"})
    everything = sync_in_process(fake_intercom, {"tags"}, catalog=catalog)
    assert all("name" in record for record in everything.records("tags"))
    assert tap_for(fake_intercom, catalog=catalog).streams["tags"]._plain_record_messages

    without_name = _deselect(catalog, "tags", "name")
    pruned = sync_in_process(fake_intercom, {"tags"}, catalog=without_name)
    assert pruned.records("tags"), "the stream still syncs"
    assert not any("name" in record for record in pruned.records("tags"))
    assert [{k: v for k, v in r.items() if k != "name"} for r in everything.records("tags")] == (
        pruned.records("tags")
    )
    assert not tap_for(fake_intercom, catalog=without_name).streams["tags"]._plain_record_messages


def test_the_sdk_bookmark_move_is_the_one_the_held_path_shortens() -> None:
    from singer_sdk.helpers._state import increment_state
    from singer_sdk.streams._state import StreamStateManager

    functions = (
        RESTStream._increment_stream_state,
        StreamStateManager.increment_state,
        increment_state,
    )
    hashes = tuple(hashlib.sha256(inspect.getsource(f).encode()).hexdigest() for f in functions)
    assert hashes == INCREMENT_SHA256, (
        "singer-sdk changed how a record moves the bookmark: check what "
        "StreamSeams._increment_stream_state sets while a bookmark is held, then update this"
    )


@pytest.mark.parametrize("updated_at", ["2024-05-01T12:00:00.000000Z", None])
def test_a_held_bookmark_ends_as_the_sdk_s_move_then_the_cap_leave_it(
    fake_intercom, updated_at, monkeypatch
):
    from tests.in_process import tap_for

    def state_after(held: bool) -> dict:
        stream = tap_for(fake_intercom).streams["contacts"]
        monkeypatch.setattr(stream, "bookmark_is_held", lambda: held)
        monkeypatch.setattr(
            stream, "cap_bookmark", lambda state: state.update(replication_key_value="held")
        )
        stream._increment_stream_state({"id": "1", "updated_at": updated_at})
        return dict(stream.get_context_state(None))

    assert state_after(held=True) == state_after(held=False)
    assert state_after(held=True)["replication_key_value"] == "held"
