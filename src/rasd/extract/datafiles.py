"""The extractors' data files: YAML under `rasd/data/<area>/`, read with importlib.resources."""
from __future__ import annotations

from importlib import resources
from typing import Any

import yaml


def load_yaml(area: str, name: str) -> Any:
    """The parsed YAML file `rasd/data/<area>/<name>` (callers cache what they build from it)."""
    return yaml.safe_load(resources.files("rasd.data").joinpath(area, name).read_text("utf-8"))
