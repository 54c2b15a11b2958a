"""Read the portal's HTML in tests: its elements with their attributes, text and parents."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass(eq=False)
class Element:
    """One HTML element: its tag, attributes, text and the elements it sits in."""

    tag: str
    attrs: dict[str, str]
    parents: tuple[Element, ...]
    text: str = field(default="")


class Elements(HTMLParser):
    """Parse a page into its elements, in document order."""

    VOID = frozenset({"input", "meta", "link", "br", "img", "hr"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[Element] = []
        self.open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, tuple(self.open))
        self.found.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        tags = [element.tag for element in self.open]
        if tag in tags:
            del self.open[len(tags) - 1 - tags[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def find(page: str | list[Element], tag: str, **attrs: str) -> list[Element]:
    """Return the page's ``tag`` elements whose attributes hold ``attrs`` (``data_testid`` = ``data-testid``)."""
    wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
    found = Elements(page).found if isinstance(page, str) else page
    return [e for e in found if e.tag == tag and all(e.attrs.get(name) == value for name, value in wanted.items())]


def texts(page: str, tag: str, **attrs: str) -> list[str]:
    """Return the trimmed text of the page's ``tag`` elements whose attributes hold ``attrs``."""
    wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
    found = Elements(page).found
    return [e.text.strip() for e in found if e.tag == tag and all(e.attrs.get(k) == v for k, v in wanted.items())]
