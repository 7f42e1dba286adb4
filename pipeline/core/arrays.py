"""A shipped model's numbers: a .npz file read into a dataclass whose fields are float arrays."""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

from pipeline.core.yaml_files import file_stamp

Model = TypeVar("Model")


def load_arrays(path: Path, kind: type[Model]) -> Model:
    """The file's arrays as `kind` (each field one array of the same name); read again once the
    file is replaced, so a long-lived worker scores with the file the provenance digest names."""
    return cast(Model, _load_arrays(path, cast(Any, kind), file_stamp(path)))


@lru_cache(maxsize=8)
def _load_arrays(path: Path, kind: type[Any], stamp: tuple[int, int] | None) -> Any:
    with np.load(path) as data:
        return kind(**{field.name: np.asarray(data[field.name], dtype=float) for field in fields(kind)})
