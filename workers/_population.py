"""The population-data seam: look a ``so_dinh_danh`` up in the national population database, and
cross-check what extraction read against it.

A :class:`CitizenRegistry` answers with the registered name, date of birth and sex. Production
uses :class:`HttpCitizenRegistry` (the configured service); tests and development use
:class:`FakeCitizenRegistry`, fed from a fixtures file; :func:`make_citizen_registry` chooses by
name (``SOHOA_REGISTRY__BACKEND``), and ``none`` (the default) leaves the pipeline as it was.

:func:`cross_check` never changes a value: a field that disagrees with the registry gets the
flag ``registry_mismatch`` (an officer decides). A registry that cannot be reached adds no flag
and fails nothing: the check is skipped and the reason returned, for the audit log.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from schemas.documents import ComponentResult, DigitizeResult, FieldValue
from schemas.errors import ConfigError, ErrorCode, TransientError
from schemas.settings import RegistrySettings, Settings

#: the flag a field gets when the registry holds another value for it
REGISTRY_MISMATCH = "registry_mismatch"

#: a person's id field, and the fields of the same person beside it (registry name -> field name)
PERSONS: tuple[tuple[str, dict[str, str]], ...] = (
    ("so_dinh_danh", {"ho_ten": "ho_ten", "ngay_sinh": "ngay_sinh", "gioi_tinh": "gioi_tinh"}),
    ("so_dinh_danh_chong", {"ho_ten": "ho_ten_chong", "ngay_sinh": "ngay_sinh_chong"}),
    ("so_dinh_danh_vo", {"ho_ten": "ho_ten_vo", "ngay_sinh": "ngay_sinh_vo"}),
)


@dataclass(frozen=True)
class RegisteredPerson:
    """What the population database holds for one ``so_dinh_danh``.

    Attributes:
        so_dinh_danh: the 12-digit personal id.
        ho_ten: the registered name (NFC, with diacritics).
        ngay_sinh: date of birth, ISO ``YYYY-MM-DD``.
        gioi_tinh: ``Nam`` or ``Nữ``.
    """

    so_dinh_danh: str
    ho_ten: str | None
    ngay_sinh: str | None
    gioi_tinh: str | None

    def get(self, name: str) -> str | None:
        """The registered value of ``ho_ten``, ``ngay_sinh`` or ``gioi_tinh``."""
        value: str | None = getattr(self, name)
        return value


class RegistryUnavailableError(TransientError):
    """The registry did not answer, timed out, refused our token, or answered something unreadable."""

    code = ErrorCode.REGISTRY_UNAVAILABLE


class CitizenRegistry(Protocol):
    """Looks a person up by ``so_dinh_danh``."""

    def lookup(self, so_dinh_danh: str) -> RegisteredPerson | None:
        """The registered person, ``None`` when the registry holds no one under this id.

        Raises:
            RegistryUnavailableError: the registry could not be asked.
        """


def person_of(data: object, so_dinh_danh: str) -> RegisteredPerson:
    """A registry answer (a JSON object) as a :class:`RegisteredPerson`.

    Raises:
        RegistryUnavailableError: not an object with string values.
    """
    if not isinstance(data, dict) or not all(v is None or isinstance(v, str) for v in data.values()):
        raise RegistryUnavailableError("the registry answered something unreadable", detail={"id": so_dinh_danh})
    return RegisteredPerson(so_dinh_danh, data.get("ho_ten"), data.get("ngay_sinh"), data.get("gioi_tinh"))


class FakeCitizenRegistry:
    """Answers from a dict of ``so_dinh_danh`` -> ``{ho_ten, ngay_sinh, gioi_tinh}`` (a fixtures file)."""

    def __init__(self, people: dict[str, dict[str, str | None]]) -> None:
        self.people = people

    @classmethod
    def from_file(cls, path: Path) -> FakeCitizenRegistry:
        """The fixtures in a JSON file.

        Raises:
            ConfigError: a missing or malformed file.
        """
        try:
            people = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ConfigError("the registry fixtures file cannot be read", detail={"path": str(path)}) from e
        if not isinstance(people, dict):
            raise ConfigError("the registry fixtures file must hold one object by so_dinh_danh",
                              detail={"path": str(path)})
        return cls(people)

    def lookup(self, so_dinh_danh: str) -> RegisteredPerson | None:
        found = self.people.get(so_dinh_danh)
        return None if found is None else person_of(found, so_dinh_danh)


class HttpCitizenRegistry:
    """The configured registry service: ``GET {url}/citizens/{so_dinh_danh}`` with a bearer token.

    200 with the person, 404 for an id it does not hold; anything else, a time-out or a refused
    connection is :class:`RegistryUnavailableError`.
    """

    def __init__(self, cfg: RegistrySettings) -> None:
        if not cfg.url:
            raise ConfigError("SOHOA_REGISTRY__URL must be set for the http registry",
                              code=ErrorCode.CONFIG_INVALID)
        self.url = cfg.url.rstrip("/")
        self.timeout_s = cfg.timeout_s
        self.headers = {"Authorization": f"Bearer {cfg.token.get_secret_value()}"} if cfg.token else {}

    def lookup(self, so_dinh_danh: str) -> RegisteredPerson | None:
        try:
            answer = httpx.get(f"{self.url}/citizens/{so_dinh_danh}", headers=self.headers, timeout=self.timeout_s,
                               follow_redirects=False)
        except httpx.HTTPError as e:
            raise RegistryUnavailableError(f"the registry could not be reached: {type(e).__name__}",
                                      detail={"url": self.url}) from e
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise RegistryUnavailableError(f"the registry answered {answer.status_code}",
                                      detail={"url": self.url, "status": answer.status_code})
        try:
            data = answer.json()
        except ValueError as e:
            raise RegistryUnavailableError("the registry answered something unreadable",
                                           detail={"url": self.url}) from e
        return person_of(data, so_dinh_danh)


def make_citizen_registry(settings: Settings) -> CitizenRegistry | None:
    """The registry ``settings.registry.backend`` names; ``None`` for ``none`` (no cross-check).

    Raises:
        ConfigError: the fake in production, or a backend without what it needs.
    """
    cfg = settings.registry
    if cfg.backend == "none":
        return None
    if cfg.backend == "fake":
        if settings.environment == "production":
            raise ConfigError("SOHOA_REGISTRY__BACKEND=fake is for tests; refused in production",
                              code=ErrorCode.INSECURE_CONFIG)
        if cfg.fixtures is None:
            raise ConfigError("SOHOA_REGISTRY__FIXTURES must name the fake registry's file")
        return FakeCitizenRegistry.from_file(cfg.fixtures)
    return HttpCitizenRegistry(cfg)


@dataclass(frozen=True)
class CrossCheck:
    """A result after the cross-check.

    Attributes:
        result: the result, with ``registry_mismatch`` on each field that disagrees (values unchanged).
        checked: the ids looked up and found.
        mismatches: ``{id field: [fields that disagree]}``.
        warning: why the check was skipped (the registry could not be asked), ``None`` otherwise.
    """

    result: DigitizeResult
    checked: tuple[str, ...] = ()
    mismatches: dict[str, list[str]] | None = None
    warning: str | None = None


def _same(name: str, read: str, registered: str) -> bool:
    if name == "ho_ten":
        def norm(s: str) -> str:
            return " ".join(unicodedata.normalize("NFC", s).casefold().split())
        return norm(read) == norm(registered)
    return read.strip() == registered.strip()


def cross_check(result: DigitizeResult, registry: CitizenRegistry | None) -> CrossCheck:
    """Compare each person's name, date of birth and sex read from ``result`` with the registry's.

    Only fields that were read and that the registry holds are compared; nothing is overwritten.
    A registry that cannot be asked ends the check with a ``warning`` and no flag.
    """
    if registry is None or result.error is not None:
        return CrossCheck(result)
    parts: list[ComponentResult] = []
    checked: list[str] = []
    mismatches: dict[str, list[str]] = {}
    try:
        for part in result.components:
            fields = dict(part.fields)
            for id_field, same_person in PERSONS:
                ident = fields.get(id_field)
                if ident is None or not ident.value:
                    continue
                person = registry.lookup(ident.value)
                if person is None:
                    continue
                checked.append(ident.value)
                wrong = [field for reg, field in same_person.items()
                         if (v := fields.get(field)) is not None and v.value and (r := person.get(reg))
                         and not _same(reg, v.value, r)]
                for field in wrong:
                    fields[field] = _flagged(fields[field])
                if wrong:
                    mismatches.setdefault(id_field, []).extend(wrong)
            parts.append(part.model_copy(update={"fields": fields}))
    except RegistryUnavailableError as e:
        return CrossCheck(result, warning=f"{e.code}: {e.message}")
    return CrossCheck(result.model_copy(update={"components": tuple(parts)}), tuple(checked), mismatches or None)


def _flagged(value: FieldValue) -> FieldValue:
    if REGISTRY_MISMATCH in value.flags:
        return value
    return value.model_copy(update={"flags": (*value.flags, REGISTRY_MISMATCH)})

