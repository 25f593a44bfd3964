"""The lazy table models follow Qt's model rules (pytest-qt's qtmodeltester), while loading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex

from app.demo.workspace import create_demo_workspace
from app.features.cases.services import case_list
from app.features.cases.ui import table_model
from app.features.cases.ui.table_model import CaseTableModel
from app.features.people.ui.page import PeopleModel
from app.services.workspace import unlock
from app.ui_kit.operations import SyncOperations


def test_case_model_loads_in_batches_and_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(table_model, "BATCH", 25)
    created, _ = create_demo_workspace(tmp_path / "demo", cases=80, seed=4, kdf_seconds=0)
    with unlock(created.folder, "coordinator", "demo") as ctx:
        model = CaseTableModel(ctx, SyncOperations())
        model.set_query(case_list.CaseQuery())
        assert model.total == 80 and model.rowCount() == 25 and not model.complete
        inserted: list[tuple[int, int]] = []
        model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
        # Scrolling to the end of the first page reads every id: one row per case at once.
        assert model.canFetchMore(QModelIndex())
        model.fetchMore(QModelIndex())
        assert inserted == [(25, 79)]  # "last" is inclusive
        assert model.rowCount() == 80 and model.complete and not model.canFetchMore(QModelIndex())
        ids = [model.case_id(row) for row in range(model.rowCount())]
        assert len(set(ids)) == 80 and ids == list(case_list.case_ids(ctx))
        # A row far down is read with its batch once painting asks for it.
        far = model.index(60, table_model.REFERENCE)
        assert model.data(far) == "…"
        qtbot.waitUntil(lambda: model.data(far) != "…")
        reference = case_list.case_rows(ctx, [ids[60]])[0].reference  # type: ignore[list-item]
        assert model.data(far) == reference
        assert model.data(far, table_model.CASE_ID_ROLE) == str(ids[60])
        fresh = CaseTableModel(ctx, SyncOperations())
        fresh.set_query(case_list.CaseQuery())
        qtmodeltester.check(fresh, force_py=True)  # it fetches more while it checks
        qtbot.waitUntil(lambda: all(fresh.data(fresh.index(r, 0)) != "…" for r in range(80)))
        loaded = fresh.rowCount()
        assert len({fresh.case_id(r) for r in range(loaded)}) == loaded  # no duplicated rows
        model.sort(table_model.REFERENCE)
        assert model.data(model.index(0, table_model.REFERENCE)) < model.data(
            model.index(1, table_model.REFERENCE)
        )
        model.set_query(case_list.CaseQuery(text="zzzz-no-such"))
        assert model.rowCount() == 0 and not model.canFetchMore(QModelIndex())
        qtmodeltester.check(model, force_py=True)


def test_case_model_reads_every_id_after_a_pause_without_scrolling(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(table_model, "BATCH", 10)
    created, _ = create_demo_workspace(tmp_path / "demo", cases=30, seed=6, kdf_seconds=0)
    with unlock(created.folder, "coordinator", "demo") as ctx:
        model = CaseTableModel(ctx, SyncOperations())
        model.set_query(case_list.CaseQuery(text="a"))
        first = model.rowCount()
        assert first <= 10 < model.total or model.complete
        qtbot.waitUntil(lambda: model.complete, timeout=3000)
        assert model.rowCount() == model.total == case_list.count_cases(ctx, model.query)
        # A newer query before the pause is over: the older one's ids never arrive.
        model.set_query(case_list.CaseQuery())
        model.set_query(case_list.CaseQuery(text="e"))
        qtbot.waitUntil(lambda: model.complete, timeout=3000)
        assert [model.case_id(r) for r in range(model.rowCount())] == list(
            case_list.case_ids(ctx, case_list.CaseQuery(text="e"))
        )


def test_people_model_passes_the_model_tester(qtmodeltester: Any, tmp_path: Path) -> None:
    created, _ = create_demo_workspace(tmp_path / "demo", cases=40, seed=5, kdf_seconds=0)
    with unlock(created.folder, "worker", "demo") as ctx:
        model = PeopleModel(ctx, SyncOperations())
        model.set_text("")
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)
        model.set_text("a")
        qtmodeltester.check(model, force_py=True)
