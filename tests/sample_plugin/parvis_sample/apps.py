from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "parvis_sample"
    label = "parvis_sample"
    verbose_name = "Boîte à idées"
