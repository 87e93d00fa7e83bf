"""Copies of uploaded documents without the metadata that names their authors, for blind review.

What is removed, by kind:
- PDF: the document information dictionary (/Author, /Creator…), every XMP packet (/Metadata, on the
  catalog as on pages and images), applications' private data (/PieceInfo) and the authors of comments.
- DOCX: the package's core, extended and custom properties (creator, lastModifiedBy, company, manager,
  template, custom fields such as a labeller's address) are replaced by empty ones; the authors and initials
  of comments and tracked changes, and the persons of people.xml (name, account, address), become a neutral
  reviewer; the settings keep only the file names of the template and mail-merge sources they point to,
  not their folders (a user's folder names them).
- ODT: meta.xml (initial-creator, creator, user-defined fields…), of the document and of embedded objects;
  the creators and initials of annotations and tracked changes (content.xml, styles.xml) become a neutral
  reviewer; settings.xml loses the printer and the data source it names.
- JPEG: EXIF, XMP, IPTC/Photoshop blocks, comments, other applications' segments and anything after the
  image; PNG: text chunks (tEXt, zTXt, iTXt), eXIf, tIME and private chunks. The orientation an EXIF block
  gave is kept, in a new block holding nothing else.

The body of a document is left as it is (its text may still name its authors: applicants are told so), and
so are the text and dates of comments and tracked changes. Every other member of an office document keeps
its exact bytes once inflated; the XML parts that name people are rewritten attribute by attribute, or
element by element, in bounded chunks while a parser checks them, never re-serialised; images are edited
chunk by chunk, never decoded, so a picture of a billion pixels costs no more than its file. Archives are
opened through `uploads.open_archive` and members read with bounds, like at upload. Anything malformed
raises ScrubError: the caller must then serve nothing rather than the original.
"""
from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree
from xml.parsers import expat

import pikepdf
import pikepdf.settings
from PIL import Image

from .uploads import DOCX, JPEG, ODT, PDF, PNG, ArchiveLimits, FileKind, open_archive, read_member

VERSION = 2  # bump when what is removed changes: copies made by an older version are made again
COPY_CHUNK = 64 * 1024
MAX_RELATIONSHIPS_BYTES = 1024 * 1024  # _rels/.rels lists a handful of parts
MAX_META_READ = 64 * 1024  # enough to find the ODF version of meta.xml
# qpdf inflates object and cross-reference streams to parse a PDF (page content streams are copied as
# they are): a stream that would inflate beyond this is refused rather than held in memory.
PDF_MAX_INFLATED_STREAM = 256 * 1024 * 1024
ORIENTATION = 0x0112
# Who comments and tracked changes are said to be by, in the copies.
NEUTRAL_AUTHOR = "Relecteur"
# A name or an initial spans a few bytes: what is held back waiting for its end stays small.
MAX_HELD_XML = 1024 * 1024


class ScrubError(ValueError):
    """The document could not be cleaned (malformed, refused archive, unreadable PDF)."""


def scrub(data: bytes, kind: FileKind, *, limits: ArchiveLimits | None = None) -> bytes:
    """A copy of the document `data` of `kind` without the metadata that names its authors."""
    cleaners = {PDF: _scrub_pdf, PNG: _scrub_png, JPEG: _scrub_jpeg,
                DOCX: lambda d: _scrub_ooxml(d, limits or ArchiveLimits()),
                ODT: lambda d: _scrub_odf(d, limits or ArchiveLimits())}
    if kind not in cleaners:
        raise ScrubError(f"no cleaner for {kind.name}")
    try:
        return cleaners[kind](data)
    except ScrubError:
        raise
    except Exception as error:  # noqa: BLE001 - whatever the parsers raise, the answer is "not cleaned"
        raise ScrubError(f"{kind.name}: {type(error).__name__}: {error}") from error


# --- PDF ----------------------------------------------------------------------------------------------

# Annotations whose /T is the name of the person who wrote them (a form field's /T is its name: kept).
_MARKUP_ANNOTATIONS = {"/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine",
                       "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink",
                       "/FileAttachment", "/Sound", "/Redact", "/Popup"}
_qpdf_bounded = False


