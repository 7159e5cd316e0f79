"""A fake Intercom REST API (version 2.14) for tests, benchmarks and demos.

Usage::

    from tests.fake_intercom import FakeIntercom

    with FakeIntercom(scale="small", seed=1) as fake:
        requests.get(fake.base_url + "/tags", headers={"Authorization": "Bearer test-token"})

Or from a shell: ``python -m tests.fake_intercom --port 0 --scale small --seed 1``.
"""

from .data import DATA_NOW, SCALES, Dataset
from .server import FakeIntercom, parse_faults

__all__ = ["DATA_NOW", "SCALES", "Dataset", "FakeIntercom", "parse_faults"]
