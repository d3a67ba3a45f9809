// Pages are rebuilt from the URL after every change of a control. Keep keyboard users
// where they were: remember the last focused control and focus it again once the
// new page has been drawn.
(function () {
  var last = null;
  document.addEventListener("focusin", function (event) {
    var control = event.target.closest && event.target.closest(".control");
    if (control && control.id) { last = control.id; }
  });
  new MutationObserver(function () {
    if (!last || (document.activeElement && document.activeElement !== document.body)) { return; }
    var control = document.getElementById(last);
    // a radio group gets its checked option back, other controls their first focusable element
    var target = control && (control.querySelector("input:checked") || control.querySelector("input, button, [tabindex]"));
    if (target) { target.focus({ preventScroll: true }); }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
