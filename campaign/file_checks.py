"""What an uploaded document must be inside, beyond its first bytes.

libmagic (campaign.uploads) names a file by its first bytes; a file can start like a PDF or
hold the two parts that make libmagic say "Word" and still carry anything else. These checks
open the file as what it claims to be, without ever running or rendering it:

- a DOCX (and the Excel workbooks the campaign's templates come back as) is a zip whose
  directory is read first: at most MAX_ENTRIES parts, at most MAX_UNZIPPED bytes once
  unzipped (counted while reading, not taken from the directory, which can lie), no part
  compressed more than MAX_RATIO times, and only the parts such a document has (no script,
  page, program, macro or embedded object; a Word document's digital signature is one of
  its parts); its content-types part must name the main document, and its XML parts must
  parse; no relationship (in any `*.rels` part) may point outside the file, but for a
  hyperlink to a web page or an e-mail address, nor name a template, a macro project, an
  object, a frame, a sub-document or another workbook, even one inside it; a workbook's
  formulas (in its cells, defined names, validations, conditional formats and tables) may
  not start a program (DDE, XLM's CALL or EXEC, RTD) nor fetch from outside it (WEBSERVICE,
  IMAGE, another workbook, a HYPERLINK that is not a web page's or an e-mail address's);
- a PDF must parse as a PDF (pikepdf, the qpdf library) with at least one page, and is
  refused when it carries JavaScript, launches a program, holds embedded files (in its
  name tree or behind an annotation) or an XFA form, or has an action that reaches outside
  it (another document, a form sent or data imported, a link that is not a web page's or
  an e-mail address's) or media (sound, video, 3D, rich media), wherever they are written:
  in a stream's dictionary as in any other (but a structure element, whose /S is its role,
  named by its producer, is no action unless it stands where a reader looks for one);
- a JPEG or PNG must decode as one (Pillow, its pixels read to the end, at most
  MAX_PIXELS): a header followed by anything else is not an image.

Each refusal is a ValidationError with a Vietnamese message that says what to do.
"""

import io
import re
import zipfile
import zlib
from typing import IO
from urllib.parse import unquote

import pikepdf
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from PIL import Image

MAX_ENTRIES = 1_000
MAX_UNZIPPED = 60 * 1024 * 1024
MAX_RATIO = 200  # text compresses about 10 times; 1,000 times is a bomb
MAX_XML_PART = 30 * 1024 * 1024
# A page scanned at 600 dpi in colour is about 35 million pixels; twice that is no scan.
MAX_PIXELS = 80_000_000

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

_IMAGE = r"\.(?:png|jpe?g|gif|bmp|tiff?|emf|wmf|svg)"
# The parts a Word document has (ECMA-376 as Word and LibreOffice write it); a macro project
# (vbaProject.bin), an embedded object or an ActiveX control is not among them.
WORD_PARTS = re.compile(
    r"\[Content_Types\]\.xml"
    r"|_rels/\.rels"
    r"|docProps/(?:core|app|custom)\.xml|docProps/thumbnail" + _IMAGE + r"|"
    r"customXml/(?:_rels/)?item(?:Props)?\d*\.xml(?:\.rels)?"
    r"|word/_rels/[\w.-]+\.xml\.rels"
    r"|word/(?:document|styles|stylesWithEffects|settings|webSettings|fontTable|numbering"
    r"|footnotes|endnotes|comments|commentsExtended|commentsIds|commentsExtensible|people"
    r"|glossary/document|glossary/styles|glossary/settings|glossary/webSettings"
    r"|glossary/fontTable|header\d*|footer\d*)\.xml"
    r"|word/glossary/_rels/[\w.-]+\.xml\.rels"
    r"|word/theme/theme\d+\.xml"
    r"|word/media/[\w.-]+" + _IMAGE + r"|word/fonts/[\w.-]+\.odttf"
    # A document signed digitally in Word (ký số): the package's signature parts (ECMA-376
    # Part 2), XML that runs nothing.
    r"|_xmlsignatures/(?:origin\.sigs|sig\d+\.xml|_rels/origin\.sigs\.rels)",
    re.IGNORECASE,
)
EXCEL_PARTS = re.compile(
    r"\[Content_Types\]\.xml"
    r"|_rels/\.rels"
    r"|docProps/(?:core|app|custom)\.xml|docProps/thumbnail" + _IMAGE + r"|"
    r"customXml/(?:_rels/)?item(?:Props)?\d*\.xml(?:\.rels)?"
    r"|xl/_rels/workbook\.xml\.rels|xl/worksheets/_rels/sheet\d+\.xml\.rels"
    r"|xl/(?:workbook|styles|sharedStrings|calcChain|metadata)\.xml"
    r"|xl/worksheets/sheet\d+\.xml|xl/theme/theme\d+\.xml"
    r"|xl/printerSettings/printerSettings\d+\.bin"
    r"|xl/drawings/(?:_rels/)?drawing\d+\.xml(?:\.rels)?|xl/media/[\w.-]+" + _IMAGE + r"|"
    r"xl/tables/table\d+\.xml|xl/comments\d+\.xml|xl/comments/comment\d+\.xml"
    r"|xl/drawings/(?:vmlDrawing|commentsDrawing)\d+\.vml"
    r"|xl/persons/person\.xml|xl/threadedComments/threadedComment\d+\.xml",
    re.IGNORECASE,
)

