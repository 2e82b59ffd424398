"""Checks axe cannot make, run in the page: target sizes (WCAG 2.5.8) and where focus is (2.4.7, 2.4.11).

Each is a JavaScript function for `page.evaluate`, kept here so `Site` and `Keyboard` share one version.
"""

# Everything a pointer or the keyboard can operate.
_TARGETS = ('a[href], button, input:not([type="hidden"]), select, textarea, summary, '
            '[tabindex]:not([tabindex="-1"])')

# WCAG 2.5.8 Target Size (Minimum): each target is at least 24 by 24 CSS px, except
# - inline: a link in a block of running text, whose line height sets its size;
# - spacing: a 24px circle centred on an undersized target meets no other target, nor the circle of another
#   undersized target.
# Returns a sentence for each target that fails. Targets drawn 1px or smaller are not shown (a skip link until
# it has focus), so are not targets yet.
TARGET_SIZE_PROBLEMS = """() => {
  const MIN = 24;
  const SELECTOR = '%s';
  const shown = el => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && box.width > 1 && box.height > 1;
  };
  const describe = el => `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.getAttribute('aria-label')
    || el.name || '').trim().replace(/\\s+/g, ' ').slice(0, 40)}"`;
  const inRunningText = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    if (!block) return false;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.textContent.trim() && !node.parentElement.closest(SELECTOR)) return true;
    }
    return false;
  };
  const targets = [...document.querySelectorAll(SELECTOR)].filter(shown).map(el => {
    const box = el.getBoundingClientRect();
    return {el, box, x: box.left + box.width / 2, y: box.top + box.height / 2,
            small: box.width < MIN || box.height < MIN};
  });
  const distance = (x, y, box) => Math.hypot(Math.max(box.left - x, 0, x - box.right),
                                             Math.max(box.top - y, 0, y - box.bottom));
  const problems = [];
  for (const t of targets) {
    if (!t.small || inRunningText(t.el)) continue;
    const near = targets.find(o => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el) && (
      distance(t.x, t.y, o.box) < MIN / 2 || (o.small && Math.hypot(t.x - o.x, t.y - o.y) < MIN)));
    if (near) {
      problems.push(`${describe(t.el)} is ${Math.round(t.box.width)}x${Math.round(t.box.height)}px ` +
                    `and closer than 12px to ${describe(near.el)}`);
    }
  }
  return problems;
}""" % _TARGETS

# Where focus is now, and what is wrong with it as a focus stop:
# - 2.4.7 Focus Visible: the focused element draws a visible outline, or GOV.UK's yellow focus colour in its
#   box-shadow or background. (A transparent outline, kept for forced-colour modes, does not count, and nor
#   does a box-shadow the element has anyway, like a button's dark edge.) A GOV.UK radio or checkbox hides
#   the native input and draws the ring on its label's ::before box, so that is where it is looked for.
# - 2.4.11 Focus Not Obscured: the element's box is inside the window, and the element itself is what is
#   on top at the centre of its first line box (no sticky or fixed content covers it). One allowance: when
#   focus moves into a text box that is partly below the window, Chrome scrolls only its caret into view,
#   so a textarea may run past the bottom edge as long as its top 2 lines (where the caret is) are inside.
# `target` is the element being tabbed to: the answer also says whether focus is on it, whether it lies
# before the focused element (so Shift+Tab reaches it sooner), and whether both are radios of one group
# (reached with the arrow keys).
FOCUS_STOP = """(target) => {
  const el = document.activeElement;
  const describe = e => e === document.body ? 'the page itself' : `${e.tagName.toLowerCase()}` +
    `${e.id ? '#' + e.id : ''} "${(e.innerText || e.value || e.getAttribute('aria-label') || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 50)}"`;
  const answer = {focused: describe(el), onTarget: el === target, targetBefore: false, sameRadios: false,
                  onPage: !!el && el !== document.body, problems: []};
  if (!answer.onPage) return answer;
  if (target && el !== target) {
    answer.targetBefore = !!(target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    answer.sameRadios = el.type === 'radio' && target.type === 'radio' && el.name === target.name
      && el.form === target.form;
  }
  const FOCUS_COLOUR = 'rgb(255, 221, 0)';  // GOV.UK's $govuk-focus-colour, #ffdd00
  const drawn = style => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1
      && !/^rgba\\(.*,\\s*0\\)$|^transparent$/.test(style.outlineColor))
    || (style.boxShadow || '').includes(FOCUS_COLOUR) || style.backgroundColor === FOCUS_COLOUR;
  let ring = drawn(getComputedStyle(el));
  if (!ring && el.matches('.govuk-radios__input, .govuk-checkboxes__input') && el.labels.length) {
    ring = drawn(getComputedStyle(el.labels[0], '::before'));
  }
  if (!ring) answer.problems.push('shows no focus indicator (no visible outline, nor the focus colour)');
  const box = el.getBoundingClientRect();
  const seen = el.tagName === 'TEXTAREA' ? Math.min(box.height, 2 * parseFloat(getComputedStyle(el).lineHeight))
    : Math.min(box.height, innerHeight);
  const inside = box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= innerWidth && box.top >= 0
    && box.top + seen <= innerHeight;
  if (!inside) {
    answer.problems.push(`is not inside the window: (${Math.round(box.left)}, ${Math.round(box.top)}) to ` +
                         `(${Math.round(box.right)}, ${Math.round(box.bottom)}) in ${innerWidth}x${innerHeight}`);
  } else {
    // The centre of what must be seen: a tall textarea's first lines, which may end below the window.
    const line = el.getClientRects()[0] || box;
    const top = document.elementFromPoint(line.left + line.width / 2, line.top + Math.min(line.height, seen) / 2);
    if (!top || !(top === el || el.contains(top))) {
      answer.problems.push(`is covered by ${top ? describe(top) : 'nothing'} at its centre`);
    }
  }
  return answer;
}"""
