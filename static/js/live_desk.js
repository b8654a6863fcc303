// The live desk: a picture or a clip sent from the reporter's phone with
// the entry (the picture joins the image library, the clip goes up
// resumably and is processed like any video), and the lists of pending and
// public entries kept fresh while the desk is open (every 5 s, only when
// nobody is typing). Without script the fields take library numbers.
(function () {
  "use strict";
  var form = document.querySelector(".live-write");
  if (!form) return;
  var csrf = form.querySelector("input[name=_csrf]").value;
  var site = form.dataset.site || "";
  var status = form.querySelector(".entry-upload-status");
  function say(t) { status.textContent = t; }

  var pic = form.querySelector("input[data-entry-picture]");
  pic.addEventListener("change", function () {
    var f = pic.files[0];
    if (!f) return;
    var data = new FormData();
    data.append("_csrf", csrf);
    data.append("site", site);
    data.append("file", f);
    say("正在上传图片……");
    fetch("/admin/media", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || "上传失败"); return j; }); })
      .then(function (p) {
        form.querySelector("input[name=image_id]").value = p.id;
        say("图片已上传(编号 " + p.id + ")");
        pic.value = "";
      }, function (e) { say("图片上传失败:" + e.message); });
  });

  var clip = form.querySelector("input[data-entry-video]");
  clip.addEventListener("change", function () {
    var f = clip.files[0];
    if (!f || !window.gazetteTus) return;
    window.gazetteTus(f, { csrf: csrf, site: site, say: say }, function (sent, total) {
      say("正在上传视频:" + Math.floor(sent * 100 / Math.max(total, 1)) + "%");
    }).then(function (id) {
      form.querySelector("input[name=video_id]").value = id;
      say("视频已上传(编号 " + id + "),处理完成后随条目显示");
      clip.value = "";
    }, function (e) { say("视频上传失败:" + e.message); });
  });

  // keep the lists fresh without losing what the desk is typing
  setInterval(function () {
    var active = document.activeElement;
    if (document.hidden || (active && /TEXTAREA|INPUT/.test(active.tagName))) return;
    fetch(location.pathname, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      document.querySelectorAll("[data-desk-list]").forEach(function (sec) {
        var fresh = doc.querySelector("[data-desk-list='" + sec.dataset.deskList + "']");
        if (fresh && fresh.innerHTML !== sec.innerHTML) sec.innerHTML = fresh.innerHTML;
      });
    }, function () { /* offline: try again */ });
  }, 5000);
})();
