// nianbao portal: small enhancements only; every page works without script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // An access link: /login/#<单位代码>/<访问码> fills the form and signs in. The code is in the
  // part after "#", which the browser never sends to the server (no code in any server log).
  var form = document.getElementById("login-form");
  var m = location.hash.match(/^#([^/]+)\/([A-Za-z0-9-]+)$/);
  if (form && m) {
    document.getElementById("org_code").value = decodeURIComponent(m[1]);
    document.getElementById("access_code").value = m[2];
    history.replaceState(null, "", location.pathname);
    form.submit();
  }
  // File pickers (the browser's own button is hidden: it says "Choose File" in English ones).
  document.querySelectorAll(".picker input[type=file]").forEach(function (input) {
    var shown = input.parentNode.querySelector(".picked");
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      shown.textContent = names.length ? names.join("、") : shown.getAttribute("data-empty");
      shown.className = names.length ? "picked chosen" : "picked";
    });
  });
  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  // Confirm before actions that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // Uploads: say that the check is running, and do not send twice.
  document.querySelectorAll("form[data-busy]").forEach(function (f) {
    f.addEventListener("submit", function () {
      var b = f.querySelector("button[type=submit]");
      if (b) { b.disabled = true; b.textContent = f.getAttribute("data-busy"); }
    });
  });
  // The board updates itself: reload when the board's version changes.
  var board = document.getElementById("board");
  if (board) {
    var seen = board.getAttribute("data-version");
    setInterval(function () {
      fetch(board.getAttribute("data-version-url") || "/county/board/version/", {credentials: "same-origin", cache: "no-store"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d && String(d.version) !== seen) { location.reload(); } })
        .catch(function () {});
    }, 5000);
  }
});
