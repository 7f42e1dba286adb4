"""A shipped model's numbers: a .npz file read into a dataclass whose fields are float arrays, or a
JSON file of pipeline/data checked against the features the code computes."""

from __future__ import annotations

import json
from dataclasses import fields
from functools import lru_cache
from importlib import resources
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


def load_json_model(name: str, features: tuple[str, ...], script: str) -> dict[str, Any]:
    """pipeline/data/`name`, refused when it was fitted on other features than `features` (the
    message names the `script` that fits it again)."""
    model: dict[str, Any] = json.loads(resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8"))
    if tuple(model["features"]) != features:
        raise ValueError(f"{name} was fitted on other features: rerun {script}")
    return model
