"""The site tests read the built book: every one of them needs ``make book`` first."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _built_site(html_dir):
    """Fail each site test clearly (not with a missing file) when the site was not built."""
    return html_dir
