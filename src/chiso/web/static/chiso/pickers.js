/* chiso pickers: a <select data-autosubmit> submits its form when changed (the form still has a
 * button for browsers without scripts). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) {
        el.form.requestSubmit();
      } else {
        el.form.submit();
      }
    }
  });
})();