# Relationships (the `*.rels` parts) that make a Word document or a workbook load a template,
# a macro project, an object or another document, by the last segment of their type: refused
# even when they point inside the file, as the parts above promise none of these.
_REFUSED_RELATIONSHIPS = {
    "attachedtemplate",  # a template, whose macros run
    "oleobject",
    "package",  # an embedded document
    "control",  # an ActiveX control
    "activexcontrolbinary",
    "frame",
    "subdocument",
    "afchunk",  # another document imported whole (HTML, RTF)
    "vbaproject",
    "vbaprojectsignature",
    "wordvbadata",
    "keymapcustomizations",
    "externallink",  # Excel's link to another workbook
    "externallinkpath",
    "xlmacrosheet",  # Excel 4 macros
    "xlintlmacrosheet",
}
# A link a reader may follow with a click: a web page, an e-mail address or a telephone
# number (a letter's footer; a click offers to call it), never a file on the computer or a
# network share (`file:`, `\\host\share`, `//host/share`, a path).
_WEB_LINK = re.compile(r"https?://[^/\\]|mailto:|tel:\+?[0-9]", re.IGNORECASE)
# A target that names something outside the package whatever its mode says: a scheme
# (a drive letter too) or a network share.
_OUTSIDE = re.compile(r"[a-z][a-z0-9+.-]*:|[/\\]{2}", re.IGNORECASE)
_SHOWN_TARGET = 80
# A template on the author's own drive (`file:///C:/Users/…/Mẫu công văn.dotx`), as Word
# records for a document made from an office's template: Word looks for it on the reader's
# own computer, reaches no network and finds nothing there, so it is no way in, and such
# documents are common in union offices. A server's or a share's template stays refused.
# Read after percent-decoding (Word decodes `%5C%5Chost` to a share): a drive path, or a
# `file:` URL of this computer (`file:///Users/…` as Word for Mac writes it, or
# `file://localhost/…`) whose path does not start with a second slash (a share).
_LOCAL_DRIVE = re.compile(r"[a-z]:[/\\]|file:(?://(?:localhost)?)?/(?![/\\])", re.IGNORECASE)

# PDF actions that run something: refused.
_PDF_RUNS = {"/JavaScript", "/Launch", "/RichMediaExecute"}
# PDF actions that reach outside the file (another document, a form sent or data fetched
# elsewhere) or play media, and the annotations that play media: refused.
_PDF_OUTSIDE = {
    "/GoToR",  # always another document, perhaps on a network share
    "/GoToE",
    "/SubmitForm",
    "/ImportData",
    "/Rendition",
    "/Movie",
    "/Sound",
    "/GoTo3DView",
}
_PDF_MEDIA = {"/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"}
# Where a reader looks for an action: an annotation's or an outline item's /A, the
# catalogue's /OpenAction, an action's /Next (one or an array), a link's /PA, a navigation
# node's /NA and /PA, and each trigger of an /AA.
_PDF_ACTION_KEYS = ("/A", "/OpenAction", "/Next", "/PA", "/NA")
# Dictionaries whose /S is no action's: a structure element's /S is its role, a name its
# producer chose (a paragraph style exported by its name, mapped to a standard role by the
# /RoleMap), which may be "Sound" or "Launch". Its /Type is optional: one without it is
# known by where it stands, in the structure tree (`_StructureElements`). Other dictionaries
# with an /S of their own (a transition, a border style, page labels, a soft mask, an output
# intent) use names no action has, and stay judged by their /S.
_PDF_NOT_ACTIONS = {"/StructElem"}


