/* The escalation form: each receiver's pseudonym boxes show once the receiver is ticked
   (progressive enhancement: without this script every box stays visible, and the server
   shares pseudonyms only with the receivers ticked). */
(function () {
  "use strict";
  document.querySelectorAll(".receiver-row").forEach(function (row) {
    var receiver = row.querySelector(".check input[type=checkbox]");
    var subjects = row.querySelector("fieldset");
    if (!receiver || !subjects) {
      return;
    }
    subjects.id = subjects.id || receiver.id + "-pseudonyms";
    receiver.setAttribute("aria-controls", subjects.id);
    function update() {
      subjects.hidden = !receiver.checked;
    }
    receiver.addEventListener("change", update);
    update();
  });
})();
