"""Pages: the self-contained HTML of a report (nbconvert, template ``templates/jsw``) and the index
page of a batch (Jinja, template ``templates/pages/batch_index.html.j2``).

Every page is checked for anything it would fetch from another host (:func:`external_references`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jswlib.core import io
from jswlib.definitions.periods import long_date
from jswlib.judge.disclosure import INTERNAL
from jswlib.judge.status import RAG_STATUSES
from jswlib.present.style import INDEX_CSS

#: Folder of the templates shipped with jswlib: nbconvert's report template ``jsw`` and the Jinja
#: page templates in ``pages``.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: The nbconvert template of a report.
TEMPLATE_NAME = "jsw"
#: The outcomes of a council in a batch.
OK, FAILED, SKIPPED = "ok", "failed", "skipped"

#: An attribute ``src=`` or ``href=`` naming another host, a ``<script src=...>``, or a CSS
#: ``url()``/``@import`` of another host.
_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*)"""
    r"""|(?:<script\b[^>]*\bsrc\s*=[^>]*>)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//[^)]*\))"""
    r"""|(?:@import\s+["']?(?:https?:)?//[^;]*)""",
    re.IGNORECASE,
)
#: Short patterns, one of which every match of :data:`_EXTERNAL` holds (see
#: :func:`external_references`).
_EXTERNAL_MARKERS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"""=\s*["']?\s*(?:https?:)?//""",
        r"""\(\s*["']?\s*(?:https?:)?//""",
        r"<script",
        r"@import",
    )
)
_SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


def _long_date_text(iso: str) -> str:
    """``"2026-04-15"`` as ``"15 April 2026"`` (the text itself when it is not a date)."""
    try:
        return long_date(date.fromisoformat(iso))
    except ValueError:
        return iso


def rag_counts(rag: Iterable[Any]) -> dict[str, int]:
    """How many indicators have each RAG status, by word (:data:`RAG_STATUSES`; other values are
    not counted).

    Examples
    --------
    >>> rag_counts(["Green", "Red", "Green", "No data", None])
    {'Green': 2, 'Amber': 0, 'Red': 1, 'Provisional': 0, 'No target': 0, 'No data': 1}
    """
    values = [str(v) for v in rag if v is not None]
    return {word: values.count(word) for word in RAG_STATUSES}


def external_references(page: str) -> list[str]:
    """The places where an HTML page would fetch something when opened, or link to another host.

    Parameters
    ----------
    page : str
        The HTML text.

    Returns
    -------
    list of str
        Each offending attribute or rule, as written (empty for a self-contained page).

    Examples
    --------
    >>> external_references('<img src="data:image/png;base64,AAAA"><a href="#top">Top</a>')
    []
    >>> external_references('<script src="https://cdn.example/x.js"></script>')
    ['<script src="https://cdn.example/x.js">']
    >>> external_references('<link rel="stylesheet" href="//fonts.example/a.css">')
    ['href="//fonts.example/a.css']
    >>> external_references('<script src="x.js"></script>')
    ['<script src="x.js">']

    Notes
    -----
    Every reference the full pattern finds holds one of a few short markers (``=`` or ``(``
    followed by ``//``, ``<script``, ``@import``), which take a fraction of the time to look for;
    the full pattern runs only on a page that holds one. The SVG namespace of the inline charts
    (``xmlns="http://www.w3.org/2000/svg"``, an identifier, never fetched) is set aside for the
    look: no marker of a reference can lie inside it, since ``xmlns`` is neither ``src`` nor
    ``href``.
    """
    reduced = page.replace(_SVG_NAMESPACE, "")
    if not any(marker.search(reduced) for marker in _EXTERNAL_MARKERS):
        return []
    return [m.group(0) for m in _EXTERNAL.finditer(page)]


def template_digest() -> str:
    """A short hash of the report template, part of each council's inputs fingerprint."""
    return io.folder_digest(TEMPLATES_DIR / TEMPLATE_NAME)


#: The alternative text nbconvert gives an image that has none.
MISSING_ALT = "No description has been provided for this image"
#: Elements nbconvert makes focusable (``tabindex="0"``): each cell's input and each output.
FOCUSABLE_CLASSES = frozenset({"jp-Cell-inputWrapper", "jp-OutputArea-output"})

