"""Cleaning user-written rich text: the only module that imports bleach, so it can be swapped in one place."""
import html
import re
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter, build_url_re

ALLOWED_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Elements whose content is never meant as text: drop them with their content before cleaning.
_DANGEROUS_BLOCKS = re.compile(
    r"<\s*(script|style|iframe|object|embed|svg|math|template|noscript|textarea|xmp|noembed|noframes)\b.*?"
    r"(<\s*/\s*\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)


def _set_rel(attrs: dict, new: bool = False) -> dict | None:
    """Every link gets rel="nofollow noopener"; a link whose unsafe href bleach removed becomes plain text."""
    if not attrs.get((None, "href")):
        return None
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    # Linkify runs after the allow-list, so it must only make links with the allowed schemes
    # (its default list includes data:, ftp:, irc: and more).
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], parse_email=True,
                     url_re=build_url_re(protocols=ALLOWED_PROTOCOLS))],
)


def clean_html(raw: str) -> str:
    """Clean HTML down to the short allow-list: paragraphs, bold, italic, lists and safe links."""
    without_blocks = _DANGEROUS_BLOCKS.sub("", raw or "")
    return _cleaner.clean(without_blocks).strip()


def render_rich_text(source: str) -> str:
    """Turn what a person typed (simple Markdown or basic HTML) into clean HTML to store."""
    converted = markdown.markdown(source or "", output_format="html")
    return clean_html(converted)


def to_plain_text(rich_html: str) -> str:
    """The words of some HTML, for search and for plain-text emails."""
    text = bleach.clean(rich_html or "", tags=set(), strip=True)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()
