// 阅读辅助 (the MIIT 适老化 rules, GB/T 37668): larger text in three steps,
// high contrast, wider line spacing, a reading mode that shows only the
// story, and reading the story aloud with the browser's own speech
// synthesis. No plug-in and nothing from another host; the choices live in
// this browser's localStorage only (the server never sees them). The
// toolbar opens from one 阅读辅助 button in the header (so the page never
// shifts after it loads); without script the button is not shown and the
// page is as it always was.
(function () {
  "use strict";
  var KEY = "gazette-reader";
  var root = document.documentElement;
  var bar = document.querySelector(".reader-tools");
  if (!bar) return;
  var story = document.querySelector("article.story");
  var status = bar.querySelector(".reader-status");
  var prefs = { text: 0, contrast: false, spacing: false, reading: false };
  try {
    var saved = JSON.parse(window.localStorage.getItem(KEY) || "{}");
    if (saved && typeof saved === "object") {
      prefs.text = Math.max(0, Math.min(3, saved.text | 0));
      prefs.contrast = !!saved.contrast;
      prefs.spacing = !!saved.spacing;
      prefs.reading = !!saved.reading;
    }
  } catch (e) { /* private mode or a damaged value: the defaults */ }

  function save() {
    try { window.localStorage.setItem(KEY, JSON.stringify(prefs)); } catch (e) { /* not kept */ }
  }

  function say(text) { if (status) status.textContent = text; }

  function apply() {
    if (prefs.text) root.setAttribute("data-text", String(prefs.text)); else root.removeAttribute("data-text");
    root.toggleAttribute("data-contrast", prefs.contrast);
    root.toggleAttribute("data-spacing", prefs.spacing);
    root.toggleAttribute("data-reading", prefs.reading && !!story);
    bar.querySelectorAll("button[data-reader]").forEach(function (b) {
      var k = b.getAttribute("data-reader");
      if (k === "text") b.setAttribute("aria-pressed", String(Number(b.getAttribute("data-value")) === prefs.text));
      else if (k in prefs) b.setAttribute("aria-pressed", String(!!prefs[k]));
    });
  }

  var speaking = false;
  var synth = window.speechSynthesis;
  function speakButton() { return bar.querySelector('button[data-reader="speak"]'); }
  function stopSpeaking() {
    if (synth) synth.cancel();
    speaking = false;
    var b = speakButton();
    if (b) { b.setAttribute("aria-pressed", "false"); b.textContent = "朗读全文"; }
  }
  function speak() {
    if (!synth || !window.SpeechSynthesisUtterance) {
      say("您的浏览器不支持朗读,请使用系统自带的读屏功能");
      return;
    }
    if (speaking) { stopSpeaking(); say("已停止朗读"); return; }
    var title = story.querySelector(".story-title");
    var body = story.querySelector(".story-body");
    var text = (title ? title.textContent + "。" : "") + (body ? body.innerText : "");
    var u = new window.SpeechSynthesisUtterance(text);
    u.lang = "zh-CN";
    u.rate = 0.9;
    u.onend = stopSpeaking;
    u.onerror = stopSpeaking;
    synth.cancel();
    synth.speak(u);
    speaking = true;
    var b = speakButton();
    b.setAttribute("aria-pressed", "true");
    b.textContent = "停止朗读";
    say("开始朗读");
  }

  var labels = ["标准字号", "大字号", "较大字号", "特大字号"];
  bar.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-reader]");
    if (!b) return;
    var k = b.getAttribute("data-reader");
    if (k === "text") { prefs.text = Number(b.getAttribute("data-value")); say("已切换为" + labels[prefs.text]); }
    else if (k === "speak") { speak(); return; }
    else if (k === "reset") { prefs = { text: 0, contrast: false, spacing: false, reading: false }; stopSpeaking(); say("已恢复默认显示"); }
    else { prefs[k] = !prefs[k]; say(b.textContent + (prefs[k] ? "已打开" : "已关闭")); }
    apply();
    save();
    if (k === "reading" && prefs.reading && story) story.focus();
  });
  if (!story) bar.querySelectorAll("[data-story-only]").forEach(function (b) { b.hidden = true; });
  if (story && !story.hasAttribute("tabindex")) story.setAttribute("tabindex", "-1");
  window.addEventListener("pagehide", function () { if (speaking && synth) synth.cancel(); });
  apply();
  var toggle = document.querySelector(".reader-toggle");
  function open(yes) {
    bar.hidden = !yes;
    if (toggle) toggle.setAttribute("aria-expanded", String(yes));
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      open(bar.hidden);
      if (!bar.hidden) bar.querySelector("button:not([hidden])").focus();
    });
    bar.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { open(false); toggle.focus(); }
    });
  } else {
    open(true);
  }
})();
