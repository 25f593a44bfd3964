"""Is a workspace folder somewhere a database should not live?

Sync clients (Dropbox, OneDrive, Google Drive, iCloud, Nextcloud…) copy files while
SQLite is writing them and can hand back an old or mixed-up copy; network filesystems often
lack the locking SQLite relies on. Either can lose notes, so Homeward warns (it does not
refuse: a coordinator may know better). Detection is by folder names, the marker files sync
clients leave, and on Linux the filesystem type from ``/proc/self/mountinfo``; on Windows
a UNC path or a mapped network drive.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath


class Risk(StrEnum):
    SYNC = "sync"
    NETWORK = "network"


@dataclass(frozen=True)
class LocationRisk:
    risk: Risk
    name: str  # the service or filesystem, e.g. "Dropbox" or "nfs4"


#: Folder names (case-insensitive) that sync clients create, and the service they belong to.
_SYNC_FOLDERS: tuple[tuple[str, str], ...] = (
    ("dropbox", "Dropbox"),
    ("onedrive", "OneDrive"),
    ("google drive", "Google Drive"),
    ("googledrive", "Google Drive"),
    ("my drive", "Google Drive"),
    ("icloud drive", "iCloud"),
    ("iclouddrive", "iCloud"),
    ("mobile documents", "iCloud"),
    ("com~apple~clouddocs", "iCloud"),
    ("nextcloud", "Nextcloud"),
    ("owncloud", "ownCloud"),
    ("seafile", "Seafile"),
    ("pcloud", "pCloud"),
    ("pcloud drive", "pCloud"),
    ("box", "Box"),
    ("box sync", "Box"),
    ("mega", "MEGA"),
    ("megasync", "MEGA"),
    ("sync.com", "Sync.com"),
    ("tresorit", "Tresorit"),
    ("yandex.disk", "Yandex Disk"),
)
#: Files sync clients keep in the folders they sync.
_SYNC_MARKERS: tuple[tuple[str, str], ...] = (
    (".dropbox", "Dropbox"),
    (".dropbox.cache", "Dropbox"),
    (".owncloudsync.log", "Nextcloud"),
    (".sync_journal.db", "Nextcloud"),
    (".tresorit", "Tresorit"),
    (".seafile-data", "Seafile"),
)
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "davfs",
        "fuse.davfs2",
        "fuse.sshfs",
        "sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.gvfsd-fuse",
        "fuse.onedriver",
        "fuse.dropbox",
        "fuse.google-drive-ocamlfuse",
    }
)


def _sync_by_name(parts: Iterable[str]) -> str | None:
    names = dict(_SYNC_FOLDERS)
    for part in parts:
        lowered = part.casefold()
        if lowered in names:
            return names[lowered]
        # "OneDrive - Contoso", "Dropbox (Personal)", "Nextcloud2"…
        for prefix, service in (("onedrive", "OneDrive"), ("dropbox", "Dropbox")):
            if lowered.startswith(prefix + " ") or lowered.startswith(prefix + "-"):
                return service
    return None


def _sync_by_marker(folder: Path) -> str | None:
    for candidate in (folder, *folder.parents):
        for marker, service in _SYNC_MARKERS:
            try:
                if (candidate / marker).exists():
                    return service
            except OSError:
                continue
    return None


def parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """``(mount point, filesystem type)`` pairs from ``/proc/self/mountinfo`` text."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if not sep or len(fields) < 5 or not rest:
            continue
        point = fields[4].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")
        mounts.append((point, rest[0]))
    return mounts


def filesystem_type(folder: PurePath, mounts: list[tuple[str, str]]) -> str | None:
    """The type of the filesystem holding ``folder``: the longest matching mount point."""
    best: tuple[int, str] | None = None
    text = str(folder)
    for point, fstype in mounts:
        inside = text == point or text.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), fstype)
    return best[1] if best else None


def _windows_network(folder: Path) -> bool:
    text = str(folder)
    if text.startswith("\\\\"):
        return True
    if sys.platform == "win32" and len(text) >= 2 and text[1] == ":":
        import ctypes

        drive_remote = 4
        return bool(ctypes.windll.kernel32.GetDriveTypeW(text[:2] + "\\") == drive_remote)
    return False


def assess(folder: Path, *, mountinfo: str | None = None) -> LocationRisk | None:
    """The first reason found why ``folder`` is a risky place for a workspace, or ``None``.

    ``mountinfo`` replaces ``/proc/self/mountinfo`` (tests).
    """
    folder = Path(os.path.abspath(folder))
    service = _sync_by_name(folder.parts) or _sync_by_marker(folder)
    if service is not None:
        return LocationRisk(Risk.SYNC, service)
    if _windows_network(folder):
        return LocationRisk(Risk.NETWORK, "smb")
    if mountinfo is None and sys.platform.startswith("linux"):
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text("utf-8", errors="replace")
        except OSError:
            mountinfo = None
    if mountinfo:
        fstype = filesystem_type(folder, parse_mountinfo(mountinfo))
        if fstype is not None and (
            fstype in NETWORK_FILESYSTEMS or fstype.split(".")[-1] in NETWORK_FILESYSTEMS
        ):
            return LocationRisk(Risk.NETWORK, fstype)
    return None