def check_office_zip(fileobj, *, parts: re.Pattern, main: str, what: str) -> None:
    """Raise ValidationError unless `fileobj` is an Office Open XML zip of only `parts`
    whose content types name `main`. `what` names the kind in messages."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise _refused(
                    _("The %(what)s holds %(count)s parts; a real one has a few dozen."),
                    what=what,
                    count=number_format(len(infos), force_grouping=True),
                )
            names = [info.filename.lower() for info in infos]
            if len(set(names)) != len(names):
                # Two parts of one name (part names ignore case): one reader opens the
                # first, another the last, so what was checked need not be what is read.
                raise _damaged(what)
            strangers = [info.filename for info in infos if not parts.fullmatch(info.filename)]
            if strangers:
                raise _refused(
                    _(
                        "The %(what)s holds parts such a file does not have (%(parts)s): it "
                        "is refused. Save it again from Word, Excel or LibreOffice, without "
                        "macros or embedded objects."
                    ),
                    what=what,
                    parts=", ".join(strangers[:3]) + ("…" if len(strangers) > 3 else ""),
                )
            total = 0
            try:
                for info in infos:
                    total += _read_bounded(archive, info, MAX_UNZIPPED - total, what)
            except _OutsideFormula as found:
                raise _formula_refused(archive, found, what) from None
            types = _xml(archive, "[Content_Types].xml", what)
    except zipfile.BadZipFile as error:
        raise _damaged(what) from error
    except (
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        zlib.error,
    ) as error:
        # Zip64 beyond our bounds, an unknown compression, an encrypted part, a bad CRC,
        # compressed data that does not inflate.
        raise _damaged(what) from error
    finally:
        fileobj.seek(0)
    declared = {element.get("ContentType") for element in types.iter()}
    if main not in declared:
        raise _refused(_("The file is not a %(what)s."), what=what)


def _read_bounded(archive, info, room, what):
    """Read one part in chunks, counting what it really unzips to; its size."""
    if info.file_size > room or info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise _bomb(what)
    size = 0
    with archive.open(info) as part:
        while chunk := part.read(64 * 1024):
            size += len(chunk)
            if size > room or size > MAX_RATIO * max(info.compress_size, 1024):
                raise _bomb(what)
    if info.filename.lower().endswith((".xml", ".rels")) and info.filename != "[Content_Types].xml":
        root = _xml(archive, info.filename, what)
        if info.filename.lower().endswith(".rels"):
            _check_relationships(root, what)
        elif info.filename.lower().startswith("word/"):
            _check_fields(root, what)
        elif info.filename.lower().startswith("xl/"):
            _check_formulas(root, info.filename)
    return size


def is_web_link(target: str) -> bool:
    """Whether `target` is a web page's, an e-mail address's or a telephone number's link.
    Spaces and control characters, which readers drop, are dropped first."""
    return bool(_WEB_LINK.match(re.sub(r"[\x00-\x20\x7f]", "", target)))


def _check_relationships(root, what):
    r"""Refuse a relationship part that points outside the file (other than a web or e-mail
    hyperlink) or names a template, a macro project or an object.

    Word fetches an external template or object on opening, without a click: a server's
    template brings its macros, and a network-share path (`\\host\share`) makes Windows
    send the reader's login hash to that host."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag.rpartition("}")[2] != "Relationship":
            continue
        kind = (element.get("Type") or "").rstrip("/").rpartition("/")[2]
        target = element.get("Target") or ""
        mode = (element.get("TargetMode") or "Internal").strip().lower()
        cleaned = re.sub(r"[\x00-\x20\x7f]", "", target)
        if kind.lower() == "attachedtemplate" and _LOCAL_DRIVE.match(unquote(cleaned)):
            continue
        outside = mode != "internal" or _OUTSIDE.match(cleaned)
        if outside and not (kind.lower() == "hyperlink" and is_web_link(target)):
            raise _links_outside(what, target)
        if kind.lower() in _REFUSED_RELATIONSHIPS:
            raise _runs_or_embeds(what, kind)


