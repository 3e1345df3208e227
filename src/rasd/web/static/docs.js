// Swagger UI over this server's OpenAPI spec, from local files (the page has no inline script).
"use strict";
window.addEventListener("load", function () {
  var el = document.getElementById("swagger-ui");
  if (!el || typeof SwaggerUIBundle === "undefined") { return; }
  window.ui = SwaggerUIBundle({ url: el.dataset.spec, dom_id: "#swagger-ui", deepLinking: true });
});
