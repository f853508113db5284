"""The admin's view of notifications: the channels (Apprise URLs masked: the full URL is a
secret of its user and appears on no page) and the delivery log. Read-only: the rows are
written by the users' page and the notification job; an admin may delete a channel."""

from django.contrib import admin

from ..admin import LargeTableMixin, ReadOnlyMixin
from ..models import Notification, NotificationBatch, NotificationChannel
from .channels import channel_delete, channel_display


@admin.register(NotificationChannel)
class NotificationChannelAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "target", "created_at", "consecutive_failures", "paused_at"]
    list_filter = ["kind", ("paused_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "label"]
    fields = [
        "user",
        "kind",
        "target",
        "label",
        "created_at",
        "consecutive_failures",
        "paused_at",
        "last_error",
        "last_sent_at",
    ]
    readonly_fields = fields

    @admin.display(description="sends to")
    def target(self, channel: NotificationChannel) -> str:
        return channel_display(channel)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("tracker.delete_notificationchannel")

    def delete_model(self, request, obj: NotificationChannel) -> None:
        channel_delete(channel=obj)

    def delete_queryset(self, request, queryset) -> None:
        for channel in queryset:
            channel_delete(channel=channel)


@admin.register(NotificationBatch)
class NotificationBatchAdmin(ReadOnlyMixin, LargeTableMixin, admin.ModelAdmin):
    """The delivery log: each message, to which channel, how it went."""

    list_display = [
        "pk",
        "user",
        "target",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "item_count",
        "short_error",
    ]
    list_filter = ["status", ("sent_at", admin.DateFieldListFilter)]
    list_select_related = ["channel__user"]
    search_fields = ["channel__user__username", "channel__user__email"]
    exclude = ["channel"]
    readonly_fields = [
        "user",
        "target",
        "status",
        "created_at",
        "claimed_at",
        "claimed_by",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "item_count",
    ]

    @admin.display(description="user")
    def user(self, batch: NotificationBatch):
        return batch.channel.user

    @admin.display(description="sends to")
    def target(self, batch: NotificationBatch) -> str:
        return channel_display(batch.channel)

    @admin.display(description="last error")
    def short_error(self, batch: NotificationBatch) -> str:
        return batch.last_error[:80]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, LargeTableMixin, admin.ModelAdmin):
    """Each event collected for a channel, and the message that carried it."""

    list_display = ["event_key", "kind", "channel_id", "batch_id", "occurred_at", "withheld_at"]
    list_filter = ["kind", ("occurred_at", admin.DateFieldListFilter)]
    search_fields = ["event_key"]
    fields = ["event_key", "kind", "occurred_at", "collected_at", "batch", "withheld_at"]
    readonly_fields = fields
