// The viewport's width for the server, which lays each page's charts out for a phone or a desktop
// (essa_dash/components/viewport.py). Written before Dash draws the first page; a page opened
// after the window changed size is drawn for the new width.
(function () {
  function remember() {
    document.cookie = "essa_vw=" + Math.round(window.innerWidth) + "; path=/; SameSite=Lax";
  }
  remember();
  window.addEventListener("resize", remember);
})();
