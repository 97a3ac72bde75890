"""Measure classification and extraction on degraded corpus pages (seeds below 100000, never trained on).

Run: ``OMP_THREAD_LIMIT=1 .venv/bin/python -m tests.pipeline.extract._corpus_eval --count 9 --start 7000
--profiles scan,photo`` — pages go through the pipeline's own preprocess and OCR stages
(``--raw``: raw pytesseract on the upright page instead). OCR output is cached under ``var/eval-ocr``.
Prints every miss, then doc_type accuracy, field and metadata exact-match, per type and per profile.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.types import OcrPage, Word
from schemas.documents import DocType

CACHE = Path("var/eval-ocr")


def drop_rules(binary: Any) -> Any:
    """Remove thin horizontal rules and dotted leaders (tesseract garbles lines written on them)."""
    import cv2
    import numpy as np

    ink = 255 - binary
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (11, 1)))
    runs = cv2.morphologyEx(joined, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (80, 1)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(runs)
    thin = [i for i in range(1, count) if stats[i, cv2.CC_STAT_HEIGHT] <= 8]
    mask = np.isin(labels, thin).astype(np.uint8) * 255
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    out = binary.copy()
    out[mask > 0] = 255
    return out


def ocr_page(image: Any, number: int, *, key: str) -> OcrPage:
    """Raw pytesseract words of ``image`` as an :class:`OcrPage` (cached by ``key``)."""
    import cv2
    import numpy as np
    import pytesseract

    os.environ["OMP_THREAD_LIMIT"] = "1"
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / ("raw3-" + hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        raw = pytesseract.image_to_data(image, lang="vie", output_type=pytesseract.Output.DICT)
        arr = np.asarray(image.convert("RGB"))[:, :, ::-1]
        text, _, _ = cv2.QRCodeDetector().detectAndDecode(arr)
        data = {"raw": raw, "qr": [text] if text else [], "size": list(image.size)}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    raw = data["raw"]
    lines: dict[tuple[int, int, int], int] = {}
    words: list[Word] = []
    for i, text in enumerate(raw["text"]):
        if not str(text).strip() or float(raw["conf"][i]) < 0:
            continue
        lk = (raw["block_num"][i], raw["par_num"][i], raw["line_num"][i])
        line = lines.setdefault(lk, len(lines))
        x, y, w, h = raw["left"][i], raw["top"][i], raw["width"][i], raw["height"][i]
        words.append(Word(text=str(text), box=(x, y, x + w, y + h), conf=float(raw["conf"][i]) / 100, line=line,
                          block=raw["block_num"][i]))
    width, height = data["size"]
    return OcrPage(number=number, words=tuple(words), width=width, height=height, dpi=300,
                   qr_payloads=tuple(data["qr"]))


def lead_page(image: Any, number: int, dpi: int, *, key: str, rules: bool = False) -> OcrPage:
    """The lead's preprocess + OCR stages on ``image`` (cached by ``key``)."""
    import pickle

    import numpy as np

    from pipeline.ocr import ocr_page as stage_ocr
    from pipeline.preprocess import prepare_page
    from pipeline.types import SourcePage
    from schemas.settings import OcrSettings, PreprocessSettings

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / (f"lead{int(rules)}-" + hashlib.sha256(key.encode()).hexdigest()[:32] + ".pkl")
    if path.is_file():
        page: OcrPage = pickle.loads(path.read_bytes())
        return page
    import dataclasses

    arr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    src = SourcePage(number=number, image=arr, dpi=dpi, origin="image", width=arr.shape[1], height=arr.shape[0])
    prep = prepare_page(src, cfg=PreprocessSettings())
    if rules:
        prep = dataclasses.replace(prep, ocr_image=drop_rules(prep.ocr_image))
    page = stage_ocr(prep, cfg=OcrSettings())
    path.write_bytes(pickle.dumps(page))
    return page


