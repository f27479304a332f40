// The compare form sends the ticked runs, in table order, as one comma-separated `ids`.
"use strict";
(function () {
  const form = document.getElementById("compare-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    const ids = Array.from(form.querySelectorAll("input.pick:checked")).map((box) => box.value);
    document.getElementById("compare-ids").value = ids.join(",");
  });
})();
