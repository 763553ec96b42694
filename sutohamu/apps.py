from django.contrib.admin.apps import AdminConfig


class SuToHaMuAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SuToHaMuAdminSite"
