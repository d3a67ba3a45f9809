// An embedded chart: the figure JSON is in the page; draw it to fill the frame and follow its size.
(function () {
  var fig = JSON.parse(document.getElementById("figure").textContent);
  var config = JSON.parse(document.getElementById("config").textContent);
  delete fig.layout.width;
  delete fig.layout.height;
  fig.layout.autosize = true;
  Plotly.newPlot(document.getElementById("chart"), fig.data, fig.layout, config);
})();
