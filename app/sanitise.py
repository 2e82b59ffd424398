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


# A Markdown list item: "- ", "* " or "+ ", or "1. " (other numbers only continue a list, as in CommonMark, so a
# line that starts "2024. " stays text).
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|1\.)[ \t]+\S")
_LIST_ITEM_ANY = re.compile(r" {0,3}(?:[-*+]|[0-9]+\.)[ \t]+\S")


def _separate_lists(source: str) -> str:
    """Put a blank line before a list that starts straight after a line of text, which is how people write lists.

    Python-Markdown only starts a list after a blank line, so "We need:\n- a\n- b" was one paragraph.
    """
    lines, state = [], "blank"   # state: what the previous line was part of (blank, text or list)
    for line in source.splitlines():
        if not line.strip():
            state = "blank"
        elif state == "list" or (state == "blank" and _LIST_ITEM_ANY.match(line)):
            state = "list"
        elif _LIST_ITEM.match(line):
            lines.append("")
            state = "list"
        else:
            state = "text"
        lines.append(line)
    return "\n".join(lines)


def render_rich_text(source: str) -> str:
    """Turn the Markdown a person typed into clean HTML to store: lists may follow a line, and a line break is kept."""
    converted = markdown.markdown(_separate_lists(source or ""), extensions=["sane_lists", "nl2br"],
                                  output_format="html")
    return clean_html(converted)


# Markdown's <https://...> and <name@example.org> links: kept as the bare address, which is linked when shown.
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>", re.IGNORECASE)


def _strip_tags_once(text: str) -> str:
    """One pass of strip_tags."""
    text = _DANGEROUS_BLOCKS.sub("", _AUTOLINK.sub(r"\1", text))
    # Escape every & first, so that entities the person typed (&lt;b&gt;) come back as typed, not as tags.
    cleaned = bleach.clean(text.replace("&", "&amp;"), tags=set(), strip=True, strip_comments=True)
    return html.unescape(cleaned)


def strip_tags(source: str) -> str:
    """The Markdown a person typed without any HTML tags or comments: the text and Markdown are kept as typed."""
    text = source or ""
    for _ in range(20):
        # Removing a tag can join the pieces of another ("<<b>b>"), so repeat until nothing changes.
        stripped = _strip_tags_once(text)
        if stripped == text:
            return stripped
        text = stripped
    return html.escape(text, quote=False)   # never reached by real input; keep it inert if it were


def to_plain_text(rich_html: str) -> str:
    """The words of some HTML, for search and for plain-text emails."""
    text = bleach.clean(rich_html or "", tags=set(), strip=True)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()
