// One chart drawn at a time, each in a task of its own, the first on the page first.
//
// Dash mounts every graph of a page in one React commit, and each dcc.Graph calls Plotly.react
// as it mounts: five charts were drawn in one task of ~3 s on a 4x-throttled CPU (most of it
// plotly.js measuring text), and the browser showed none of them until the last was done.
// Queued, the first chart is on screen after its own drawing and the page answers input between
// two charts. The next chart drawn is the waiting one that comes first in the document, not the
// one asked for first: on a busy machine React reveals some suspended graphs a commit after the
// others (the ranking and map of /risk after its last three), and the first chart, the one the
// HTML's copy stands in for, was drawn after charts below it that were still waiting.
// Plotly.react keeps its contract: it returns a promise of the plotted div, and calls for the same
// div run in the order they were made (a figure update waits for the first drawing).
// Loaded right after the page's plotly.js (essa_dash/bundles.py), before Dash's scripts; below, in the
// same file (one request fewer on a first visit, which is near its 650 kB), the first chart drawn from the HTML.
(function () {
  "use strict";
  var Plotly = window.Plotly;
  if (!Plotly || Plotly.essaQueued) return;
  var react = Plotly.react;
  var waiting = []; // {self, args, div, resolve, reject}, in the order asked
  var busy = false; // a chart is being drawn, or the browser is having its turn after one

  // the waiting call whose div comes first in the document (the first asked among equals)
  function first() {
    var best = 0;
    for (var i = 1; i < waiting.length; i++) {
      var a = waiting[best].div;
      var b = waiting[i].div;
      if (a && b && a !== b && b.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING) best = i;
    }
    return waiting.splice(best, 1)[0];
  }

  function turn() {
    setTimeout(draw, 0);
  }

  function draw() {
    // a div taken off the page while it waited (the visitor moved on) is not drawn: its
    // dcc.Graph has unmounted and would never purge it (nor its window resize listener)
    waiting = waiting.filter(function (call) {
      var gone = call.div && call.div.nodeType === 1 && !call.div.isConnected;
      if (gone) call.resolve(call.args[0]);
      return !gone;
    });
    busy = waiting.length > 0;
    if (!busy) return;
    var call = first();
    var drawn = new Promise(function (resolve) {
      resolve(react.apply(call.self, call.args)); // a throw rejects
    });
    drawn.then(call.resolve, call.reject);
    drawn.then(turn, turn);
  }

  Plotly.react = function () {
    var args = arguments;
    var self = this;
    var gd = args[0];
    return new Promise(function (resolve, reject) {
      waiting.push({ self: self, args: args, div: typeof gd === "string" ? document.getElementById(gd) : gd, resolve: resolve, reject: reject });
      // after the current task's other calls (Dash mounts a page's graphs in one commit)
      Promise.resolve().then(function () {
        if (!busy) draw();
      });
    });
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
//
// Dash's scripts (React, the renderer, the component suites) come in front of the page's scripts
// under an inert type (first_view.held_back): fetched beside plotly.js, they took half the bandwidth
// a slow network had for it. They are loaded here, in their order, once the copy's chart is drawn
// (at once when it is not drawn): this script runs when plotly.js has arrived.
(function () {
  "use strict";
  var view = document.getElementById("first-view");
  var data = document.getElementById("first-view-figure");
  var plot = document.getElementById("first-view-plot");
  var held = document.querySelectorAll('script[type="text/x-essa-after-first-chart"]');

  // each held-back script as the parser would have run it, in order: the files are fetched at once and
  // run in their order (async = false); an inline one (the same text: its CSP hash holds) once the
  // files before it have run, and what follows it after it
  function load(scripts) {
    var loaded = Promise.resolve(); // the files added so far have run
    var chain = null; // set once an inline script waits: what follows waits for it
    Array.prototype.forEach.call(scripts, function (old) {
      function add() {
        var script = document.createElement("script");
        for (var a = 0; a < old.attributes.length; a++) {
          if (old.attributes[a].name !== "type") script.setAttribute(old.attributes[a].name, old.attributes[a].value);
        }
        var done = Promise.resolve();
        if (old.src) {
          script.async = false;
          done = new Promise(function (resolve) {
            script.onload = script.onerror = resolve;
          });
        } else {
          script.text = old.text;
        }
        old.parentNode.replaceChild(script, old);
        return done;
      }
      if (chain === null && old.src) loaded = add();
      else chain = (chain || loaded).then(add);
    });
  }

  var drawn = null;
  // not shown when drawn for the other frame (assets/style.css): not drawn either
  if (view && data && plot && window.Plotly && window.getComputedStyle(view).display !== "none") {
    try {
      var first = JSON.parse(data.textContent);
      var figure = first.figure;
      drawn = window.Plotly.newPlot(plot, figure.data || [], figure.layout || {}, first.config);
    } catch (error) {
      drawn = null; // the renderer draws the page as without the copy
    }
  }
  load(held);
  if (!view || !data || !plot) return;

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
