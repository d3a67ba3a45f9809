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
// 3. The data explorer's table is sorted and paged by links, and the page is drawn again for
//    the new URL: whoever followed one (keyboard or mouse) finds the same link focused, and in
//    view, in the new table (a link the new page lacks, "Previous page" on page 1: the pager's
//    other link, else the table's scrolling region), instead of the top of an empty page.
(function () {
  var last = null;
  var followed = null;  // {id, table}: a table link just followed, until the new table is drawn
  document.addEventListener("focusin", function (event) {
    var control = event.target.closest && event.target.closest(".control");
    if (control && control.id) { last = control.id; }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".sort-link, .pager-step");
    if (link && link.id) { followed = { id: link.id, table: link.closest(".data-table-block") }; }
  }, true);

  function refocusTable() {
    var table = document.querySelector(".data-table-block");
    if (!table || table === followed.table) { return; }  // the new table is not drawn yet
    var target = document.getElementById(followed.id) || table.querySelector(".table-pager a") || table.querySelector(".table-scroll");
    followed = null;
    if (target) { target.focus(); }
  }

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
    if (followed) { refocusTable(); return; }
    if (!last || (document.activeElement && document.activeElement !== document.body)) { return; }
    var control = document.getElementById(last);
    var target = control && (control.querySelector("input:checked") || control.querySelector("input, button, [tabindex]"));
    if (target) { target.focus({ preventScroll: true }); }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
