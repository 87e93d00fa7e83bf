"""The public catalogue of innovations: search and filters, a page per innovation, its history, its printable
sheet, and what makes it findable (sitemap, Open Graph, schema.org)."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, Response, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..core import territories
from ..enums import InnovationStatus, Theme, VersionStatus
from ..forms.catalogue import CatalogueFilterForm
from ..models import Innovation
from ..permissions import can_edit_innovation, can_view_innovation, can_view_innovation_versions
from ..services.innovations import catalogue
from ..services.innovations import pages as innovation_pages
from ..web import parse_int
from .helpers import resource_bar

bp = Blueprint("catalogue", __name__)

# What search engines need not walk: the signed-in areas (their pages answer with a sign-in page anyway).
PRIVATE_PATHS = ("/account/", "/admin/", "/manage/", "/reviewing/", "/jury/", "/submissions/", "/files/",
                 "/join/", "/replications/", "/api/")


# --- the list: search, filters, sorts ------------------------------------------------------------------------

PER_PAGE = 20


def _kept_args(form: CatalogueFilterForm) -> dict[str, str]:
    """The list's valid parameters, as they are in the address (a value with an error is dropped)."""
    kept = {"q": form.query()} if form.query() else {}
    for field in form.filter_fields():
        if field.data and not field.errors:
            kept[field.name] = field.data
    if form.chosen_sort():
        kept["sort"] = form.chosen_sort()
    return kept


def _active_filters(form: CatalogueFilterForm, kept: dict[str, str], call_titles: dict[int, str]) -> list[dict]:
    """What narrows the list now, each with the address of the list without it."""
    active = []
    if "q" in kept:
        # "Search: words" (never the field's label, which would put quotes within quotes in French).
        active.append({"label": _("Search"), "value": kept["q"],
                       "url": url_for("catalogue.index", **{k: v for k, v in kept.items() if k != "q"})})
    for field in form.filter_fields():
        if field.name in kept:
            active.append({"label": field.label.text, "value": form.words_of(field.name, call_titles),
                           "url": url_for("catalogue.index", **{k: v for k, v in kept.items() if k != field.name})})
    return active


def _departement_name(code: str) -> str:
    entry = territories.DEPARTEMENTS.get(code)
    return entry[0] if entry else ""


def _theme_label(value: str) -> str:
    try:
        return str(Theme(value).label)
    except ValueError:
        return value


def _without_empty_parameters() -> str | None:
    """The list's address without the parameters left empty (the search form sends every field, filled or not),
    the others kept in their order; None when there is none to drop. A search is shared by its address."""
    pairs = parse_qsl(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if value != ""]
    if len(kept) == len(pairs):
        return None
    return url_for("catalogue.index") + (f"?{urlencode(kept)}" if kept else "")


@bp.route("/innovations")
def index():
    clean = _without_empty_parameters()
    if clean is not None:
        return redirect(clean, 302)
    form = CatalogueFilterForm(request.args)
    valid = form.validate()
    # An unusable page number shows the first page; one beyond the last, the last (the service's bound).
    number = parse_int(request.args.get("page")) or 1
    result = catalogue.search(q=form.query(), filters=catalogue.Filters(**form.filter_values()),
                              sort=form.chosen_sort(), page=number, per_page=PER_PAGE)
    kept = _kept_args(form)
    form.show_counts(result.facets, result.call_titles, searched=result.searched)
    form.show_sort(result.sort, searched=result.searched)
    narrowed = {k: v for k, v in kept.items() if k != "sort"}
    return render_template(
        "catalogue/index.html", form=form, result=result, kept=kept, narrowed=bool(narrowed),
        filtered=sum(1 for k in kept if k not in ("q", "sort")),
        active=_active_filters(form, kept, result.call_titles),
        clear_url=url_for("catalogue.index", **{k: v for k, v in kept.items() if k in ("q", "sort")}),
        theme_label=_theme_label, departement_name=_departement_name, region_name=territories.REGIONS.get,
    ), 200 if valid else 400


# --- the page of an innovation, its history, its sheet -------------------------------------------------------

