"""Tests for jswlib/definitions/councils.py and params/councils.yaml, against the published
list."""

from __future__ import annotations

import pandas as pd
import pytest

from jswlib.definitions.councils import normalise_council_name

# Family groups for people services as published by the LGBF (docs/method.md, Councils, codes and
# family groups), typed out by hand.
FAMILY_GROUPS = {
    "FG1": {
        "East Renfrewshire",
        "East Dunbartonshire",
        "Aberdeenshire",
        "City of Edinburgh",
        "Perth and Kinross",
        "Aberdeen City",
        "Shetland Islands",
        "Orkney Islands",
    },
    "FG2": {
        "Moray",
        "Stirling",
        "East Lothian",
        "Angus",
        "Scottish Borders",
        "Highland",
        "Argyll and Bute",
        "Midlothian",
    },
    "FG3": {
        "Falkirk",
        "Dumfries and Galloway",
        "Fife",
        "South Ayrshire",
        "West Lothian",
        "South Lanarkshire",
        "Renfrewshire",
        "Clackmannanshire",
    },
    "FG4": {
        "Na h-Eileanan Siar",
        "Dundee City",
        "East Ayrshire",
        "North Ayrshire",
        "North Lanarkshire",
        "Inverclyde",
        "West Dunbartonshire",
        "Glasgow City",
    },
}


class TestCouncilList:
    def test_there_are_32_councils_with_distinct_codes_and_slugs(self, councils):
        assert len(councils) == 32
        assert len({c.code for c in councils}) == 32
        assert len({c.slug for c in councils}) == 32

    def test_four_family_groups_of_eight_each_council_in_exactly_one(self, councils):
        by_group = {}
        for c in councils:
            by_group.setdefault(c.family_group, set()).add(c.name)
        assert by_group == FAMILY_GROUPS
        assert all(len(names) == 8 for names in by_group.values())

    @pytest.mark.parametrize(
        "name, code",
        [
            ("Glasgow City", "S12000049"),
            ("Fife", "S12000047"),
            ("Clackmannanshire", "S12000005"),
            ("Na h-Eileanan Siar", "S12000013"),
            ("West Lothian", "S12000040"),
            ("Dundee City", "S12000042"),
        ],
    )
    def test_gss_codes_match_domain_notes(self, councils, name, code):
        assert councils.get(name).code == code

    def test_in_family_group(self, councils):
        assert {c.name for c in councils.in_family_group("FG4")} == FAMILY_GROUPS["FG4"]
        with pytest.raises(KeyError, match="FG5"):
            councils.in_family_group("FG5")


class TestNormaliseCouncilName:
    def test_ampersand_case_and_spacing(self):
        assert normalise_council_name("Dumfries & Galloway") == normalise_council_name(
            "dumfries  and galloway"
        )

    def test_punctuation(self):
        assert normalise_council_name("Edinburgh, City of") == "edinburgh city of"


class TestResolve:
    @pytest.mark.parametrize(
        "written, code",
        [
            ("S12000015", "S12000047"),  # Fife, retired code
            ("S12000024", "S12000048"),  # Perth and Kinross, retired code
            ("S12000046", "S12000049"),  # Glasgow City, retired code
            ("S12000044", "S12000050"),  # North Lanarkshire, retired code
            ("Edinburgh, City of", "S12000036"),
            ("Eilean Siar", "S12000013"),
            ("Perth & Kinross", "S12000048"),
            ("ARGYLL & BUTE", "S12000035"),
            ("glasgow city", "S12000049"),
            ("  Orkney Islands ", "S12000023"),
            ("s12000029", "S12000029"),
        ],
    )
    def test_aliases_old_codes_and_spellings(self, councils, written, code):
        assert councils.resolve(pd.Series([written])).iloc[0] == code

    def test_unknown_and_missing_give_missing_and_keep_index(self, councils):
        out = councils.resolve(pd.Series(["Gotham City", None, "Fife"], index=[10, 11, 12]))
        assert out.index.tolist() == [10, 11, 12]
        assert out.isna().tolist() == [True, True, False]

    def test_get_unknown_names_the_value(self, councils):
        with pytest.raises(KeyError, match="Gotham"):
            councils.get("Gotham")
