from django.contrib.auth import views as auth_views
from django.urls import path

from chiso.web import (
    pickers,
    views,
    views_check,
    views_dashboard,
    views_entry,
    views_exchange,
    views_indicators,
    views_units,
)

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("indicators/", views_indicators.indicator_list, name="indicator_list"),
    path("indicators/<str:code>/", views_indicators.indicator_detail, name="indicator_detail"),
    path("units/", views_units.unit_list, name="unit_list"),
    path("units/<int:pk>/", views_units.unit_detail, name="unit_detail"),
    path("entry/", views_entry.entry, name="entry"),
    path("entry/cell/", views_entry.entry_cell, name="entry_cell"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("pickers/units/", pickers.unit_search, name="unit_search"),
    path("check/", views_check.check, name="check"),
    path("data/upload/", views_exchange.upload, name="data_upload"),
    path("data/template/", views_exchange.template, name="data_template"),
]
