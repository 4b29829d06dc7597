// The terminal's own opening-hours code answers as the editor types: does it parse, is it open now?
(function () {
  "use strict";
  const input = document.getElementById("id_opening_hours");
  const checkUrl = document.getElementById("desk-hours-check-url");
  if (!input || !checkUrl) return;
  const out = document.createElement("div");
  out.id = "desk-open-now";
  out.setAttribute("aria-live", "polite");
  (input.closest(".form-row") || input.parentNode).appendChild(out);
  let timer = null;
  let asked = 0;  // an answer about an older value must never overwrite the answer about the newest
  function check() {
    const mine = ++asked;
    fetch(checkUrl.dataset.url + "?value=" + encodeURIComponent(input.value), {credentials: "same-origin"})
      .then(r => r.json()).then(answer => {
        if (mine !== asked) return;
        out.textContent = answer.message;
        out.className = answer.ok ? "desk-ok" : "desk-bad";
      });
  }
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 300); });
  check();
})();
