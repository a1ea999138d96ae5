"""nbval runs every notebook here as committed (``--nbval-lax`` in pyproject.toml), except the
national overview: drawn for every indicator it takes about a minute, so
``tests/test_national.py::TestNotebook`` runs it with papermill for two indicators instead and checks
what it shows."""

collect_ignore = ["national_overview.ipynb"]
