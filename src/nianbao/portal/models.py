"""What the portal keeps in its database. Files themselves are in the content-addressed store
(:mod:`nianbao.portal.store`); a row names a file by its sha256.

A body's line on the board (status, counts, counted upload) is written by
:func:`nianbao.portal.intake.refresh` from the library's own computation each time one of its
uploads is checked, so that the board page reads one row per body and stays fast; the
downloads (status.xlsx, summary, feedback) are always recomputed from the stored uploads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Collection(models.Model):
    """One year's collection of a county (one per year)."""

    year = models.PositiveIntegerField(unique=True)
    county_name = models.CharField(max_length=60)  # the summary's name, e.g. 青山县
    county_code = models.CharField(max_length=60, blank=True)
    roster_sha256 = models.CharField(max_length=64)  # the roster CSV the portal keeps (名册.csv)
    roster_upload_name = models.CharField(max_length=255)  # the file the county uploaded
    roster_upload_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveBigIntegerField(default=0)  # bumped by every change of the board

    class Meta:
        ordering = ["-year"]


class PreviousReport(models.Model):
    """Last year's report of a body (a report JSON in the store), for the template's prefill
    and the cross-year rules."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="previous")
    code = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collection", "code"], name="one_previous_per_body")]


class Body(models.Model):
    """A reporting body of a collection, and its line on the board."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="bodies")
    position = models.PositiveIntegerField()  # roster order; late bodies at the end
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="body")
    added_late = models.BooleanField(default=False)
    code_issued_at = models.DateTimeField(null=True)  # when the current access code was made
    # the board line (see the module docstring)
    status = models.CharField(max_length=10, default="未提交")
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    in_summary = models.BooleanField(default=False)
    counted = models.ForeignKey("Submission", null=True, on_delete=models.SET_NULL, related_name="+")
    uploads = models.PositiveIntegerField(default=0)
    last_upload_at = models.DateTimeField(null=True)
    # the county's decisions
    accepted = models.ForeignKey("Submission", null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True)
    reopened_at = models.DateTimeField(null=True)
    reopen_note = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["collection", "code"], name="one_body_per_code")]

    @property
    def org(self) -> dict:
        return {"code": self.code, "name": self.name, "kind": self.kind}

    @property
    def reopen_sentence(self) -> str:
        """The county's reopen note as one sentence: its own full stop (or question or
        exclamation mark) kept, a trailing comma or semicolon replaced, one 。 added otherwise."""
        note = self.reopen_note.strip().rstrip("，,；;、：:")
        return note if note.endswith(("。", "！", "？", ".", "!", "?", "…")) else note + "。"


class Submission(models.Model):
    """One upload: the stored file (unchanged, by sha256), who sent it and when, and the
    importer's result. ``checked_at`` is set in the same transaction as the board line that
    includes the upload; an upload the server stopped before that is finished at the next start."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField()  # 1, 2, … per body
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=255)
    rel = models.CharField(max_length=300)  # its path in the exported inbox
    received_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    imported = models.BooleanField(default=False)  # the import is done (result stored)
    checked_at = models.DateTimeField(null=True)  # set with the board line that includes it
    check_ms = models.PositiveIntegerField(null=True)
    result = models.JSONField(null=True)  # library.import_file's result
    report = models.JSONField(null=True)  # the report as the board has it (roster name, cross-year rules)
    # what became of it (written with the board line)
    state = models.CharField(max_length=20, blank=True)  # 已采用 / 已被替代 / … / 未采用
    note = models.TextField(blank=True)  # why it does not count
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["body", "number"]
        constraints = [models.UniqueConstraint(fields=["body", "number"], name="one_number_per_upload")]
        indexes = [models.Index(fields=["checked_at"])]


class SignInFailure(models.Model):
    """Failed sign-ins per key (``ip:…`` or ``body:…``/``admin``) in the current window: the
    rate limit (Django has none of its own; see docs/design.md)."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)
