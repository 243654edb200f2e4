"""No text a person reads is left out of translation: in the templates (their text, and the
attributes a browser shows or reads aloud) and in the Python that hands text to a person (form
labels and messages, validation errors, model help, choices, flash messages)."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(
    path
    for path in (ROOT / "templates").rglob("*")
    if path.suffix in {".html", ".txt", ".svg"} and path.is_file()
)
SOURCES = sorted(
    path
    for folder in ("backrelease", "sessions", "journal")
    for path in (ROOT / folder).rglob("*.py")
    if not {"migrations", "devtools"} & set(path.parts)
)
# A word: two letters or more in any script.
WORD = re.compile(r"[^\W\d_]{2,}")
# The product's name is the same in every language.
NAMES = {"Back Release"}
# Attributes a browser shows, or a screen reader reads out.
READ_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "placeholder", "label"}
# What a tag or a variable leaves in the text: inside a tag it reads as an attribute name, among
# text as no word.
HOLE = " x0 "
# Blocks that fill an attribute of the skeleton, not text.
ATTRIBUTE_BLOCKS = {"viewport", "body_class", "body_attributes"}


def readable(text: str) -> bool:
    for name in NAMES:
        text = text.replace(name, "")
    return bool(WORD.search(text))


def outside_translation(source: str) -> str:
    """The template with each tag and variable a hole, and what translate tags and comments hold
    taken out, so what is left is the text written into the template itself."""
    kept: list[str] = []
    skipping: str | None = None
    depth = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.split_contents()[0]
            if skipping:
                # A block inside a skipped block ends before it does.
                depth += name == "block" and skipping == "endblock"
                if name == skipping:
                    depth -= 1
                    skipping = skipping if depth else None
                continue
            depth = 1
            if name in {"blocktranslate", "blocktrans"}:
                skipping = "end" + name
            elif name == "comment":
                skipping = "endcomment"
            elif name == "block" and token.split_contents()[1] in ATTRIBUTE_BLOCKS:
                skipping = "endblock"
            kept.append(HOLE)
        elif token.token_type == TokenType.TEXT and not skipping:
            kept.append(token.contents)
        elif not skipping:
            kept.append(HOLE)
    return "".join(kept)


class TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in {"script", "style"}:
            self.hidden += 1
        attributes = dict(attrs)
        for name, value in attrs:
            shown = name in READ_ATTRIBUTES or (
                tag == "input"
                and name == "value"
                and attributes.get("type") in {"submit", "button", "reset"}
            )
            # A data attribute with prose in it is text a script puts on the page.
            prose = name.startswith("data-") and value and " " in value.replace(HOLE, "").strip()
            if value and (shown or prose) and readable(value):
                self.found.append(f"{tag}[{name}]: {value.strip()}")
        description = tag == "meta" and attributes.get("name") == "description"
        if description and readable(attributes.get("content") or ""):
            self.found.append(f"meta description: {attributes['content']}")

    def handle_endtag(self, tag) -> None:
        if tag in {"script", "style"}:
            self.hidden -= 1

    def handle_data(self, data) -> None:
        if not self.hidden and readable(data):
            self.found.append(" ".join(data.replace(HOLE, " … ").split()))


def unmarked_in_template(path: Path) -> list[str]:
    text = outside_translation(path.read_text())
    if path.suffix == ".txt":
        return [
            " ".join(line.replace(HOLE, " … ").split())
            for line in text.splitlines()
            if readable(line)
        ]
    finder = TextFinder()
    finder.feed(text)
    return finder.found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_text_in_a_template_is_marked(path):
    assert unmarked_in_template(path) == []


def test_the_template_lint_finds_text_and_read_attributes():
    source = (
        '{% load i18n %}<p>Lie down {{ name }}</p><img alt="A ball" src="x">'
        "{% blocktranslate %}Fine here{% endblocktranslate %}{# a comment #}"
        '<a title="{% translate "Fine" %}" href="{% url "home" %}">✕</a>'
        '<button data-sent-text="Saved at last">{% translate "Go" %}</button>'
    )

    finder = TextFinder()
    finder.feed(outside_translation(source))

    assert finder.found == [
        "Lie down …",
        "img[alt]: A ball",
        "button[data-sent-text]: Saved at last",
    ]


# Where Python hands text to a person: the call, and which argument (a position or a keyword).
MESSAGE_CALLS = {
    "ValidationError": 0,
    "debug": 1,
    "info": 1,
    "success": 1,
    "warning": 1,
    "error": 1,
    "add_error": 1,
    "HttpResponseBadRequest": 0,
}
MESSAGE_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "violation_error_message",
    "message",
}


def prose(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and " " in node.value.strip()
        and readable(node.value)
    )


def unmarked_in_python(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        position = MESSAGE_CALLS.get(name)
        candidates = []
        if position is not None and len(node.args) > position:
            candidates.append(node.args[position])
        for keyword in node.keywords:
            if keyword.arg in MESSAGE_KEYWORDS:
                candidates.append(keyword.value)
            elif keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                candidates.extend(keyword.value.values)
            elif keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                candidates.extend(
                    pair.elts[1]
                    for pair in keyword.value.elts
                    if isinstance(pair, ast.Tuple) and len(pair.elts) == 2
                )
        found += [f"line {c.lineno}: {c.value}" for c in candidates if prose(c)]
    return found


# The translation functions, and how many of their first arguments are message texts.
TRANSLATING = {
    "_": 1,
    "gettext": 1,
    "gettext_lazy": 1,
    "gettext_noop": 1,
    "ngettext": 2,
    "ngettext_lazy": 2,
    "pgettext": 2,
    "pgettext_lazy": 2,
    "npgettext": 3,
    "npgettext_lazy": 3,
}


def untranslatable_calls(path: Path) -> list[str]:
    """Calls of a translation function whose message is not written out: makemessages cannot
    gather it, so it shows in English whatever the language."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            texts = node.args[: TRANSLATING.get(name, 0)]
            if any(not (isinstance(t, ast.Constant) and isinstance(t.value, str)) for t in texts):
                found.append((node.lineno, f"line {node.lineno}: {ast.unparse(node)[:80]}"))
    return [text for _, text in sorted(found)]


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_translated_message_is_written_out_where_it_is_translated(path):
    assert untranslatable_calls(path) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_message_in_python_is_marked(path):
    assert unmarked_in_python(path) == []


