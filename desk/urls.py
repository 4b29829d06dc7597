"""The desk is its admin: content forms, the publish page and the live opening-hours check."""
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from desk.content import views

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/publish/", admin.site.admin_view(views.publish), name="desk-publish"),
    path("admin/preview/", admin.site.admin_view(views.preview_screens), name="desk-preview"),
    path("admin/preview/<str:name>", admin.site.admin_view(views.preview_image), name="desk-preview-image"),
    path("admin/city-map.json", admin.site.admin_view(views.city_map), name="desk-city-map"),
    path("admin/hours-check/", admin.site.admin_view(views.hours_check), name="desk-hours-check"),
    path("", include("desk.fleet.urls")),  # the terminals' posts and the fleet's pages
    path("admin/", admin.site.urls),
]
