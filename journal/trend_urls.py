"""The person's weekly trends, under /trends/."""

from django.urls import path

from journal import views

urlpatterns = [
    path("", views.trend_view, name="trends"),
    path("weekly.csv", views.trend_weekly_csv, name="trends-weekly-csv"),
    path("figures.json", views.trend_figures, name="trends-figures"),
    path("insights/", views.trend_insights, name="trends-insights"),
]