def _bound_qpdf() -> None:
    # Process-wide in qpdf; prizeapp uses pikepdf for nothing else.
    global _qpdf_bounded
    if not _qpdf_bounded:
        pikepdf.settings.set_qpdf_limits(flate_max_memory=PDF_MAX_INFLATED_STREAM,
                                         png_max_memory=PDF_MAX_INFLATED_STREAM,
                                         run_length_max_memory=PDF_MAX_INFLATED_STREAM,
                                         tiff_max_memory=PDF_MAX_INFLATED_STREAM)
        _qpdf_bounded = True


def _drop_annotation_author(dictionary: pikepdf.Dictionary) -> None:
    subtype = dictionary.get("/Subtype")
    if isinstance(subtype, pikepdf.Name) and str(subtype) in _MARKUP_ANNOTATIONS and "/T" in dictionary:
        del dictionary["/T"]


def _scrub_pdf(data: bytes) -> bytes:
    _bound_qpdf()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        del pdf.docinfo
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                dictionary = obj.stream_dict
            elif isinstance(obj, pikepdf.Dictionary):
                dictionary = obj
            else:
                continue
            for key in ("/Metadata", "/PieceInfo"):
                if key in dictionary:
                    del dictionary[key]
            _drop_annotation_author(dictionary)
        for page in pdf.pages:  # annotations written inside a page's array rather than as objects of their own
            annotations = page.obj.get("/Annots")
            if isinstance(annotations, pikepdf.Array):
                for annotation in annotations:
                    if isinstance(annotation, pikepdf.Dictionary) and not annotation.is_indirect:
                        _drop_annotation_author(annotation)
        out = io.BytesIO()
        # Streams are written as they are, never inflated (a page could inflate to gigabytes); qpdf writes
        # only what the document still refers to, so the removed dictionaries and earlier revisions go.
        pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False,
                 fix_metadata_version=False, deterministic_id=True)
    return out.getvalue()


# --- office documents ---------------------------------------------------------------------------------

_OPC = "http://schemas.openxmlformats.org/package/2006/relationships"
_EMPTY_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
               b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
               b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/'
               b'dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/'
               b'XMLSchema-instance"/>')
_EMPTY_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
              b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
              b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>')
_EMPTY_CUSTOM = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                 b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                 b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>')
# XML as bytes: an attribute's value holds no "<" (the parser checks that), a tag ends at its ">".
_VALUE = rb'(?:"[^"<]*"|\'[^\'<]*\')'
_ATTRIBUTES = rb'(?:\s+[^\s=/>]+\s*=\s*' + _VALUE + rb')*'
_PREFIX = rb'[A-Za-z_][\w.\-]*'
_START_TAG = re.compile(rb'<[A-Za-z_][^\s/>]*' + _ATTRIBUTES + rb'\s*/?>')
# Relationship types end the same way in transitional and strict OOXML.
_PROPERTY_PARTS = {"/metadata/core-properties": _EMPTY_CORE, "/extended-properties": _EMPTY_APP,
                   "/custom-properties": _EMPTY_CUSTOM}
_USUAL_PROPERTY_PARTS = {"docprops/core.xml": _EMPTY_CORE, "docprops/app.xml": _EMPTY_APP,
                         "docprops/custom.xml": _EMPTY_CUSTOM}


def _part_key(name: str) -> str:
    # Part names are case-insensitive in OPC, and written with or without the leading slash.
    return posixpath.normpath("/" + name).lstrip("/").lower()


def _scrub_ooxml(data: bytes, limits: ArchiveLimits) -> bytes:
    with open_archive(io.BytesIO(data), limits) as archive:
        replacements = dict(_USUAL_PROPERTY_PARTS)
        relationships = next((i for i in archive.infolist() if _part_key(i.filename) == "_rels/.rels"), None)
        if relationships is not None:
            xml = read_member(archive, relationships, MAX_RELATIONSHIPS_BYTES)
            if b"<!DOCTYPE" in xml.upper():
                raise ScrubError("docx: a DTD in the relationships")
            for rel in ElementTree.fromstring(xml).iter(f"{{{_OPC}}}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                empty = next((e for suffix, e in _PROPERTY_PARTS.items()
                              if (rel.get("Type") or "").endswith(suffix)), None)
                if empty is not None and rel.get("Target"):
                    replacements[_part_key(rel.get("Target"))] = empty

        def replacement(info: zipfile.ZipInfo) -> bytes | None:
            key = _part_key(info.filename)
            if key in replacements:
                return replacements[key]
            if key.startswith("word/") and key.endswith("_rels/settings.xml.rels"):
                return _settings_relationships(read_member(archive, info, MAX_RELATIONSHIPS_BYTES))
            return None

        # Comments, tracked changes and people.xml live in the word/ folder, as do headers and footers.
        return _rewrite(archive, replacement, lambda info: _OOXML_CLEANER
                        if re.fullmatch(r"word/.*\.xml", _part_key(info.filename)) else None)


