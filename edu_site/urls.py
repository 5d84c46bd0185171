from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from edu_site import views

admin.site.site_header = "Organizing pneumonia: authoring"
admin.site.site_title = "OP virtual patients admin"
admin.site.index_title = "Cases, catalogs and question banks"

handler404 = "edu_site.api.api_page_not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.progress, name="progress"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("api/cases/", include("cases.api_urls")),
    path("api/quizzes/", include("quizzes.api_urls")),
    path("quizzes/", include("quizzes.urls")),
    path("classes/", include("edu_site.classes.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
