"""Organisers' Markdown is rendered, and sanitised."""
import re

import pytest

from prizeapp.markup import render_markdown


def test_markdown_is_rendered():
    html = render_markdown("# Règlement\n\n**Montant** : 50 000 €\n\n- un\n- deux")
    assert "<h2>Règlement</h2>" in html
    assert "<strong>Montant</strong>" in html
    assert "<li>un</li>" in html


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    "[clic](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    '<a href="https://x" onclick="alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
])
def test_scripts_never_get_through(attack):
    html = str(render_markdown(attack))
    # Raw HTML is shown as text, never as tags; links keep only safe schemes.
    assert not re.search(r"<(script|img|iframe)", html)
    assert not re.search(r"<a[^>]*(onclick|href=\"javascript)", html)


def test_links_are_kept_with_a_safe_rel():
    html = render_markdown("[Le règlement](https://example.gouv.fr/reglement.pdf)")
    assert 'href="https://example.gouv.fr/reglement.pdf"' in html
    assert "noopener" in html
