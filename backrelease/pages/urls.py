from django.urls import path

from backrelease.pages import javascript_catalog, language, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline_page, name="offline"),
    path("language/", language.choose, name="choose-language"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # The version in the address lets browsers keep a catalog for a year (javascript_catalog.py).
    path(
        f"jsi18n/{javascript_catalog.version()}/<str:language>/",
        javascript_catalog.javascript_catalog,
        name="javascript-catalog",
    ),
]
