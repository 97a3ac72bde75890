"""Signing throughput: our signer (key loaded once, shared caches) beside naive pyHanko use, same run.

Usage: ``.venv/bin/python bench/sign.py [--n 20] [--levels B-B,B-T,B-LT,B-LTA] [--quick]``

Prints, in one run against the development PKI's TSA and OCSP on 127.0.0.1:

1. signatures per second for a 1-page and a 50-page PDF, at each level, for
   RSA-PSS-2048 and ECDSA P-256, with the Vietnamese "scan" stamp and without;
2. the cost split: hash, key operation, stamp, TSA round trip (our shared
   session, and a fresh session per request as pyHanko does by default), OCSP
   round trip, a fresh chain check;
3. the services: one B-LTA signature and one TSA round trip against our
   responders and against certomancer's animator on the same port;
4. the anchor: naive pyHanko (``SimpleSigner.load_pkcs12`` + ``sign_pdf`` per
   document, a fresh validation context for B-LT/B-LTA) at every level.

``--quick`` keeps the 1-page RSA rows only (about 20 s).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.sign import LEVELS, Level, Signer, load_signer, sign_pdf
from pki import DevPki, DevPkiServices, ensure_dev_pki, serve_dev_pki
from schemas.settings import SignSettings
from tests.fixtures_pki import free_port, make_pdf


def rate(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """(operations per second, ms per operation) over ``n`` runs after one warm-up."""
    fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    per = (time.perf_counter() - start) / n
    return 1.0 / per, per * 1000


def naive(data: bytes, pki: DevPki, level: str) -> bytes:
    """The naive use of pyHanko: load the PKCS#12 and sign, once per document."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko_certvalidator import ValidationContext

    from pipeline.sign import load_certs

    ident = pki.identities["officer"]
    password = ident.pkcs12_password_file.read_bytes().strip()
    signer = signers.SimpleSigner.load_pkcs12(str(ident.pkcs12), passphrase=password,  # type: ignore[no-untyped-call]
                                              prefer_pss=True)
    assert signer is not None
    long_term = level in ("B-LT", "B-LTA")
    context = ValidationContext(trust_roots=load_certs([pki.root_cert]), allow_fetching=True) if long_term else None
    meta = signers.PdfSignatureMetadata(field_name="Sig", subfilter=fields.SigSeedSubFilter.PADES,
                                        embed_validation_info=long_term, use_pades_lta=level == "B-LTA",
                                        validation_context=context)
    ts = HTTPTimeStamper(pki.tsa_url) if level != "B-B" else None
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer, timestamper=ts)
    return bytes(out.getbuffer())


