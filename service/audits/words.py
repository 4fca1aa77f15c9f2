"""Dates in words, the way a letter writes them: "3 March 2026"."""

from __future__ import annotations

from datetime import date


def day_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def range_words(first: date, last: date) -> str:
    """ "3 March to 31 March 2026"; the year is written once when both days share it."""
    if first == last:
        return day_words(first)
    if first.year == last.year:
        return f"{first.day} {first:%B} to {day_words(last)}"
    return f"{day_words(first)} to {day_words(last)}"


def list_words(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
