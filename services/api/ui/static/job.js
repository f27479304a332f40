// Live progress: poll the job's status once a second until it is finished.
"use strict";
(function () {
  const box = document.getElementById("progress");
  const finished = new Set(["succeeded", "failed", "cancelled"]);
  async function poll() {
    const response = await fetch(box.dataset.statusUrl, { credentials: "same-origin" });
    if (!response.ok) { return; }
    const status = await response.json();
    document.getElementById("state").textContent = status.state;
    document.getElementById("state").className = "state " + status.state;
    document.getElementById("hit-ratio").textContent =
      status.cache_hit_ratio === null ? "—" : status.cache_hit_ratio.toFixed(3);
    document.getElementById("eta").textContent =
      status.eta_seconds === null ? "—" : Math.round(status.eta_seconds) + " s";
    for (const [pivot, progress] of Object.entries(status.progress)) {
      const row = box.querySelector(`[data-pivot="${pivot}"]`);
      if (!row) { continue; }
      row.querySelector("progress").max = progress.chunks_total;
      row.querySelector("progress").value = progress.chunks_done;
      row.querySelector(".chunks").textContent = `${progress.chunks_done} / ${progress.chunks_total} chunks`;
      row.querySelector(".rows-out").textContent = progress.rows_out;
    }
    if (!finished.has(status.state)) { setTimeout(poll, 1000); }
  }
  setTimeout(poll, 1000);
})();
