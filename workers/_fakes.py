"""In-tree fakes of the pipeline seams, for tests, the burst and outage runs, and benchmarks.

:class:`FakeDigitizer` reads a real image (PNG/JPEG/TIFF, any size) and makes a
real one-page-per-frame PDF of it, but takes its "reading" from the image
itself: a PNG text chunk ``sohoa-fake`` holding JSON such as
``{"doc_type": "can_cuoc", "fields": {"ho_ten": "Nguyễn Văn An"}, "delay_s": 2,
"fail": "corrupt_image"}``. :func:`fake_scan` writes such images.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from PIL import Image, ImageSequence, PngImagePlugin, UnidentifiedImageError

from schemas.documents import ComponentResult, DigitizeResult, DocType, FieldValue, Metadata, PageInfo
from schemas.errors import ErrorCode, InputError, TransientError
from store.records import SignatureInput
from workers._seams import DigitizeOutput, SignedPdf, SignRole

CHUNK = "sohoa-fake"


def fake_scan(spec: Mapping[str, Any] | None = None, *, size: tuple[int, int] = (320, 200),
              seed: int = 0) -> bytes:
    """A small PNG that :class:`FakeDigitizer` reads as ``spec`` says (``seed`` varies the pixels)."""
    img = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    img.putpixel((seed % size[0], (seed // size[0]) % size[1]), (255, 255, 255))
    info = PngImagePlugin.PngInfo()
    info.add_itxt(CHUNK, json.dumps(dict(spec or {}), ensure_ascii=False))
    out = io.BytesIO()
    img.save(out, "PNG", pnginfo=info, dpi=(300, 300))
    return out.getvalue()


class FakeDigitizer:
    """Decodes the image for real, reads its fields from the ``sohoa-fake`` chunk.

    Args:
        transient_failures: how many calls per distinct scan fail with ``storage_unavailable``
            before it succeeds (tests of retries with backoff).
    """

    def __init__(self, *, transient_failures: int = 0) -> None:
        self.transient_failures = transient_failures
        self.calls: dict[str, int] = {}

    def digitize(self, scan: bytes, *, name: str) -> DigitizeOutput:
        """Read ``scan``; raises ``InputError`` for undecodable bytes, as the real ingest does."""
        sha = hashlib.sha256(scan).hexdigest()
        self.calls[sha] = self.calls.get(sha, 0) + 1
        if self.calls[sha] <= self.transient_failures:
            raise TransientError("fake outage", detail={"call": self.calls[sha]})
        try:
            img = Image.open(io.BytesIO(scan))
            frames = [f.convert("RGB") for f in ImageSequence.Iterator(img)]
        except (UnidentifiedImageError, OSError) as e:
            raise InputError("not an image", code=ErrorCode.CORRUPT_IMAGE, detail={"file": name}) from e
        spec = json.loads(img.info.get(CHUNK) or "{}")
        time.sleep(float(spec.get("delay_s", 0)))
        if spec.get("fail"):
            raise InputError(f"fake failure {spec['fail']}", code=ErrorCode(spec["fail"]))
        dpi = int(img.info.get("dpi", (300, 300))[0])
        pages = tuple(PageInfo(number=i, source="ocr", width=f.width, height=f.height, dpi=dpi,
                               color=img.mode not in ("1", "L")) for i, f in enumerate(frames, start=1))
        part = ComponentResult(
            doc_type=DocType(spec.get("doc_type", "khac")), confidence=0.9, page_range=(1, len(frames)),
            fields={k: FieldValue(value=v, confidence=0.9, page=1) for k, v in spec.get("fields", {}).items()},
            metadata=Metadata(**spec.get("metadata", {})), text=spec.get("text", ""),
        )
        result = DigitizeResult(file=name, doc_type=part.doc_type, confidence=part.confidence,
                                pages=len(frames), page_info=pages, components=(part,), sha256=sha)
        pdf = io.BytesIO()
        frames[0].save(pdf, "PDF", resolution=float(dpi), save_all=True, append_images=frames[1:])
        return DigitizeOutput(result, pdf.getvalue())


#: a PDF comment that makes :class:`FakeSigner` take this many seconds (tests of workers killed mid-job)
SIGN_DELAY_MARK = b"%sohoa-fake-sign-delay="


class FakeSigner:
    """Appends a marker comment instead of a signature (the PDF stays readable); records the facts.

    A PDF holding ``%sohoa-fake-sign-delay=<seconds>`` is signed that much later, so a
    test can kill a worker while it signs.
    """

    def __init__(self, *, name: str = "Cán bộ Thử nghiệm (FAKE)") -> None:
        self.name = name
        self.signed = 0

    def sign(self, pdf: bytes, *, role: SignRole, meta: Mapping[str, str],
             level: Literal["B-B", "B-T", "B-LT", "B-LTA"] | None = None) -> SignedPdf:
        """``pdf`` plus ``%sohoa-fake-signature``; refuses what is not a PDF like the real one."""
        if not pdf.startswith(b"%PDF-"):
            raise InputError("not a PDF", code=ErrorCode.NOT_A_PDF)
        at = pdf.find(SIGN_DELAY_MARK)
        if at >= 0:
            digits = pdf[at + len(SIGN_DELAY_MARK):at + len(SIGN_DELAY_MARK) + 8].split(b"\n")[0]
            time.sleep(float(digits or b"0"))
        self.signed += 1
        now = datetime.now(UTC)
        data = pdf + f"\n%sohoa-fake-signature role={role} at={now.isoformat()}\n".encode()
        return SignedPdf(data, SignatureInput(role=role, signer_name=self.name, cert_serial="00",
                                              level=level or "B-B", signed_at=now))
