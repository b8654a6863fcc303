// The body editor: paragraphs, subheadings, bold, links and images, without
// HTML or Markdown. Without JavaScript the HTML textarea works as it is; the
// server sanitizes whatever arrives.
//
// Nothing typed is lost: the form is sent to the server as a working copy
// (autosave) every 30 seconds while it has changes and when the page is left,
// leaving with unsaved changes asks first, and text pasted from Word or WPS
// is cleaned to paragraphs, subheadings, bold and links as it is pasted.
(function () {
  // 撤稿 and 恢复 ask first: a click by mistake changes the public site
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!confirm(b.dataset.confirm)) e.preventDefault();
    });
  });
  var form = document.getElementById("story-form");
  if (!form) return;
  var area = form.querySelector("textarea[name=body]");
  var editor = form.querySelector(".editor");
  var toolbar = form.querySelector(".toolbar");
  if (!area || !editor || !toolbar) return;
  var original = area.value;
  editor.innerHTML = area.value.trim() || "<p><br></p>";
  // what the editor shows of the saved body: unchanged, the body is sent as
  // saved, so a workflow button pressed without edits saves nothing
  var shown = editor.innerHTML;
  function body() {
    return editor.innerHTML === shown ? original : editor.innerHTML;
  }
  area.hidden = true;
  editor.hidden = false;
  toolbar.hidden = false;
  document.execCommand("defaultParagraphSeparator", false, "p");

  var count = document.getElementById("body-count");
  var status = document.getElementById("autosave-status");
  var warning = document.getElementById("paste-warning");
  var dirty = false;
  var submitting = false;

  // 正文字数: characters without whitespace, as the server counts them
  function recount() {
    if (count) count.textContent = editor.innerText.replace(/\s/g, "").length;
  }
  function changed() {
    dirty = true;
    recount();
  }
  editor.addEventListener("input", changed);
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  toolbar.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-cmd]");
    if (!b) return;
    e.preventDefault();
    editor.focus();
    var cmd = b.dataset.cmd;
    if (cmd === "p" || cmd === "h2") document.execCommand("formatBlock", false, cmd);
    else if (cmd === "bold") document.execCommand("bold");
    else if (cmd === "link") {
      var url = prompt("链接地址(以 http:// 或 https:// 开头)");
      if (url && /^https?:\/\//.test(url)) document.execCommand("createLink", false, url);
    }
    changed();
  });

  var file = toolbar.querySelector("input[type=file]");
  if (file) {
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      var data = new FormData();
      data.append("file", file.files[0]);
      data.append("_csrf", form.querySelector("input[name=_csrf]").value);
      var ch = form.querySelector("select[name=channel_id]");
      var opt = ch && ch.options[ch.selectedIndex];
      if (opt && opt.dataset.site) data.append("site", opt.dataset.site);
      fetch(file.dataset.upload, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
        .then(function (res) {
          if (!res.ok) { alert(res.j.error || "上传失败"); return; }
          // the caption typed beside the button goes under the picture; it is
          // also what a screen reader says of it
          var captionField = toolbar.querySelector(".body-caption");
          var caption = ((captionField && captionField.value) || res.j.caption || "").trim();
          if (captionField) captionField.value = "";
          var alt = escapeText(res.j.alt || caption).replace(/"/g, "&quot;");
          editor.focus();
          document.execCommand("insertHTML", false, caption
            ? '<figure><img src="' + res.j.url + '" alt="' + alt + '"><figcaption>' + escapeText(caption) + "</figcaption></figure><p><br></p>"
            : '<p><img src="' + res.j.url + '" alt="' + alt + '"></p>');
          changed();
        })
        .catch(function () { alert("上传失败,请重试"); });
      file.value = "";
    });
  }

  // Paste from Word/WPS: keep paragraphs, subheadings, bold and web links;
  // drop styles, classes, Office tags and comments. Images from the clipboard
  // or the local disk cannot be kept: say so, and how to add them.
  function escapeText(t) {
    return t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function clean(node, lost) {
    var out = "";
    node.childNodes.forEach(function (n) {
      if (n.nodeType === 3) { out += escapeText(n.textContent.replace(/\u00a0/g, " ")); return; }
      if (n.nodeType !== 1) return; // comments, Office conditionals
      var tag = n.tagName.toLowerCase();
      if (/^(style|script|meta|link|title|xml|head)$/.test(tag) || tag.indexOf(":") >= 0 && tag !== "o:p") return;
      var inner = clean(n, lost);
      var style = (n.getAttribute("style") || "").toLowerCase();
      if (tag === "img") {
        var src = n.getAttribute("src") || "";
        if (/^\/media\//.test(src)) out += '<img src="' + escapeText(src) + '" alt="">';
        else lost.images++;
      } else if (/^h[1-6]$/.test(tag)) {
        out += "</p><h2>" + inner + "</h2><p>";
      } else if (tag === "p" || tag === "div" || tag === "li" || tag === "tr") {
        out += "</p><p>" + inner + "</p><p>";
      } else if (tag === "br") {
        out += "</p><p>";
      } else if (tag === "b" || tag === "strong" || /font-weight:\s*(bold|[6-9]00)/.test(style)) {
        out += inner.trim() ? "<strong>" + inner + "</strong>" : inner;
      } else if (tag === "a" && /^https?:\/\//.test(n.getAttribute("href") || "")) {
        out += '<a href="' + escapeText(n.getAttribute("href")) + '">' + inner + "</a>";
      } else {
        out += inner; // span, font, o:p, table cells: their text only
      }
    });
    return out;
  }
  editor.addEventListener("paste", function (e) {
    var data = e.clipboardData;
    if (!data) return;
    var html = data.getData("text/html");
    var lost = { images: 0 };
    var cleaned;
    if (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      cleaned = ("<p>" + clean(doc.body, lost) + "</p>")
        .replace(/<p>\s*<\/p>/g, "")
        .replace(/<p>(\s|&nbsp;)*<\/p>/g, "");
    } else {
      var text = data.getData("text/plain");
      if (!text) return;
      cleaned = text.split(/\r?\n/).filter(function (l) { return l.trim(); })
        .map(function (l) { return "<p>" + escapeText(l.trim()) + "</p>"; }).join("");
    }
    if (Array.prototype.some.call(data.items || [], function (i) { return i.kind === "file"; }) && !html) {
      lost.images++;
    }
    e.preventDefault();
    document.execCommand("insertHTML", false, cleaned);
    if (warning) {
      warning.hidden = lost.images === 0;
      warning.textContent = lost.images
        ? "粘贴的内容中有 " + lost.images + " 张图片无法保留(来自 Word/WPS 或本机),请用“插入图片”上传后再放入正文。"
        : "";
    }
    changed();
  });

  // Autosave: the form as the save button would send it, to the server.
  var endpoint = form.dataset.autosave;
  function payload() {
    area.value = body();
    return new URLSearchParams(new FormData(form));
  }
  function autosave() {
    if (!endpoint || !dirty || submitting) return;
    dirty = false;
    fetch(endpoint, { method: "POST", body: payload(), credentials: "same-origin" })
      .then(function (r) {
        if (r.ok) {
          var t = new Date();
          status.textContent = "· 已自动保存 " + ("0" + t.getHours()).slice(-2) + ":" + ("0" + t.getMinutes()).slice(-2);
        } else {
          dirty = true;
          status.textContent = "· 自动保存没有成功,请点“保存”";
        }
      })
      .catch(function () { dirty = true; status.textContent = "· 网络中断,自动保存没有成功"; });
  }
  if (endpoint) setInterval(autosave, 30000);
  // leaving (closing the tab, following a link): one last copy, sent even as the page goes
  window.addEventListener("pagehide", function () {
    if (endpoint && dirty && !submitting && navigator.sendBeacon) {
      navigator.sendBeacon(endpoint, payload());
      dirty = false;
    }
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty && !submitting) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  // every button of the page's form (保存, 提交审核, 签发 ...) sends what
  // is on the screen: the server saves it before a workflow act
  form.addEventListener("submit", function () {
    submitting = true;
    area.value = body();
  });
  recount();
})();
