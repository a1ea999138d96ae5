"""End to end: the validator finds exactly the deliberately bad rows the demo generator wrote, and
no others.

The generator records each bad row it injects (table, spreadsheet row, rule) in manifest.json,
independently of the validator; the two lists must agree one to one, and every row must be
accounted for.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from jswlib.cli import EXIT_OK, main
from jswlib.data.demo import generate_demo, write_demo
from jswlib.data.extract import load_extract
from jswlib.data.validation import RULES
from jswlib.definitions.schema import TABLES


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory, councils):
    folder = tmp_path_factory.mktemp("demo")
    tables, manifest = generate_demo(
        councils.to_frame(), seed=7, scale=0.1, first_fy=2023, last_fy=2025
    )
    write_demo(tables, manifest, folder)
    return folder


@pytest.fixture(scope="module")
def manifest(demo_dir):
    return json.loads((demo_dir / "manifest.json").read_text())


@pytest.fixture(scope="module")
def extract(demo_dir, councils, manifest):
    return load_extract(
        demo_dir, councils, extract_date=date.fromisoformat(manifest["extract_date"])
    )


class TestDemoValidates:
    def test_every_table_is_read_and_every_row_accounted_for(self, extract):
        s = extract.summary
        assert set(s["table"]) == set(TABLES) and (s["status"] == "ok").all()
        assert extract.rows_balance
        assert s["rows_read"].sum() == s["rows_accepted"].sum() + s["rows_rejected"].sum()

    def test_rejected_rows_are_exactly_the_injected_ones(self, extract, manifest):
        injected = {
            (b["table"], int(b["row"]), b["kind"], b["column"]) for b in manifest["bad_rows"]
        }
        r = extract.rejects
        found = set(zip(r["table"], r["row"].astype(int), r["rule"], r["column"]))
        assert found == injected
        assert len(r) == len(manifest["bad_rows"])  # one problem per injected row, none twice

    def test_every_kind_of_bad_row_is_present(self, extract):
        # The demo exercises every row rule except future dates (checked only against an
        # --extract-date).
        assert set(extract.rejects["rule"]) == set(RULES) - {"future_date"}

    def test_row_counts_match_the_manifest(self, extract, manifest):
        read = extract.summary.set_index("table")["rows_read"].to_dict()
        assert read == manifest["row_counts"]

    def test_valid_variants_of_council_and_date_are_accepted(self, demo_dir, extract, councils):
        raw = pd.read_csv(demo_dir / "cpos.csv", dtype=str, keep_default_na=False)
        raw["row"] = range(2, len(raw) + 2)
        accepted = extract.tables["cpos"].set_index("source_row")
        codes = {c.code for c in councils}
        kept = raw[raw["row"].isin(accepted.index)].set_index("row")
        # Other legitimate spellings of the council are accepted and stored as the current GSS
        # code.
        spelled = kept[~kept["council"].isin(codes)]
        assert len(spelled) > 0
        assert set(accepted["council"]) <= codes
        expected = [councils.get(name).code for name in spelled["council"]]
        assert accepted.loc[spelled.index, "council"].tolist() == expected
        # Day-first dates are accepted and read day first.
        dmy = kept[kept["imposed_date"].str.match(r"^\d{2}/\d{2}/\d{4}$")]
        assert len(dmy) > 0
        assert (
            accepted.loc[dmy.index, "imposed_date"]
            == pd.to_datetime(dmy["imposed_date"], format="%d/%m/%Y")
        ).all()


class TestValidateCommandOnDemo:
    def test_rejects_file_holds_no_person_identifier(self, demo_dir, tmp_path, extract):
        out = tmp_path / "v"
        assert main(["validate", str(demo_dir), "--out", str(out)]) == EXIT_OK
        rejects = pd.read_csv(out / "rejects.csv", dtype=str, keep_default_na=False)
        assert len(rejects) == len(extract.rejects)
        people = set()
        for name in TABLES:
            people |= set(
                pd.read_csv(demo_dir / f"{name}.csv", dtype=str, usecols=["person_id"])[
                    "person_id"
                ]
            )
        people.discard("")
        written = set(rejects.drop(columns=["reason"]).to_numpy().ravel()) | set(
            rejects["reason"].str.split().explode()
        )
        assert not (people & written)
