// 指挥调度: the board's body arrives whole over server-sent events at every
// change (one render on the server, shared by every open board). If the
// stream is refused or lost for long, the page reloads itself each minute.
(function () {
  var body = document.getElementById("board-body");
  if (!body || !window.EventSource) return;
  var stamp = document.getElementById("board-stamp");
  var src = new EventSource(body.dataset.events);
  var lost = null;
  src.addEventListener("board", function (e) {
    var data = JSON.parse(e.data);
    body.innerHTML = data.html;
    body.dataset.updates = String(Number(body.dataset.updates || "0") + 1);
    if (stamp) stamp.textContent = "实时更新中";
    if (lost) { clearTimeout(lost); lost = null; }
  });
  src.addEventListener("error", function () {
    if (stamp) stamp.textContent = "连接中断,正在重连…";
    if (!lost) lost = setTimeout(function () { location.reload(); }, 60000);
  });
})();
