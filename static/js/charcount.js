/* A live character count under fields with data-maxlength (progressive enhancement: the
   server refuses a too long text with a message; this only tells it earlier). */
(function () {
  "use strict";
  function setUp(field) {
    var limit = parseInt(field.getAttribute("data-maxlength"), 10);
    var text = field.getAttribute("data-count-text") || "{count} / {limit}";
    var out = document.createElement("p");
    out.className = "help char-count";
    out.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", out);
    function update() {
      var count = field.value.length;
      out.textContent = text.replace("{count}", count).replace("{limit}", limit);
      out.classList.toggle("char-count--over", count > limit);
    }
    field.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("[data-maxlength]").forEach(setUp);
})();