_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_DIV_TAG = re.compile(r"<div\b[^>]*>", re.IGNORECASE)
_CLASS_ATTR = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_TABINDEX_ATTR = re.compile(r"""(\stabindex\s*=\s*)(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
_ALT_ATTR = re.compile(r"\salt\s*=", re.IGNORECASE)


def _set_before_end(tag: str, attribute: str) -> str:
    """``tag`` (``<name ...>`` or ``<name .../>``) with ``attribute`` added as its last one."""
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f"{tag[:end].rstrip()} {attribute}{tag[end:]}"


def accessible_outputs(page: str) -> str:
    """What nbconvert's HTML exporter does to a page after rendering it, done on the text.

    Every image without alternative text gets :data:`MISSING_ALT`, and every cell input and
    output (``div`` of a class in :data:`FOCUSABLE_CLASSES`) can take the keyboard focus
    (``tabindex="0"``, replacing any other value). nbconvert does this by parsing the whole page
    with BeautifulSoup and writing it out again, which costs four fifths of an export once a
    report's charts are inline SVG; the page made here has the same elements and attributes (a
    test parses both).

    Examples
    --------
    >>> print(accessible_outputs('<div class="jp-OutputArea-output x"><b>1</b></div>'))
    <div class="jp-OutputArea-output x" tabindex="0"><b>1</b></div>
    >>> print(accessible_outputs('<img src="a.png">'))
    <img src="a.png" alt="No description has been provided for this image">
    >>> print(accessible_outputs('<div class="other"><img alt="" src="a.png"/></div>'))
    <div class="other"><img alt="" src="a.png"/></div>
    """

    def alt(match: re.Match) -> str:
        tag = match.group(0)
        return tag if _ALT_ATTR.search(tag) else _set_before_end(tag, f'alt="{MISSING_ALT}"')

    def focusable(match: re.Match) -> str:
        tag = match.group(0)
        found = _CLASS_ATTR.search(tag)
        classes = next((g for g in found.groups() if g is not None), "") if found else ""
        if FOCUSABLE_CLASSES.isdisjoint(classes.split()):
            return tag
        if _TABINDEX_ATTR.search(tag):
            return _TABINDEX_ATTR.sub(lambda m: f'{m.group(1)}"0"', tag, count=1)
        return _set_before_end(tag, 'tabindex="0"')

    return _DIV_TAG.sub(focusable, _IMG_TAG.sub(alt, page))


#: Markdown texts whose HTML an exporter keeps (a report has about 16, most of them the same in
#: every report: section headings, indicator titles).
MARKDOWN_KEPT = 512


def _exporter_class():
    """nbconvert's HTML exporter, with its last step (BeautifulSoup) done by
    :func:`accessible_outputs`."""
    from jinja2 import pass_context
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """The HTML exporter of the reports (see :func:`accessible_outputs`); a Markdown text
        is turned into HTML once per process (:meth:`markdown2html`)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.markdown_made: dict[tuple[str, str], str] = {}

        @pass_context
        def markdown2html(self, context, source):
            # nbconvert's filter reads, besides the text, the cell's attachments (none on an
            # output or a cell without them) and the notebook's folder, for images
            if context.get("cell", {}).get("attachments"):
                return super().markdown2html(context, source)
            path = context.get("resources", {}).get("metadata", {}).get("path", "")
            key = (source, path)
            if key not in self.markdown_made:
                if len(self.markdown_made) >= MARKDOWN_KEPT:
                    self.markdown_made.clear()
                self.markdown_made[key] = super().markdown2html(context, source)
            return self.markdown_made[key]

        def from_notebook_node(self, nb, resources=None, **kw):
            # The two filters the HTML templates use, as the HTML exporter sets them up
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name"))
            resources = self._init_resources(resources)
            self.register_filter(
                "highlight_code",
                self.filters.get(
                    "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
                ),
            )
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                ),
            )
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible_outputs(page), resources

    return ReportExporter


