// The editor's pictures: the 题图 and a gallery's rows. Without script the
// fields take library numbers typed by hand (the library shows them) and
// order numbers; with it, uploads (several at once for a gallery, each with
// its progress), choosing from the library in a second window, and dragging
// gallery rows into order.
(function () {
  "use strict";
  var form = document.getElementById("story-form");
  if (!form) return;
  var csrf = form.querySelector("input[name=_csrf]").value;
  var kind = form.querySelector("select[name=kind]");
  var galleryField = document.getElementById("gallery-field");
  var rows = galleryField && galleryField.querySelector(".gallery-rows");
  var progress = galleryField && galleryField.querySelector(".upload-progress");

  function changed() { form.dispatchEvent(new Event("change", { bubbles: true })); }

  // the site whose library an upload joins: the chosen channel's
  function site() {
    var ch = form.querySelector("select[name=channel_id]");
    var opt = ch && ch.options[ch.selectedIndex];
    return (opt && opt.dataset.site) || form.dataset.site || "";
  }

  // upload one file; onprogress(fraction); resolves with the picture's JSON
  function upload(file, onprogress) {
    return new Promise(function (resolve, reject) {
      var data = new FormData();
      data.append("_csrf", csrf);
      data.append("site", site());
      data.append("file", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/admin/media");
      xhr.upload.onprogress = function (e) { if (e.lengthComputable && onprogress) onprogress(e.loaded / e.total); };
      xhr.onload = function () {
        var j = {};
        try { j = JSON.parse(xhr.responseText); } catch (e) { j = { error: "上传失败(服务器没有正常回答)" }; }
        if (xhr.status === 200) resolve(j); else reject(new Error(j.error || "上传失败"));
      };
      xhr.onerror = function () { reject(new Error("网络中断,上传失败")); };
      xhr.send(data);
    });
  }

  // 题图
  var lead = document.getElementById("lead-field");
  function setLead(p) {
    lead.querySelector("input[name=lead_image]").value = p.id;
    var img = lead.querySelector(".picture-preview");
    if (!img) {
      img = document.createElement("img");
      img.className = "picture-preview";
      img.alt = "";
      img.width = 160;
      img.height = 120;
      lead.querySelector(".picture-row").insertBefore(img, lead.querySelector(".picture-fields"));
    }
    img.src = p.thumb || p.url;
    lead.querySelector(".picture-size").textContent = p.width + "×" + p.height;
    var fill = function (name, v) {
      var f = lead.querySelector("input[name=" + name + "]");
      if (f && !f.value && v) f.value = v;
    };
    fill("lead_caption", p.caption);
    fill("lead_credit", p.credit);
    fill("lead_alt", p.alt);
    changed();
  }

  // a gallery row for a picture, before the blank row
  function addRow(p) {
    var blank = rows.querySelector(".gallery-blank");
    var li = document.createElement("li");
    li.className = "gallery-row";
    li.draggable = true;
    li.innerHTML =
      '<img class="picture-preview" alt="" width="120" height="90">' +
      '<div class="picture-fields">' +
      '<p class="row"><label>序号 <input name="g_order" size="3" inputmode="numeric"></label>' +
      '<label>图片编号 <input name="g_image" size="8" inputmode="numeric"></label><span class="picture-size"></span>' +
      '<button type="button" class="row-remove">移除</button></p>' +
      '<p><label>图片说明 <textarea name="g_caption" rows="2" maxlength="500"></textarea></label></p>' +
      '<p class="row"><label>摄影/来源 <input name="g_credit" maxlength="100"></label>' +
      '<label>替代文字(签发必填) <input name="g_alt" maxlength="300"></label></p></div>';
    li.querySelector("img").src = p.thumb || p.url;
    li.querySelector("input[name=g_image]").value = p.id;
    li.querySelector(".picture-size").textContent = p.width + "×" + p.height;
    li.querySelector("textarea[name=g_caption]").value = p.caption || "";
    li.querySelector("input[name=g_credit]").value = p.credit || "";
    li.querySelector("input[name=g_alt]").value = p.alt || "";
    rows.insertBefore(li, blank);
    renumber();
    changed();
    return li;
  }

  function renumber() {
    if (!rows) return;
    rows.querySelectorAll(".gallery-row").forEach(function (li, i) {
      var o = li.querySelector("input[name=g_order]");
      if (o) o.value = i + 1;
    });
  }

  form.querySelectorAll("input[type=file][data-target=lead], input[type=file][data-target=gallery]").forEach(function (input) {
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files);
      input.value = "";
      if (!files.length) return;
      if (input.dataset.target === "lead") {
        upload(files[0]).then(setLead, function (e) { alert(e.message); });
        return;
      }
      // a gallery: one after another, each with its progress
      var done = 0, failed = [];
      function next() {
        if (!files.length) {
          progress.textContent = "已上传 " + done + " 张" + (failed.length ? ",失败 " + failed.length + " 张:" + failed.join(";") : "");
          return;
        }
        var f = files.shift();
        progress.textContent = "正在上传 " + f.name + "(还剩 " + files.length + " 张)";
        upload(f, function (x) {
          progress.textContent = "正在上传 " + f.name + " " + Math.round(x * 100) + "%(还剩 " + files.length + " 张)";
        }).then(function (p) { done++; addRow(p); next(); },
          function (e) { failed.push(f.name + " " + e.message); next(); });
      }
      next();
    });
  });

  // choosing from the library: a second window that posts the choice back
  form.querySelectorAll("a[data-pick]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      window.open(a.href + "&site=" + encodeURIComponent(site()), "gazette-library", "width=1000,height=760");
    });
  });
  window.addEventListener("message", function (e) {
    if (e.origin !== location.origin || !e.data || !e.data.gazettePick) return;
    if (e.data.gazettePick === "lead") setLead(e.data.picture);
    else if (rows) addRow(e.data.picture);
  });

  if (rows) {
    rows.addEventListener("click", function (e) {
      var b = e.target.closest(".row-remove");
      if (!b) return;
      b.closest(".gallery-row").remove();
      renumber();
      changed();
    });
    // drag and drop: the order of the rows is the order of the gallery
    var dragged = null;
    rows.addEventListener("dragstart", function (e) {
      dragged = e.target.closest(".gallery-row");
      if (dragged) e.dataTransfer.effectAllowed = "move";
    });
    rows.addEventListener("dragover", function (e) {
      var over = e.target.closest(".gallery-row");
      if (!dragged || !over || over === dragged) return;
      e.preventDefault();
      var r = over.getBoundingClientRect();
      rows.insertBefore(dragged, e.clientY > r.top + r.height / 2 ? over.nextSibling : over);
    });
    rows.addEventListener("drop", function (e) { e.preventDefault(); });
    rows.addEventListener("dragend", function () {
      dragged = null;
      var blank = rows.querySelector(".gallery-blank");
      if (blank) rows.appendChild(blank);
      renumber();
      changed();
    });
  }

  // the video field sets a chosen poster frame as the 题图
  window.gazetteSetLead = setLead;

  // a text story keeps its gallery rows out of the way
  function showKind() {
    if (!galleryField || !kind) return;
    galleryField.hidden = kind.value !== "gallery";
  }
  if (kind) kind.addEventListener("change", showKind);
  showKind();
})();
