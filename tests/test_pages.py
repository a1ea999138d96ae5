"""The report's HTML export: nbconvert's exporter with its last step (a BeautifulSoup pass that
adds alternative text and keyboard focus) done on the text instead, giving the same page."""

from __future__ import annotations

import copy

import nbformat
import pytest
from bs4 import BeautifulSoup

from jswlib.present import pages
from jswlib.present.pages import MISSING_ALT, accessible_outputs, notebook_to_html

from .conftest import REPO

SVG = (
    '<svg viewBox="0 0 10 10" role="img" aria-label="A chart"><title>A chart</title>'
    '<path d="M0 0L10 10"/><text x="1" y="2">5 &amp; 6 &lt; 7</text></svg>'
)


def _notebook():
    """Outputs of every kind a report has, and an image without alternative text."""
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        v4.new_markdown_cell('## Heading\n\nText <img src="pixel.png"> and ![a pixel](pixel.png)'),
        v4.new_code_cell(
            "x",
            outputs=[
                v4.new_output(
                    "display_data",
                    data={"text/html": SVG + '<img src="data:image/png;base64,AAAA">'},
                ),
                v4.new_output("stream", name="stdout", text="printed <text>\n"),
                v4.new_output(
                    "execute_result",
                    data={
                        "text/html": "<table><thead><tr><th>KPI</th></tr></thead>"
                        "<tbody><tr><th>A</th><td>1<br>2</td></tr></tbody></table>",
                        "text/plain": "table",
                    },
                    execution_count=1,
                ),
            ],
        ),
        v4.new_code_cell(
            "y",
            outputs=[
                v4.new_output(
                    "error",
                    ename="ValueError",
                    evalue="bad",
                    traceback=["\x1b[31mValueError\x1b[0m"],
                )
            ],
        ),
    ]
    nb.cells[2].metadata["tags"] = []
    return nb


class TestSamePageAsNbconvert:
    def test_the_page_parses_to_nbconvert_own_page(self):
        nb = _notebook()
        resources = {"metadata": {"name": "t", "path": str(REPO / "tests" / "fixtures")}}
        fast, _ = pages._html_exporter(True).from_notebook_node(nb, resources=dict(resources))
        stock, _ = pages._html_exporter(False).from_notebook_node(nb, resources=dict(resources))
        # nbconvert's page is its BeautifulSoup tree written out: the same tree from ours
        assert str(BeautifulSoup(fast, features="html.parser")) == stock
        # and the comparison sees the two changes: images described, outputs focusable
        assert fast.count(MISSING_ALT) == 2 and 'alt="a pixel"' in fast
        # focusable: the Markdown cell's rendering, three outputs, the error = 5
        assert fast.count('tabindex="0"') == stock.count('tabindex="0"') == 5
        assert "viewBox" in fast  # left as written (nbconvert's parser lower-cases it)

    def test_the_report_page_comes_from_the_fast_exporter(self):
        page = notebook_to_html(_notebook(), "Title", REPO / "tests" / "fixtures")
        assert "viewBox" in page and 'tabindex="0"' in page and '<th scope="col">KPI' in page


class TestAccessibleOutputs:
    def test_a_tabindex_is_replaced_and_other_elements_are_left(self):
        page = (
            "<div class='jp-Cell-inputWrapper' tabindex=-1><p>x</p></div>"
            '<div class="jp-OutputArea-output-x">'
            '<img src="a.png" alt="A">'
            '<img src="b.png"/>'
        )
        assert accessible_outputs(page) == (
            "<div class='jp-Cell-inputWrapper' tabindex=\"0\"><p>x</p></div>"
            '<div class="jp-OutputArea-output-x">'  # another class
            '<img src="a.png" alt="A">'
            f'<img src="b.png" alt="{MISSING_ALT}"/>'
        )


