"""The reading stages' sections: ingest limits, preprocessing, OCR, classification, extraction, searchable PDFs."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from schemas.settings._section import SECTION


class IngestSettings(BaseModel):
    """Limits and rasterization for reading input files (checked before anything is decoded)."""

    model_config = SECTION

    #: larger files are refused (``file_too_large``)
    max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    #: files with more pages are refused (``too_many_pages``) without walking their pages
    max_pages: int = Field(default=500, ge=1)
    #: pixels per page image after decoding; larger is refused (``image_too_large``: decompression bombs).
    #: Pillow itself refuses image files over 2 × ``PIL.Image.MAX_IMAGE_PIXELS`` (about 179 M) whatever this says
    max_pixels: int = Field(default=150_000_000, ge=1)
    #: dpi used to rasterize a PDF page that has no usable text layer
    raster_dpi: int = Field(default=300, ge=300, le=1200)
    #: images above this resolution are downsampled to it (INTER_AREA) before OCR
    max_dpi: int = Field(default=400, ge=300, le=2400)
    #: characters a PDF page's text layer must have to be read instead of OCR'd
    min_text_chars: int = Field(default=40, ge=1)
    #: seconds allowed to open one file, and again to decode each page (``ingest_timeout``)
    timeout_s: float = Field(default=60.0, ge=0)


class PreprocessSettings(BaseModel):
    """Which OpenCV steps run; each one is kept only where the benchmark shows it helps."""

    model_config = SECTION

    orientation: bool = True
    deskew: bool = True
    max_skew_deg: float = 15.0
    crop: bool = True
    perspective: bool = True
    denoise: bool = True
    normalize_light: bool = True
    #: lift red seals and blue signatures off the text before OCR
    lift_marks: bool = True
    #: unsharp mask on sheets that flattening enlarged (phone photos, cards)
    sharpen: bool = True
    binarize: bool = True
    remove_leaders: bool = True
    #: what tesseract reads: the binary image, the grey one masked to the binary image's ink, or
    #: (auto) grey, except on forms (boxes and leaders) and pages enlarged to working scale (binary)
    ocr_input: Literal["binary", "grey", "auto"] = "auto"
    #: resolution pages are brought to for OCR
    target_dpi: int = 300
    #: preprocessing steps switched off by name (see pipeline.preprocess.FIRST_READ), e.g. ["scale"]
    skip: tuple[str, ...] = ()


class OcrSettings(BaseModel):
    """How tesseract is called."""

    model_config = SECTION

    tesseract_cmd: str = "tesseract"
    lang: str = "vie"
    psm: int = 3
    oem: int = 1
    timeout_s: float = 60.0
    #: worker processes for page-parallel OCR; 0 means one per core
    jobs: int = 0
    #: correct stacked diacritics in names/places where the lexicon is unambiguous
    lexicon_correction: bool = True
    #: where to look for QR codes: ID cards only, every page, or nowhere
    qr: Literal["cards", "all", "off"] = "cards"
    #: tesseract reads every line it read poorly a second time, inverted (white on black). Off, tesseract spent
    #: 8% less CPU and bench/digitize.py read as well (fields 0.9698, CER 0.039 against 0.041), but bench/real.py
    #: had a page worse than raw tesseract (the notice shrunk to 600 px, page 4) and the held-out style's
    #: doc_type fell to 0.9868 (from 0.9934): on
    invert: bool = True


class ClassifySettings(BaseModel):
    """The document-type classifier."""

    model_config = SECTION

    #: the trained model artifact; ``None`` means the one shipped in the package
    model_path: Path | None = None
    #: below this confidence the answer is ``khac`` (an officer decides)
    threshold: float = 0.45


class ExtractSettings(BaseModel):
    """Field extraction and validation."""

    model_config = SECTION

    #: "today" for plausibility checks; ``None`` means the real date
    today: str | None = None


class SearchableSettings(BaseModel):
    """How a scan and its OCR become a searchable PDF."""

    model_config = SECTION

    #: JPEG quality for colour and grey page images
    jpeg_quality: int = 85
    #: write PDF/A-2b (XMP identification, sRGB output intent) where the inputs allow
    pdfa: bool = True
    title: str | None = None
    #: language of the text layer (BCP 47)
    lang: str = "vi"