def _links_outside(what, target):
    shown = target.strip()
    if len(shown) > _SHOWN_TARGET:
        shown = shown[:_SHOWN_TARGET] + "…"
    return _refused(
        _(
            "The %(what)s links to content outside itself (%(target)s): it is "
            "refused. Save it again as a plain .docx or .xlsx file, without linked "
            "templates, linked or embedded objects, or links to files on a computer "
            "or a network share; links to web pages may stay."
        ),
        what=what,
        target=shown,
    )


def _runs_or_embeds(what, kind):
    return _refused(
        _(
            "The %(what)s holds a linked template, a macro or an embedded object "
            "(%(kind)s): it is refused. Save it again from Word, Excel or LibreOffice "
            "as a plain file, without macros, templates or embedded objects."
        ),
        what=what,
        kind=kind,
    )


def _check_fields(root, what):
    r"""Refuse a Word part whose field codes run a program or fetch from a share.

    A field is written in the text, not in the relationships: `DDEAUTO` starts a program
    when the document opens (after a prompt many click through), and `INCLUDEPICTURE`,
    `INCLUDETEXT`, `LINK` or `IMPORT` with a share's path (`\\host\share`) makes Windows
    send the reader's login hash there. A web address (a picture pasted from a web page
    keeps one) or a path on the reader's own computer may stay. An instruction may be split
    over several runs: those of one field are read together."""
    open_fields = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2]
        if tag == "fldSimple":
            instruction = next(
                (value for key, value in element.attrib.items() if key.endswith("instr")), ""
            )
            _check_instruction(instruction, what)
        elif tag == "fldChar":
            kind = next(
                (value for key, value in element.attrib.items() if key.endswith("fldCharType")),
                "",
            )
            if kind == "begin":
                open_fields.append([])
            elif kind in ("separate", "end") and open_fields:
                _check_instruction("".join(open_fields[-1]), what)
                open_fields[-1] = []
                if kind == "end":
                    open_fields.pop()
        elif tag == "instrText" and open_fields:
            open_fields[-1].append(element.text or "")
    for pieces in open_fields:  # a field left open still says what it would do
        _check_instruction("".join(pieces), what)


# A field's words: a quoted argument, a switch (`\d`, `\*`: not an argument), a bare word.
_FIELD_ARGUMENT = re.compile(r'"([^"]*)"|(\\[*@#!a-zA-Z])(?=\s|$)|(\S+)')
_FIELD_RUNS = {"DDE", "DDEAUTO"}
# The field fetching the argument at this position (LINK names a program first).
_FIELD_FETCHES = {"INCLUDEPICTURE": 0, "INCLUDETEXT": 0, "INCLUDE": 0, "IMPORT": 0, "LINK": 1}


def _check_instruction(instruction, what):
    words = _FIELD_ARGUMENT.findall(instruction)
    if not words:
        return
    quoted, _switch, bare = words[0]
    name = (quoted or bare).upper()
    if name in _FIELD_RUNS:
        raise _runs_or_embeds(what, name)
    if name in _FIELD_FETCHES:
        arguments = [quoted or bare for quoted, switch, bare in words[1:] if not switch]
        position = _FIELD_FETCHES[name]
        if len(arguments) > position:
            # A field doubles its backslashes: `\\\\host\\share` is `\\host\share`.
            target = arguments[position].replace("\\\\", "\\")
            if _fetches_from_elsewhere(target):
                raise _links_outside(what, target)


def _fetches_from_elsewhere(target):
    """Whether a field's target is on a share or behind a scheme other than the web's. A
    path on this computer (`C:\\…`, `file:///…`), a relative one, or a picture copied from an
    e-mail (`cid:`, fetched from nowhere) reaches no network."""
    cleaned = unquote(re.sub(r"[\x00-\x20\x7f]", "", target))
    if is_web_link(cleaned) or cleaned.lower().startswith("cid:") or _LOCAL_DRIVE.match(cleaned):
        return False
    return bool(_OUTSIDE.match(cleaned))


