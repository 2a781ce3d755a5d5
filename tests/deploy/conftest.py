"""Fixtures of other apps that the deployment tests use on object storage."""

from tests.core.test_backup import filled  # noqa: F401 – an installation with data and a file
from tests.processes.conftest import event, process  # noqa: F401 – a workshop to attach files to
