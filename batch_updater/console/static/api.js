// Talking to the server. The server's messages name the page's controls, in the page's language.
import { $, state } from "./state.js";

export async function api(path, options = {}) {
  const headers = { "Accept-Language": state.lang, ...(options.headers || {}) };
  const response = await fetch(path, { credentials: "same-origin", ...options, headers });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (response.status === 403 && !response.ok) {
    // The access cookie ran out (serve --session-days): the page itself asks for the token again.
    const error = new Error(body.error || "HTTP 403");
    error.locked = true;
    throw error;
  }
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

export function post(path, data) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data || {}) });
}

export function showError(error) {
  const box = $("error");
  if (!error) { box.hidden = true; return; }
  box.textContent = error.message || String(error);
  if (error.locked) {
    const again = Object.assign(document.createElement("a"), { href: location.pathname, textContent: " ↻" });
    box.append(again);
  }
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
}