class _OutsideFormula(Exception):
    """A workbook's formula that starts a program or fetches from outside: in `part`, at
    `cell` (a cell or a range; None when the part says none) or of the defined `name`."""

    def __init__(self, part, formula, *, cell=None, name=None):
        super().__init__(formula)
        self.part, self.formula, self.cell, self.name = part, formula, cell, name


# The elements of a workbook's parts that hold a formula: a cell's (a shared formula's text
# is on its first cell only, the others point to it), a conditional format's, a validation's
# (also in the x14 extension, as `xm:f`), a table column's, a defined name's.
_FORMULA_TAGS = {
    "f",
    "formula",
    "formula1",
    "formula2",
    "calculatedColumnFormula",
    "totalsRowFormula",
}
_CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
# A text ("…", a quote doubled inside) or a quoted sheet or workbook name ('…').
_FORMULA_QUOTED = re.compile(r""""(?:[^"]|"")*"|'(?:[^']|'')*'""")
# Functions that run a program or a library's code (DDE, XLM's CALL, REGISTER and EXEC,
# RTD's automation server), or fetch from elsewhere on recalculation, without a click
# (WEBSERVICE, IMAGE; FILTERXML only parses what WEBSERVICE fetched), or send the cells'
# data to an online service (STOCKHISTORY, TRANSLATE, COPILOT). Newer functions are
# written with a prefix (`_xlfn.WEBSERVICE`). A HYPERLINK is read apart: a click follows it.
_FORMULA_FUNCTION = re.compile(
    r"(?<![\w.])(?:_xl(?:fn|ws)\.)?"
    r"(DDE|DDEAUTO|CALL|REGISTER\.ID|REGISTER|EXEC|EXECUTE|RUN|EVALUATE|FOPEN|FWRITE"
    r"|FWRITELN|RTD|WEBSERVICE|IMAGE|SQL\.REQUEST|STOCKHISTORY|TRANSLATE|COPILOT"
    r"|HYPERLINK)\s*\(",
    re.IGNORECASE,
)
# A HYPERLINK's first argument when it is a text, as the reader would follow it.
_HYPERLINK_TEXT = re.compile(r'\s*"((?:[^"]|"")*)"\s*[,;)]')
# Another workbook: `[1]Sheet1!A1` (Excel's external links, numbered), `[book.xlsx]S!A1`,
# or a path, quoted: `'\\host\share\[book.xlsx]S'!A1`. A sheet's name holds none of
# `[ ] \ /` (a colon is a 3D reference's, `'Tháng 1:Tháng 3'!B2`); a table's column
# (`Table1[Amount]`) is followed by no sheet's name and `!`.
_OTHER_WORKBOOK = re.compile(r"\[[^\]]*\][\w.]*!")
_PATH_IN_NAME = re.compile(r"[\[\]\\/]")


def _check_formulas(root, part):
    """Raise _OutsideFormula for the first formula of a workbook's XML part `root` that
    starts a program or fetches from outside the file (`_outside_formula`)."""
    row = column = 0
    cell = None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2]
        if tag == "row":
            number = element.get("r") or ""
            row = int(number) if number.isdigit() else row + 1
            column = 0
        elif tag == "c":
            # A cell's reference may be left out: it then follows the one before.
            match = _CELL_REFERENCE.fullmatch(element.get("r") or "")
            try:
                column = column_index_from_string(match[1]) if match else column + 1
                cell = match[0].upper() if match else f"{get_column_letter(column)}{row}"
            except ValueError:  # a column past Excel's last
                cell = element.get("r")
        elif tag in ("conditionalFormatting", "dataValidation"):
            cell = element.get("sqref")
        elif tag == "definedName":
            if _outside_formula(element.text or ""):
                raise _OutsideFormula(part, element.text, name=element.get("name") or "")
        elif tag in _FORMULA_TAGS and _outside_formula(element.text or ""):
            raise _OutsideFormula(part, element.text, cell=cell)


