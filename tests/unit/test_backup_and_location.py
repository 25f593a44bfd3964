"""Pure rules: which backups a generation policy keeps, and risky workspace locations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from app.features.admin.services import backup_files as bf
from app.features.admin.services.integrity import location_warning
from app.features.privacy.services.anonymise import quarter_start
from app.store import location

MOUNTS = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /home/kari/share rw shared:2 - nfs4 server:/export rw
41 22 0:36 / /mnt/office\\040files rw - cifs //nas/files rw
42 22 0:37 / /home/kari/remote rw - fuse.sshfs kari@host: rw
"""


def test_generations_keep_seven_days_and_four_weeks() -> None:
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    # two backups a day for 60 days
    times = [now - timedelta(hours=12 * n) for n in range(120)]
    keep = bf.generations_to_keep(times, daily=7, weekly=4)
    kept = sorted((times[i] for i in keep), reverse=True)
    assert kept[0] == now and len(kept) == 11
    days = [t.astimezone().date() for t in kept]
    assert len(set(days)) == 11  # one per day, never two the same day
    assert (days[6] - days[7]).days >= 1 and (days[0] - days[-1]).days > 21
    weeks = {d.isocalendar()[:2] for d in days[7:]}
    assert len(weeks) == 4


def test_a_backup_asked_for_is_kept_beside_the_days_newest() -> None:
    now = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    # "Back up now" at 10:00, then the backups on closing at 16:00, every day for 40 days
    times = [now - timedelta(days=n) for n in range(40)] + [
        now - timedelta(days=n, hours=6) for n in range(40)
    ]
    asked = range(40, 80)
    keep = bf.generations_to_keep(times, daily=7, weekly=4, asked=asked)
    assert set(range(7)) | set(range(40, 47)) <= keep  # the daily days: both kept
    assert len(keep) == 14 + 4  # then one a week: the schedule, nothing more
    assert bf.generations_to_keep(times, daily=7, weekly=4) == keep - set(asked)


def test_generations_with_few_backups_keep_them_all() -> None:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    times = [now - timedelta(days=n) for n in range(3)]
    assert bf.generations_to_keep(times, daily=7, weekly=4) == {0, 1, 2}
    assert bf.generations_to_keep([], daily=7, weekly=4) == set()


def test_backup_names_never_clash() -> None:
    when = datetime(2026, 11, 21, 10, 15, tzinfo=UTC)
    first = bf.backup_name(when, set())
    assert first == "homeward-20261121T101500Z"
    assert bf.backup_name(when, {first}) == first + "-2"


def test_sync_folders_are_recognised() -> None:
    for path, service in [
        ("/home/kari/Dropbox/Homeward", "Dropbox"),
        ("/home/kari/Dropbox (Personal)/hw", "Dropbox"),
        ("C:/Users/kari/OneDrive - Fangehjelpen/Homeward", "OneDrive"),
        ("/Users/kari/Library/Mobile Documents/com~apple~CloudDocs/hw", "iCloud"),
        ("/home/kari/Nextcloud/hw", "Nextcloud"),
        ("/home/kari/Google Drive/hw", "Google Drive"),
    ]:
        risk = location.assess(Path(path), mountinfo="")
        assert risk is not None and (risk.risk, risk.name) == (location.Risk.SYNC, service), path
    assert location.assess(Path("/home/kari/Homeward"), mountinfo=MOUNTS) is None


def test_a_sync_client_marker_file_is_recognised(tmp_path: Path) -> None:
    (tmp_path / ".dropbox").write_text("{}")
    risk = location.assess(tmp_path / "deep" / "ws", mountinfo="")
    assert risk is not None and risk.name == "Dropbox"


def test_network_filesystems_are_recognised() -> None:
    mounts = location.parse_mountinfo(MOUNTS)
    assert ("/mnt/office files", "cifs") in mounts
    assert location.filesystem_type(PurePosixPath("/home/kari/share/ws"), mounts) == "nfs4"
    assert location.filesystem_type(PurePosixPath("/home/kari/shared"), mounts) == "ext4"
    for path, kind in [
        ("/home/kari/share/ws", "nfs4"),
        ("/mnt/office files/hw", "cifs"),
        ("/home/kari/remote/hw", "fuse.sshfs"),
    ]:
        risk = location.assess(Path(path), mountinfo=MOUNTS)
        assert risk is not None and (risk.risk, risk.name) == (location.Risk.NETWORK, kind)


def test_the_warning_is_a_sentence_naming_the_service(tmp_path: Path) -> None:
    warning = location_warning(tmp_path / "Dropbox" / "ws")
    assert warning is not None and "Dropbox" in warning and "local folder" in warning


def test_a_stub_keeps_only_the_quarter_of_birth() -> None:
    from datetime import date

    assert quarter_start(date(1990, 5, 17)) == date(1990, 4, 1)
    assert quarter_start(date(1990, 12, 31)) == date(1990, 10, 1)
    assert quarter_start(None) is None
    # The age on any quarter's last day is the same from either date.
    for end in (date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)):
        for born in (date(1990, 1, 1), date(1990, 5, 17), date(1990, 6, 30), date(1990, 7, 1)):
            coarse = quarter_start(born)
            assert coarse is not None
            age = end.year - born.year - ((end.month, end.day) < (born.month, born.day))
            age2 = end.year - coarse.year - ((end.month, end.day) < (coarse.month, coarse.day))
            assert age == age2
