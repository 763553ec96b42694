from django.contrib.admin.apps import AdminConfig


class SuToHaMuAdminConfig(AdminConfig):
    default_site = "sutohamu.admin.SuToHaMuAdminSite"