def _outside_formula(formula: str) -> bool:
    """Whether `formula` starts a program or fetches from outside the file: a DDE reference
    (`cmd|' /C calc'!A0`: a program, its topic, an item), a function of
    `_FORMULA_FUNCTION`, a HYPERLINK whose target is not a web page's or an e-mail
    address's text, or a reference to another workbook. What is inside a text is not read:
    `IF(A1="a|b";…)` is an ordinary formula."""
    # The texts and quoted names blanked out, each of its own length, so that a position in
    # `bare` is one in `formula`.
    bare = _FORMULA_QUOTED.sub(lambda m: m[0][0] + " " * (len(m[0]) - 2) + m[0][-1], formula)
    for quoted in _FORMULA_QUOTED.finditer(formula):
        rest = formula[quoted.end() :]
        if quoted[0].startswith("'") and rest.startswith("!") and _PATH_IN_NAME.search(quoted[0]):
            return True
    if "|" in bare or _OTHER_WORKBOOK.search(bare):
        return True
    for match in _FORMULA_FUNCTION.finditer(bare):
        if match[1].upper() != "HYPERLINK":
            return True
        # A web page, an e-mail address, or a place in this workbook ("#'Sheet 2'!A1").
        target = _HYPERLINK_TEXT.match(formula, match.end())
        text = target[1].replace('""', '"').strip() if target else ""
        if not (is_web_link(text) or text.startswith("#")):
            return True
    return False


def _formula_refused(archive, found, what):
    """The refusal of `found` (an _OutsideFormula), naming its sheet as the reader sees it."""
    if found.name is not None:
        where = _("the defined name “%(name)s”") % {"name": found.name}
    else:
        sheet = _sheet_names(archive, what).get(found.part.lower(), found.part)
        if found.cell:
            where = _("sheet %(sheet)s, cell %(cell)s") % {"sheet": sheet, "cell": found.cell}
        else:
            where = _("sheet %(sheet)s") % {"sheet": sheet}
    shown = "=" + (found.formula or "").strip().removeprefix("=")
    if len(shown) > _SHOWN_TARGET:
        shown = shown[:_SHOWN_TARGET] + "…"
    return _refused(
        _(
            "The %(what)s holds a formula that starts a program or fetches content from "
            "outside the file (%(where)s: %(formula)s): it is refused. Replace the formula "
            "with the value it gives and upload the file again."
        ),
        what=what,
        where=where,
        formula=shown,
    )


