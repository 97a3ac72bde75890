"""The shadow attacks (Mainka et al., NDSS 2021) and other changes after signing, on our own signed results.

The attacker prepares the document before it is signed: words hidden under a white
cover, a font to swap, a second page content stream planted unused. After the agency
certifies, signs and seals it (``sign_result``), one incremental update makes the
document show something else while every signature's bytes stay intact. Each must be
failed with the change named and placed; ordinary changes must not be.
"""

from __future__ import annotations

import io

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from pipeline.sign import SignMeta, sign_pdf, sign_result
from pipeline.verify import SignatureReport, verify_pdf
from schemas.settings import VerifySettings
from tests.fixtures_pki import FROZEN, make_pdf
from tests.verify.forge import append, page_of

#: where the visible words sit (PDF points): "CHAP THUAN" (approved)
VISIBLE_Y = 700
#: the hidden words under the cover: "TU CHOI" (refused)
HIDDEN_Y = 640


def prepared_pdf() -> bytes:
    """A result as a shadow attacker prepares it: a hidden refusal under a white cover, a second content
    stream (the refusal in plain sight) planted where nothing uses it."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    cover = pdf.make_stream(f"1 g 60 {HIDDEN_Y - 10} 300 40 re f".encode(), Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Form, BBox=[0, 0, 595, 842])
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Cover=cover))
    page.Contents = pdf.make_stream(
        f"BT /F1 16 Tf 72 {HIDDEN_Y} Td (Ket qua: TU CHOI) Tj ET q /Cover Do Q "
        f"BT /F1 16 Tf 72 {VISIBLE_Y} Td (Ket qua: CHAP THUAN) Tj ET".encode())
    pdf.Root.Planted = pdf.make_stream(f"BT /F1 16 Tf 72 {VISIBLE_Y} Td (Ket qua: TU CHOI) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def result(signers, sign_cfg) -> bytes:
    """Our own signed result: certified (P=2), signed, sealed, at B-LT."""
    return sign_result(prepared_pdf(), signer=signers["signer"], agency=signers["agency"], level="B-LT",
                       meta=SignMeta(title="CHỦ TỊCH", reason="Ban hành kết quả"), cfg=sign_cfg, now=FROZEN)


@pytest.fixture(scope="module")
def approved(signers, sign_cfg) -> bytes:
    """The same document with one approval signature (no DocMDP): only the overlay check can catch an overlay."""
    return sign_pdf(prepared_pdf(), signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg,
                    now=FROZEN)


@pytest.fixture(scope="module")
def offline(dev_pki) -> VerifySettings:
    return VerifySettings(trust_roots=(dev_pki.root_cert,))


def _hide(w: IncrementalPdfFileWriter) -> None:
    """Hide: the cover is overwritten (same object) with an empty form: the refusal shows."""
    cover_ref = page_of(w)["/Resources"]["/XObject"].raw_get("/Cover")
    cover = cover_ref.get_object()
    # the attack writes a new, empty stream body for the old object
    cover._data = b""
    cover._encoded_data = None
    w.mark_update(cover_ref)


def _replace(w: IncrementalPdfFileWriter) -> None:
    """Replace: the font the words are drawn with is overwritten (same object) with another program."""
    font_ref = page_of(w)["/Resources"]["/Font"].raw_get("/F1")
    font = font_ref.get_object()
    font["/BaseFont"] = generic.NameObject("/ZapfDingbats")
    w.mark_update(font_ref)


def _hide_and_replace(w: IncrementalPdfFileWriter) -> None:
    """Hide-and-replace: the page now draws the planted content stream."""
    page = page_of(w)
    page["/Contents"] = w.root.raw_get("/Planted")
    w.update_container(page)


def overlay(rect: tuple[float, float, float, float], text: str = "TU CHOI"):  # type: ignore[no-untyped-def]
    """Overlay: a free-text annotation, opaque white with the attacker's words, placed after signing."""
    def change(w: IncrementalPdfFileWriter) -> None:
        x0, y0, x1, y1 = rect
        appearance = generic.StreamObject({
            "/Type": generic.NameObject("/XObject"), "/Subtype": generic.NameObject("/Form"),
            "/BBox": generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, x1 - x0, y1 - y0)])},
            stream_data=f"1 g 0 0 {x1 - x0} {y1 - y0} re f 0 g BT /Helv 16 Tf 4 6 Td ({text}) Tj ET".encode())
        annot = generic.DictionaryObject({
            "/Type": generic.NameObject("/Annot"), "/Subtype": generic.NameObject("/FreeText"),
            "/Rect": generic.ArrayObject([generic.FloatObject(v) for v in rect]),
            "/Contents": generic.TextStringObject(text), "/DA": generic.TextStringObject("/Helv 16 Tf 0 g"),
            "/AP": generic.DictionaryObject({"/N": w.add_object(appearance)})})
        page = page_of(w)
        annots = page.get("/Annots", generic.ArrayObject())
        annots.append(w.add_object(annot))
        page["/Annots"] = annots
        w.update_container(page)
    return change


