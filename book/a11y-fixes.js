// Accessibility fixes for what the theme and docutils generate (WCAG 2.1 A/AA, checked by
// axe-core in the browser tests):
// - an accessible name matches what a reader sees ("label in name", 2.5.3): where an
//   element's visible text is not part of its aria-label, the visible text is the name;
// - the colour-mode button's icons are decorative: their SVG titles ("light", "dark") must
//   not contradict the button's name "Color mode";
// - the bibliography's citation list is not an ARIA list (its entries are not list items).
// Font Awesome swaps icons in after the page has loaded, so the fixes run again on changes.
(function () {
  function fix() {
    document.querySelectorAll("[aria-label]").forEach(function (el) {
      var visible = (el.innerText || "").trim();
      var label = el.getAttribute("aria-label");
      if (visible && label && label.toLowerCase().indexOf(visible.toLowerCase()) === -1) {
        el.removeAttribute("aria-label");
      }
    });
    document.querySelectorAll(".theme-switch-button svg, .theme-switch-button i").forEach(
      function (icon) {
        if (icon.getAttribute("aria-hidden") !== "true") icon.setAttribute("aria-hidden", "true");
        icon.removeAttribute("aria-labelledby");
        icon.querySelectorAll("title").forEach(function (title) {
          title.remove();
        });
      }
    );
    document.querySelectorAll('.citation-list[role="list"]').forEach(function (list) {
      list.removeAttribute("role");
    });
  }
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fix();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    fix();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
