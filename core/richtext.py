"""User-written rich text, cleaned with an allow-list (nh3) before it is stored."""

from __future__ import annotations

import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def clean_rich_text(text: str) -> str:
    """Safe HTML from user input: allowed tags only, links with safe schemes, no attributes
    that run code; plain line breaks become ``<br>``."""
    cleaned = nh3.clean(
        text.replace("\r\n", "\n").strip(),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
    return cleaned.replace("\n", "<br>\n")


def visible_text(html: str) -> str:
    """The text a reader sees (to check that a cleaned message is not empty)."""
    return strip_tags(html).replace("&nbsp;", " ").strip()
