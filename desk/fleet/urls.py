"""The terminals' posts (the collector's paths, so an installed terminal only needs the desk's host) and the fleet pages."""
from django.contrib import admin
from django.urls import path, re_path

from desk.fleet import views

urlpatterns = [
    re_path(r"^(?P<kind>feedback|usage|heartbeat)/?$", views.collect, name="fleet-collect"),
    path("admin/fleet/", admin.site.admin_view(views.terminals), name="fleet-terminals"),
    path("admin/fleet/feedback/", admin.site.admin_view(views.feedback), name="fleet-feedback"),
    path("admin/fleet/usage/", admin.site.admin_view(views.usage), name="fleet-usage"),
    path("admin/fleet/<str:table>.csv", admin.site.admin_view(views.export_csv), name="fleet-csv"),
]