_RELATIONSHIP = re.compile(rb"<Relationship" + _ATTRIBUTES + rb"\s*/?>")
_EXTERNAL = re.compile(rb"""\sTargetMode\s*=\s*(["'])External\1""")
_TARGET = re.compile(rb"""(\sTarget\s*=\s*)(?:"([^"<]*)"|'([^'<]*)')""")
_FOLDER_SEPARATOR = re.compile(rb"[/\\]|%2f|%5c|&#47;|&#92;|&#x2f;|&#x5c;", re.IGNORECASE)


def _settings_relationships(xml: bytes) -> bytes:
    """The relationships of Word's settings, whose external targets (the attached template, mail-merge
    sources) keep their file name but lose their folders, such as C:\\Users\\<someone>\\AppData\\…"""
    if b"<!DOCTYPE" in xml.upper():
        raise ScrubError("docx: a DTD in the relationships")

    def file_name(target: re.Match) -> bytes:
        quote, value = (b'"', target[2]) if target[2] is not None else (b"'", target[3])
        return target[1] + quote + _FOLDER_SEPARATOR.split(value)[-1] + quote

    def relationship(match: re.Match) -> bytes:
        return _TARGET.sub(file_name, match[0]) if _EXTERNAL.search(match[0]) else match[0]

    cleaned = _RELATIONSHIP.sub(relationship, xml)
    for rel in ElementTree.fromstring(cleaned).iter(f"{{{_OPC}}}Relationship"):
        if rel.get("TargetMode") == "External" and re.search(r"[/\\]", rel.get("Target") or ""):
            raise ScrubError("docx: a folder left in the settings' relationships")
    return cleaned


def _scrub_odf(data: bytes, limits: ArchiveLimits) -> bytes:
    def replacement(info: zipfile.ZipInfo) -> bytes | None:
        if posixpath.basename(info.filename) != "meta.xml":  # the document's, and embedded objects'
            return None
        head = read_member(archive, info, MAX_META_READ) if info.file_size <= MAX_META_READ else b""
        match = re.search(rb'office:version="([0-9.]{1,8})"', head)
        version = match.group(1) if match else b"1.2"
        return (b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta '
                b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="'
                + version + b'"><office:meta/></office:document-meta>')

    with open_archive(io.BytesIO(data), limits) as archive:
        # Annotations and tracked changes are in the body (content.xml) and in headers and footers
        # (styles.xml), of the document and of embedded objects.
        return _rewrite(archive, replacement, lambda info: _ODF_CLEANER if posixpath.basename(info.filename)
                        in ("content.xml", "styles.xml", "settings.xml") else None)


