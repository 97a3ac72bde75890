"""The resolution system's routes: submit a result PDF to be signed by the agency, follow the job, fetch the file."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from api._idem import idempotent
from api._models import CallbackAttemptOut, JobAccepted, ResultJobOut
from api._responses import FILE_RESPONSES, errors, file_response
from api._upload import cleaned, read_upload
from api.deps import Caller, Services
from schemas.errors import ErrorCode, InputError
from store import put_source
from store.objects import Bucket
from store.records import FileRef, callback_attempts, check_result_request, create_result_job, get_result_job
from workers import check_callback_url

router = APIRouter(prefix="/v1", tags=["resolution system"])

JobId = Annotated[str, Path(max_length=36)]
Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]

_MULTIPART = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "ma_ho_so", "ten_giay_to"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "the result, a PDF"},
        "ma_ho_so": {"type": "string", "maxLength": 64, "example": "000.00.15.H55-261206-0001"},
        "ten_giay_to": {"type": "string", "maxLength": 300, "example": "Giấy chứng nhận đăng ký hộ kinh doanh"},
        "so_ky_hieu": {"type": "string", "maxLength": 100, "example": "15/GCN-UBND"},
        "level": {"type": "string", "enum": ["B-B", "B-T", "B-LT", "B-LTA"], "default": "B-LT"},
        "callback_url": {"type": "string", "maxLength": 2000, "format": "uri",
                         "description": "called when the job ends (must be in the allow-list)"},
    }}}}}}


class ResultForm(BaseModel):
    """The form fields of a result submission."""

    ma_ho_so: str
    ten_giay_to: str
    so_ky_hieu: str | None = None
    level: Level = "B-LT"
    callback_url: str | None = None


def _form(fields: dict[str, str]) -> ResultForm:
    try:
        form = ResultForm(**{k: v for k, v in fields.items() if k in ResultForm.model_fields and v != ""})
    except ValidationError as e:
        problems = [{"loc": [str(x) for x in err["loc"]], "msg": err["msg"]} for err in e.errors()]
        raise InputError("the result's form fields are not valid", detail={"errors": problems}) from e
    if len(form.ma_ho_so) > 64 or len(form.ten_giay_to) > 300 or len(form.so_ky_hieu or "") > 100:
        raise InputError("a form field is too long")
    return form


@router.post("/results", status_code=202, response_model=JobAccepted, summary="Submit a result to be signed",
             responses=errors(404, 413, 415), openapi_extra=_MULTIPART)
async def submit(request: Request, services: Services, by: Caller) -> JSONResponse:
    """The result PDF (``file``) and its form fields; the agency signs it (the signer, then the seal) at the
    level asked (B-LT by default) in the background. The job's code is ``{ma_ho_so}-KQ{n}`` once done;
    ``callback_url`` (from the allow-list) is called then, signed with HMAC-SHA256."""
    cfg = services.settings

    def allowed(ma_ho_so: str | None) -> None:
        with services.store.records.transaction() as s:
            check_result_request(s, by, ma_ho_so)

    await run_in_threadpool(allowed, None)  # 403 for other roles before a byte of the body is read
    form_data = await read_upload(request, tmp_dir=services.tmp_dir, max_file_bytes=cfg.ingest.max_bytes, max_files=1)
    with cleaned(form_data):
        fields = _form(form_data.fields)
        await run_in_threadpool(allowed, fields.ma_ho_so)
        pdfs = [f for f in form_data.files if f.field == "file"]
        if len(pdfs) != 1:
            raise InputError("send the result PDF in the form field `file`")
        pdf = pdfs[0]
        if fields.callback_url:
            check_callback_url(fields.callback_url, cfg.callbacks)

        async def work() -> tuple[int, BaseModel]:
            def run() -> str:
                from pipeline.ingest import count_pages

                if not pdf.head.startswith(b"%PDF-"):
                    raise InputError("the result must be a PDF", code=ErrorCode.NOT_A_PDF)
                pages = count_pages(pdf.source, name="result.pdf", cfg=cfg.ingest)
                stored = put_source(services.store.objects, Bucket.DOCUMENTS, pdf.source,
                                    content_type="application/pdf", owner="", digest=(pdf.sha256, pdf.size))
                with services.store.records.transaction() as s:
                    job = create_result_job(s, by, ma_ho_so=fields.ma_ho_so, ten_giay_to=fields.ten_giay_to,
                                            so_ky_hieu=fields.so_ky_hieu, level=fields.level, source=stored,
                                            page_count=pages, callback_url=fields.callback_url)
                services.dispatcher.sign_result(job.id)
                services.metrics.jobs.labels("result").inc()
                return job.id

            return 202, JobAccepted(job_id=await run_in_threadpool(run))

        return await idempotent(request, services, by, work, pdf.sha256, fields.model_dump_json())


@router.get("/results/{job_id}", response_model=ResultJobOut, summary="A result job", responses=errors(404))
def result(job_id: JobId, services: Services, by: Caller) -> ResultJobOut:
    """``queued``, ``running``, ``done`` (with ``ma_ket_qua``) or ``failed`` (with the error code)."""
    with services.store.records.read_transaction() as s:
        return ResultJobOut.of(get_result_job(s, by, job_id))


@router.get("/results/{job_id}/file", summary="The signed result", response_class=Response,
            responses={**FILE_RESPONSES, **errors(404, 409)})
def result_bytes(job_id: JobId, services: Services, by: Caller, redirect: bool = False) -> Any:
    """The PDF signed by the signer and sealed by the agency; 409 while the job is not done."""
    from schemas.errors import ConflictError
    from store.records import document_file

    with services.store.records.read_transaction() as s:
        job = get_result_job(s, by, job_id)
        if job.state != "done" or job.document_id is None:
            raise ConflictError("the result is not signed yet", detail={"state": job.state})
        ref = document_file(s, by, job.document_id, "signed")
    name = f"{job.ma_ket_qua or job.id}.pdf"
    return file_response(services, FileRef(ref.bucket, ref.key, ref.content_type, name), redirect=redirect)


@router.get("/results/{job_id}/callbacks", response_model=list[CallbackAttemptOut],
            summary="Every attempt at the job's callback", responses=errors(404))
def callbacks(job_id: JobId, services: Services, by: Caller) -> list[CallbackAttemptOut]:
    """When each call was made, what came back, how long it took."""
    with services.store.records.read_transaction() as s:
        return [CallbackAttemptOut.of(a) for a in callback_attempts(s, by, job_id)]


