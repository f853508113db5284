"""Helpers tests share beyond fixtures."""

from tracker.models import (
    Agreement,
    AssessmentRound,
    Commitment,
    Criterion,
    DeadlineExtension,
    Evidence,
    Milestone,
    OverdueFlag,
    Party,
    RoundReply,
    StatusChange,
    Team,
)


def empty_the_database() -> None:
    """Delete every agreement and what hangs on it, protected rows first (a queryset delete:
    `Evidence.delete()` refuses on purpose)."""
    for model in (
        RoundReply,
        AssessmentRound,
        Criterion,
        DeadlineExtension,
        StatusChange,
        Evidence,
        OverdueFlag,
        Commitment,
        Milestone,
        Agreement,
        Party,
        Team,
    ):
        model.objects.all().delete()


def admin_form_data(response) -> dict:
    """The forms of an admin change page as they stand (the object's and every inline's),
    ready to post back with changes."""
    from django import forms

    data = {}

    def put(key: str, field, value) -> None:
        if value is None or isinstance(field, forms.FileField):
            return
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            return
        if isinstance(value, list | tuple) or hasattr(value, "model"):
            value = [getattr(item, "pk", item) for item in value]
        data[key] = getattr(value, "pk", value)

    form = response.context["adminform"].form
    for name, field in form.fields.items():
        put(name, field, form.initial.get(name, field.initial))
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        count = str(formset.initial_form_count())
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": count,
                f"{formset.prefix}-INITIAL_FORMS": count,
                f"{formset.prefix}-MIN_NUM_FORMS": "0",
                f"{formset.prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, inline_form in enumerate(formset.initial_forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                put(f"{formset.prefix}-{index}-{name}", field, value)
    return data


def add_inline_form(data: dict, prefix: str, values: dict) -> None:
    """Append one new form to an inline's posted data."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def admin_pages() -> list[str]:
    """Every page of the admin: its index, each app's, and for each registered model its
    list and add page and, for its first row, the change, history and deletion pages and
    (simple-history's) the page of its first recorded version."""
    from django.contrib import admin
    from django.contrib.admin.utils import quote
    from django.urls import reverse
    from simple_history.admin import SimpleHistoryAdmin

    paths = [reverse("admin:index"), reverse("admin:password_change")]
    app_labels = set()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        app_labels.add(opts.app_label)
        name = f"admin:{opts.app_label}_{opts.model_name}"
        paths += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue
        pk = quote(row.pk)
        paths += [reverse(f"{name}_{view}", args=[pk]) for view in ("change", "history", "delete")]
        if isinstance(model_admin, SimpleHistoryAdmin):
            records = getattr(row, opts.simple_history_manager_attribute)
            record = records.order_by("history_id").first()
            if record is not None:
                paths.append(reverse(f"{name}_simple_history", args=[pk, record.history_id]))
    return paths + [reverse("admin:app_list", args=[label]) for label in sorted(app_labels)]
