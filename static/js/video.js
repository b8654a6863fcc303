// The editor's video: a resumable upload (tus.js), the processing job's
// progress while it runs, a poster frame chosen as the 题图, and subtitles.
// Without script the field takes a library number typed by hand.
(function () {
  "use strict";
  var form = document.getElementById("story-form");
  var field = document.getElementById("video-field");
  if (!form || !field) return;
  var csrf = form.querySelector("input[name=_csrf]").value;
  var kind = form.querySelector("select[name=kind]");
  var idInput = field.querySelector("input[name=video_id]");
  var bar = field.querySelector(".video-progress");
  var status = field.querySelector(".video-status");
  var posters = field.querySelector(".video-posters");
  var subsStatus = field.querySelector(".subtitles-status");
  var subsInput = field.querySelector("input[name=video_subtitles]");
  var subsRemove = field.querySelector(".subtitles-remove");

  function changed() { form.dispatchEvent(new Event("change", { bubbles: true })); }
  function say(text) { status.textContent = text; }
  function site() {
    var ch = form.querySelector("select[name=channel_id]");
    var opt = ch && ch.options[ch.selectedIndex];
    return (opt && opt.dataset.site) || form.dataset.site || "";
  }

  function upload(file, onprogress) {
    return window.gazetteTus(file, { csrf: csrf, site: site(), say: say }, onprogress);
  }

  var polling = null;
  function show(v) {
    idInput.value = v.id;
    field.dataset.video = v.id;
    var text = v.name + ":" + v.duration + "," + v.width + "×" + v.height + "," + v.state_label;
    if (v.state === "processing") text += " " + v.progress + "%";
    if (v.error) text += "(" + v.error + ")";
    say(text);
    bar.hidden = v.state === "ready" || v.state === "failed";
    bar.value = v.progress;
    posters.textContent = "";
    v.posters.forEach(function (p) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "poster-pick";
      b.dataset.frame = p.frame;
      var img = document.createElement("img");
      img.src = p.url; img.alt = "第 " + p.frame + " 帧"; img.width = 160; img.height = 90;
      b.appendChild(img);
      posters.appendChild(b);
    });
    // the story's own subtitles (saved with its revision) come first
    if (subsInput.value === "none") subsStatus.textContent = "无字幕(本稿已移除)";
    else if (subsInput.value) subsStatus.textContent = "本稿字幕(保存并签发后生效)";
    else subsStatus.textContent = v.subtitles ? "已有字幕" : "无字幕";
    subsRemove.hidden = subsInput.value === "none" || !(subsInput.value || v.subtitles);
    if (v.state === "queued" || v.state === "processing") {
      clearTimeout(polling);
      polling = setTimeout(function () { load(v.id); }, 2000);
    }
  }
  function load(id) {
    fetch("/admin/videos/" + id, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || "读取视频失败"); return j; });
    }).then(show, function (e) { say(e.message); });
  }

  field.querySelector("input[data-video-upload]").addEventListener("change", function (e) {
    var file = e.target.files[0];
    if (!file) return;
    bar.hidden = false; bar.value = 0;
    say("正在上传 " + file.name + "……");
    upload(file, function (sent, total) {
      var pct = total ? Math.floor(sent * 100 / total) : 0;
      bar.value = pct;
      say("正在上传 " + file.name + ":" + pct + "%(" + (sent / 1048576).toFixed(1) + " / " + (total / 1048576).toFixed(1) + " MB)");
    }).then(function (id) {
      e.target.value = "";
      changed();
      load(id);
    }, function (err) { bar.hidden = true; say("上传失败:" + err.message); });
  });

  var pick = field.querySelector("select[data-video-pick]");
  if (pick) pick.addEventListener("change", function () {
    if (!pick.value) return;
    idInput.value = pick.value;
    changed();
    load(pick.value);
  });

  posters.addEventListener("click", function (e) {
    var b = e.target.closest(".poster-pick");
    if (!b) return;
    var body = new URLSearchParams();
    body.append("_csrf", csrf);
    body.append("frame", b.dataset.frame);
    var title = form.querySelector("input[name=title]");
    body.append("title", title ? title.value : "");
    fetch("/admin/videos/" + field.dataset.video + "/poster", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || "设置封面失败"); return j; }); })
      .then(function (p) {
        if (window.gazetteSetLead) window.gazetteSetLead(p);
        posters.querySelectorAll(".poster-pick").forEach(function (x) { x.removeAttribute("aria-pressed"); });
        b.setAttribute("aria-pressed", "true");
      }, function (err) { alert(err.message); });
  });

  field.querySelector("input[data-subtitles-upload]").addEventListener("change", function (e) {
    var file = e.target.files[0];
    if (!file || !field.dataset.video) { if (file) alert("请先上传或选择视频"); return; }
    var data = new FormData();
    data.append("_csrf", csrf);
    data.append("file", file);
    fetch("/admin/videos/" + field.dataset.video + "/subtitles", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || "上传字幕失败"); return j; }); })
      .then(function (v) {
        e.target.value = "";
        subsInput.value = v.subtitles_key || "";
        changed();
        show(v);
      }, function (err) { alert(err.message); });
  });
  subsRemove.addEventListener("click", function () {
    subsInput.value = "none";
    changed();
    subsStatus.textContent = "无字幕(本稿已移除)";
    subsRemove.hidden = true;
  });

  function showKind() {
    if (!kind) return;
    field.hidden = kind.value !== "video";
    document.querySelectorAll("[data-for-kind]").forEach(function (f) { f.hidden = f.dataset.forKind !== kind.value; });
  }
  if (kind) kind.addEventListener("change", showKind);
  showKind();
  if (field.dataset.video) load(field.dataset.video);
})();
