from __future__ import annotations

from django.urls import path

from seizures import views

app_name = "seizures"

urlpatterns = [
    path("c/<uuid:child_id>/", views.child_home, name="home"),
]
