from django.apps import AppConfig


class DevConfig(AppConfig):
    name = "tracker.dev"
    label = "tracker_dev"
    verbose_name = "Commitment tracker: demo and load data"
