"""The person's trial plan, under /trial/."""

from django.urls import path

from journal.trial import views

app_name = "trial"
urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("stop/", views.stop, name="stop"),
    path("rate/", views.rate, name="rate"),
    path("result/", views.result, name="result"),
    path("ratings/<int:pk>/", views.rating, name="rating"),
    path("ratings/<int:pk>/delete/", views.rating_delete, name="rating-delete"),
]
