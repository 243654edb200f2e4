"""The person's own list of share links."""

from django.urls import path

from journal.sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.share_links, name="list"),
    path("<int:pk>/", views.openings, name="openings"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/restore/", views.restore, name="restore"),
]
