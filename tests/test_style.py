"""Tests for jswlib.present.style: the RAG cell colours (every status has a fill and a text colour,
readable on each other at WCAG 2.2 AA) and the cell CSS built from them."""

from __future__ import annotations

import pytest

from jswlib.judge.status import RAG_STATUSES
from jswlib.present.style import RAG_COLOURS, RAG_TEXT_COLOURS, rag_css


class TestRagColours:
    @staticmethod
    def contrast(a: str, b: str) -> float:
        """WCAG 2.2 contrast ratio of two hex colours."""

        def luminance(colour: str) -> float:
            channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
            linear = [
                c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
            ]
            return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

        high, low = sorted([luminance(a), luminance(b)], reverse=True)
        return (high + 0.05) / (low + 0.05)

    def test_every_status_has_a_word_a_fill_and_a_text_colour(self):
        assert set(RAG_COLOURS) == set(RAG_STATUSES) == set(RAG_TEXT_COLOURS)
        assert RAG_STATUSES == ("Green", "Amber", "Red", "Provisional", "No target", "No data")
        assert [RAG_COLOURS[s] for s in ("Green", "Amber", "Red")] == [
            "#00703C",
            "#FFBF47",
            "#D4351C",
        ]

    def test_words_readable_on_their_fill(self):
        for status in RAG_STATUSES:
            assert self.contrast(RAG_COLOURS[status], RAG_TEXT_COLOURS[status]) >= 4.5, status

    def test_immutable(self):
        with pytest.raises(TypeError):
            RAG_COLOURS["Green"] = "#00FF00"  # type: ignore[index]


class TestRagCss:
    def test_fill_text_and_weight(self):
        assert rag_css("Green") == ("background-color: #00703C; color: #FFFFFF; font-weight: bold")

    def test_provisional_is_white_with_dark_text(self):
        # A provisional figure is not judged: no colour, the word in the usual dark text.
        assert rag_css("Provisional") == (
            "background-color: #FFFFFF; color: #0B0C0C; font-weight: bold"
        )

    def test_not_a_status(self):
        assert rag_css("n/a") == "" and rag_css(None) == ""