@lru_cache(maxsize=2)
def _html_exporter(fast: bool = True):
    """nbconvert's HTML exporter with the JSW template: no code, no prompts, images embedded
    (``fast``: its last step done on the text, :func:`accessible_outputs`; else nbconvert's own),
    the notebook validated once.

    One per process."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = (_exporter_class() if fast else HTMLExporter)(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        theme="light",
        # The notebook is checked against its schema once, after the last preprocessor, instead
        # of after each of the 13 (most of them disabled): the same check, a twelfth of the cost.
        optimistic_validation=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={"remove-cell"}, remove_all_outputs_tags={"remove-output"}
        ),
        enabled=True,
    )
    return exporter


def prepare_exporter() -> None:
    """Build this process's HTML exporter and compile its templates, by exporting an empty
    notebook.

    ``jsw batch`` calls it before its worker processes are forked, so that each of them starts
    with the exporter ready instead of building it for its first report.
    """
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("x")]
    notebook_to_html(nb, "", TEMPLATES_DIR)


_THEAD = re.compile(r"<thead\b.*?</thead>", re.IGNORECASE | re.DOTALL)
_TH_WITHOUT_SCOPE = re.compile(r"<th\b(?![^>]*\bscope=)", re.IGNORECASE)


def add_header_scope(page: str) -> str:
    """Every header cell of a table says what it heads: ``scope="col"`` in a table head, else
    ``scope="row"``.

    Screen readers announce a cell with its headers when they know their scope (WCAG 2.2, 1.3.1
    Info and Relationships). Pandas writes ``<th>`` without it. A cell that has a scope keeps it.

    Examples
    --------
    >>> print(add_header_scope("<thead><tr><th>KPI</th></tr></thead><tbody><tr><th>A</th></tr></tbody>"))
    <thead><tr><th scope="col">KPI</th></tr></thead><tbody><tr><th scope="row">A</th></tr></tbody>
    """
    heads = [(m.start(), m.end()) for m in _THEAD.finditer(page)]
    out, at = [], 0
    for start, end in heads:
        out.append(_TH_WITHOUT_SCOPE.sub('<th scope="row"', page[at:start]))
        out.append(_TH_WITHOUT_SCOPE.sub('<th scope="col"', page[start:end]))
        at = end
    out.append(_TH_WITHOUT_SCOPE.sub('<th scope="row"', page[at:]))
    return "".join(out)


def css_string(text: str) -> str:
    r"""Text made safe inside a double-quoted CSS string in a ``<style>`` element.

    Quotes, backslashes, angle brackets and control characters become CSS escapes (``\22 ``).

    Examples
    --------
    >>> print(css_string('Orkney "Islands" </style>'))
    Orkney \22 Islands\22  \3c /style\3e
    """
    escaped = []
    for ch in str(text):
        if ch in '"\\<>' or ord(ch) < 32:
            escaped.append(f"\\{ord(ch):x} ")
        else:
            escaped.append(ch)
    return "".join(escaped)


def notebook_to_html(
    nb: Any, title: str, folder: str | os.PathLike, *, footer: str = "", header: str = ""
) -> str:
    """Export an executed notebook to a self-contained HTML report, in this process.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    title : str
        The page title, unless the notebook's metadata has a ``title``.
    folder : path-like
        Folder that relative image paths in Markdown cells are read from (the notebooks folder).

    footer : str
        Printed at the foot of every page, left (the council and quarter); the page number is
        printed on the right.
    header : str
        Printed at the head of every page ("Internal: not for publication", "Synthetic data").

    Returns
    -------
    str
        The page: no code cells or prompts, images embedded as data, nothing fetched from another
        host, every header cell with its scope (template ``jswlib/present/templates/jsw``).
    """
    nb = nb.copy() if hasattr(nb, "copy") else nb
    nb.metadata = dict(
        nb.get("metadata", {}), jsw={"footer": css_string(footer), "header": css_string(header)}
    )
    resources = {"metadata": {"name": title, "path": str(folder)}}
    body, _ = _html_exporter().from_notebook_node(nb, resources=resources)
    return add_header_scope(body)


#: Columns of a council's headline rows kept for the index matrix (from its KPI table).
MATRIX_SOURCE_COLUMNS: tuple[str, ...] = (
    "indicator",
    "kpi",
    "display_value",
    "rag",
    "variation_text",
    "assurance_text",
)
#: Columns of the batch's KPI matrix CSV (:func:`kpi_matrix`).
MATRIX_COLUMNS: tuple[str, ...] = (
    "council",
    "indicator",
    "kpi",
    "latest",
    "rag",
    "variation",
    "assurance",
)


def headline_rows(table: Any) -> list[dict[str, str]]:
    """A council's headline KPIs as the index matrix needs them: plain text, one dict per KPI.

    Parameters
    ----------
    table : pandas.DataFrame
        The council's KPI table (``Report.kpi_export()``); columns it lacks are left blank.

    Returns
    -------
    list of dict
        Keys :data:`MATRIX_SOURCE_COLUMNS`, values as text (``""`` for a missing value).

    Examples
    --------
    >>> import pandas as pd
    >>> row = headline_rows(pd.DataFrame({"indicator": ["a"], "rag": ["Green"], "kpi": [None]}))[0]
    >>> row["indicator"], row["rag"], row["kpi"], row["variation_text"]
    ('a', 'Green', '', '')
    """
    # Only the columns read, each listed once (the KPI table has about 30)
    columns = {key: table[key].tolist() for key in MATRIX_SOURCE_COLUMNS if key in table.columns}
    return [
        {
            key: "" if key not in columns or _missing(columns[key][i]) else str(columns[key][i])
            for key in MATRIX_SOURCE_COLUMNS
        }
        for i in range(len(table))
    ]


def _missing(value: Any) -> bool:
    try:
        return bool(value is None or value != value)  # None or NaN
    except (TypeError, ValueError):
        return False


def kpi_matrix(entries: Sequence[Mapping[str, Any]]):
    """The councils x headline KPIs matrix of a batch, long form: one row per council and KPI.

    Parameters
    ----------
    entries : sequence of mapping
        Manifest entries; each council's ``headline`` (from :func:`headline_rows`) is used.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MATRIX_COLUMNS`: the latest value as published, the RAG word, and the
        variation and assurance icons with their words (statistical process control). Councils in
        the order of the entries, KPIs in the order of each council's table; never ranked.
    """
    import pandas as pd

    rows = [
        {
            "council": str(e.get("council", "")),
            "indicator": h.get("indicator", ""),
            "kpi": h.get("kpi", ""),
            "latest": h.get("display_value", ""),
            "rag": h.get("rag", ""),
            "variation": h.get("variation_text", ""),
            "assurance": h.get("assurance_text", ""),
        }
        for e in entries
        for h in (e.get("headline") or [])
    ]
    return pd.DataFrame(rows, columns=list(MATRIX_COLUMNS))


def _matrix_view(entries: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Column titles (the KPIs, first-seen order) and one row per council of cells (lines of
    text)."""
    matrix = kpi_matrix(entries)
    if matrix.empty:
        return [], []
    kpis = list(dict.fromkeys(zip(matrix["indicator"], matrix["kpi"])))
    rows = []
    for council, part in matrix.groupby("council", sort=False):
        cells = {r.indicator: r for r in part.itertuples()}
        row_cells = []
        for indicator, _ in kpis:
            r = cells.get(indicator)
            row_cells.append(
                [] if r is None else [t for t in (r.latest, r.rag, r.variation, r.assurance) if t]
            )
        rows.append({"council": council, "cells": row_cells})
    return [kpi or indicator for indicator, kpi in kpis], rows


