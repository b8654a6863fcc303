// 报题单: arrange the day's plans by dragging them, or from the keyboard
// (focus an item's ⠿ button, then ↑ / ↓). Each move saves the whole order
// at once with the list's version; a list changed meanwhile (409) reloads.
// Without JavaScript the 上移/下移 forms do the same.
(function () {
  var list = document.getElementById("budget-list");
  if (!list) return;
  var live = document.getElementById("budget-live");
  var dragged = null;

  function items() {
    return Array.prototype.slice.call(list.querySelectorAll("li.budget-item"));
  }
  function renumber() {
    items().forEach(function (li, i) {
      var pos = li.querySelector(".budget-pos");
      if (pos) pos.textContent = String(i + 1);
    });
  }
  function save(moved) {
    renumber();
    var body = new URLSearchParams();
    body.set("_csrf", list.dataset.csrf);
    body.set("site", list.dataset.site);
    body.set("day", list.dataset.day);
    body.set("version", list.dataset.version);
    body.set("order", items().map(function (li) { return li.dataset.id; }).join(","));
    body.set("_js", "1");
    fetch("/admin/planning/order", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) {
        if (r.ok) {
          // the list's version moved on with this arrangement
          list.dataset.version = String(Number(list.dataset.version) + 1);
          if (moved && live) {
            var slug = moved.querySelector(".budget-slug");
            live.textContent = "「" + (slug ? slug.textContent : "") + "」移到第 " + (items().indexOf(moved) + 1) + " 位,已保存";
          }
        } else {
          alert("顺序没有保存:报题单刚被他人修改过,页面将刷新");
          location.reload();
        }
      })
      .catch(function () {
        alert("顺序没有保存(网络错误),请重试");
        location.reload();
      });
  }

  list.addEventListener("dragstart", function (e) {
    dragged = e.target.closest("li.budget-item");
    if (!dragged) return;
    dragged.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", dragged.dataset.id);
  });
  list.addEventListener("dragover", function (e) {
    if (!dragged) return;
    e.preventDefault();
    var over = e.target.closest("li.budget-item");
    if (!over || over === dragged) return;
    var box = over.getBoundingClientRect();
    list.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (e) { e.preventDefault(); });
  list.addEventListener("dragend", function () {
    if (!dragged) return;
    var moved = dragged;
    dragged.classList.remove("dragging");
    dragged = null;
    save(moved);
  });

  list.addEventListener("keydown", function (e) {
    if (!e.target.classList || !e.target.classList.contains("grab")) return;
    if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
    e.preventDefault();
    var li = e.target.closest("li.budget-item");
    if (e.key === "ArrowUp" && li.previousElementSibling && li.previousElementSibling.classList.contains("budget-item")) {
      list.insertBefore(li, li.previousElementSibling);
    } else if (e.key === "ArrowDown" && li.nextElementSibling) {
      list.insertBefore(li.nextElementSibling, li);
    } else {
      return;
    }
    e.target.focus();
    save(li);
  });
})();
