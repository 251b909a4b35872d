"""A form enabled by Adobe's Reader Extensions (a usage-rights signature, as many official
fillable forms carry) is not taken for a PDF holding files: its /EF lists rights over
attachments, not files. A file behind an /EF, however written, stays refused."""

import io

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import uploads
from tests.campaign.upload_files import PDF_BYTES, refusal

Name = pikepdf.Name
EMBEDDED = "có tệp đính kèm bên trong"


def names(*items):
    return pikepdf.Array([Name(f"/{item}") for item in items])


def with_usage_rights(**params):
    """The one-page PDF with a usage-rights signature whose transform parameters get
    `params` besides those Reader Extensions writes."""
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    transform = pikepdf.Dictionary(
        Type=Name.TransformParams,
        V=Name("/2.2"),
        Document=names("FullSave"),
        Annots=names("Create", "Delete", "Modify", "Copy", "Import", "Export"),
        Form=names("FillIn", "Import", "Export", "SubmitStandalone", "SpawnTemplate"),
        Signature=names("Modify"),
        EF=names("Create", "Delete", "Modify", "Import"),
        **params,
    )
    signature = pikepdf.Dictionary(
        Type=Name.Sig,
        Filter=Name("/Adobe.PPKLite"),
        SubFilter=Name("/adbe.pkcs7.detached"),
        Contents=pikepdf.String(b"\x00" * 16),
        ByteRange=pikepdf.Array([0, 0, 0, 0]),
        Reference=pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=Name.SigRef, TransformMethod=Name.UR3, TransformParams=transform
                )
            ]
        ),
    )
    pdf.Root.Perms = pikepdf.Dictionary(UR3=pdf.make_indirect(signature))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_form_with_usage_rights_is_accepted():
    upload = SimpleUploadedFile("to-khai.pdf", with_usage_rights())
    assert uploads.validate_upload(upload) == "application/pdf"


def test_a_file_behind_an_ef_is_still_refused():
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    carried = pdf.make_stream(b"MZ", Type=Name.EmbeddedFile)
    pdf.Root.Extra = pikepdf.Dictionary(
        Type=Name.Filespec, F=pikepdf.String("x.exe"), EF=pikepdf.Dictionary(F=carried)
    )
    out = io.BytesIO()
    pdf.save(out)
    assert EMBEDDED in refusal("kh.pdf", out.getvalue())


def test_an_ef_of_anything_but_names_is_refused():
    carried = pikepdf.Array([Name.Create, pikepdf.Dictionary(F=pikepdf.String("x.exe"))])
    assert EMBEDDED in refusal("kh.pdf", with_usage_rights(Extra=pikepdf.Dictionary(EF=carried)))