def _rewrite(archive: zipfile.ZipFile, replacement, cleaner=lambda info: None) -> bytes:
    """The archive again, member by member in the same order and with the same compression, each one's
    inflated bytes unchanged unless `replacement(info)` gives new ones or `cleaner(info)` an _XmlCleaner
    to pass them through. Copied in chunks: the declared sizes were checked, and zipfile never inflates
    past them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in archive.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            copy.create_system = info.create_system
            new = replacement(info)
            if new is not None:
                target.writestr(copy, new)
            elif info.is_dir():
                target.writestr(copy, b"")
            elif (xml_cleaner := cleaner(info)) is not None:
                # A neutral name may be longer than the one it replaces: ZIP64 if it could ever matter.
                with archive.open(info) as source, target.open(
                        copy, "w", force_zip64=2 * info.file_size > zipfile.ZIP64_LIMIT) as sink:
                    _clean_xml(source, sink, xml_cleaner, info.filename)
            else:
                copy.file_size = info.file_size  # lets zipfile choose ZIP64 or not up front
                with archive.open(info) as source, target.open(copy, "w") as sink:
                    while chunk := source.read(COPY_CHUNK):
                        sink.write(chunk)
    return out.getvalue()


# --- XML parts that name people ---------------------------------------------------------------------
#
# Such parts (a document.xml may weigh tens of megabytes) are rewritten as bytes, in segments that end just
# before a "<": in well-formed XML no attribute value holds a "<", so every start tag of a segment is whole.
# Expat reads the same bytes alongside and counts what names people as the parser sees it (whatever the
# quoting, the entities or the encoding); the rewriting must have replaced exactly as many, or the part is
# refused rather than served with a name left in it. Names are compared by their local part, as the
# rewriting does: what matters is that nothing naming someone is left, not which namespace it is in.

@dataclass(frozen=True)
class _XmlCleaner:
    substitute: Callable[[bytes], tuple[bytes, int]]  # a segment → (its new bytes, how many replaced)
    seen: Callable[[str, dict], int]  # how many naming things an element (its name, its attributes) holds
    # Where, in a segment, a naming element that may not have ended yet begins (len(segment): nowhere).
    held_from: Callable[[bytes], int] = len


def _refuse_dtd(*_arguments) -> None:
    raise ScrubError("a DTD in an XML part")


def _clean_xml(source: IO[bytes], sink: IO[bytes], cleaner: _XmlCleaner, name: str) -> None:
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    seen = replaced = 0

    def start(element: str, attributes: dict) -> None:
        nonlocal seen
        seen += cleaner.seen(element, attributes)

    def write(segment: bytes) -> None:
        nonlocal replaced
        cleaned, count = cleaner.substitute(segment)
        replaced += count
        sink.write(cleaned)

    parser.StartElementHandler = start
    held: list[bytes] = []
    while chunk := source.read(COPY_CHUNK):
        parser.Parse(chunk, False)
        cut = chunk.rfind(b"<")
        if cut < 0:  # text, or a start tag that goes on: wait for the next tag
            held.append(chunk)
            continue
        held.append(chunk[:cut])
        segment = b"".join(held)
        ready = cleaner.held_from(segment)
        if len(segment) - ready > MAX_HELD_XML:
            raise ScrubError(f"{name}: a naming element that does not end")
        write(segment[:ready])
        held = [segment[ready:], chunk[cut:]]
    parser.Parse(b"", True)
    write(b"".join(held))
    if replaced != seen:
        raise ScrubError(f"{name}: {seen} names of people found, {replaced} replaced")


def _local(name: str) -> str:
    """The local part of a prefixed name, "" for a name without a prefix or a namespace declaration."""
    prefix, colon, local = name.partition(":")
    return local if colon and prefix != "xmlns" else ""


# Word: the author and initials of a comment or of any tracked change (w:ins, w:del, w:moveFrom,
# w:rPrChange, w:pPrChange, w:tblPrChange…), and a person of people.xml (w15:author, and the account
# w15:presenceInfo gives: an address at a provider, or the name again). Dates are kept.
_OOXML_NEUTRAL = {b"author": NEUTRAL_AUTHOR.encode(), b"initials": b"", b"userId": NEUTRAL_AUTHOR.encode(),
                  b"providerId": b"None"}
_OOXML_NAMING_ATTRIBUTE = re.compile(rb'(\s)(?!xmlns:)(' + _PREFIX + rb':(author|initials|userId|providerId))'
                                     rb'(\s*=\s*)' + _VALUE)
_OOXML_HINTS = tuple(_OOXML_NEUTRAL)
_OOXML_LOCAL_NAMES = {name.decode() for name in _OOXML_NEUTRAL}


def _ooxml_substitute(segment: bytes) -> tuple[bytes, int]:
    if not any(hint in segment for hint in _OOXML_HINTS):
        return segment, 0
    count = 0

    def attribute(match: re.Match) -> bytes:
        return match[1] + match[2] + match[4] + b'"' + _OOXML_NEUTRAL[match[3]] + b'"'

    def tag(match: re.Match) -> bytes:
        nonlocal count
        rewritten, replaced = _OOXML_NAMING_ATTRIBUTE.subn(attribute, match[0])
        count += replaced
        return rewritten

    return _START_TAG.sub(tag, segment), count


_OOXML_CLEANER = _XmlCleaner(
    substitute=_ooxml_substitute,
    seen=lambda element, attributes: sum(1 for name in attributes if _local(name) in _OOXML_LOCAL_NAMES))

# OpenDocument: <dc:creator> and the initials (<meta:creator-initials>, LibreOffice's older
# <loext:sender-initials>) of an annotation or of a tracked change's office:change-info; and the settings
# that name a printer or a data source (a path in a user's folder). <dc:date> is kept.
_ODF_NEUTRAL = {b"creator": NEUTRAL_AUTHOR.encode(), b"creator-initials": b"", b"sender-initials": b""}
_ODF_NAMING_ELEMENT = re.compile(rb'<(' + _PREFIX + rb'):(creator|creator-initials|sender-initials)('
                                 + _ATTRIBUTES + rb')\s*(?:/>|>[^<]*</\1:\2\s*>)')
_ODF_CONFIG_ITEM = re.compile(rb'<(' + _PREFIX + rb'):config-item(' + _ATTRIBUTES
                              + rb')\s*(?:/>|>[^<]*</\1:config-item\s*>)')
_ODF_CONFIG_NAME = re.compile(rb'\s' + _PREFIX + rb':name\s*=\s*(?:"([^"<]*)"|\'([^\'<]*)\')')
_ODF_NAMING_SETTINGS = {"PrinterName", "PrinterSetup", "PrintFaxName", "CurrentDatabaseDataSource",
                        "CurrentDatabaseCommand"}
_ODF_OPENING = re.compile(rb'<' + _PREFIX
                          + rb':(?:creator|creator-initials|sender-initials|config-item)(?=[\s/>])')


def _odf_substitute(segment: bytes) -> tuple[bytes, int]:
    if b"creator" not in segment and b"initials" not in segment and b"config-item" not in segment:
        return segment, 0
    count = 0

    def element(match: re.Match) -> bytes:
        nonlocal count
        count += 1
        if match[0].endswith(b"/>"):
            return match[0]
        prefix, local = match[1], match[2]
        return b"<%s:%s%s>%s</%s:%s>" % (prefix, local, match[3], _ODF_NEUTRAL[local], prefix, local)

    def setting(match: re.Match) -> bytes:
        nonlocal count
        name = _ODF_CONFIG_NAME.search(match[2])
        value = b"" if name is None else name[1] if name[1] is not None else name[2]
        if value.decode("utf-8", "replace") not in _ODF_NAMING_SETTINGS:
            return match[0]
        count += 1
        return b""

    return _ODF_CONFIG_ITEM.sub(setting, _ODF_NAMING_ELEMENT.sub(element, segment)), count


def _odf_seen(element: str, attributes: dict) -> int:
    local = _local(element)
    if local in ("creator", "creator-initials", "sender-initials"):
        return 1
    name = next((value for key, value in attributes.items() if _local(key) == "name"), None)
    return int(local == "config-item" and name in _ODF_NAMING_SETTINGS)


def _odf_held_from(segment: bytes) -> int:
    last = None
    for last in _ODF_OPENING.finditer(segment):  # noqa: B007 (the last match is what is wanted)
        pass
    if last is None or _ODF_NAMING_ELEMENT.match(segment, last.start()) \
            or _ODF_CONFIG_ITEM.match(segment, last.start()):
        return len(segment)
    return last.start()


_ODF_CLEANER = _XmlCleaner(substitute=_odf_substitute, seen=_odf_seen, held_from=_odf_held_from)


# --- images -------------------------------------------------------------------------------------------

def _orientation(exif_payload: bytes) -> int:
    """The EXIF orientation (1 to 8), 1 when absent or unreadable."""
    exif = Image.Exif()
    try:
        exif.load(exif_payload)
        value = int(exif.get(ORIENTATION, 1))
    except Exception:  # noqa: BLE001 - an unreadable block orients nothing
        return 1
    return value if 1 <= value <= 8 else 1


def _orientation_only(orientation: int) -> bytes:
    """An EXIF block ("Exif\\0\\0" and a TIFF header) holding only the orientation."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif.tobytes()


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that say how to show the picture; every other ancillary chunk is dropped (text, eXIf, tIME,
# applications' private chunks).
_PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
             b"bKGD", b"pHYs", b"hIST", b"cICP", b"mDCv", b"cLLi", b"acTL", b"fcTL", b"fdAT"}


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _scrub_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise ScrubError("png: no signature")
    out = [_PNG_SIGNATURE]
    orientation = 1
    position = len(_PNG_SIGNATURE)
    seen_end = image_started = False
    while position < len(data):
        if position + 12 > len(data):
            raise ScrubError("png: truncated chunk")
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ScrubError("png: truncated chunk")
        if kind == b"eXIf":
            orientation = _orientation(data[position + 8:position + 8 + length])
        elif kind in _PNG_KEPT:
            if kind == b"IDAT" and not image_started:
                image_started = True
                if orientation != 1:  # before the image data, where viewers look for it
                    out.append(_png_chunk(b"eXIf", _orientation_only(orientation)[6:]))
            out.append(data[position:end])
        position = end
        if kind == b"IEND":  # what follows the end is no part of the picture
            seen_end = True
            break
    if not seen_end or len(out) < 3:
        raise ScrubError("png: no image")
    return b"".join(out)


