from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from backrelease.common import bounds
from journal.clinic import codes
from journal.clinic.models import CODE_LENGTH, Role
from journal.sharing.forms import ShareLinkForm


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The practice's code"),
        max_length=40,
        help_text=_(
            "12 letters and digits, such as ABCD-EFGH-JKLM. Your practice gives it to you."
        ),
        error_messages={"required": _("Type the code your practice gave you.")},
    )

    def clean_code(self) -> str:
        code = codes.normalized(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                _("A practice's code has 12 letters and digits. Check it and type it again.")
            )
        return code


class GrantForm(ShareLinkForm):
    """The same choices as a share link, with the practice's code carried from the first step and
    the name the practice will see instead of a link's label."""

    label = None
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    shown_name = forms.CharField(
        max_length=80,
        label=_("The name the practice sees"),
        validators=[bounds.validate_single_line],
        error_messages={"required": _("Say how the practice should know you.")},
    )
    field_order = ["code", "shown_name", "include_notes", "shows_from", "shows_until", "expires_on"]


class PracticeForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label=_("Name of the practice"),
        validators=[bounds.validate_single_line],
        error_messages={"required": _("Give the practice a name its patients will recognise.")},
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        max_length=20,
        label=_("Code from your authenticator app, or a recovery code"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
        error_messages={"required": _("Type the code your authenticator app shows.")},
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the clinician"),
        error_messages={
            "required": _("Type the address to send the invitation to."),
            "invalid": _("Type a whole e-mail address, such as lee@example.org."),
        },
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CLINICIAN)


class LinkForm(forms.Form):
    link = forms.CharField(
        max_length=300,
        label=_("A share link the patient gave you"),
        help_text=_("The patient is asked on their own screen before anything is shared."),
        error_messages={"required": _("Paste the whole link, starting with https://.")},
    )

    def clean_link(self) -> str:
        """The token: the segment after /shared/ in a pasted address, or the text itself."""
        text = self.cleaned_data["link"].strip()
        if "/shared/" in text:
            text = text.split("/shared/", 1)[1]
        return text.split("/", 1)[0].split("?", 1)[0]
