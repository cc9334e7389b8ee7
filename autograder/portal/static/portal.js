// The submission page follows its status (queued -> grading -> graded) without reloading.
(function () {
  const root = document.getElementById("submission");
  if (!root) return;
  const url = root.dataset.statusUrl;
  const text = (tag, value) => { const el = document.createElement(tag); el.textContent = value; return el; };
  const fmt = (x) => String(Math.round(x * 1000) / 1000);

  function show(s) {
    const status = document.getElementById("status");
    status.textContent = s.status;
    status.className = "status-" + s.status;
    document.getElementById("score").textContent =
      s.score === null ? "" : fmt(s.score) + " / " + fmt(s.max_score);
    const messages = document.getElementById("messages");
    messages.replaceChildren(...s.messages.map((m) => text("li", m)));
    const table = document.getElementById("components");
    table.tBodies[0].replaceChildren(...s.components.map((c) => {
      const row = document.createElement("tr");
      const name = document.createElement("td");
      name.appendChild(text("code", c.name));
      const diagnosis = text("td", c.diagnosis || "");
      diagnosis.className = "diagnosis";
      row.append(name, text("td", fmt(c.score) + " / " + fmt(c.max_score)), text("td", c.status), diagnosis);
      return row;
    }));
    table.hidden = s.components.length === 0;
    if (s.feedback_url) {
      const frame = document.getElementById("feedback");
      const link = document.getElementById("feedback-link");
      if (frame.getAttribute("src") !== s.feedback_url) frame.setAttribute("src", s.feedback_url);
      frame.hidden = false;
      link.href = s.feedback_url;
      link.hidden = false;
    }
  }

  async function poll() {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        const s = await response.json();
        show(s);
        if (s.status === "graded" || s.status === "invalid") return;
      }
    } catch (error) { /* the server restarting: try again */ }
    setTimeout(poll, 700);
  }
  if (root.dataset.status !== "graded" && root.dataset.status !== "invalid") setTimeout(poll, 300);
})();
