/* chiso data-entry grid: keyboard moves and save feedback (no inline scripts: CSP script-src 'self').
 *
 * Each cell input posts itself with htmx on "change" (and on the custom "save" event) and the
 * server answers with the cell's new markup: 200 when saved, 422 with the Vietnamese message
 * and the typed text kept. This file
 *  - lets 422 answers be swapped in (htmx leaves 4xx alone by default),
 *  - shows a message in the cell when the request fails (other error, or no connection), the
 *    typed text staying in the input, so nothing is lost,
 *  - Enter saves and moves down the column (Shift+Enter moves up); Tab moves on as usual.
 * Message texts come from data-msg-* attributes the server renders (translated there).
 */
(function () {
  "use strict";

  var grid = document.querySelector("[data-entry-grid]");
  if (!grid) {
    return;
  }

  function cellOf(el) {
    return el && el.closest ? el.closest(".cell") : null;
  }

  function showMessage(cell, text) {
    if (!cell) {
      return;
    }
    var msg = cell.querySelector(".cell-msg");
    var input = cell.querySelector("input.cell-input");
    cell.classList.add("is-error");
    cell.classList.remove("is-saved");
    if (input) {
      input.setAttribute("aria-invalid", "true");
    }
    if (msg) {
      msg.textContent = text;
    }
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = grid.getAttribute(status === 404 ? "data-msg-notfound" : "data-msg-error") || "";
    showMessage(cellOf(event.detail.elt), text.replace("%(status)s", String(status)));
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    showMessage(cellOf(event.detail.elt), grid.getAttribute("data-msg-offline") || "");
  });

  function columnInputs(input) {
    var td = input.closest("td");
    var table = input.closest("table");
    if (!td || !table) {
      return [];
    }
    var index = td.cellIndex;
    var found = [];
    var rows = table.tBodies.length ? table.tBodies[0].rows : table.rows;
    for (var r = 0; r < rows.length; r += 1) {
      var cell = rows[r].cells[index];
      var candidate = cell ? cell.querySelector("input.cell-input") : null;
      if (candidate) {
        found.push(candidate);
      }
    }
    return found;
  }

  function move(input, step) {
    var column = columnInputs(input);
    var at = column.indexOf(input);
    var target = column[at + step];
    if (!target) {
      // Past the end of the column: the next (or previous) input in document order.
      var all = Array.prototype.slice.call(grid.querySelectorAll("input.cell-input"));
      target = all[all.indexOf(input) + step];
    }
    if (target) {
      target.focus();
      target.select();
    }
  }

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.classList || !input.classList.contains("cell-input")) {
      return;
    }
    event.preventDefault();
    // An unedited cell showing an error (e.g. a stale edit) is saved again on Enter; an edited
    // one is saved by the "change" event its blur fires.
    if (input.value === input.defaultValue && input.getAttribute("aria-invalid") === "true") {
      window.htmx.trigger(input, "save");
    }
    move(input, event.shiftKey ? -1 : 1);
  });
})();
