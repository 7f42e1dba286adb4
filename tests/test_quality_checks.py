"""The post-publish quality checks: their bounds come from the settings unless a run gives one."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.core.settings import SETTINGS_ENV
from pipeline.report.checks import QualityCheckFailed, check_removal_ratio
from pipeline.run.runner import run_batch


def load_gallery_batch(engine: sa.Engine, tmp_path: Path) -> None:
    """Pages that are a photo gallery around one line of text: most of the input goes as noise."""
    gallery = " ".join(
        f"Combined Shape Caption Gulls over the pier, frame {n}. (AP Photo/Ina Holm) Credit: Ina Holm"
        for n in range(10)
    )
    folder = tmp_path / "gallery"
    folder.mkdir()
    for n in range(2):
        (folder / f"page{n}.txt").write_text(f"Story {n} of the pier.\n\n{gallery}", encoding="utf-8")
    run_batch(engine, folder, "gallery")


def test_the_removal_ratio_bound_is_the_setting_unless_given(
    engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_gallery_batch(engine, tmp_path)
    with pytest.raises(QualityCheckFailed, match=r"must be <= 0\.75"):
        check_removal_ratio(engine, "gallery")  # the shipped checks.max_removal_ratio
    assert check_removal_ratio(engine, "gallery", max_ratio=0.99).value < 0.99
    settings = tmp_path / "settings.yaml"
    settings.write_text("checks:\n  max_removal_ratio: 0.99\n", encoding="utf-8")
    monkeypatch.setenv(SETTINGS_ENV, str(settings))
    assert "must be <= 0.99" in check_removal_ratio(engine, "gallery").describe()
