// One chart drawn at a time, each in a task of its own, in the order the page asks for them.
//
// Dash mounts every graph of a page in one React commit, and each dcc.Graph calls Plotly.react
// as it mounts: five charts were drawn in one task of ~3 s on a 4x-throttled CPU (most of it
// plotly.js measuring text), and the browser showed none of them until the last was done.
// Queued, the first chart is on screen after its own drawing and the page answers input between
// two charts. Plotly.react keeps its contract: it returns a promise of the plotted div, and calls
// for the same div run in the order they were made (a figure update waits for the first drawing).
// Loaded right after the page's plotly.js (essa_dash/bundles.py), before Dash's scripts.
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
