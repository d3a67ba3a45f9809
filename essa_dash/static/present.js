// Presenter mode: one chart per slide, drawn at 1920x1080 and scaled to the screen so the
// large type stays proportionate; arrows, space, PageUp/PageDown, Home/End move, F toggles
// full screen. The slide number lives in the URL hash so a reload keeps the place.
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var counter = document.getElementById("counter");
  // the words come from the server, in the page's language (no sentence is written here)
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var current = Math.min(Math.max(parseInt(location.hash.slice(1), 10) - 1 || 0, 0), slides.length - 1);

  function fit(slide) {
    var chart = slide.querySelector(".slide-chart");
    var scale = Math.min(window.innerWidth / 1920, (window.innerHeight - 40) / 1080);
    chart.style.transform = "scale(" + scale + ")";
  }

  function draw(slide) {
    if (slide.dataset.drawn) { return; }
    var fig = JSON.parse(slide.querySelector(".figure").textContent);
    var config = JSON.parse(slide.querySelector(".config").textContent);
    config.responsive = false;
    fig.layout.width = 1920;
    fig.layout.height = 1080;
    Plotly.newPlot(slide.querySelector(".slide-chart"), fig.data, fig.layout, config);
    slide.dataset.drawn = "1";
  }

  function show(index) {
    current = Math.min(Math.max(index, 0), slides.length - 1);
    slides.forEach(function (slide, i) { slide.hidden = i !== current; });
    draw(slides[current]);
    fit(slides[current]);
    counter.textContent = strings.counter.replace("{n}", String(current + 1)).replace("{total}", String(slides.length));
    history.replaceState(null, "", "#" + (current + 1));
  }

  document.addEventListener("keydown", function (event) {
    var key = event.key;
    if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown" || key === " ") { show(current + 1); }
    else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp") { show(current - 1); }
    else if (key === "Home") { show(0); }
    else if (key === "End") { show(slides.length - 1); }
    else if (key === "f" || key === "F") {
      if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
    } else { return; }
    event.preventDefault();
  });
  window.addEventListener("resize", function () { fit(slides[current]); });
  document.querySelector(".present").focus();
  show(current);
})();
