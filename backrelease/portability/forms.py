from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ImportForm(forms.Form):
    # Ten years of near-daily sessions and several journal entries a day fit in well under this.
    MAX_BYTES = 20 * 1024 * 1024

    file = forms.FileField(
        label=gettext_lazy("Export file (JSON)"),
        error_messages={
            "required": gettext_lazy("Choose the .json file you exported from Back Release.")
        },
    )
    use_file_time_zone = forms.BooleanField(
        required=False,
        label=gettext_lazy("Use the time zone saved in the file"),
        help_text=gettext_lazy("Otherwise your account keeps its own zone."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("That file is larger than any Back Release export."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise forms.ValidationError(_("That file is not a Back Release export.")) from error
