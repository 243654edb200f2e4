from django.urls import path

from sessions.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.page, name="page"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("check-in/", views.check_in, name="check-in"),
    path("calendar/", views.new_feed, name="new-feed"),
    path("calendar/stop/", views.stop_feed, name="stop-feed"),
]
