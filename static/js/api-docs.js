/* Starts Swagger UI on /api/docs/ (templates/tracker/api_docs.html) from a static file, as
   the Content-Security-Policy requires; the page hands over its settings as JSON data. */
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("api-docs-config").textContent);

  // Signed in, "Try it out" sends the session cookie, so unsafe methods carry the CSRF token
  // (to this site only).
  const requestInterceptor = (request) => {
    const sameSite = new URL(request.url, document.baseURI).origin === window.location.origin;
    if (sameSite && !["GET", "HEAD", "OPTIONS", undefined].includes(request.method)) {
      request.headers[config.csrfHeaderName] = config.csrfToken;
    }
    return request;
  };

  window.ui = SwaggerUIBundle({
    url: config.url,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The badge would load an image from validator.swagger.io, which img-src 'self' refuses.
    validatorUrl: null,
    requestInterceptor,
    ...config.settings,
  });
})();
