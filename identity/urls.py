from django.urls import path

from identity import views

urlpatterns = [
    path("identite.css", views.stylesheet, name="identity_css"),
    path("identite/logo.svg", views.logo, name="identity_logo"),
    path("favicon.svg", views.favicon, name="identity_favicon"),
    path("favicon.ico", views.favicon_ico, name="identity_favicon_ico"),
]
