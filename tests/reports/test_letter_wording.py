"""The letter's closing words follow what it really asks, not the tier's name."""

from __future__ import annotations

import dataclasses

from reports_fixtures import light_report, standard_report
from reports_readability import visible_blocks

from reports.letter import render_letter_html
from reports.model import LetterItem


def test_closing_words_follow_what_the_letter_asks() -> None:


    asks_only = dataclasses.replace(
        standard_report(), tier="full", questions=(),
        items=(LetterItem("On 1 May, £40.00 went to SKYBET.", "What was it for?"),))
    text = " ".join(visible_blocks(render_letter_html(asks_only)))
    assert "these papers" not in text and "What was it for?" in text
    nothing = dataclasses.replace(light_report(), tier="standard")
    text = " ".join(visible_blocks(render_letter_html(nothing)))
    assert "You do not need to do anything." in text
