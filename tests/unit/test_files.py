"""Atomic file writes (veldclient/files.py): the old file or the new one, never half, nothing left over."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from veldclient import files


def test_writes_and_replaces_with_exactly_the_mode_asked(tmp_path: Path) -> None:
    target = tmp_path / "key.json"
    old_umask = os.umask(0o077)
    try:
        files.atomic_write(target, b"one", mode=0o644)
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"one" and stat.S_IMODE(target.stat().st_mode) == 0o644
    files.atomic_write(target, b"two")
    assert target.read_bytes() == b"two" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["key.json"]


def test_a_new_file_never_replaces_an_existing_one(tmp_path: Path) -> None:
    target = tmp_path / "device.key"
    files.atomic_write(target, b"first", overwrite=False)
    with pytest.raises(FileExistsError):
        files.atomic_write(target, b"second", overwrite=False)
    assert target.read_bytes() == b"first" and os.listdir(tmp_path) == ["device.key"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("a folder cannot be replaced by a file")
    with pytest.raises(OSError):
        files.atomic_write(target, b"data")
    assert sorted(os.listdir(tmp_path)) == ["taken"] and target.is_dir()


def test_a_named_temporary_file_is_written_over_and_then_renamed(tmp_path: Path) -> None:
    target, part = tmp_path / "b.veldbundle", tmp_path / "b.veldbundle.part"
    part.write_bytes(b"left by a killed process, longer than the new data")
    files.atomic_write(target, b"new", temp=part)
    assert target.read_bytes() == b"new" and not part.exists()


def test_the_data_and_then_the_folder_are_synced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    files.atomic_write(tmp_path / "x", b"x" * (3 * files.CHUNK + 5))
    assert synced == [False, True]
    assert (tmp_path / "x").stat().st_size == 3 * files.CHUNK + 5
