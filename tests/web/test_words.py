"""Every code a page can meet has Vietnamese words: error codes, fields, document types, flags."""

from __future__ import annotations

import re
from pathlib import Path

from api.web import DOC_TYPE_NAMES, ERROR_MESSAGES, FIELD_LABELS, FLAG_WORDS, flag_words, message_for, page_words
from pipeline.extract._fields import _BAD_FLAGS
from schemas.documents import DOC_TYPE_FIELDS, METADATA_FIELDS, DocType
from schemas.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[2]
FLAG_CONSTANT = re.compile(r'^[A-Z_]+ = "([a-z_]+)"', re.MULTILINE)


def test_every_error_code_has_a_vietnamese_message_that_says_what_to_do() -> None:
    missing = [code.value for code in ErrorCode if code.value not in ERROR_MESSAGES]
    assert missing == []
    unknown = sorted(set(ERROR_MESSAGES) - {code.value for code in ErrorCode})
    assert unknown == []  # a message for a code that does not exist is a typo
    for code, text in ERROR_MESSAGES.items():
        assert "Hãy" in text or "hãy" in text, f"{code}: says what happened but not what to do"


def test_an_unknown_code_gets_the_generic_message_not_nothing() -> None:
    assert message_for("a_code_from_a_newer_server") == ERROR_MESSAGES["internal"]
    assert message_for("encrypted_pdf").startswith("Tệp PDF có mật khẩu")


def test_every_field_of_the_contract_and_every_document_type_has_a_label() -> None:
    names = {n for fields in DOC_TYPE_FIELDS.values() for n in fields} | set(METADATA_FIELDS)
    assert sorted(names - set(FIELD_LABELS)) == []
    assert sorted({t.value for t in DocType} - set(DOC_TYPE_NAMES)) == []


def test_every_flag_the_extractor_sets_has_words() -> None:
    sources = [*(ROOT / "pipeline" / "extract").glob("*.py"), *(ROOT / "pipeline" / "lexicon").glob("*.py")]
    flags = {m for path in sources for m in FLAG_CONSTANT.findall(path.read_text(encoding="utf-8"))} | set(_BAD_FLAGS)
    assert "id_birth_year_mismatch" in flags  # the scan itself works
    assert sorted(flags - set(FLAG_WORDS)) == []
    assert flag_words("id_birth_year_mismatch") == "Số định danh không khớp năm sinh"
    assert flag_words("brand_new_flag") == "Cần kiểm tra (brand_new_flag)"


def test_the_pages_check_codes_with_the_same_patterns_as_the_server() -> None:
    codes = page_words()["codes"]
    assert "(?<agency>" in codes["dossier"] and "(?P<" not in codes["dossier"]
    assert codes["provinces"]["001"]
