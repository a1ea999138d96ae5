"""jswlib: Justice Social Work performance indicators and reports for Scottish councils.

The package is cut into layers, one folder each, lowest first. A module imports only from its own
layer or a lower one (``tests/test_architecture.py`` checks it, and that nothing forms a cycle):

- ``core``: what every layer stands on.
  ``errors`` (the library's exceptions), ``io`` (every file read and write: the only module that
  touches disk).
- ``definitions``: the definitions in ``params/`` and the rules of time.
  ``councils`` (names, codes, aliases, family groups), ``periods`` (financial years, quarters,
  halves, months), ``calendar`` (Scottish working days), ``params`` (loading params files, the
  commentary location), ``schema`` (the data contract and the row rules), ``rag_schemes`` (RAG
  schemes and their check), ``catalogue`` (the indicator catalogue and targets),
  ``report_settings`` (``params/report.yaml``), ``frameworks`` (a council's performance
  framework: ``params/frameworks/<name>.yaml``).
- ``data``: case-level data in.
  ``validation`` (raw tables checked against the contract, row by row, with reasons), ``extract``
  (a data folder read, validated and accounted for; the extract-date rule), ``demo`` (the
  synthetic national demo data).
- ``compute``: figures out.
  ``indicators`` (the engine: every indicator for every council, period, family group and
  Scotland), ``results`` (results cached by a fingerprint of their inputs), ``pipeline`` (an
  extract validated and computed, in one process or table by table in several).
- ``judge``: what the figures mean.
  ``status`` (rounding, percentages, intervals, low numbers, RAG, direction of travel),
  ``disclosure`` (audiences; primary and secondary suppression of small numbers),
  ``reconcile`` (published figures recomputed from their counts), ``spc`` (statistical process
  control: XmR and p-charts, their rules, variation and assurance in words; funnel limits),
  ``manual`` (figures a council supplies as aggregates, checked).
- ``present``: what a reader sees.
  ``style`` (colours, chart styles, column titles, page styles), ``svg`` (charts drawn straight to
  SVG, with matplotlib's drawing calls), ``charts`` (trend, SPC and funnel charts with text
  alternatives, as matplotlib figures or SVG), ``tables`` (the reports' tables: a pandas Styler
  that writes a plain table's HTML itself), ``report`` (the quarterly report, section by section),
  ``national`` (the national overview: Scotland, family groups and funnel plots), ``framework`` (a
  council's framework report: every PI under its headings), ``pages`` (HTML export of a report
  and the index page of a batch; templates in ``present/templates``), ``exports`` (the KPI
  workbook and CSV in committee formats), ``figures`` (every figure a report shows, disclosure
  control applied once for a whole batch).
- ``run``: many reports at once.
  ``batch`` (every council's report for a quarter, in parallel, with a manifest),
  ``worker`` (one council's report: notebook, HTML, KPI table, in a worker process), ``warm``
  (the warm engine: a kernel per worker, kept alive and reset between councils),
  ``kernel_streams`` (a warm kernel's standard output and error),
  ``notebook_parameters`` (notebook parameters checked against the ``parameters`` cell),
  ``startup`` (what ``jsw`` and its workers skip at start-up), ``docs`` (generated reference
  documentation).
- ``cli``: the ``jsw`` command, a thin shell over the library, one module per subcommand:
  ``validate``, ``demo_data``, ``indicators``, ``compute``, ``reconcile``, ``batch``,
  ``councils``, ``schema`` (and ``_shared``: exit codes and plain-text tables).

The conventions the code rests on (working days, timescales, RAG, direction, SPC, disclosure,
rounding) are stated, with their sources, in ``docs/method.md``.
"""

__version__ = "0.1.0"
