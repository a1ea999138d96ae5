"""A real browser opens what a reader gets: headless Chromium (Debian's ``chromium`` package,
installed by ``make test`` when missing and run as root) loads a public report and the index of a
public batch from disk, checks that no request leaves the machine and no script error occurs, that
the KPI table is visible, and prints the report to an A4 PDF whose first page holds the KPI table.
The screenshot and the PDF are kept under ``outputs/browser/`` for a person to look at.

Making the report takes most of the time (one council, one kernel); the browser part a few
seconds.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser import Chromium, chromium_path

REPO = Path(__file__).resolve().parent.parent
QUARTER = "Q4 2025/26"
COUNCIL = "Orkney Islands"
KEPT = REPO / "outputs" / "browser"
#: Schemes a page may load from: itself and embedded data. Anything else would leave the machine.
LOCAL_SCHEMES = ("file:", "data:", "about:")
KPI_CAPTION = "Key performance indicators"


def _skip_reason() -> str | None:
    if chromium_path() is None:
        return (
            "Chromium is not installed: `make test` installs Debian's chromium package when run "
            "as root; otherwise run `apt-get install chromium` as root"
        )
    try:
        import websocket  # noqa: F401
    except ImportError:
        return "websocket-client is not installed: pip install -e '.[test]'"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason()))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A public batch of one council for the quarter, on the demo data."""
    from jswlib.run.batch import run_batch

    out = tmp_path_factory.mktemp("public")
    result = run_batch(
        QUARTER,
        [COUNCIL],
        data_dir=REPO / "data" / "demo",
        audience="public",
        out_dir=out,
        workers=1,
        progress=False,
    )
    assert result.succeeded, [o.error for o in result.outcomes]
    return result


@pytest.fixture(scope="module")
def browser():
    chrome = Chromium(chromium_path())
    yield chrome
    chrome.close()


def _report_path(batch) -> Path:
    outcome = batch.outcomes[0]
    return batch.out_dir / outcome.files["html"]


def _leaving(requests: list[str]) -> list[str]:
    return [url for url in requests if not url.startswith(LOCAL_SCHEMES)]


class TestReportInChromium:
    def test_nothing_leaves_the_machine_and_no_script_error(self, batch, browser):
        browser.open(_report_path(batch))
        assert browser.requests()  # the page itself at least: the recording works
        assert _leaving(browser.requests()) == []
        assert browser.errors() == []

    def test_kpi_table_is_visible_on_the_first_screen(self, batch, browser):
        browser.open(_report_path(batch))
        box = browser.evaluate(
            "(() => { const c = [...document.querySelectorAll('caption')]"
            f".find(c => c.textContent.trim().startsWith({KPI_CAPTION!r}));"
            " if (!c) return null; const t = c.closest('table'); const r = t.getBoundingClientRect();"
            " const s = getComputedStyle(t);"
            " return {top: r.top, height: r.height, width: r.width, shown: s.display !== 'none'"
            " && s.visibility !== 'hidden', screen: window.innerHeight}; })()"
        )
        assert box is not None, "no table captioned 'Key performance indicators'"
        assert box["shown"] and box["height"] > 0 and box["width"] > 0
        assert box["top"] < box["screen"]  # starts within the first screen, no scrolling
        browser.screenshot(KEPT / "report.png")

    def test_prints_on_a4_with_the_kpi_table_on_page_1(self, batch, browser):
        browser.open(_report_path(batch))
        pdf = browser.pdf(KEPT / "report.pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext") is None:
            pytest.skip(
                "pdftotext is not installed (Debian's poppler-utils; `make test` installs it)"
            )
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        assert "(A4)" in info.stdout  # "Page size: 595.92 x 842.88 pts (A4)"
        first = subprocess.run(
            ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # The table itself, not only the section heading: its caption and a column heading
        assert f"{KPI_CAPTION}, {COUNCIL}" in " ".join(first.split())
        assert "RAG status" in first
        assert f"{COUNCIL}, {QUARTER}" in first  # the running footer


class TestIndexInChromium:
    def test_nothing_leaves_the_machine_and_no_script_error(self, batch, browser):
        browser.open(batch.index)
        assert _leaving(browser.requests()) == []
        assert browser.errors() == []
        assert browser.evaluate("document.querySelectorAll('table').length") >= 1
        browser.screenshot(KEPT / "index.png")
