"""Readability of a letter: the text a reader sees, and its Flesch-Kincaid grade.

Written here on purpose (no readability package): the rules are few and the test should
show exactly how the score is reached.

- Each block (heading, paragraph, list item) ends at least one sentence, so a heading
  without a full stop is a sentence of its own, as a reader takes it.
- A word is a run of characters between spaces with at least one letter or digit.
- A number or amount ("£4,696.00", "2025") counts as a word of two syllables: short for
  how it is read aloud, long against our own short words, a fair middle.
- Syllables in a word are its vowel groups, less a silent final "e", at least one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {"p", "li", "h1", "h2", "h3", "title", "td", "th", "dt", "dd", "div", "header"}
HIDDEN = {"head", "style", "script", "title"}
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
VOWEL_GROUPS = re.compile(r"[aeiouy]+")
NUMBER_SYLLABLES = 2
# "care", "looked", "takes" lose a syllable; "table", "wages", "wanted" keep it.
SILENT_ENDINGS = ("e", "es", "ed")
SOUNDED_ENDINGS = ("le", "ee", "ye", "ted", "ded", "ses", "ces", "ges", "xes", "zes", "ches", "shes")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in HIDDEN:
            self._hidden += 1
        if tag in BLOCKS or tag == "br":
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self._hidden -= 1
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def close(self) -> None:
        super().close()
        self._flush()


def visible_blocks(html: str) -> list[str]:
    """The text a reader sees, one string per block, tags and styles removed."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.blocks


def sentences(block: str) -> list[str]:
    parts = [part.strip() for part in SENTENCE_END.split(block)]
    return [part for part in parts if words(part)]


def words(text: str) -> list[str]:
    return [token for token in text.split() if any(ch.isalnum() for ch in token)]


def syllables(word: str) -> int:
    letters = "".join(ch for ch in word.lower() if ch.isalpha())
    if not letters:
        return NUMBER_SYLLABLES
    if len(letters) <= 3:
        return 1
    groups = len(VOWEL_GROUPS.findall(letters))
    if letters.endswith(SILENT_ENDINGS) and not letters.endswith(SOUNDED_ENDINGS):
        groups -= 1
    return max(1, groups)


def flesch_kincaid_grade(blocks: list[str]) -> float:
    """0.39 x words per sentence + 11.8 x syllables per word - 15.59."""
    all_sentences = [sentence for block in blocks for sentence in sentences(block)]
    all_words = [word for sentence in all_sentences for word in words(sentence)]
    syllable_count = sum(syllables(word) for word in all_words)
    return 0.39 * len(all_words) / len(all_sentences) + 11.8 * syllable_count / len(all_words) - 15.59