def _sheet_names(archive, what):
    """A workbook's sheet names by their part's name, in lower case (`xl/worksheets/
    sheet1.xml`), as its workbook part and that part's relationships link them."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets = {}
    for element in _xml(archive, "xl/_rels/workbook.xml.rels", what).iter():
        target = element.get("Target")
        if element.get("Id") and target:
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[element.get("Id")] = part.lower()
    sheets = {}
    for element in _xml(archive, "xl/workbook.xml", what).iter():
        if isinstance(element.tag, str) and element.tag.rpartition("}")[2] == "sheet":
            relationship = next(
                (value for key, value in element.attrib.items() if key.endswith("}id")), None
            )
            if relationship in targets:
                sheets[targets[relationship]] = element.get("name") or ""
    return sheets


def _xml(archive, name, what):
    with archive.open(name) as part:
        data = part.read(MAX_XML_PART + 1)
    if len(data) > MAX_XML_PART:
        raise _bomb(what)
    try:
        # defusedxml: no entity expansion (how an XML bomb grows), no external fetch.
        return ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, LookupError, ValueError) as error:
        # LookupError: a declared encoding Python does not know.
        raise _damaged(what) from error


def _damaged(what):
    return _refused(
        _(
            "The %(what)s is damaged: it cannot be read. Save it again from the program "
            "that made it."
        ),
        what=what,
    )


def _bomb(what):
    return _refused(_("The %(what)s unzips to far more than its size: it is refused."), what=what)


def check_docx(fileobj: IO[bytes]) -> None:
    check_office_zip(fileobj, parts=WORD_PARTS, main=WORD_MAIN, what=_("Word document"))


def check_xlsx(fileobj: IO[bytes]) -> None:
    check_office_zip(fileobj, parts=EXCEL_PARTS, main=EXCEL_MAIN, what=_("Excel workbook"))


def check_pdf(fileobj: IO[bytes]) -> None:
    """Raise ValidationError unless `fileobj` parses as a PDF with nothing that runs."""
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) == 0:
                raise _refused(_("The PDF has no page. Save or scan it again as a PDF."))
            names = pdf.Root.get("/Names")
            if isinstance(names, pikepdf.Dictionary) and "/EmbeddedFiles" in names:
                raise _refused(_("The PDF holds embedded files: it is refused."))
            form = pdf.Root.get("/AcroForm")
            if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
                # An XFA form carries its own scripts, run by the readers that support it.
                raise _refused(
                    _(
                        "The PDF holds a script or an action that opens a program: it is "
                        "refused. Print it to PDF again, or scan the paper copy."
                    )
                )
            elements = _StructureElements(pdf)
            for obj in pdf.objects:
                if _holds_file(obj):
                    raise _refused(_("The PDF holds embedded files: it is refused."))
                if _runs_something(obj, elements):
                    raise _refused(
                        _(
                            "The PDF holds a script or an action that opens a program: it is "
                            "refused. Print it to PDF again, or scan the paper copy."
                        )
                    )
                if _reaches_outside(obj, elements):
                    raise _refused(
                        _(
                            "The PDF holds a link or an action that reaches outside it "
                            "(another file, a network share, a form sent elsewhere, sound or "
                            "video): it is refused. Print it to PDF again, or scan the paper "
                            "copy; links to web pages may stay."
                        )
                    )
    except (pikepdf.PdfError, TypeError, ValueError) as error:
        # TypeError, ValueError: a structure of the wrong type where the reader expects
        # another (a number for the catalogue's names).
        raise _refused(
            _("The file is not a readable PDF. Save or scan it again as a PDF.")
        ) from error


def _holds_file(obj) -> bool:
    """Whether `obj`, or a dictionary or array written inside it, is a file specification
    carrying a file (/EF) or a file-attachment annotation."""

    def holds(dictionary) -> bool:
        if dictionary.get("/Subtype") == pikepdf.Name.FileAttachment:
            return True
        carried = dictionary.get("/EF")
        # A form that Adobe's Reader Extensions enabled (a usage-rights signature, /Perms
        # /UR3) lists in its /EF the rights a reader gets over attachments (/Create,
        # /Import…): names, not a file. A file specification's /EF is a dictionary of files.
        rights = isinstance(carried, pikepdf.Array) and all(
            isinstance(item, pikepdf.Name) for item in carried
        )
        return carried is not None and not rights

    return _inside(obj, holds)


def check_image(fileobj: IO[bytes], kind: str) -> None:
    """Raise ValidationError unless `fileobj` decodes whole as an image of `kind` ("JPEG",
    "PNG"): its header alone says nothing of what follows it."""
    fileobj.seek(0)
    try:
        with Image.open(fileobj, formats=[kind]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _refused(_("The image is far larger than a scanned page: it is refused."))
            image.load()  # decodes every pixel: a truncated or foreign payload fails here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise _refused(
            _("The image is damaged: it cannot be read. Scan or save it again.")
        ) from error
    finally:
        fileobj.seek(0)


def _runs_something(obj, elements) -> bool:
    """Whether `obj`, or a dictionary or array written inside it, is an action that runs
    something; `elements` are the structure elements (`_actions`)."""

    def runs(dictionary) -> bool:
        if "/JS" in dictionary or "/JavaScript" in dictionary:
            return True
        return any(
            _name(action.get("/S")) in _PDF_RUNS for action in _actions(dictionary, elements)
        )

    return _inside(obj, runs)


def _reaches_outside(obj, elements) -> bool:
    """Whether `obj`, or a dictionary or array written inside it, is an action that reaches
    outside the file or plays media, a link that is not a web page's, an e-mail address's or
    a telephone number's, or an annotation that plays media; `elements` are the structure
    elements (`_actions`)."""

    def reaches(dictionary) -> bool:
        if _name(dictionary.get("/Subtype")) in _PDF_MEDIA:
            return True
        return any(_action_reaches_outside(action) for action in _actions(dictionary, elements))

    return _inside(obj, reaches)


def _action_reaches_outside(action) -> bool:
    kind = _name(action.get("/S"))
    if kind in _PDF_OUTSIDE or (kind == "/Thread" and "/F" in action):
        return True
    if kind == "/URI" and "/URI" in action:
        uri = action.get("/URI")
        return not (isinstance(uri, pikepdf.String) and is_web_link(str(uri)))
    return False


def _actions(dictionary, elements) -> list:
    """The dictionaries to judge as actions from `dictionary`: itself, unless it says it is
    a dictionary whose /S is no action's (`_PDF_NOT_ACTIONS`) or is one of the structure
    tree's `elements`, and whatever stands where a reader looks for an action in it
    (`_PDF_ACTION_KEYS`, /AA's triggers), whatever its /Type says or wherever else it stands:
    a reader that runs an /OpenAction does not ask what the dictionary calls itself. Each is
    also judged on its own where it is written (`_inside`)."""
    exempt = _name(dictionary.get("/Type")) in _PDF_NOT_ACTIONS or dictionary in elements
    found = [] if exempt else [dictionary]
    placed = [dictionary.get(key) for key in _PDF_ACTION_KEYS]
    triggers = dictionary.get("/AA")
    if isinstance(triggers, pikepdf.Dictionary | pikepdf.Stream):
        placed += [value for _key, value in triggers.items()]
    for value in placed:
        for item in value if isinstance(value, pikepdf.Array) else [value]:
            if isinstance(item, pikepdf.Stream):
                item = item.stream_dict
            if isinstance(item, pikepdf.Dictionary):
                found.append(item)
    return found


class _StructureElements:
    """The dictionaries of a PDF's structure tree: those reached from the catalogue's
    /StructTreeRoot down its /K (a dictionary or an array of them, referenced or written in
    place), whether they say /Type /StructElem or not. Marked-content and object references
    (/MCR, /OBJR) are among them: they carry no /S. `dictionary in elements` says whether
    one is.

    A referenced one is known by its number. One written in place has none, and a pikepdf
    object has no identity to hash: comparing each dictionary with each such element
    (`is_same_object_as`) takes time that grows with their product, which a small file can
    make hours, so it is known by its text. A copy of it elsewhere is then taken for it,
    which gains nothing: wherever a reader looks for an action, it is judged as one all the
    same (`_actions`)."""

    def __init__(self, pdf):
        self.referenced = set()  # (object number, generation) of each referenced one
        self.in_place = set()  # the text of each written in place
        waiting = [pdf.Root.get("/StructTreeRoot")]
        while waiting:
            kid = waiting.pop()
            if not isinstance(kid, pikepdf.Dictionary | pikepdf.Array):
                continue  # a marked-content number, or nothing
            if kid.is_indirect:
                # A kid may point back up the tree (a producer's slip, or on purpose).
                if kid.objgen in self.referenced:
                    continue
                self.referenced.add(kid.objgen)
            if isinstance(kid, pikepdf.Array):
                waiting += list(kid)
            elif isinstance(kid, pikepdf.Dictionary):
                if not kid.is_indirect:
                    self.in_place.add(kid.unparse())
                waiting.append(kid.get("/K"))

    def __contains__(self, dictionary) -> bool:
        if dictionary.is_indirect:
            return dictionary.objgen in self.referenced
        # Only a dictionary with an /S can be taken for an action: the others are not written
        # out.
        return "/S" in dictionary and dictionary.unparse() in self.in_place


def _name(value) -> str | None:
    return str(value) if isinstance(value, pikepdf.Name) else None


def _inside(obj, test, depth=0) -> bool:
    """Whether `test` holds for `obj` (a dictionary, or a stream's dictionary), or for a
    dictionary written inside it or inside an array of it (not a reference: those are
    objects of their own, walked by the caller). A stream's data is not read: what a reader
    acts on is in its dictionary, which a reader takes for an action as it would any other."""
    if depth > 32:  # nesting this deep is no document's
        return True
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        if test(obj):
            return True
        children = [value for _key, value in obj.items()]
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return False
    return any(
        not child.is_indirect and _inside(child, test, depth + 1)
        for child in children
        if isinstance(child, pikepdf.Dictionary | pikepdf.Array)
    )


def _refused(message, **params):
    return ValidationError(message, code="content", params=params)
