// mkdocs-material's header buttons, and in a narrow window its navigation's section buttons, are <label>s for hidden
// checkboxes, which the keyboard cannot reach: each becomes a named button in the Tab order that Space presses
// (mkdocs-material itself clicks a focused label on Enter), and Escape closes the navigation (WCAG 2.1.1, 4.1.2).
(() => {
  const asButton = (label, name) => {
    const toggle = document.getElementById(label.htmlFor);
    if (!toggle) return;
    label.setAttribute("role", "button");
    if (name) label.setAttribute("aria-label", name);
    const show = () => label.setAttribute("aria-expanded", String(toggle.checked));
    show();
    toggle.addEventListener("change", show);
    label.addEventListener("keydown", (event) => {
      if (event.key !== " ") return;
      event.preventDefault();
      label.click();
    });
    return label;
  };

  const names = { __drawer: "Navigation", __search: "Search" };
  for (const label of document.querySelectorAll("label.md-header__button[for]")) {
    if (label.htmlFor in names && asButton(label, names[label.htmlFor])) label.tabIndex = 0;
  }

  // A section of the navigation opens as a panel of its own only while the navigation is a drawer: its button (and
  // the panel's way back) take the focus then, and are plain headings in a wide window.
  const sections = [...document.querySelectorAll(".md-nav--primary label.md-nav__link[for], .md-nav--primary label.md-nav__title[for]")]
    .filter((label) => document.getElementById(label.htmlFor)?.classList.contains("md-nav__toggle"))
    .map((label) => {
      const words = label.textContent.trim();
      const section = label.closest(".md-nav__container")?.textContent.trim() || "the section";
      if (label.classList.contains("md-nav__title")) return asButton(label, `Back from ${words}`);
      return asButton(label, words ? "" : `Open ${section}`);
    })
    .filter(Boolean);
  // Opening a section moves the focus to its panel's way back, and going back to the section's button.
  for (const toggle of document.querySelectorAll(".md-nav--primary .md-nav__toggle")) {
    const opener = document.querySelector(`.md-nav--primary label.md-nav__link[for="${toggle.id}"]`);
    const back = document.querySelector(`.md-nav--primary label.md-nav__title[for="${toggle.id}"]`);
    toggle.addEventListener("change", () => {
      const [from, to] = toggle.checked ? [opener, back] : [back, opener];
      if (from && to && document.activeElement === from) requestAnimationFrame(() => to.focus());
    });
  }
  const drawerWidth = window.matchMedia("(max-width: 76.234375em)");
  const focusable = () => sections.forEach((label) => (drawerWidth.matches ? (label.tabIndex = 0) : label.removeAttribute("tabindex")));
  focusable();
  drawerWidth.addEventListener("change", focusable);

  // A table wider than the page scrolls sideways in its wrapper: while it does, the wrapper is a named region in the
  // Tab order, so the arrow keys scroll it (WCAG 2.1.1); a table that fits adds no Tab stop.
  // mkdocs-material wraps the tables once its own script has mounted the page (its document$), after this one runs.
  const scrollable = () =>
    document.querySelectorAll(".md-typeset__scrollwrap").forEach((wrap) => {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table, scrolls sideways");
      } else ["tabindex", "role", "aria-label"].forEach((name) => wrap.removeAttribute(name));
    });
  if (window.document$) window.document$.subscribe(() => requestAnimationFrame(scrollable));
  window.addEventListener("load", scrollable);
  window.addEventListener("resize", scrollable);

  // The open drawer takes the focus and gives it back when it closes; focus that leaves the open drawer or the open
  // search closes it, so the focus is never behind either's shade (WCAG 2.4.3, 2.4.11).
  const drawer = document.getElementById("__drawer");
  const search = document.getElementById("__search");
  const drawerButton = document.querySelector("label.md-header__button[for=__drawer]");
  const panel = document.querySelector(".md-sidebar--primary");
  drawer?.addEventListener("change", () => {
    if (!drawer.checked || document.activeElement !== drawerButton) return;
    // The innermost open panel (the current page's section opens with the drawer) is the one on top.
    const open = [...(panel?.querySelectorAll(".md-nav__toggle:checked ~ .md-nav") ?? [])];
    const top = open.reduce((deepest, nav) => (deepest && deepest.contains(nav)) || !deepest ? nav : deepest, null);
    requestAnimationFrame(() => (top ?? panel)?.querySelector("a[href], label[tabindex='0']")?.focus());
  });
  document.addEventListener("focusin", (event) => {
    const there = event.target;
    if (drawer?.checked && drawerWidth.matches && there !== drawerButton && !panel?.contains(there)) drawer.click();
    if (search?.checked && !there.closest(".md-search") && !there.matches("label[for=__search]")) search.click();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !drawer || !drawer.checked) return;
    drawer.click();
    drawerButton?.focus();
  });
})();
