// Live "what is left" of each envelope on a basket ballot. Without JavaScript the
// "Recalculer le reste" button asks the server for the same figures.
(function () {
  "use strict";
  document.querySelectorAll("#ballot .ballot-part").forEach(function (part) {
    var envelope = Number(part.dataset.envelope);
    var meter = part.querySelector("meter");
    var amount = part.querySelector(".left-amount");
    if (!meter || !amount) { return; }
    // Written as the server's money filter writes it: "9 500 €" in French, "€9,500" in English.
    function money(value) {
      var digits = Number.isInteger(value) ? 0 : 2;
      try {
        return new Intl.NumberFormat(document.documentElement.lang || "fr", {
          style: "currency", currency: part.dataset.currency || "EUR",
          minimumFractionDigits: digits, maximumFractionDigits: digits
        }).format(value);
      } catch (error) {  // an unknown currency code
        return String(value) + "\u00a0" + (part.dataset.currency || "");
      }
    }
    function update() {
      var spent = 0;
      part.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
        spent += Number(box.dataset.cost);
      });
      var left = envelope - spent;
      meter.value = Math.max(left, 0);
      amount.textContent = money(left);
      part.classList.toggle("over-budget", left < 0);
    }
    part.addEventListener("change", update);
  });
})();
