// The header's navigation and search buttons are <label>s for hidden checkboxes, which the keyboard cannot reach:
// each becomes a named button in the Tab order that Space presses (mkdocs-material itself clicks a focused label on
// Enter), and Escape closes the navigation (WCAG 2.1.1, 4.1.2).
(() => {
  const names = { __drawer: "Navigation", __search: "Search" };
  for (const label of document.querySelectorAll("label.md-header__button[for]")) {
    const toggle = document.getElementById(label.htmlFor);
    if (!toggle || !(label.htmlFor in names)) continue;
    label.tabIndex = 0;
    label.setAttribute("role", "button");
    label.setAttribute("aria-label", names[label.htmlFor]);
    const show = () => label.setAttribute("aria-expanded", String(toggle.checked));
    show();
    toggle.addEventListener("change", show);
    label.addEventListener("keydown", (event) => {
      if (event.key !== " ") return;
      event.preventDefault();
      label.click();
    });
  }
  const drawer = document.getElementById("__drawer");
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !drawer || !drawer.checked) return;
    drawer.click();
    document.querySelector("label.md-header__button[for=__drawer]")?.focus();
  });
})();
