// threadpress web app: small progressive enhancements. Every page works without this file.
"use strict";
(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const csrf = () => { const m = $('meta[name="csrf-token"]'); return m ? m.content : ""; };

  // -- thread page: the answered comment's text on hover or focus ---------------------------------
  function setupTooltips() {
    const tip = $("#tip");
    if (!tip) return;
    let current = null;
    function show(link) {
      const target = document.getElementById(link.dataset.target);
      if (!target) return;
      const who = $(".who", target), body = $(".body", target);
      let text = (body ? body.textContent : "").replace(/\s+/g, " ").trim();
      if (text.length > 320) text = text.slice(0, 320).replace(/\s\S*$/, "") + " …";
      tip.textContent = "";
      const head = document.createElement("strong");
      head.textContent = ($(".num", target) || {}).textContent + " " + (who ? who.textContent : "");
      tip.append(head, document.createElement("br"), document.createTextNode(text));
      tip.hidden = false;
      const r = link.getBoundingClientRect();
      const left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
      tip.style.left = left + "px";
      tip.style.top = (window.scrollY + r.bottom + 6) + "px";
      link.setAttribute("aria-describedby", "tip");
      current = link;
    }
    function hide() {
      tip.hidden = true;
      if (current) current.removeAttribute("aria-describedby");
      current = null;
    }
    const list = $("#comments");
    list.addEventListener("mouseover", (e) => { const a = e.target.closest("a.reply-link"); if (a) show(a); });
    list.addEventListener("mouseout", (e) => { const a = e.target.closest("a.reply-link"); if (a && !a.contains(e.relatedTarget)) hide(); });
    list.addEventListener("focusin", (e) => { const a = e.target.closest("a.reply-link"); if (a) show(a); });
    list.addEventListener("focusout", hide);
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
    window.addEventListener("hashchange", hide);
  }

  // -- add a thread: send the form, follow the job --------------------------------------------------
  async function followJob(id, status, onDone) {
    for (;;) {
      const r = await fetch("/jobs/" + encodeURIComponent(id) + ".json", { headers: { Accept: "application/json" } });
      const job = await r.json();
      onDone(job);
      if (job.finished) return job;
      await new Promise((ok) => setTimeout(ok, 400));
    }
  }
  function setupAddForm() {
    const form = $("#add-form");
    if (!form) return;
    const status = $("#add-status");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const old = $("#add-error"); if (old) old.remove();
      status.textContent = "Sending…";
      const button = $("button[type=submit]", form); button.disabled = true;
      try {
        const r = await fetch(form.getAttribute("action"), { method: "POST", body: new FormData(form),
          headers: { Accept: "application/json", "X-CSRF-Token": csrf() } });
        const data = await r.json();
        if (!r.ok) throw new Error(data.error || ("HTTP " + r.status));
        const job = await followJob(data.id, status, (j) => { status.textContent = j.stage === "failed" ? "" : j.stage.charAt(0).toUpperCase() + j.stage.slice(1) + "…"; });
        if (job.stage === "failed") throw new Error(job.error);
        status.textContent = "Done: " + job.comments + " comments stored.";
        window.location.href = "/threads/" + encodeURIComponent(job.thread_id).replace(/%3A/g, ":");
      } catch (err) {
        status.textContent = "";
        const p = document.createElement("p");
        p.className = "error"; p.id = "add-error"; p.setAttribute("role", "alert"); p.textContent = err.message;
        form.prepend(p);
      } finally { button.disabled = false; }
    });
  }
  function setupJobPage() {
    const box = $("#job");
    if (!box || box.dataset.finished === "yes") return;
    followJob(box.dataset.job, null, (job) => {
      $("#job-progress").value = job.stage === "failed" ? 0 : job.step;
      $("#job-stage").textContent = job.stage === "done" ? "Done: " + job.comments + " comments stored."
        : job.stage === "failed" ? "Failed." : job.stage.charAt(0).toUpperCase() + job.stage.slice(1) + "…";
      if (job.error) { $("#job-error").textContent = job.error; $("#job-error").hidden = false; }
      if (job.stage === "done") {
        const link = $("#job-link"); link.href = "/threads/" + encodeURIComponent(job.thread_id).replace(/%3A/g, ":");
        link.textContent = "Open “" + (job.title || "the thread") + "”"; $("#job-done").hidden = false;
      }
    });
  }

  // -- compose: edit in place, save as you go, live preview, copy ----------------------------------
  function setupCompose() {
    const form = $("#compose-form");
    if (!form) return;
    const rows = $("#rows"), preview = $("#preview"), plain = $("#plain-text"), saveStatus = $("#save-status");
    let timer = null, inflight = null, dirty = false, again = false, noteCount = 0;

    async function save() {
      clearTimeout(timer); timer = null;
      if (inflight) { again = true; return inflight; }
      dirty = false;
      saveStatus.textContent = "Saving…";
      const body = new FormData(form);
      inflight = fetch(form.getAttribute("action"), { method: "POST", body,
        headers: { Accept: "application/json", "X-CSRF-Token": csrf() } })
        .then(async (r) => {
          const data = await r.json();
          if (!r.ok) throw new Error(data.error || ("HTTP " + r.status));
          preview.innerHTML = data.preview_html;  // our own server's output: sanitized comment HTML, escaped notes
          plain.value = data.text;
          saveStatus.textContent = "Saved " + data.composition.updated_at;
        })
        .catch((err) => { saveStatus.textContent = "Not saved: " + err.message; dirty = true; })
        .finally(() => { inflight = null; if (again) { again = false; save(); } });
      return inflight;
    }
    function soon() { dirty = true; saveStatus.textContent = "Editing…"; clearTimeout(timer); timer = setTimeout(save, 350); }
    async function flush() { if (timer || dirty) await save(); if (inflight) await inflight; }

    function newNote() {
      const li = $("#note-template").content.firstElementChild.cloneNode(true);
      const id = "note-new-" + (++noteCount);
      $("textarea", li).id = id; $("label", li).htmlFor = id;
      return li;
    }
    form.addEventListener("click", (e) => {
      const b = e.target.closest("button");
      if (!b) return;
      const row = b.closest(".row");
      if (b.classList.contains("move") && row) {
        e.preventDefault();
        if (b.dataset.dir === "up" && row.previousElementSibling) row.parentNode.insertBefore(row, row.previousElementSibling);
        else if (b.dataset.dir === "down" && row.nextElementSibling) row.parentNode.insertBefore(row.nextElementSibling, row);
        b.focus(); soon();
      } else if (b.classList.contains("del-note") && row) {
        e.preventDefault();
        const next = row.nextElementSibling || row.previousElementSibling; row.remove();
        if (next) { const f = $("input,textarea,button", next); if (f) f.focus(); }
        soon();
      } else if (b.classList.contains("add-note")) {
        e.preventDefault();
        const li = newNote();
        if (row) row.after(li); else rows.prepend(li);
        $("textarea", li).focus(); soon();
      }
    });
    form.addEventListener("input", soon);
    form.addEventListener("change", (e) => {
      if (e.target.name === "keep") e.target.closest(".row").classList.toggle("off", !e.target.checked);
      soon();
    });
    $("#add-number").addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); $("button[value=add-number]", form).click(); }
    });
    for (const id of ["#save-btn", "#save-top"]) {
      const b = $(id); if (b) b.addEventListener("click", (e) => { e.preventDefault(); save(); });
    }
    for (const a of $$(".exports a[download]")) {
      a.addEventListener("click", async (e) => {
        if (a.dataset.ready === "1") { a.dataset.ready = ""; return; }
        if (!timer && !dirty && !inflight) return;
        e.preventDefault(); await flush(); a.dataset.ready = "1"; a.click();
      });
    }
    const copy = $("#copy-btn");
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      await flush();
      const html = preview.innerHTML, text = plain.value, status = $("#copy-status");
      try {
        await navigator.clipboard.write([new ClipboardItem({
          "text/html": new Blob([html], { type: "text/html" }), "text/plain": new Blob([text], { type: "text/plain" }) })]);
      } catch (err) {
        const onCopy = (ev) => { ev.clipboardData.setData("text/html", html); ev.clipboardData.setData("text/plain", text); ev.preventDefault(); };
        document.addEventListener("copy", onCopy, { once: true });
        if (!document.execCommand("copy")) { status.textContent = "Copy failed: select the preview and copy it."; return; }
      }
      status.textContent = "Copied.";
    });
    window.addEventListener("beforeunload", (e) => { if (timer || dirty || inflight) { save(); e.preventDefault(); } });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupTooltips(); setupAddForm(); setupJobPage(); setupCompose();
  });
})();
