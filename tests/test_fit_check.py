"""The fit check (bench/fit_check.py): regex entries are tested alternative by alternative, and no
data entry fits only the seeds unless it is justified in bench/fit_check_allow.yaml."""
import subprocess
import sys
from pathlib import Path

from bench.fit_check import expand_groups, split_alternatives
from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[1]


def test_alternatives_are_split_at_top_level_and_inside_groups():
    assert split_alternatives("(?:قصف|غارة)") == ["قصف", "غارة"]
    assert split_alternatives("سيطر(?:ت|وا)?|استولي") == ["سيطر(?:ت|وا)?", "استولي"]
    assert split_alternatives("[|]قصف|x") == ["[|]قصف"]
    assert sorted(expand_groups("(?:مناطق|التواصل و)\\s*$")) == sorted(["(?:مناطق)\\s*$", "(?:التواصل و)\\s*$"])


def test_no_data_entry_fits_only_the_seeds():
    shared = shared_path("seeds").parent
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "fit_check.py"), "--shared", str(shared)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout
