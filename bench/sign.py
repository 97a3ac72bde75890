"""Signing throughput: our signer (key loaded once, shared caches) beside naive pyHanko use, same run.

Usage: ``.venv/bin/python bench/sign.py [--n 20] [--levels B-B,B-T,B-LT,B-LTA]``

Prints signatures per second for a 1-page and a 50-page PDF, at each level,
for RSA-PSS-2048 and ECDSA P-256, with the Vietnamese "scan" stamp and without,
then the cost split (hash, key operation, stamp, TSA and OCSP round trips),
then the anchor: ``SimpleSigner.load_pkcs12`` + ``sign_pdf`` per document.
The TSA and OCSP are the development PKI's, served on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.sign import load_signer, sign_pdf
from pki import ensure_dev_pki, serve_dev_pki
from schemas.settings import SignSettings
from tests.fixtures_pki import free_port, make_pdf


def rate(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """(signatures per second, ms per signature) over ``n`` runs after one warm-up."""
    fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    per = (time.perf_counter() - start) / n
    return 1.0 / per, per * 1000


def naive(data: bytes, p12: Path, password: bytes, level: str, tsa_url: str) -> bytes:
    """The naive use of pyHanko: load the PKCS#12 and sign, once per document."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=password, prefer_pss=True)
    assert signer is not None
    meta = signers.PdfSignatureMetadata(field_name="Sig", subfilter=fields.SigSeedSubFilter.PADES)
    ts = HTTPTimeStamper(tsa_url) if level != "B-B" else None
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer, timestamper=ts)
    return bytes(out.getbuffer())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--levels", default="B-B,B-T,B-LT,B-LTA")
    args = parser.parse_args()
    levels = args.levels.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        pki = ensure_dev_pki(Path(tmp) / "pki", port=free_port())
        with serve_dev_pki(pki):
            cfg = SignSettings(key_source="dev", dev_pki_dir=pki.directory, tsa_url=pki.tsa_url,
                               trust_roots=(pki.root_cert,))
            docs = {"1p": make_pdf(1), "50p": make_pdf(50)}
            run(cfg, pki, docs, levels, args.n)


def run(cfg: SignSettings, pki, docs: dict[str, bytes], levels: list[str], n: int) -> None:  # type: ignore[no-untyped-def]
    keys = {"RSA-PSS-2048": "officer", "ECDSA-P256": "officer-ec"}
    print(f"{'key':<13} {'doc':<4} {'level':<6} {'stamp':<6} {'sig/s':>7} {'ms/sig':>8}")
    for key_name, ident in keys.items():
        signer = load_signer(cfg, role="officer", identity=ident)
        for doc_name, data in docs.items():
            for level in levels:
                for stamp in ("none", "scan"):
                    n_here = n if level in ("B-B", "B-T") else max(3, n // 4)
                    per_s, ms = rate(lambda: sign_pdf(data, signer=signer, level=level,  # noqa: B023
                                                      appearance=stamp, cfg=cfg), n_here)  # noqa: B023
                    print(f"{key_name:<13} {doc_name:<4} {level:<6} {stamp:<6} {per_s:7.1f} {ms:8.1f}")
        split(cfg, signer, docs["1p"], n)
        signer.close()
    print("\nanchor: naive pyHanko (load_pkcs12 + sign_pdf per document), RSA-PSS-2048, 1 page, no stamp")
    ident = pki.identities["officer"]
    password = ident.pkcs12_password_file.read_bytes().strip()
    for level in ("B-B", "B-T"):
        per_s, ms = rate(lambda: naive(docs["1p"], ident.pkcs12, password, level, pki.tsa_url),  # noqa: B023
                         max(3, n // 4))
        print(f"naive         1p   {level:<6} none   {per_s:7.1f} {ms:8.1f}")


def split(cfg: SignSettings, signer, data: bytes, n: int) -> None:  # type: ignore[no-untyped-def]
    """Where the time of one signature goes."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    from pipeline.sign._trust import check_signing_cert, validation_context

    _, hash_ms = rate(lambda: hashlib.sha256(data).digest(), n)
    _, key_ms = rate(lambda: signer.backend.sign_raw(b"x" * 32, "sha256"), n)
    _, none_ms = rate(lambda: sign_pdf(data, signer=signer, level="B-B", appearance="none", cfg=cfg), n)
    _, scan_ms = rate(lambda: sign_pdf(data, signer=signer, level="B-B", appearance="scan", cfg=cfg), n)
    stamper = HTTPTimeStamper(cfg.tsa_url)
    _, tsa_ms = rate(lambda: signer.loop.run(stamper.async_timestamp(b"\0" * 32, "sha256")), n)

    async def ocsp_once() -> None:
        ctx = validation_context(roots=list(signer.roots), others=signer.chain)
        await check_signing_cert(signer.cert, signer.chain, ctx)

    _, ocsp_ms = rate(lambda: asyncio.run(ocsp_once()), max(3, n // 4))
    print(f"  split: hash {hash_ms:.2f} ms, key op {key_ms:.2f} ms, B-B total {none_ms:.1f} ms, "
          f"stamp +{scan_ms - none_ms:.1f} ms, TSA round trip {tsa_ms:.1f} ms, "
          f"fresh chain check incl. OCSP {ocsp_ms:.1f} ms (cached after the first signature)")


if __name__ == "__main__":
    main()
