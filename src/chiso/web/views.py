"""Pages shared by every part of the site: login, home."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


@require_GET
@login_required
def home(request):
    """Landing page: the user's own scope roots (they define the scope, so no filter needed)."""
    user = request.user
    roots = (user.capture_units.all() | user.view_units.all()).distinct().order_by("path")
    return render(request, "web/home.html", {"scope_units": roots})
