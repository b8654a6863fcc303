// The video player: the page's <video> already plays its MP4 renditions
// (and HLS where the browser plays it itself, as Safari does). Elsewhere,
// once the reader comes near the player, hls.js (vendored, loaded only
// then) takes the HLS ladder so the quality follows the connection. A
// reader who presses play first simply keeps the MP4. No autoplay.
(function () {
  "use strict";
  // hls.js sits beside this script (under /static/, or the export's copy)
  var me = document.currentScript;
  var script = me ? me.src.replace(/player(\.[0-9a-f]+)?\.js(\?.*)?$/, "hls.light.min.js") : "/static/hls.light.min.js";
  var video = document.querySelector("video[data-hls]");
  if (!video) return;
  var hls = video.dataset.hls;
  if (video.canPlayType("application/vnd.apple.mpegurl")) return;
  if (!window.MediaSource || !window.MediaSource.isTypeSupported ||
      !MediaSource.isTypeSupported('video/mp4; codecs="avc1.64001f,mp4a.40.2"')) return;
  var started = false;
  function attach() {
    if (started || !video.paused || video.currentTime > 0) return;
    started = true;
    var s = document.createElement("script");
    s.src = script;
    s.onload = function () {
      if (!window.Hls || !window.Hls.isSupported() || !video.paused || video.currentTime > 0) return;
      var player = new window.Hls({ enableWorker: false, capLevelToPlayerSize: true });
      player.loadSource(hls);
      player.attachMedia(video);
      video.dataset.player = "hls.js";
    };
    document.head.appendChild(s);
  }
  var box = video.closest("figure") || video;
  ["pointerenter", "focusin", "touchstart"].forEach(function (e) {
    box.addEventListener(e, attach, { once: true, passive: true });
  });
})();
