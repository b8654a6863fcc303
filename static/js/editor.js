// The body editor: paragraphs, subheadings, bold, links and images, without
// HTML or Markdown. Without JavaScript the HTML textarea works as it is; the
// server sanitizes whatever arrives.
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
  editor.innerHTML = area.value.trim() || "<p><br></p>";
  area.hidden = true;
  editor.hidden = false;
  toolbar.hidden = false;
  document.execCommand("defaultParagraphSeparator", false, "p");

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
  });

  var file = toolbar.querySelector("input[type=file]");
  if (file) {
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      var data = new FormData();
      data.append("file", file.files[0]);
      data.append("_csrf", form.querySelector("input[name=_csrf]").value);
      fetch(file.dataset.upload, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
        .then(function (res) {
          if (!res.ok) { alert(res.j.error || "上传失败"); return; }
          editor.focus();
          document.execCommand("insertHTML", false, '<p><img src="' + res.j.url + '" alt=""></p>');
        })
        .catch(function () { alert("上传失败,请重试"); });
      file.value = "";
    });
  }

  form.addEventListener("submit", function () { area.value = editor.innerHTML; });
})();
