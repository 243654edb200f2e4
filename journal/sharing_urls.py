"""The person's own list of share links."""

from django.urls import path

from journal import share_views

app_name = "sharing"
urlpatterns = [
    path("", share_views.share_links, name="list"),
    path("<int:pk>/", share_views.openings, name="openings"),
    path("<int:pk>/revoke/", share_views.revoke, name="revoke"),
]
