// Accessibility repairs and keyboard comfort, applied to whatever Dash draws.
//
// 1. Pages are rebuilt from the URL after every change of a control. Keep keyboard users
//    where they were: remember the last focused control and focus it again (the checked
//    radio, or the control's first focusable element) once the new page has been drawn.
// 2. Dash 4's widgets ship ARIA that contradicts their HTML: radio groups and checklists
//    are role="listbox" whose role="option" labels wrap native inputs (nested interactive
//    controls), and each dropdown's keyboard entry point is focusable yet aria-hidden.
//    The native inputs already say everything, so the conflicting roles are removed and
//    the dropdown's entry point is named after the control's own label.
(function () {
  var last = null;
  document.addEventListener("focusin", function (event) {
    var control = event.target.closest && event.target.closest(".control");
    if (control && control.id) { last = control.id; }
  });

  function repair(root) {
    root.querySelectorAll(".dash-radioitems[role=listbox], .dash-checklist[role=listbox]").forEach(function (list) {
      if (!list.querySelector("input[type=radio], input[type=checkbox]")) { return; }
      list.removeAttribute("role");
      list.querySelectorAll("[role=option]").forEach(function (option) {
        option.removeAttribute("role");
        option.removeAttribute("aria-selected");
      });
    });
    root.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]").forEach(function (target) {
      target.removeAttribute("aria-hidden");
      var label = target.closest(".control") && target.closest(".control").querySelector("label");
      if (label) { target.setAttribute("aria-label", label.textContent); }
    });
  }

  new MutationObserver(function () {
    repair(document);
    if (!last || (document.activeElement && document.activeElement !== document.body)) { return; }
    var control = document.getElementById(last);
    var target = control && (control.querySelector("input:checked") || control.querySelector("input, button, [tabindex]"));
    if (target) { target.focus({ preventScroll: true }); }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
