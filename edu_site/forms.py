from django.contrib.auth.forms import UserCreationForm

from edu_site.models import User


class SignupForm(UserCreationForm):
    """Sign-up for learners. Password strength comes from AUTH_PASSWORD_VALIDATORS."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
