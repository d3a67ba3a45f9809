// One chart drawn at a time, each in a task of its own, in the order the page asks for them.
//
// Dash mounts every graph of a page in one React commit, and each dcc.Graph calls Plotly.react
// as it mounts: five charts were drawn in one task of ~3 s on a 4x-throttled CPU (most of it
// plotly.js measuring text), and the browser showed none of them until the last was done.
// Queued, the first chart is on screen after its own drawing and the page answers input between
// two charts. Plotly.react keeps its contract: it returns a promise of the plotted div, and calls
// for the same div run in the order they were made (a figure update waits for the first drawing).
// Loaded right after the page's plotly.js (essa_dash/bundles.py), before Dash's scripts; below, in the
// same file (one request fewer on a first visit, which is near its 650 kB), the first chart drawn from the HTML.
(function () {
  "use strict";
  var Plotly = window.Plotly;
  if (!Plotly || Plotly.essaQueued) return;
  var react = Plotly.react;
  var free = Promise.resolve(); // settles when the previous chart is drawn and the browser has had a turn

  function nextTask() {
    return new Promise(function (resolve) {
      setTimeout(resolve, 0);
    });
  }

  Plotly.react = function () {
    var self = this;
    var args = arguments;
    var drawn = free.then(function () {
      var gd = args[0];
      // a graph taken off the page while it waited (the visitor moved on) is not drawn: its
      // dcc.Graph has unmounted and would never purge it (nor its window resize listener)
      if (gd && gd.nodeType === 1 && !gd.isConnected) return gd;
      return react.apply(self, args);
    });
    free = drawn.then(nextTask, nextTask);
    return drawn;
  };
  Plotly.essaQueued = true;
})();

// The first chart drawn from the page's HTML, before Dash's renderer boots (essa_dash/first_view.py).
//
// The server put a static copy of the page down to its first chart in #first-view, and the
// chart's figure and config (dcc.Graph's) as JSON in #first-view-figure. Drawn here, right after
// plotly.js: on a 4x-throttled CPU about 2.5 s before dcc.Graph would. The renderer's own page is
// laid out hidden under the copy (assets/style.css); the copy is removed, in the same frame, once
// the renderer has drawn the same chart: the same tags and classes under the same CSS, nothing moves.
(function () {
  "use strict";
  var view = document.getElementById("first-view");
  var data = document.getElementById("first-view-figure");
  var plot = document.getElementById("first-view-plot");
  if (!view || !data || !plot) return;
  var drawn = null;
  // not shown when drawn for the other frame (assets/style.css): not drawn either
  if (window.Plotly && window.getComputedStyle(view).display !== "none") {
    var first = JSON.parse(data.textContent);
    var figure = first.figure;
    drawn = window.Plotly.newPlot(plot, figure.data || [], figure.layout || {}, first.config);
  }
  var entry = document.getElementById("react-entry-point");
  var own = plot.getAttribute("data-graph"); // the renderer's graph the copy's chart stands in for
  // the renderer has drawn that graph, or drawn a page without it (then any chart of its own ends the copy):
  // a chart it draws first that is not the copy's (a remount puts that graph back in the queue) leaves the copy up
  function mounted() {
    var graph = own === null ? null : document.getElementById(own);
    if (graph !== null && entry.contains(graph)) return graph.querySelector(".main-svg") !== null;
    return entry.querySelector(".js-plotly-plot .main-svg") !== null;
  }
  function remove() {
    if (drawn && window.Plotly) window.Plotly.purge(plot); // its window resize listener goes with it
    view.parentNode.removeChild(view);
    data.parentNode.removeChild(data);
  }
  var watch = new MutationObserver(function () {
    if (!mounted()) return;
    watch.disconnect();
    remove();
  });
  watch.observe(entry, { childList: true, subtree: true });
})();
