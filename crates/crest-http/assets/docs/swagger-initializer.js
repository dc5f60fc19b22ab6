// Starts Swagger UI on crest's OpenAPI document. Requests made from the page use the signed-in
// session and carry its CSRF token (so the curl it shows does too); a note says what scripts use.
"use strict";

async function sessionCsrfToken() {
  try {
    const answer = await fetch("/api/crest/v1/session", { credentials: "same-origin" });
    if (!answer.ok) return null;
    const body = await answer.json();
    return body.response.csrfToken;
  } catch (_) {
    return null;
  }
}

function showNote(signedIn) {
  const note = document.createElement("div");
  note.id = "crest-note";
  note.setAttribute("role", "note");
  const text = signedIn
    ? "Requests made from this page use your signed-in session and carry its CSRF token " +
      "(X-CSRF-Token), and so do the curl samples. To run a sample elsewhere, replace that " +
      "header with -H 'Authorization: Bearer <your_token>'."
    : "You are not signed in: sign in to call operations from this page, or use Authorize " +
      "with an API token. Scripts call the API with -H 'Authorization: Bearer <your_token>'.";
  note.append(text + " ");
  const link = document.createElement("a");
  link.href = signedIn ? "/ui/profile" : "/ui/signin?next=/api-docs/ui/";
  link.textContent = signedIn ? "Get an API token" : "Sign in";
  note.append(link);
  Object.assign(note.style, {
    padding: "10px 20px",
    background: "#fff8e1",
    borderBottom: "1px solid #e0c46c",
    font: "14px/1.4 sans-serif",
  });
  document.body.insertBefore(note, document.body.firstChild);
}

function hasCredentialHeader(headers) {
  return Object.keys(headers || {}).some((name) =>
    ["authorization", "x-auth-token"].includes(name.toLowerCase()),
  );
}

window.addEventListener("load", async () => {
  const csrf = await sessionCsrfToken();
  showNote(csrf !== null);
  window.ui = SwaggerUIBundle({
    url: "/api/v2/swagger.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    requestInterceptor: (request) => {
      if (csrf !== null && !hasCredentialHeader(request.headers)) {
        request.headers["X-CSRF-Token"] = csrf;
      }
      return request;
    },
  });
});
