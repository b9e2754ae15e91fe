"""Shared fixtures of the Python tests: the release binary and a small story."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: A small story in the shape rinse is built for: headline, photo caption,
#: dateline, body, credits, a promotion, a related-links block. Line 9 has a
#: character lost to U+FFFD between two words, line 7 a no-break space.
STORY = (
    "Azerbaijan's president pledges to help French territories\n"  # 1
    "\n"
    "FILE PHOTO: Azeri President Ilham Aliyev attends a meeting in Astana, "
    "Kazakhstan July 3, 2024. Sputnik/Gavriil Grigorov/Pool via REUTERS/ File Photo\n"  # 3
    "\n"
    "SHUSHA, Azerbaijan (Reuters) - Azerbaijani President Ilham Aliyev pledged on "
    "Saturday to help France's overseas territories secure independence.\n"  # 5
    "\n"
    "Aliyev accuses France of interfering in its affairs over its contacts\u00a0with Armenia.\n"  # 7
    "\n"
    "Azerbaijan expelled two French diplomats last December, US\ufffdofficials said.\n"  # 9
    "\n"
    "(Reporting by Nailia Bagirova, Editing by Ron Popeski)\n"  # 11
    "\n"
    "Follow us on our official WhatsApp channel for breaking news alerts and key updates!\n"  # 13
    "\n"
    "Next In World\n"  # 15
    "\n"
    "Kenya's Ruto chooses interior minister as new deputy\n"
    "Tech giants go nuclear in AI arms race\n"
)


def release_binary() -> Path:
    """The rinse binary the tests run: $RINSE_BIN, or target/release/rinse."""
    path = Path(os.environ.get("RINSE_BIN") or ROOT / "target" / "release" / "rinse").resolve()
    if not path.is_file():
        pytest.fail(f"no rinse binary at {path}: run `cargo build --release` (or set RINSE_BIN)")
    return path


@pytest.fixture(scope="session")
def rinse_bin() -> Path:
    """Absolute path of the release binary."""
    return release_binary()


@pytest.fixture
def story() -> str:
    """The small inline story."""
    return STORY