def test_the_python_lint_finds_messages_left_unmarked(tmp_path):
    source = tmp_path / "forms.py"
    source.write_text(
        "from django import forms\n"
        "from django.utils.translation import gettext_lazy as _\n"
        "class F(forms.Form):\n"
        "    a = forms.IntegerField(label='How bad is it', help_text=_('Zero is none'))\n"
        "    b = forms.ChoiceField(\n"
        "        choices=[('x', 'Every day')], error_messages={'required': 'Pick one now'}\n"
        "    )\n"
        "    def clean(self):\n"
        "        raise forms.ValidationError('That is not right', code='wrong')\n"
    )

    assert unmarked_in_python(source) == [
        "line 4: How bad is it",
        "line 6: Every day",
        "line 6: Pick one now",
        "line 9: That is not right",
    ]


def test_the_python_lint_finds_a_message_passed_through_a_variable(tmp_path):
    source = tmp_path / "analysis.py"
    source.write_text(
        "from django.utils.translation import gettext as _, ngettext\n"
        "def count(singular, plural, n):\n"
        "    return ngettext(singular, plural, n) % {'count': n}\n"
        "WRITTEN = ngettext('%(count)s day', '%(count)s days', 2)\n"
        "GLUED = _('Rated ' + 'today')\n"
    )

    assert untranslatable_calls(source) == [
        "line 3: ngettext(singular, plural, n)",
        "line 5: _('Rated ' + 'today')",
    ]
