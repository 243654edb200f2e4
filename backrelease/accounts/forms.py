from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from backrelease.accounts import login_limits
from backrelease.accounts.models import User, time_zone_choices


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            label=_("Time zone"),
            choices=time_zone_choices,
            error_messages={
                "invalid_choice": _("Pick a time zone from the list, such as Europe/London.")
            },
            **kwargs,
        )


EMAIL_HELP = _(
    "Only to reset your password if you forget it: we send a link to confirm it, and nothing else."
)
ZONE_HELP = _("Your days and weeks are counted in this zone.")
DISPLAY_NAME = _("Display name")


class SignupForm(UserCreationForm):
    TAKEN_MESSAGE = User._meta.constraints[0].violation_error_message

    # Filled in from the browser's own zone by static/js/timezone.js; editable before sending.
    time_zone = TimeZoneField(initial="UTC", help_text=ZONE_HELP)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email", "time_zone")
        labels = {"display_name": DISPLAY_NAME, "email": _("E-mail address (optional)")}
        help_texts = {"email": EMAIL_HELP}

    # Each empty field says which it is, not only "This field is required."
    REQUIRED = {
        "username": _("Choose a username."),
        "password1": _("Choose a password."),
        "password2": _("Type the password again, to be sure of it."),
        "time_zone": _("Pick your time zone."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED.items():
            self.fields[name].error_messages["required"] = message


class LoginForm(AuthenticationForm):
    """Django's login, with a try's turn under the limits taken just before its password is
    checked (`login_limits.claim`); `wait` says how long a try turned away must still wait."""

    # Django sets the length only on the widget; longer names reached the lock-out's records.
    username = UsernameField(
        max_length=User._meta.get_field("username").max_length,
        widget=forms.TextInput(attrs={"autofocus": True}),
        error_messages={
            "max_length": _(
                "No username is that long: they have at most %(limit_value)d characters."
            )
        },
    )
    wait = 0

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        if username is not None and self.cleaned_data.get("password"):
            self.wait = login_limits.claim(self.request, username)
            if self.wait:
                raise forms.ValidationError(_("Wait a moment, then try again."), code="slowed")
        return super().clean()


class EmailForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("email",)
        labels = {"email": _("E-mail address")}
        help_texts = {
            "email": _(
                "Only to reset your password if you forget it: we send a link to confirm it, and "
                "nothing else. Leave it empty to remove it."
            )
        }


class PasswordResetRequestForm(forms.Form):
    """The address to send a reset link to. The link goes only to an address its owner confirmed
    (`mail.send_password_reset`): a mistyped address at sign-up must not let a stranger take the
    account over."""

    email = forms.EmailField(label=_("Email"), max_length=254)


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(help_text=ZONE_HELP)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("This browser's language")), *settings.LANGUAGES],
        required=False,
        help_text=User._meta.get_field("language").help_text,
    )

    class Meta:
        model = User
        fields = ("display_name", "time_zone", "language")
        labels = {"display_name": DISPLAY_NAME}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        widget=forms.PasswordInput,
        error_messages={"required": _("Enter your password to confirm.")},
    )

    def __init__(self, *args, person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.person.check_password(password):
            raise forms.ValidationError(_("That is not your password. Nothing was deleted."))
        return password
