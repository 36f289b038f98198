"""A local fake of GitHub's REST and GraphQL APIs, for end-to-end tests, benchmarks and manual use.

``FakeGitHub(data)`` serves ``data`` (a :class:`FakeData`) on 127.0.0.1 at a free port; point the server
under test at it with ``GITHUB_API_URL=fake.url``. ``python -m tests.fake_github`` runs one by hand.
"""

from .data import FakeData, make_sample_data
from .server import TEST_TOKEN, FakeGitHub, Fault, RequestRecord
from .synthetic import Shape, build_synthetic

__all__ = [
    "TEST_TOKEN",
    "FakeData",
    "FakeGitHub",
    "Fault",
    "RequestRecord",
    "Shape",
    "build_synthetic",
    "make_sample_data",
]
