// A live story's page: every approved entry is in the HTML already; this
// adds the ones approved after the page was made, without a reload. It
// listens to server-sent events; where those fail, it polls the snapshot
// at time-bucketed URLs (one cached answer serves every reader in the same
// bucket) at the interval the server gives, slower while the tab is hidden,
// and not at all once the live has ended. A reader scrolled down into the
// entries is shown "N 条新内容" instead of having the page jump. The order
// (newest or oldest first) is the reader's choice, remembered here.
(function () {
  "use strict";
  var box = document.querySelector(".live[data-poll]");
  if (!box) return;
  var list = box.querySelector(".live-entries");
  var bar = box.querySelector(".live-new");
  var tools = box.querySelector(".live-tools");
  var status = document.querySelector(".live-status");
  var seq = parseInt(box.dataset.live, 10) || 0;
  var interval = parseInt(box.dataset.interval, 10) || 10;
  var ended = box.dataset.status === "ended";
  var held = [];
  var order = "newest";
  try { order = localStorage.getItem("gazette-live-order") || "newest"; } catch (e) { /* private mode */ }

  function entries() { return Array.prototype.slice.call(list.querySelectorAll(".live-entry")); }
  function when(li) { var t = li.querySelector("time"); return t ? t.getAttribute("datetime") : ""; }
  // pinned first (newest pinned first), then by the reader's order
  function arrange() {
    var all = entries();
    all.sort(function (a, b) {
      var pa = a.classList.contains("pinned"), pb = b.classList.contains("pinned");
      if (pa !== pb) return pa ? -1 : 1;
      var x = when(a) + ":" + a.dataset.id.padStart(12, "0"), y = when(b) + ":" + b.dataset.id.padStart(12, "0");
      if (pa || order === "newest") return x < y ? 1 : x > y ? -1 : 0;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    all.forEach(function (li) { list.appendChild(li); });
  }
  function fromHtml(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }
  // reading below the top of the list: hold new entries behind the bar
  function readingDown() { return list.getBoundingClientRect().top < -40; }
  function showBar() {
    bar.hidden = held.length === 0;
    bar.textContent = held.length + " 条新内容,点击查看";
  }
  function place(li) {
    var empty = list.querySelector(".live-empty");
    if (empty) empty.remove();
    list.appendChild(li);
    arrange();
  }
  // the 要点 list follows the entries: an entry marked 要点 joins it in
  // time order, one unmarked or taken down leaves it
  function keys(e) {
    var nav = document.querySelector(".live-keys");
    var link = nav && nav.querySelector("a[href='#e" + e.id + "']");
    var item = link && link.closest("li");
    if (e.state === "removed" || !e.key) {
      if (item) item.remove();
      if (nav && !nav.querySelector("li")) nav.remove();
      return;
    }
    if (!nav) {
      nav = document.createElement("nav");
      nav.className = "live-keys";
      nav.setAttribute("aria-label", "直播要点");
      var h = document.createElement("h2");
      h.textContent = "要点";
      nav.appendChild(h);
      nav.appendChild(document.createElement("ol"));
      box.insertBefore(nav, box.firstChild);
    }
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = "#e" + e.id;
    var t = document.createElement("time");
    t.setAttribute("datetime", e.at || "");
    t.textContent = e.time || "";
    a.appendChild(t);
    a.appendChild(document.createTextNode(" " + (e.summary || "")));
    li.appendChild(a);
    if (item) { item.replaceWith(li); return; }
    var ol = nav.querySelector("ol");
    var after = Array.prototype.slice.call(ol.children).find(function (x) {
      var tt = x.querySelector("time");
      return tt && tt.getAttribute("datetime") > (e.at || "");
    });
    ol.insertBefore(li, after || null);
  }
  function apply(e) {
    if (e.seq && e.seq > seq) seq = e.seq;
    keys(e);
    var old = document.getElementById("e" + e.id);
    if (e.state === "removed") { if (old) old.remove(); return; }
    var li = fromHtml(e.html);
    if (old) { old.replaceWith(li); arrange(); return; }
    if (readingDown() && order === "newest") { held.push(li); showBar(); return; }
    place(li);
  }
  bar.addEventListener("click", function () {
    held.forEach(place);
    held = [];
    showBar();
    list.scrollIntoView({ behavior: "smooth", block: "start" });
  });
  window.addEventListener("scroll", function () {
    if (held.length && !readingDown()) { held.forEach(place); held = []; showBar(); }
  }, { passive: true });

  tools.hidden = false;
  tools.querySelectorAll("button[data-order]").forEach(function (b) {
    b.setAttribute("aria-pressed", String(b.dataset.order === order));
    b.addEventListener("click", function () {
      order = b.dataset.order;
      try { localStorage.setItem("gazette-live-order", order); } catch (e) { /* private mode */ }
      tools.querySelectorAll("button[data-order]").forEach(function (x) { x.setAttribute("aria-pressed", String(x === b)); });
      arrange();
    });
  });
  if (order !== "newest") arrange();

  function setStatus(s, label) {
    box.dataset.status = s;
    if (status) {
      var badge = status.querySelector(".live-badge");
      if (badge) badge.textContent = label;
      status.className = "live-status live-" + s;
      var w = status.querySelector(".live-when");
      if (w && s === "live") w.textContent = "直播进行中";
      if (w && s === "ended") w.textContent = "直播已结束";
    }
    if (s === "ended") { ended = true; stop(); }
  }

  var source = null, timer = null, failures = 0, pushed = false;
  function stop() {
    if (source) { source.close(); source = null; }
    clearTimeout(timer);
  }
  function poll() {
    clearTimeout(timer);
    if (ended) return;
    // Gazette answers time-bucketed names (cacheable for everyone in the
    // bucket); a file server (the static export) has only entries.json
    var url = pushed
      ? box.dataset.poll.replace(/entries\.json$/, Math.floor(Date.now() / 1000 / interval) + ".json")
      : box.dataset.poll;
    fetch(url, { credentials: "omit" }).then(function (r) { return r.json(); }).then(function (j) {
      interval = j.interval || interval;
      j.entries.slice().reverse().forEach(function (e) {
        var have = document.getElementById("e" + e.id);
        if (!have || parseInt(have.dataset.seq, 10) < e.seq) apply(e);
      });
      // an entry removed since: gone from the snapshot
      var ids = {}; j.entries.forEach(function (e) { ids[e.id] = true; });
      entries().forEach(function (li) { if (!ids[li.dataset.id]) { li.remove(); keys({ id: li.dataset.id, state: "removed" }); } });
      if (j.status !== box.dataset.status) setStatus(j.status, j.label);
      if (j.interval === 0) return setStatus("ended", j.label);
      schedule();
    }, schedule);
  }
  function schedule() {
    if (ended) return;
    // a hidden tab asks four times less often
    timer = setTimeout(poll, interval * 1000 * (document.hidden ? 4 : 1));
  }
  function listen() {
    if (ended) return;
    if (!window.EventSource) { schedule(); return; }
    source = new EventSource(box.dataset.events + "?after=" + seq);
    source.onopen = function () { pushed = true; failures = 0; };
    source.addEventListener("entry", function (m) { failures = 0; apply(JSON.parse(m.data)); });
    source.addEventListener("status", function (m) { var s = JSON.parse(m.data); setStatus(s.status, s.label); });
    // too far behind: take the snapshot, then listen again
    source.addEventListener("reload", function () { stop(); poll(); setTimeout(listen, 1000); });
    source.onerror = function () {
      failures++;
      // no events here at all (a file server): poll the snapshot file;
      // else the browser reconnects by itself, and after repeated failures we poll
      if (source.readyState === EventSource.CLOSED || failures >= 3) { stop(); schedule(); }
    };
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !source && !ended) poll();
  });
  listen();
})();
