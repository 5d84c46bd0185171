from django import forms
from django.contrib.auth.forms import UserCreationForm

from edu_site.models import User


class SignupForm(UserCreationForm):
    """Sign-up for learners. Password strength comes from AUTH_PASSWORD_VALIDATORS.

    The email address is required, because it is how a forgotten password is reset, and
    unique in any letter case, so a reset link can only ever reach one account. A taken
    username or address has to be refused by name (nothing else would let the learner
    choose another); the sign-up throttle keeps anyone from trying many to learn who is here.
    """

    email = forms.EmailField(
        max_length=254,
        help_text="Used only to send you a link if you forget your password.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "This address already belongs to an account. Log in, or use "
                "“Forgot password?” on the login page."
            )
        return email