def read_document(doc_type: DocType, seed: int, profile: str, *, raw: bool = False) -> tuple[list[OcrPage], Any]:
    """Render, damage and OCR one corpus document (the lead's stages, or raw tesseract on the upright page)."""
    import corpus

    doc = corpus.render_document(doc_type, seed=seed)
    pages = []
    for i, img in enumerate(doc.pages):
        hurt = corpus.degrade(img, profile=profile, seed=seed + i)
        key = f"{doc_type}:{seed}:{i}:{profile}"
        if raw:
            upright = hurt.image.rotate(hurt.rotation, expand=True) if hurt.rotation else hurt.image
            pages.append(ocr_page(upright, i + 1, key=key))
        else:
            pages.append(lead_page(hurt.image, i + 1, hurt.dpi, key=key))
    return pages, doc


def evaluate(count: int, start: int, profiles: list[str], model_path: Path | bool | None,
             raw: bool = False) -> dict[str, Any]:
    """Type accuracy and field exact-match over ``count`` documents per type and profile."""
    from pipeline.classify import classify, load_classifier
    from pipeline.extract import extract
    from schemas.settings import ClassifySettings, ExtractSettings

    model = load_classifier(model_path) if model_path is not False else None  # type: ignore[arg-type]
    fields_ok: Counter[str] = Counter()
    fields_all: Counter[str] = Counter()
    types_ok = types_all = meta_ok = meta_all = 0
    by_profile: dict[str, list[int]] = {}
    misses: list[str] = []
    for profile in profiles:
        for doc_type in DocType:
            for k in range(count):
                seed = start + k
                pages, doc = read_document(doc_type, seed, profile, raw=raw)
                if model is not None:
                    got = classify(pages, model=model, cfg=ClassifySettings()).doc_type
                    types_all += 1
                    types_ok += got == doc_type
                    if got != doc_type:
                        misses.append(f"TYPE {doc_type} seed={seed} {profile}: got {got}")
                tally = by_profile.setdefault(profile, [0, 0, 0, 0])
                if model is not None:
                    tally[0] += got == doc_type
                    tally[1] += 1
                result = extract(doc_type, pages, cfg=ExtractSettings())
                meta = result.metadata.model_dump()
                for name, want in doc.metadata.items():
                    meta_all += 1
                    meta_ok += meta.get(name) == want
                    if meta.get(name) != want:
                        misses.append(f"META {doc_type}.{name} seed={seed} {profile}: want {want!r} got "
                                      f"{meta.get(name)!r}")
                for name, want in doc.fields.items():
                    fv = result.fields.get(name)
                    fields_all[str(doc_type)] += 1
                    tally[3] += 1
                    if fv is not None and fv.value == want:
                        fields_ok[str(doc_type)] += 1
                        tally[2] += 1
                    else:
                        misses.append(f"{doc_type}.{name} seed={seed} {profile}: want {want!r} got "
                                      f"{fv.value if fv else None!r}")
    total_ok, total = sum(fields_ok.values()), sum(fields_all.values())
    return {
        "doc_type_accuracy": types_ok / types_all if types_all else None,
        "field_exact_match": total_ok / total if total else None,
        "metadata_exact_match": meta_ok / meta_all if meta_all else None,
        "per_type": {t: round(fields_ok[t] / fields_all[t], 3) for t in fields_all},
        "per_profile": {p: {"doc_type": round(t[0] / t[1], 4) if t[1] else None, "fields": round(t[2] / t[3], 4),
                            "documents": t[1]} for p, t in by_profile.items()},
        "misses": misses,
    }


def main() -> None:
    """Command-line entry: print the figures and the misses."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--start", type=int, default=5000)
    parser.add_argument("--profiles", default="scan,bad_scan,scan_200dpi,fax")
    parser.add_argument("--no-classify", action="store_true")
    parser.add_argument("--raw", action="store_true", help="raw tesseract instead of the pipeline's stages")
    args = parser.parse_args()
    report = evaluate(args.count, args.start, args.profiles.split(","), False if args.no_classify else None,
                      raw=args.raw)
    for miss in report.pop("misses"):
        print(miss)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
