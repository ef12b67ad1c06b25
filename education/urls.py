from __future__ import annotations

app_name = "education"

urlpatterns: list = []
