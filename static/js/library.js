// 图片库: the 选用 buttons hand a picture to the editor window that opened
// the library; clicking a picture sets its focal point; the upload form
// shows its progress and opens the new picture.
(function () {
  "use strict";
  document.querySelectorAll(".pick-button").forEach(function (b) {
    b.addEventListener("click", function () {
      var d = b.dataset;
      var picture = { id: parseInt(d.id, 10), thumb: d.thumb, url: d.url, width: d.width, height: d.height,
        caption: d.caption, credit: d.credit, alt: d.alt };
      if (window.opener && !window.opener.closed) {
        window.opener.postMessage({ gazettePick: b.dataset.pick, picture: picture }, location.origin);
        if (b.dataset.pick === "lead") window.close();
        else { b.textContent = "已加入"; b.disabled = true; }
      } else {
        alert("请在稿件的“图片编号”中填入 " + picture.id);
      }
    });
  });
  var img = document.getElementById("focal-image");
  if (img) {
    var dot = document.querySelector(".focal-dot");
    var fx = document.getElementById("focal_x"), fy = document.getElementById("focal_y");
    img.addEventListener("click", function (e) {
      var r = img.getBoundingClientRect();
      var x = Math.round((e.clientX - r.left) / r.width * 100);
      var y = Math.round((e.clientY - r.top) / r.height * 100);
      fx.value = Math.max(0, Math.min(100, x));
      fy.value = Math.max(0, Math.min(100, y));
      dot.querySelectorAll("circle").forEach(function (c) {
        c.setAttribute("cx", fx.value + "%");
        c.setAttribute("cy", fy.value + "%");
      });
    });
  }
  var up = document.getElementById("library-upload");
  if (up) {
    var status = up.querySelector(".upload-progress");
    up.addEventListener("submit", function (e) {
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", up.action);
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) status.textContent = "正在上传 " + Math.round(ev.loaded / ev.total * 100) + "%";
      };
      xhr.onload = function () {
        var j = {};
        try { j = JSON.parse(xhr.responseText); } catch (err) { j = { error: "上传失败" }; }
        if (xhr.status === 200) location.href = "/admin/images/" + j.id;
        else status.textContent = j.error || "上传失败";
      };
      xhr.onerror = function () { status.textContent = "网络中断,上传失败"; };
      var data = new FormData(up);
      data.delete("return");
      xhr.send(data);
    });
  }
})();
