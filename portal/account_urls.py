"""Log in, log out and password reset: Django's auth views with the portal's templates.

Not namespaced: Django's views reverse these names (``password_reset_done`` ...) as they are.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("", include("django.contrib.auth.urls")),
]