def _record_or_404(slug: str) -> Innovation:
    """The record, for those who may read it: public records for everyone; the others for their team,
    checkers and parrains only, and for the rest a withdrawn record is Gone (410, with the reason) and any other
    unpublished one does not exist (404)."""
    innovation = innovation_pages.by_slug(slug)
    if innovation is None:
        abort(404)
    if not can_view_innovation(current_user, innovation):
        if innovation.status == InnovationStatus.WITHDRAWN:
            abort(make_response(render_template("catalogue/gone.html", innovation=innovation), 410))
        abort(404)
    return innovation


def _shown(innovation: Innovation) -> innovation_pages.InnovationPage:
    """The page's content: the team reads its latest version, everyone else the published one."""
    version = innovation_pages.version_shown(innovation, latest=can_edit_innovation(current_user, innovation))
    if version is None:
        abort(404)
    return innovation_pages.read(innovation, version)


def script_json(data: dict) -> Markup:
    """JSON to put inside a <script> element: `<`, `>` and `&` escaped, so that no text of the content can
    close the element (`</script>`) or open a comment; U+2028 and U+2029 too, for older JavaScript parsers."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)


def _page_url(innovation: Innovation) -> str:
    return url_for("catalogue.page", slug=innovation.slug, _external=True)


@bp.route("/innovations/<slug>")
def page(slug: str):
    innovation = _record_or_404(slug)
    shown = _shown(innovation)
    canonical = _page_url(innovation)
    described = innovation_pages.json_ld(
        shown, url=canonical, based_on_url=_page_url(shown.based_on) if shown.based_on else None,
        derived_urls=tuple(_page_url(other) for other in shown.derived))
    return render_template("catalogue/page.html", page=shown, innovation=innovation, canonical=canonical,
                           json_ld=script_json(described), economic_bar=resource_bar(shown.economic))


@bp.route("/innovations/<slug>/history")
def history(slug: str):
    innovation = _record_or_404(slug)
    every_version = can_view_innovation_versions(current_user, innovation)
    return render_template("catalogue/history.html", innovation=innovation, title=innovation_pages.title_of(innovation),
                           entries=innovation_pages.history(innovation, public=not every_version),
                           every_version=every_version)


@bp.route("/innovations/<slug>/versions/<int:number>")
def version(slug: str, number: int):
    innovation = _record_or_404(slug)
    found = innovation_pages.version_numbered(innovation, number)
    if found is None or (found.status != VersionStatus.APPROVED
                         and not can_view_innovation_versions(current_user, innovation)):
        abort(404)
    return render_template("catalogue/version.html", innovation=innovation,
                           page=innovation_pages.read(innovation, found))


@bp.route("/innovations/<slug>/sheet.pdf")
def sheet(slug: str):
    innovation = _record_or_404(slug)
    shown = _shown(innovation)
    url = _page_url(innovation)

    def html_of(limit: int | None) -> str:
        return render_template("catalogue/sheet.html", page=shown, innovation=innovation, url=url, limit=limit,
                               contacts_shown=innovation_pages.SHEET_CONTACTS)

    stylesheet = (Path(current_app.static_folder) / "css" / "innovation-sheet.css").read_text(encoding="utf-8")
    pdf = innovation_pages.one_page_sheet(shown, html_of=html_of, stylesheet=stylesheet)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{innovation.slug}.pdf"'
    return response


# --- findable: the sitemap and robots.txt --------------------------------------------------------------------

def _w3c(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat() if moment is not None else None


@bp.route("/sitemap.xml")
def sitemap():
    """The public pages a search engine should know: home, catalogue, every public record, parrains, open
    data, the calls and the laureates."""
    pages = [(url_for(endpoint, _external=True), None) for endpoint in (
        "public.index", "catalogue.index", "parrains.directory", "opendata.index", "applicant.calls",
        "results.laureates")]
    pages += [(url_for("catalogue.page", slug=record.slug, _external=True), _w3c(record.lastmod))
              for record in innovation_pages.sitemap_records()]
    pages += [(url_for("applicant.call", slug=slug, _external=True), None)
              for slug in innovation_pages.public_call_slugs()]
    body = render_template("catalogue/sitemap.xml", pages=pages)
    return Response(body, mimetype="application/xml")


@bp.route("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS), "",
             f"Sitemap: {url_for('catalogue.sitemap', _external=True)}", ""]
    return Response("\n".join(lines), mimetype="text/plain")
