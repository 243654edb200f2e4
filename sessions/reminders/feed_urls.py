"""The calendar feed a phone's calendar subscribes to, under /calendar/."""

from django.urls import path

from sessions.reminders import views

urlpatterns = [
    path("<str:token>.ics", views.feed, name="calendar-feed"),
]
