"""What an evidence attachment may be: checked on the file's content, not only its name.

Documents and pictures analysts keep as proof; never HTML, SVG or scripts, which a browser
could run. Files are stored under generated names (`models.evidence.attachment_path`) and
served only by `views.evidence.evidence_attachment`, which checks access.
"""

import codecs
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

# detected type -> the extensions a file of that type may carry
ALLOWED = {
    "pdf": {".pdf"},
    "png": {".png"},
    "jpg": {".jpg", ".jpeg"},
    "gif": {".gif"},
    "webp": {".webp"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "odt": {".odt"},
    "ods": {".ods"},
    "txt": {".txt", ".csv"},
}
SNIFF_BYTES = 8192


def validate_attachment(value) -> None:
    """Model field validator: checks a new upload; a file already stored was checked then."""
    if value and not getattr(value, "_committed", True):
        check_attachment(value.file)


def check_attachment(upload: UploadedFile) -> str:
    """Raise `ValidationError` unless the upload is an allowed type within the size limit.

    Returns the detected type."""
    limit = settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            f"The file is {upload.size / 1048576:.1f} MB; the limit is "
            f"{settings.EVIDENCE_MAX_UPLOAD_MB} MB."
        )
    head = _head(upload)
    kind = _detect(head)
    suffix = PurePath(upload.name or "").suffix.lower()
    if kind is None:
        raise ValidationError(
            "This kind of file is not accepted. Attach a PDF, an image (PNG, JPEG, GIF, WebP), "
            "an office document (DOCX, XLSX, ODT, ODS) or plain text."
        )
    if suffix not in ALLOWED[kind]:
        raise ValidationError(
            f"The file's content is {kind.upper()} but its name ends in “{suffix or 'nothing'}”."
        )
    return kind


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _detect(head: bytes) -> str | None:
    kind = filetype.guess_extension(head)
    if kind in ALLOWED:
        return kind
    if kind is None and _is_plain_text(head):
        return "txt"
    return None


def _is_plain_text(head: bytes) -> bool:
    """UTF-8 without NUL bytes and without markup a browser would render."""
    if b"\x00" in head:
        return False
    try:
        # Incremental, so that a character cut at the end of the sniffed bytes is no error.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    lowered = text.lstrip().lower()
    return not lowered.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script"))
