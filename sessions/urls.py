from django.urls import path

from sessions import views

app_name = "sessions"
urlpatterns = [
    path("", views.history, name="history"),
    path("new/", views.new, name="new"),
    path("voice/", views.voice, name="voice"),
    path("<int:pk>/", views.session, name="session"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/correct/", views.correct, name="correct"),
]
