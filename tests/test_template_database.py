"""The test databases' template (tests/testdb.py) is built again when what it is made of changes."""

from pathlib import Path

from django.conf import settings

from tests import testdb


def test_the_templates_fingerprint_reads_the_seed_command_that_exists():
    """A path that does not exist would leave the seed command's changes out of the hash."""
    for name in testdb.SEED_CODE:
        assert (Path(settings.BASE_DIR) / name).is_file(), name