# JPEG segments kept: JFIF's header (APP0), colour profiles (APP2 ICC_PROFILE) and Adobe's colour
# transform (APP14); every other application segment (EXIF and XMP in APP1, IPTC in APP13, FlashPix, MPF,
# makers' notes) and comments (COM) are dropped.
_SOI, _EOI, _SOS, _COM = 0xD8, 0xD9, 0xDA, 0xFE
_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _keep_app_segment(marker: int, payload: bytes) -> bool:
    return ((marker == 0xE0 and payload.startswith(b"JFIF\0"))
            or (marker == 0xE2 and payload.startswith(b"ICC_PROFILE\0"))
            or (marker == 0xEE and payload.startswith(b"Adobe")))


def _scrub_jpeg(data: bytes) -> bytes:  # noqa: C901 (a segment parser: one branch per kind of marker)
    if not data.startswith(b"\xff\xd8"):
        raise ScrubError("jpeg: no start of image")
    kept: list[bytes] = []
    orientation = 1
    position = 2
    seen_end = False
    while position < len(data):
        if data[position] != 0xFF:
            raise ScrubError("jpeg: expected a marker")
        while position < len(data) and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= len(data):
            raise ScrubError("jpeg: truncated")
        marker = data[position]
        start = position - 1
        position += 1
        if marker == _EOI:
            kept.append(b"\xff\xd9")
            seen_end = True
            break  # what follows the end (makers' trailers, a second picture) is dropped
        if marker in _STANDALONE:
            kept.append(data[start:position])
            continue
        if position + 2 > len(data):
            raise ScrubError("jpeg: truncated segment")
        (length,) = struct.unpack(">H", data[position:position + 2])
        if length < 2 or position + length > len(data):
            raise ScrubError("jpeg: bad segment length")
        payload = data[position + 2:position + length]
        segment_end = position + length
        if marker == _SOS:
            # The entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart.
            scan_end = segment_end
            while True:
                scan_end = data.find(b"\xff", scan_end)
                if scan_end < 0 or scan_end + 1 >= len(data):
                    raise ScrubError("jpeg: truncated scan")
                following = data[scan_end + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    scan_end += 1 if following == 0xFF else 2
                    continue
                break
            kept.append(data[start:scan_end])
            position = scan_end
            continue
        if 0xE0 <= marker <= 0xEF or marker == _COM:
            if marker == 0xE1 and payload.startswith(b"Exif\0\0"):
                orientation = _orientation(payload)
            if marker != _COM and _keep_app_segment(marker, payload):
                kept.append(data[start:segment_end])
        else:
            kept.append(data[start:segment_end])
        position = segment_end
    if not seen_end:
        raise ScrubError("jpeg: no end of image")
    if orientation != 1:
        exif = _orientation_only(orientation)
        segment = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
        # After JFIF's APP0 when there is one (it must come first), else right after the start of image.
        at = 1 if kept and kept[0].startswith(b"\xff\xe0") else 0
        kept.insert(at, segment)
    return b"\xff\xd8" + b"".join(kept)
