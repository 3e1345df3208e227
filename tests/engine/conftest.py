"""Fixtures of the engine tests."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def local_ray(request: pytest.FixtureRequest):
    """A local Ray with 2 CPUs for one test module. pytest imports a test file under a bare module
    name the Ray workers cannot import, so what the module defines (test stages) goes by value."""
    ray = pytest.importorskip("ray", reason="Ray is not installed: pip install rasd[ray]")
    ray.cloudpickle.register_pickle_by_value(request.module)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()
