// 文书工作台: reorderable lists, renumbering before a save, and noticing changes on disk.
"use strict";

function renumber(form) {
  // Each list's items are numbered by their place on the page, so a moved item saves there.
  form.querySelectorAll(".list").forEach(function (list) {
    var depth = parseInt(list.dataset.depth, 10);
    var k = 0;
    Array.prototype.forEach.call(list.children, function (item) {
      if (!item.classList.contains("item")) { return; }
      item.querySelectorAll("[name]").forEach(function (input) {
        var m = /^([vco]):(\[.*\])$/.exec(input.name);
        if (!m) { return; }
        var path = JSON.parse(m[2]);
        if (path.length > depth) { path[depth] = k; input.name = m[1] + ":" + JSON.stringify(path); }
      });
      k += 1;
    });
  });
}

document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-act], button.add, a[data-back]");
  if (!button) { return; }
  if (button.matches("a[data-back]")) { event.preventDefault(); history.back(); return; }
  if (button.classList.contains("add")) {
    var template = document.getElementById(button.dataset.template);
    var list = button.parentElement.querySelector(":scope > ol.list, :scope > table > tbody.list");
    var fresh = template.content.querySelector(".item").cloneNode(true);
    // The template's paths are relative to its list: put the list's path in front.
    var prefix = JSON.parse(button.dataset.prefix);
    fresh.querySelectorAll("[name]").forEach(function (input) {
      var m = /^([vco]):(\[.*\])$/.exec(input.name);
      if (m) { input.name = m[1] + ":" + JSON.stringify(prefix.concat(JSON.parse(m[2]))); }
    });
    fresh.querySelectorAll(".list").forEach(function (inner) {
      inner.dataset.depth = parseInt(inner.dataset.depth, 10) + prefix.length;
    });
    fresh.querySelectorAll("button.add").forEach(function (add) {
      add.dataset.prefix = JSON.stringify(prefix.concat(JSON.parse(add.dataset.prefix)));
    });
    list.appendChild(fresh);
    markDirty();
    var first = fresh.querySelector("input:not([type=hidden]), textarea, select");
    if (first) { first.focus(); }
    return;
  }
  var item = button.closest(".item");
  if (button.dataset.act === "up" && item.previousElementSibling) {
    item.parentElement.insertBefore(item, item.previousElementSibling);
  } else if (button.dataset.act === "down" && item.nextElementSibling) {
    item.parentElement.insertBefore(item.nextElementSibling, item);
  } else if (button.dataset.act === "remove") {
    item.remove();
  }
  markDirty();
});

var dirty = false;
function markDirty() { dirty = true; }

document.addEventListener("input", markDirty);
window.addEventListener("beforeunload", function (event) {
  if (dirty) { event.preventDefault(); event.returnValue = ""; }  // unsaved edits: ask first
});
// Once a form is sent its answer is the next page: a reload for a change on disk (the save
// itself changes the file) would replace that answer with this page again.
var leaving = false;
document.addEventListener("submit", function (event) {
  if (event.target.id === "form") { renumber(event.target); }
  dirty = false;
  if (!event.defaultPrevented) { leaving = true; }
});

// A change on disk (this spec, or the folder's list) reloads the page, unless the user has unsaved edits (then say so).
(function watch() {
  var doc = document.getElementById("watch");
  if (!doc || document.getElementById("conflict")) { return; }
  setInterval(function () {
    fetch(doc.dataset.versionUrl, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) {
        if (!v || v.token === doc.dataset.token || leaving) { return; }
        if (dirty) { document.getElementById("changed").hidden = false; }
        else { window.location.reload(); }
      })
      .catch(function () { /* server stopped: nothing to do */ });
  }, 2000);
})();

// The printed pages take LibreOffice a few seconds: fetched after the page has shown.
(function pages() {
  var box = document.getElementById("pages");
  if (!box) { return; }
  fetch(box.dataset.url, { cache: "no-store" })
    .then(function (r) { return r.text().then(function (t) { return [r.ok, t]; }); })
    .then(function (res) {
      var doc = new DOMParser().parseFromString(res[1], "text/html");
      var found = doc.querySelector(res[0] ? ".pages" : "#message");
      box.replaceChildren(found ? document.importNode(found, true) : document.createTextNode("无法排版"));
    })
    .catch(function () { box.textContent = "无法排版"; });
})();
