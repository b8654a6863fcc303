// 推荐位: drag an item to a new place; the new order is sent at once. Without
// JavaScript (or from the keyboard) each item's 上移/下移/移到第 N 位 buttons
// do the same through plain forms.
(function () {
  var list = document.getElementById("slot-list");
  if (!list) return;
  var dragged = null;
  list.addEventListener("dragstart", function (e) {
    dragged = e.target.closest("li.slot-item");
    if (!dragged) return;
    dragged.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", dragged.dataset.id);
  });
  list.addEventListener("dragover", function (e) {
    if (!dragged) return;
    e.preventDefault();
    var over = e.target.closest("li.slot-item");
    if (!over || over === dragged) return;
    var box = over.getBoundingClientRect();
    var after = e.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged = null;
    save();
  });
  list.addEventListener("drop", function (e) { e.preventDefault(); });

  function save() {
    var order = Array.prototype.map.call(list.querySelectorAll("li.slot-item"), function (li) {
      return li.dataset.id;
    });
    var body = new URLSearchParams();
    body.set("_csrf", list.dataset.csrf);
    body.set("op", "reorder");
    body.set("order", order.join(","));
    body.set("_js", "1");
    fetch("/admin/slots/" + list.dataset.slot + "/act", {
      method: "POST",
      body: body,
      credentials: "same-origin",
    }).then(function (r) {
      if (r.ok) {
        location.replace("/admin/slots/" + list.dataset.slot + "?done=slot_reorder");
      } else {
        alert("顺序没有保存:推荐位可能已被他人修改,页面将刷新");
        location.reload();
      }
    }).catch(function () {
      alert("顺序没有保存(网络错误),请重试");
      location.reload();
    });
  }
})();
