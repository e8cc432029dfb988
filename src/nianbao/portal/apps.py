from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "nianbao.portal"
    label = "portal"
    verbose_name = "年报收集平台"
    default_auto_field = "django.db.models.BigAutoField"
