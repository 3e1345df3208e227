// Filter forms submit as soon as a menu changes (the Apply button stays for dates and keyboards).
"use strict";
(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  var selects = form.querySelectorAll("select");
  for (var i = 0; i < selects.length; i++) {
    selects[i].addEventListener("change", function () { form.submit(); });
  }
})();
