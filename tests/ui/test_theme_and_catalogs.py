"""Checked colours and complete, current translation catalogs (no window needed)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.ui.theme import PALETTES, TEXT_PAIRS, contrast_ratio, palette, pixels_per_mm, touch_size

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["de", "en", "tr", "ar", "uk", "pl", "nl"]


@pytest.mark.parametrize("high_contrast", [False, True])
def test_every_text_pair_has_a_contrast_of_at_least_4_5(high_contrast):
    colours = palette(high_contrast)
    for text, background in TEXT_PAIRS:
        ratio = contrast_ratio(colours[text], colours[background])
        assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}"
    assert set(PALETTES["default"]) == set(PALETTES["high_contrast"])


def test_touch_targets_are_9_mm_on_the_configured_panel():
    for size in ((1080, 1920), (1920, 1080), (768, 1366)):
        for diagonal in (21.5, 27.0, 32.0, 55.0):
            assert touch_size(*size, diagonal) >= 9 * pixels_per_mm(*size, diagonal)


def _ids(path: Path) -> set[str]:
    with open(path, "rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_the_template_is_current(tmp_path):
    fresh = tmp_path / "kiosk.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-o", str(fresh),
                    "--no-location", "--sort-output", "."], cwd=ROOT, check=True, capture_output=True)
    extracted, committed = _ids(fresh), _ids(ROOT / "locales" / "kiosk.pot")
    assert extracted == committed, (
        f"locales/kiosk.pot is stale: new {sorted(extracted - committed)}, gone {sorted(committed - extracted)}; "
        "run `make locales`."
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalog_translates_every_string(lang):
    template = _ids(ROOT / "locales" / "kiosk.pot")
    with open(ROOT / "locales" / lang / "LC_MESSAGES" / "kiosk.po", "rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id}
    missing = sorted(i for i in template if not catalog.get(i) or (isinstance(i, tuple) and not all(catalog[i])))
    assert not missing, f"locales/{lang}/LC_MESSAGES/kiosk.po misses {len(missing)} strings: {missing[:10]}"
    for msgid, text in catalog.items():
        if isinstance(msgid, tuple):  # a plural: a form may leave out the number its words already say
            # ("مكانان": two places), never a name it does not know or the other placeholders.
            known = set(re.findall(r"{\w+}", msgid[1]))
            for form in text:
                assert set(re.findall(r"{\w+}", form)) | {"{count}"} == known, (lang, msgid, form)
            continue
        assert set(re.findall(r"{\w+}", msgid)) == set(re.findall(r"{\w+}", text)), (lang, msgid, text)