OVER_THE_WORDS = (66.0, VISIBLE_Y - 8.0, 330.0, VISIBLE_Y + 20.0)
BLANK_CORNER = (400.0, 60.0, 560.0, 100.0)


def _failed_for(sig: SignatureReport, kind: str) -> list[str]:
    """The descriptions of the not-allowed changes of ``kind`` on page 1 (asserting the verdict)."""
    assert sig.indication in ("TOTAL_FAILED", "INDETERMINATE"), (sig.field, sig.indication)
    assert not sig.valid and not sig.docmdp_ok
    return [c.what for c in sig.changes if c.kind == kind and not c.allowed and 1 in c.pages]


@pytest.mark.parametrize(("attack", "kind", "named"), [
    (_hide, "page_resource_changed", "XObject /Cover of page 1"),
    (_replace, "page_resource_changed", "font /F1 of page 1"),
    (_hide_and_replace, "page_content_changed", "/Contents"),
], ids=["hide", "replace", "hide-and-replace"])
def test_shadow_attack_on_our_signed_result_fails_every_signature_with_the_change_named(
        attack, kind, named, result, offline):
    assert verify_pdf(result, cfg=offline, now=FROZEN).valid  # the result as issued
    report = verify_pdf(append(result, attack), cfg=offline, now=FROZEN)
    sigs = [s for s in report.signatures if s.kind == "signature"]
    assert [s.field for s in sigs] == ["Sig_certify_1", "Sig_result_1", "Sig_seal_1"]
    for sig in sigs:
        assert (sig.indication, sig.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")
        assert sig.intact and sig.crypto_valid  # the bytes signed are untouched: only the judgement catches it
        assert any(named in what for what in _failed_for(sig, kind)), sig.changes
    assert report.indication == "TOTAL_FAILED"


def test_overlay_on_our_certified_result_is_failed(result, offline):
    report = verify_pdf(append(result, overlay(OVER_THE_WORDS)), cfg=offline, now=FROZEN)
    for sig in (s for s in report.signatures if s.kind == "signature"):
        assert _failed_for(sig, "overlay"), sig.changes
        assert sig.sub_indication == "FORMAT_FAILURE"


def test_overlay_of_signed_words_fails_an_approval_signature_too(approved, offline):
    [sig] = verify_pdf(append(approved, overlay(OVER_THE_WORDS)), cfg=offline, now=FROZEN).signatures
    overlays = _failed_for(sig, "overlay")
    assert overlays and all("covers" in what and "signed characters" in what for what in overlays)


def test_a_note_added_beside_the_words_is_allowed_after_an_approval_signature(approved, offline):
    [sig] = verify_pdf(append(approved, overlay(BLANK_CORNER, "Da nhan")), cfg=offline, now=FROZEN).signatures
    assert sig.valid, sig.changes
    assert {c.kind for c in sig.changes} >= {"annotation_added"}
    assert all(c.allowed for c in sig.changes)


def test_a_changed_reason_is_a_rewritten_signature_dictionary(signers, sign_cfg, blank_pdf, offline):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-B", appearance="none",
                      meta=SignMeta(reason="Số hóa hồ sơ"), cfg=sign_cfg, now=FROZEN)

    def reason(w: IncrementalPdfFileWriter) -> None:
        ref = w.root["/AcroForm"]["/Fields"][0].get_object().raw_get("/V")
        ref.get_object()["/Reason"] = generic.TextStringObject("Hủy kết quả")
        w.mark_update(ref)

    [sig] = verify_pdf(append(signed, reason), cfg=offline, now=FROZEN).signatures
    assert sig.intact and sig.crypto_valid
    assert "signature_dictionary_changed" in sig.problems
    assert (sig.indication, sig.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")
    assert "/Reason" in sig.advice_en


def test_a_removed_page_is_named(signers, sign_cfg, offline):
    signed = sign_pdf(make_pdf(pages=2), signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg,
                      now=FROZEN)

    def remove(w: IncrementalPdfFileWriter) -> None:
        pages = w.root["/Pages"]
        del pages["/Kids"][1]
        pages["/Count"] = generic.NumberObject(1)
        w.update_container(pages)

    [sig] = verify_pdf(append(signed, remove), cfg=offline, now=FROZEN).signatures
    [removed] = [c for c in sig.changes if c.kind == "page_removed"]
    assert removed.pages == (2,) and not removed.allowed
    assert (sig.indication, sig.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")


def test_a_filled_field_locked_by_the_signature_is_not_allowed_and_a_free_one_is(offline):
    """DSS's test-with-vri.pdf: its signature locks every field (/Lock /All); TestField2 was filled after."""
    from tests.verify.shared_files import interop

    [sig] = verify_pdf(interop("test-with-vri.pdf").read_bytes(), cfg=offline).signatures
    filled = [c for c in sig.changes if c.kind == "form_filled"]
    assert filled and not any(c.allowed for c in filled)
    assert sig.sub_indication == "FORMAT_FAILURE"