def table(cfg: SignSettings, signer: Signer, key_name: str, docs: dict[str, bytes], *, levels: list[Level],
          n: int) -> None:
    """Signatures per second for every document, level and stamp."""
    for doc_name, data in docs.items():
        for level in levels:
            for stamp in ("none", "scan"):
                n_here = n if level in ("B-B", "B-T") else max(3, n // 2)
                per_s, ms = rate(lambda: sign_pdf(data, signer=signer, level=level,  # noqa: B023
                                                  appearance=stamp, cfg=cfg), n_here)  # noqa: B023
                print(f"{key_name:<13} {doc_name:<4} {level:<6} {stamp:<6} {per_s:7.1f} {ms:8.1f}")


def split(cfg: SignSettings, signer: Signer, data: bytes, n: int) -> None:
    """Where the time of one signature goes."""
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko_certvalidator.authority import AuthorityWithCert
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

    from pipeline.sign._trust import check_signing_cert, validation_context

    _, hash_ms = rate(lambda: hashlib.sha256(data).digest(), n)
    backend: Any = signer.backend  # the in-memory signer: its raw key operation
    _, key_ms = rate(lambda: backend.sign_raw(b"x" * 32, "sha256"), n)
    _, none_ms = rate(lambda: sign_pdf(data, signer=signer, level="B-B", appearance="none", cfg=cfg), n)
    _, scan_ms = rate(lambda: sign_pdf(data, signer=signer, level="B-B", appearance="scan", cfg=cfg), n)
    shared = signer.timestamper(cfg)
    _, tsa_ms = rate(lambda: signer.loop.run(shared.async_timestamp(os.urandom(32), "sha256")), n)
    fresh = HTTPTimeStamper(cfg.tsa_url)  # pyHanko's default: a new session for every request
    _, tsa_fresh_ms = rate(lambda: signer.loop.run(fresh.async_timestamp(os.urandom(32), "sha256")), n)

    fetchers = AIOHttpFetcherBackend()
    issuer = AuthorityWithCert(next(c for c in signer.chain if c.subject == signer.cert.issuer))

    async def ocsp_once() -> None:
        # a fresh fetcher has no cache; the backend's session is kept
        await fetchers.get_fetchers().ocsp_fetcher.fetch(signer.cert, issuer)

    _, ocsp_ms = rate(lambda: signer.loop.run(ocsp_once()), n)
    signer.loop.run(fetchers.close())  # type: ignore[no-untyped-call]

    async def chain_once() -> None:
        chain_backend = AIOHttpFetcherBackend()
        ctx = validation_context(roots=list(signer.roots), others=signer.chain, backend=chain_backend)
        try:
            await check_signing_cert(signer.cert, signer.chain, ctx)
        finally:
            await chain_backend.close()  # type: ignore[no-untyped-call]

    _, chain_ms = rate(lambda: asyncio.run(chain_once()), max(3, n // 4))
    print(f"  split: hash {hash_ms:.2f} ms, key op {key_ms:.2f} ms, B-B total {none_ms:.1f} ms, "
          f"stamp +{scan_ms - none_ms:.1f} ms,\n"
          f"         TSA round trip {tsa_ms:.1f} ms (shared session; {tsa_fresh_ms:.1f} ms with a new session "
          f"per request), OCSP round trip {ocsp_ms:.1f} ms,\n"
          f"         fresh chain check incl. OCSP+CRL {chain_ms:.1f} ms (done once per cache period)")


class _Animator(DevPkiServices):
    """certomancer's own aiohttp animator on the PKI's port, for comparison."""

    async def _start(self) -> None:
        from aiohttp import web
        from certomancer.integrations.aiohttp_animator import build_animator_app

        arch = self.pki.load_arch()
        app = build_animator_app({arch.arch_label: arch}, with_web_ui=False, allow_time_override=False)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port, reuse_address=True).start()


def services(cfg: SignSettings, pki: DevPki, data: bytes, n: int, ours: DevPkiServices) -> None:
    """One B-LTA signature and one TSA round trip: our responders, then certomancer's animator."""
    print("\nservices: B-LTA, RSA-PSS-2048, 1 page, no stamp, our signer (shared session and caches)")
    for name in ("ours", "certomancer animator"):
        if name != "ours":
            ours.stop()
            ours = _Animator(pki, "127.0.0.1", pki.port, None).start()
        signer = load_signer(cfg, role="officer")
        try:
            _, lta_ms = rate(lambda: sign_pdf(data, signer=signer, level="B-LTA", appearance="none",  # noqa: B023
                                              cfg=cfg), max(5, n))
            stamper = signer.timestamper(cfg)
            _, tsa_ms = rate(lambda: signer.loop.run(stamper.async_timestamp(os.urandom(32), "sha256")),  # noqa: B023
                             max(5, n))
        finally:
            signer.close()
        print(f"  {name:<21} B-LTA {lta_ms:7.1f} ms/sig   TSA round trip {tsa_ms:6.1f} ms")
    ours.stop()


def anchor(pki: DevPki, data: bytes, levels: list[Level], n: int) -> None:
    """Naive pyHanko at every level."""
    print("\nanchor: naive pyHanko (load_pkcs12 + sign_pdf per document), RSA-PSS-2048, 1 page, no stamp")
    for level in levels:
        per_s, ms = rate(lambda: naive(data, pki, level), max(3, n // 4))  # noqa: B023
        print(f"naive         1p   {level:<6} none   {per_s:7.1f} {ms:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--levels", default="B-B,B-T,B-LT,B-LTA")
    parser.add_argument("--quick", action="store_true", help="1-page RSA rows only")
    args = parser.parse_args()
    levels = [cast(Level, lv) for lv in args.levels.split(",") if lv in LEVELS]
    with tempfile.TemporaryDirectory() as tmp:
        pki = ensure_dev_pki(Path(tmp) / "pki", port=free_port())
        ours = serve_dev_pki(pki)
        cfg = SignSettings(key_source="dev", dev_pki_dir=pki.directory, tsa_url=pki.tsa_url,
                           trust_roots=(pki.root_cert,))
        docs = {"1p": make_pdf(1)} if args.quick else {"1p": make_pdf(1), "50p": make_pdf(50)}
        keys = {"RSA-PSS-2048": "officer"} if args.quick else {"RSA-PSS-2048": "officer", "ECDSA-P256": "officer-ec"}
        print(f"{'key':<13} {'doc':<4} {'level':<6} {'stamp':<6} {'sig/s':>7} {'ms/sig':>8}")
        for key_name, ident in keys.items():
            signer = load_signer(cfg, role="officer", identity=ident)
            try:
                table(cfg, signer, key_name, docs, levels=levels, n=args.n)
                split(cfg, signer, docs["1p"], args.n)
            finally:
                signer.close()
        anchor(pki, docs["1p"], levels, args.n)
        services(cfg, pki, docs["1p"], args.n, ours)


if __name__ == "__main__":
    main()
