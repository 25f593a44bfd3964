"""The case list's fast UUID maker gives exactly what ``uuid.UUID(hex=...)`` gives."""

from __future__ import annotations

import pickle
import uuid

from hypothesis import given
from hypothesis import strategies as st

from app.store.prepared import uuid_from_hex


@given(st.uuids())
def test_uuid_from_hex_equals_the_constructor(value: uuid.UUID) -> None:
    made = uuid_from_hex(value.hex)
    assert made == value
    assert hash(made) == hash(value)
    assert str(made) == str(value) and made.hex == value.hex
    assert made.version == value.version
    assert {made: 1}[value] == 1
    assert pickle.loads(pickle.dumps(made)) == value
    assert made.is_safe is uuid.SafeUUID.unknown


def test_uuid_from_hex_is_immutable() -> None:
    made = uuid_from_hex(uuid.uuid4().hex)
    try:
        made.int = 1  # type: ignore[misc]
    except TypeError:
        return
    raise AssertionError("a UUID must stay immutable")
