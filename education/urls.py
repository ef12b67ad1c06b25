from __future__ import annotations

from django.urls import path

from education import views

app_name = "education"

urlpatterns = [
    path("", views.index, name="index"),
    path("topics/<slug:slug>/", views.article, name="article"),
    path("tips/", views.tips, name="tips"),
    path("tips/day/", views.daily_tip, name="daily-tip"),
    path("glossary/", views.glossary, name="glossary"),
    path("search/", views.search_view, name="search"),
]
