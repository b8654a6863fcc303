// The portal's pictures, made better by script where it runs; without it
// every page still shows everything:
// - the 焦点图 carousel: the first slide shows and the others scroll
//   sideways; with script it turns by itself (not for readers who ask for
//   reduced motion, and never while the pointer or the focus is on it), by
//   the arrow keys, the buttons, the dots and a swipe;
// - a gallery (图集): every picture in order, each at #pN; with script one at
//   a time with "3/12", arrows, keys, swipe, and the address following;
// - story pictures open large in a lightbox;
// - sharing: 复制链接 copies the page's address, 微信 shows its QR code (drawn
//   here by the vendored qrcode-generator, loaded on the first click: no
//   outside service sees the reader), 打印 prints (the print stylesheet keeps
//   the story, its pictures and its 签发日期).
(function () {
  "use strict";
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // a horizontal swipe on `el` calls back(-1) or back(1)
  function swipe(el, back) {
    var x0 = null, y0 = null;
    el.addEventListener("touchstart", function (e) {
      if (e.touches.length !== 1) return;
      x0 = e.touches[0].clientX; y0 = e.touches[0].clientY;
    }, { passive: true });
    el.addEventListener("touchend", function (e) {
      if (x0 === null) return;
      var t = e.changedTouches[0], dx = t.clientX - x0, dy = t.clientY - y0;
      x0 = null;
      if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy)) back(dx < 0 ? 1 : -1);
    });
  }

  function carousel(root) {
    var track = root.querySelector(".carousel-track");
    var slides = root.querySelectorAll(".slide");
    if (!track || slides.length < 2) return;
    var dots = root.querySelector(".carousel-dots");
    var prev = root.querySelector(".carousel-prev");
    var next = root.querySelector(".carousel-next");
    var pause = root.querySelector(".carousel-pause");
    [dots, prev, next, pause].forEach(function (b) { if (b) b.hidden = false; });
    root.setAttribute("data-js", "");
    var current = 0, timer = null, held = false, stopped = reduced;
    function show(i) {
      current = (i + slides.length) % slides.length;
      slides.forEach(function (s, n) {
        s.classList.toggle("current", n === current);
        s.setAttribute("aria-hidden", n === current ? "false" : "true");
        s.querySelectorAll("a").forEach(function (a) { a.tabIndex = n === current ? 0 : -1; });
      });
      if (dots) dots.querySelectorAll("button").forEach(function (d, n) {
        if (n === current) d.setAttribute("aria-current", "true"); else d.removeAttribute("aria-current");
      });
      root.setAttribute("data-current", String(current));
    }
    function tick() {
      clearTimeout(timer);
      if (!stopped && !held) timer = setTimeout(function () { show(current + 1); tick(); }, 5000);
    }
    function go(step) { show(current + step); tick(); }
    if (prev) prev.addEventListener("click", function () { go(-1); });
    if (next) next.addEventListener("click", function () { go(1); });
    if (dots) dots.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-slide]");
      if (b) { show(parseInt(b.dataset.slide, 10)); tick(); }
    });
    if (pause) {
      if (stopped) { pause.textContent = "播放"; pause.setAttribute("aria-label", "播放轮播"); }
      pause.addEventListener("click", function () {
        stopped = !stopped;
        pause.textContent = stopped ? "播放" : "暂停";
        pause.setAttribute("aria-label", stopped ? "播放轮播" : "暂停轮播");
        tick();
      });
    }
    root.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { e.preventDefault(); go(1); }
      else if (e.key === "ArrowLeft") { e.preventDefault(); go(-1); }
    });
    // hover or focus holds it still
    function hold(on) { held = on; root.toggleAttribute("data-held", on); tick(); }
    root.addEventListener("mouseenter", function () { hold(true); });
    root.addEventListener("mouseleave", function () { hold(false); });
    root.addEventListener("focusin", function () { hold(true); });
    root.addEventListener("focusout", function (e) { if (!root.contains(e.relatedTarget)) hold(false); });
    swipe(track, go);
    show(0);
    tick();
  }

  function gallery(root) {
    var items = root.querySelectorAll(".gallery-item");
    if (items.length < 2) return;
    var index = root.querySelector(".gallery-index");
    var thumbs = root.querySelectorAll(".gallery-thumbs a");
    var prev = root.querySelector(".gallery-prev");
    var next = root.querySelector(".gallery-next");
    root.setAttribute("data-js", "");
    var current = 0;
    function show(i, remember) {
      current = Math.max(0, Math.min(items.length - 1, i));
      items.forEach(function (f, n) { f.classList.toggle("current", n === current); });
      thumbs.forEach(function (t, n) {
        if (n === current) t.setAttribute("aria-current", "true"); else t.removeAttribute("aria-current");
      });
      if (index) index.textContent = String(current + 1);
      if (prev) prev.disabled = current === 0;
      if (next) next.disabled = current === items.length - 1;
      root.setAttribute("data-current", String(current + 1));
      if (remember && history.replaceState) history.replaceState(null, "", "#p" + (current + 1));
    }
    function go(step) { show(current + step, true); }
    if (prev) prev.addEventListener("click", function () { go(-1); });
    if (next) next.addEventListener("click", function () { go(1); });
    thumbs.forEach(function (t, n) {
      t.addEventListener("click", function (e) { e.preventDefault(); show(n, true); });
    });
    document.addEventListener("keydown", function (e) {
      var tag = (e.target && e.target.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA") return;
      if (e.key === "ArrowRight") { e.preventDefault(); go(1); }
      else if (e.key === "ArrowLeft") { e.preventDefault(); go(-1); }
    });
    swipe(root, go);
    var m = /^#p(\d+)$/.exec(location.hash);
    show(m ? parseInt(m[1], 10) - 1 : 0, false);
    window.addEventListener("hashchange", function () {
      var h = /^#p(\d+)$/.exec(location.hash);
      if (h) show(parseInt(h[1], 10) - 1, false);
    });
  }

  // the lightbox: a story picture's full-size JPEG in a modal dialog
  function lightbox() {
    var pics = document.querySelectorAll(".story img[data-full]");
    if (!pics.length || typeof HTMLDialogElement !== "function") return;
    var dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "查看大图");
    var big = document.createElement("img");
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "关闭";
    close.className = "lightbox-close";
    dialog.appendChild(close);
    dialog.appendChild(big);
    document.body.appendChild(dialog);
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (e) { if (e.target === dialog || e.target === big) dialog.close(); });
    pics.forEach(function (img) {
      img.classList.add("zoomable");
      img.tabIndex = 0;
      img.setAttribute("role", "button");
      img.setAttribute("aria-label", "查看大图:" + (img.alt || "图片"));
      function open() { big.src = img.dataset.full; big.alt = img.alt; dialog.showModal(); }
      img.addEventListener("click", open);
      img.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); }
      });
    });
  }

  function share(root) {
    var url = root.dataset.url;
    var status = root.querySelector(".share-status");
    function say(text) { if (status) status.textContent = text; }
    var copy = root.querySelector(".share-copy");
    if (copy) copy.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () { say("链接已复制"); },
          function () { window.prompt("复制本页链接:", url); });
      } else {
        window.prompt("复制本页链接:", url);
      }
    });
    var wechat = root.querySelector(".share-wechat");
    var panel = root.querySelector(".share-qr");
    if (wechat && panel) wechat.addEventListener("click", function () {
      var open = panel.hidden;
      panel.hidden = !open;
      wechat.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open || panel.dataset.drawn) return;
      function draw() {
        var q = window.qrcode(0, "M");
        q.addData(url);
        q.make();
        panel.querySelector(".qr").innerHTML = q.createSvgTag({ cellSize: 4, margin: 2, scalable: true, alt: "本页二维码" });
        panel.dataset.drawn = "1";
      }
      if (window.qrcode) { draw(); return; }
      var s = document.createElement("script");
      s.src = wechat.dataset.qr;
      s.onload = draw;
      s.onerror = function () { say("二维码没有加载成功,请稍后再试"); };
      document.head.appendChild(s);
    });
    var print = root.querySelector(".share-print");
    if (print) print.addEventListener("click", function () { window.print(); });
  }

  document.querySelectorAll(".story-share").forEach(share);
  document.querySelectorAll(".carousel").forEach(carousel);
  document.querySelectorAll(".gallery").forEach(gallery);
  lightbox();
})();