def _status_text(entry: Mapping[str, Any]) -> str:
    outcome = entry.get("outcome")
    if outcome == FAILED:
        return "Failed"
    if outcome == SKIPPED:
        return "Up to date (not re-run)"
    if not entry.get("this_run", True):
        return f"Produced by an earlier run ({str(entry.get('produced_at', ''))[:10]})"
    return "Produced"


@lru_cache(maxsize=1)
def _pages():
    """The Jinja environment of the page templates (autoescaped, so text cannot become markup)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "pages")),
        autoescape=True,
        keep_trailing_newline=True,
    )


def render_index(
    label: str,
    entries: Sequence[Mapping[str, Any]],
    manifest: Mapping[str, Any],
    *,
    report: str = "quarterly",
    related: Sequence[Mapping[str, str]] = (),
) -> str:
    """The ``index.html`` of a quarter folder: every council, its RAG counts in words, links, the
    councils x headline KPIs matrix (latest value, RAG word, variation and assurance), the national
    overview when there is one, the failures (template ``templates/pages/batch_index.html.j2``).

    Parameters
    ----------
    label : str
        The quarter's label.
    entries : sequence of mapping
        The manifest entries of the councils (``council``, ``slug``, ``outcome``, ``counts``,
        ``files``, ``error``, ``audience``...).
    manifest : mapping
        The manifest (for the data, the audience and the time).
    report : {"quarterly", "framework"}
        Which reports the index lists (its title and link words).
    related : sequence of mapping
        Links (``href``, ``text``) to the indexes of the other reports of the folder.

    Returns
    -------
    str
        A self-contained HTML page (no script, nothing from another host).
    """
    audiences = sorted({str(e.get("audience")) for e in entries if e.get("audience")})
    mixed = len(audiences) > 1
    rows = []
    for e in entries:
        files = e.get("files") or {}
        links = []
        if "html" in files:
            text = "Report showing the error" if e.get("outcome") == FAILED else "Report"
            links.append({"href": files["html"], "text": text})
        tables = ("Figures", "Framework") if report == "framework" else ("KPIs", "KPIs")
        kinds = (
            ("csv", f"{tables[0]} (CSV)"),
            ("xlsx", f"{tables[1]} (Excel)"),
            ("figures", "Every figure (CSV)"),
        )
        for kind, text in kinds:
            if kind in files:
                links.append({"href": files[kind], "text": text})
        counts = e.get("counts") or {}
        status_text = _status_text(e)
        rows.append(
            {
                "council": str(e.get("council", "")),
                "links": links,
                "counts": [
                    counts.get(word) if counts.get(word) is not None else "\u2013"
                    for word in RAG_STATUSES
                ],
                "audience": str(e.get("audience", "")),
                "status": status_text,
                "status_link": e.get("outcome") == FAILED,
            }
        )
    failures = []
    for e in entries:
        if e.get("outcome") != FAILED:
            continue
        files = e.get("files") or {}
        failures.append(
            {
                "council": str(e.get("council", "")),
                "error": str(e.get("error") or "unknown error"),
                "links": [
                    {"href": files[k], "text": text}
                    for k, text in (
                        ("html", "report showing the error"),
                        ("ipynb", "executed notebook"),
                    )
                    if k in files
                ],
            }
        )
    warnings = [
        {"council": str(e.get("council", "")), "text": str(w)}
        for e in entries
        for w in (e.get("warnings") or [])
    ]
    summary = manifest.get("summary", {})
    counted = ", ".join(
        f"{summary.get(k, 0)} {text}"
        for k, text in ((OK, "produced"), (SKIPPED, "up to date"), (FAILED, "failed"))
    )
    head = ["Council", "Report", *RAG_STATUSES, *(["Audience"] if mixed else []), "Outcome"]
    matrix_head, matrix_rows = _matrix_view(entries)
    national = manifest.get("national") or None
    return (
        _pages()
        .get_template("batch_index.html.j2")
        .render(
            label=label,
            kind="framework reports" if report == "framework" else "performance reports",
            related=list(related),
            css=INDEX_CSS,
            audience_text=audiences[0] if len(audiences) == 1 else "mixed (see the table)",
            internal=INTERNAL in audiences,
            extract_date=_long_date_text(manifest.get("data", {}).get("as_at", "")),
            finished=_long_date_text(str(manifest.get("finished", ""))[:10]),
            data=manifest.get("data", {}),
            manifest=manifest,
            counted=counted,
            head=head,
            rows=rows,
            mixed=mixed,
            failures=failures,
            matrix_head=matrix_head,
            matrix_rows=matrix_rows,
            national=national,
            warnings=warnings,
        )
    )
