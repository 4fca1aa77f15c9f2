// Starts ReDoc on the element that names the OpenAPI document, with nothing fetched from
// another site. A file, not an inline script, so the page's Content-Security-Policy needs
// no 'unsafe-inline'.
(function () {
  "use strict";
  var element = document.getElementById("redoc");
  Redoc.init(element.getAttribute("data-openapi-url"), {
    hideDownloadButton: false,
    expandResponses: "200,201",
  }, element);
})();
