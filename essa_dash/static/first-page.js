// The first page's layout and the callbacks' graph asked for as soon as this runs, not after every script.
//
// Dash's renderer asks for /_dash-layout and /_dash-dependencies once its scripts are parsed
// (plotly.js alone takes a second on a slow laptop), renders the frame, and only then did the
// pages router learn where it is: a third request, for the page and its figures, after the first
// two and a React render. Here both are asked for while the scripts are still being parsed, the
// layout naming the page (?page=<path and query>): the server answers the frame with the page
// already inside (essa_dash/first_page.py), so the router does not run on a first load. The
// renderer's own requests get these answers; a failed one is asked again as the renderer asked it.
// Linked right after assets/viewport.js (the layout is drawn for the viewport's frame), before plotly.js.
(function () {
  "use strict";
  var config = document.getElementById("_dash-config");
  if (!config || !window.fetch) return;
  var prefix = JSON.parse(config.textContent).requests_pathname_prefix || "/";
  if (prefix.charAt(prefix.length - 1) !== "/") prefix += "/";
  var original = window.fetch;
  var options = { credentials: "same-origin", headers: { Accept: "application/json" } };
  var early = {};
  early[prefix + "_dash-layout"] = original(prefix + "_dash-layout?page=" + encodeURIComponent(location.pathname + location.search), options);
  early[prefix + "_dash-dependencies"] = original(prefix + "_dash-dependencies", options);

  window.fetch = function (input, init) {
    var answer = typeof input === "string" && (!init || !init.method || init.method === "GET") ? early[input] : undefined;
    if (!answer) return original.apply(this, arguments);
    delete early[input];
    if (!Object.keys(early).length) window.fetch = original; // both handed over: nothing left to intercept
    var self = this;
    var args = arguments;
    function asked() {
      return original.apply(self, args);
    }
    return answer.then(function (response) {
      return response.ok ? response : asked();
    }, asked);
  };
})();