class TestExternalReferencesQuickly:
    """The markers looked for first never hide a reference: on pages put together at random from
    pieces of references, near misses and the SVG namespace, the answer is the full pattern's."""

    PIECES = (
        'xmlns="http://www.w3.org/2000/svg"',
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">',
        'src="//cdn.example/a.js"',
        "SRC = 'https://x.example/i.png'",
        "href=\n  //fonts.example/a.css",
        'data-src="//not.example"',
        "xmlns=",
        "src",
        "href",
        "=",
        "(",
        "//",
        '"',
        "url( 'https://a.example/b.png' )",
        "URL(//b.example)",
        "url(data:image/png;base64,AA)",
        "<script>",
        "<SCRIPT type=module SRC=x.js>",
        "@import 'https://c.example/c.css';",
        "@IMPORT url(x.css);",
        "http://www.w3.org/2000/svg",
        " ",
        "\n",
        "<p>text</p>",
        ">",
    )

    def test_the_same_as_the_full_pattern(self):
        import random

        from jswlib.present import pages

        rng = random.Random(7)
        found = 0
        for _ in range(3000):
            page = "".join(rng.choice(self.PIECES) for _ in range(rng.randint(1, 12)))
            expected = [m.group(0) for m in pages._EXTERNAL.finditer(page)]
            assert pages.external_references(page) == expected, page
            found += bool(expected)
        assert 300 < found < 2900  # pages with and without references were both tried

    def test_a_page_of_charts_only_skips_the_full_pattern(self, monkeypatch):
        from jswlib.present import pages

        class Refused:
            def finditer(self, page):
                raise AssertionError("the full pattern ran on a page holding no marker")

        page = '<figure><svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg></figure>'
        monkeypatch.setattr(pages, "_EXTERNAL", Refused())
        assert pages.external_references(page * 50) == []
        with pytest.raises(AssertionError, match="full pattern ran"):  # a marker: it runs
            pages.external_references(page + '<img src="//x.example/a.png">')


class TestMarkdownOnce:
    """Each Markdown text is turned into HTML once per exporter: the same page, fewer renderings."""

    @pytest.fixture
    def renderings(self, monkeypatch):
        from nbconvert import HTMLExporter

        made, real = [], HTMLExporter.markdown2html

        def counted(self, context, source):
            made.append(source)
            return real(self, context, source)

        counted.jinja_pass_arg = real.jinja_pass_arg
        monkeypatch.setattr(HTMLExporter, "markdown2html", counted)
        exporter = pages._exporter_class()(
            template_name=pages.TEMPLATE_NAME,
            extra_template_basedirs=[str(pages.TEMPLATES_DIR)],
            embed_images=True,
        )
        return exporter, made

    def _page(self, exporter, nb, path="a"):
        resources = {"metadata": {"name": "t", "path": str(REPO / "tests" / "fixtures" / path)}}
        return exporter.from_notebook_node(nb, resources=resources)[0]

    def test_a_second_report_renders_no_text_again_and_its_page_is_the_same(self, renderings):
        exporter, made = renderings
        nb = _notebook()  # one notebook (each new one draws its cells' ids at random)
        first = self._page(exporter, copy.deepcopy(nb))
        assert made == ['## Heading\n\nText <img src="pixel.png"> and ![a pixel](pixel.png)']
        assert self._page(exporter, copy.deepcopy(nb)) == first
        assert len(made) == 1  # the second page's text came from the first
        exporter.markdown_made.clear()
        assert self._page(exporter, copy.deepcopy(nb)) == first and len(made) == 2

    def test_another_folder_or_attachments_render_again(self, renderings):
        exporter, made = renderings
        self._page(exporter, _notebook())
        self._page(exporter, _notebook(), path="b")  # images are looked for in another folder
        assert len(made) == 2
        nb = _notebook()
        nb.cells[0]["attachments"] = {"pixel.png": {"image/png": "AAAA"}}
        self._page(exporter, nb)
        self._page(exporter, nb)
        assert len(made) == 4  # a cell's own attachments: never kept


class TestHeadlineRows:
    @pytest.mark.parametrize("audience", ["internal", "public"])
    def test_the_rows_of_every_column_read_as_from_records(self, audience):
        from jswlib.present.pages import MATRIX_SOURCE_COLUMNS, _missing, headline_rows
        from jswlib.present.report import prepare_report

        for council in ("Glasgow City", "Orkney Islands"):
            table = prepare_report(council, "Q1 2024/25", "", audience).kpi_export()
            # The former way, every column of every row as a record
            expected = [
                {
                    key: "" if key not in record or _missing(record[key]) else str(record[key])
                    for key in MATRIX_SOURCE_COLUMNS
                }
                for record in table.to_dict("records")
            ]
            assert headline_rows(table) == expected
            assert any(row["rag"] for row in expected)  # not a table of blanks
