"""HTML and a print stylesheet made into A4 PDF on the server (WeasyPrint), for every printable document: the
innovation's one-page sheet, the deliberation record, the jury pack.

Nothing is fetched, neither from the network nor from the disk: a link in the content stays a link, an image
address never becomes a request. The document's metadata are what its HTML head says (title, author,
description, generator): WeasyPrint adds only its own name as the producer, and no date unless the head gives
one.
"""
from __future__ import annotations

import re

# WeasyPrint draws an inline <svg> with the styles inside it only, not with the document's stylesheets: the
# charts get theirs (`svg_stylesheet`) written into each of them.
_SVG_OPENING = re.compile(r"(<svg\b[^>]*>)")


def document(html: str, stylesheet: str, *, svg_stylesheet: str = ""):
    """`html` laid out with `stylesheet` by WeasyPrint (a weasyprint Document: its pages can be counted before
    writing it), fetching nothing; `svg_stylesheet` is given to every inline chart."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"a printed document fetches nothing: {url}")

    if svg_stylesheet:
        html = _SVG_OPENING.sub(lambda m: f"{m.group(1)}<style>{svg_stylesheet}</style>", html)
    fetcher = NoFetching()
    return HTML(string=html, url_fetcher=fetcher).render(stylesheets=[CSS(string=stylesheet, url_fetcher=fetcher)])


def pdf(html: str, stylesheet: str, *, svg_stylesheet: str = "") -> bytes:
    """`html` with `stylesheet` as PDF bytes (see `document`)."""
    return document(html, stylesheet, svg_stylesheet=svg_stylesheet).write_pdf()
