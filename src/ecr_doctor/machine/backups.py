"""The backups `fix --write` keeps beside a config (`<name>.bak-YYYYMMDDTHHMMSSZ[-N]`, see
machine.files): finding them, and removing one only while it still holds what was read.

A backup of a file that held a live ECR token is a copy of that credential for up to 12 hours;
`diagnose` and `audit` report such backups and `verify`, once the new set-up works, offers to
remove them.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

from ecr_doctor.machine.reading import read_regular_file

# A Docker config is small; a backup larger than this is not one ecr-doctor wrote.
MAX_BACKUP_BYTES = 16 * 1024 * 1024


class Backup(NamedTuple):
    path: str
    data: bytes


class Unreadable(NamedTuple):
    path: str
    error: OSError


class Backups(NamedTuple):
    found: tuple[Backup, ...]
    unreadable: tuple[Unreadable, ...]


def backup_name_pattern(config_name: str) -> re.Pattern[str]:
    return re.compile(re.escape(config_name) + r"\.bak-\d{8}T\d{6}Z(?:-\d+)?")


def backups_beside(config_path: str) -> Backups:
    """The backups next to the file `config_path` names (through symlinks, as fix writes
    them beside the target); regular files only, each read through the bounded reader."""
    target = os.path.realpath(config_path)
    folder = os.path.dirname(target) or "."
    pattern = backup_name_pattern(os.path.basename(target))
    try:
        names = sorted(e.name for e in os.scandir(folder)
                       if pattern.fullmatch(e.name) and e.is_file(follow_symlinks=False))
    except OSError:
        return Backups((), ())
    found: list[Backup] = []
    unreadable: list[Unreadable] = []
    for name in names:
        path = os.path.join(folder, name)
        try:
            found.append(Backup(path, read_regular_file(path, MAX_BACKUP_BYTES).data))
        except OSError as exc:
            unreadable.append(Unreadable(path, exc))
    return Backups(tuple(found), tuple(unreadable))


def remove_backup(backup: Backup) -> bool:
    """Unlink `backup` if it is still the regular file with the bytes that were judged;
    False (and nothing removed) if it changed, vanished or cannot be read."""
    try:
        current = read_regular_file(backup.path, MAX_BACKUP_BYTES).data
    except OSError:
        return False
    if current != backup.data:
        return False
    try:
        os.unlink(backup.path)
    except OSError:
        return False
    return True
