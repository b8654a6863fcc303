// Resumable uploads over the tus protocol (the server: web/handlers/admin/
// uploads.rs): the file goes up in chunks; after a dropped connection the
// script asks the server how much arrived and goes on from there, also after
// the page is reloaded (the upload's address is remembered per file).
// window.gazetteTus(file, {csrf, site, say}, onprogress(sent, total))
// resolves with the new video's number.
(function () {
  "use strict";
  var CHUNK = 8 * 1024 * 1024;
  function b64(s) { return btoa(unescape(encodeURIComponent(s))); }
  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function message(xhr, fallback) {
    try { return JSON.parse(xhr.responseText).error || fallback; } catch (e) { return fallback; }
  }
  window.gazetteTus = function (file, opts, onprogress) {
    var csrf = opts.csrf, say = opts.say || function () {};
    function site() { return opts.site || ""; }
    // one request; resolves with the XHR whatever its status, rejects on a network failure
    function send(method, url, headers, body, onprogress) {
      return new Promise(function (resolve, reject) {
        var xhr = new XMLHttpRequest();
        xhr.open(method, url);
        xhr.setRequestHeader("Tus-Resumable", "1.0.0");
        xhr.setRequestHeader("X-CSRF-Token", csrf);
        Object.keys(headers).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
        if (onprogress) xhr.upload.onprogress = function (e) { onprogress(e.loaded); };
        xhr.onload = function () { resolve(xhr); };
        xhr.onerror = xhr.ontimeout = function () { reject(new Error("网络中断")); };
        xhr.send(body || null);
      });
    }

    function remembered(file) { return "gazette-upload:" + file.name + ":" + file.size + ":" + file.lastModified; }

    // upload `file`; resolves with the new video's number
    function upload(file, onprogress) {
      var key = remembered(file);
      var url = null;
      try { url = localStorage.getItem(key); } catch (e) { /* private mode */ }
      var offset = 0;
      var failures = 0;
      function create() {
        return send("POST", "/admin/uploads", {
          "Upload-Length": String(file.size),
          "Upload-Metadata": "filename " + b64(file.name) + ",site " + b64(site())
        }).then(function (xhr) {
          if (xhr.status !== 201) throw new Error(message(xhr, "无法开始上传"));
          url = xhr.getResponseHeader("Location");
          try { localStorage.setItem(key, url); } catch (e) { /* private mode */ }
          offset = 0;
        });
      }
      // where the server is: a resumed upload starts there
      function ask() {
        return send("HEAD", url, {}).then(function (xhr) {
          if (xhr.status === 404) { url = null; return create(); }
          if (xhr.status !== 200) throw new Error(message(xhr, "无法继续上传"));
          offset = parseInt(xhr.getResponseHeader("Upload-Offset"), 10) || 0;
          var done = xhr.getResponseHeader("Gazette-Video");
          return done ? parseInt(done, 10) : null;
        });
      }
      function step() {
        // (all sent but not yet a video: an empty PATCH asks the server to finish)
        var end = Math.min(offset + CHUNK, file.size);
        return send("PATCH", url, {
          "Upload-Offset": String(offset),
          "Content-Type": "application/offset+octet-stream"
        }, file.slice(offset, end), function (sent) { onprogress(offset + sent, file.size); })
          .then(function (xhr) {
            if (xhr.status === 409) return ask().then(function (done) { return done || step(); });
            if (xhr.status !== 204) throw new Error(message(xhr, "上传失败"));
            failures = 0;
            offset = parseInt(xhr.getResponseHeader("Upload-Offset"), 10) || end;
            onprogress(offset, file.size);
            var done = xhr.getResponseHeader("Gazette-Video");
            if (done) return parseInt(done, 10);
            return step();
          }, function () {
            // the connection dropped: wait, ask where the server is, go on
            failures++;
            if (failures > 30) throw new Error("网络多次中断,上传暂停;重新选择同一文件即可从中断处继续");
            say("网络中断,正在重试(第 " + failures + " 次)……");
            return wait(Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5))))
              .then(function () { return ask().catch(function () { return null; }); })
              .then(function (done) { return done || step(); });
          });
      }
      var start = url ? ask() : create();
      return start.then(function (done) { return done || step(); }).then(function (id) {
        try { localStorage.removeItem(key); } catch (e) { /* private mode */ }
        return id;
      });
    }

    return upload(file, onprogress);
  };
})();
