// The console talks only to the public REST API (the same routes as API Gateway), at the page's own origin
// unless a base URL is set, so these files can be hosted in front of the deployed API: ?api=https://... applies
// to that visit only (a link must not point every later visit elsewhere), the Connection settings keep one until
// it is cleared there. The page always shows the address in use (apiBaseSource says where it came from). An API
// key, when the deployment requires one (or `imagegate serve --token`), is sent as x-api-key.

const BASE_KEY = "imagegate.apiBase";
const API_KEY_KEY = "imagegate.apiKey";

function givenBase() {
  return new URLSearchParams(window.location.search).get("api") || "";
}

export function apiBase() {
  return (givenBase() || window.localStorage.getItem(BASE_KEY) || window.location.origin).replace(/\/+$/, "");
}

// "link" (?api= of this visit), "saved" (the Connection settings) or "page" (this page's own origin)
export function apiBaseSource() {
  if (givenBase()) return "link";
  return window.localStorage.getItem(BASE_KEY) ? "saved" : "page";
}

export function setConnection(base, apiKey) {
  if (base) window.localStorage.setItem(BASE_KEY, base);
  else window.localStorage.removeItem(BASE_KEY);
  if (apiKey) window.sessionStorage.setItem(API_KEY_KEY, apiKey);
  else window.sessionStorage.removeItem(API_KEY_KEY);
}

export function apiKey() {
  return window.sessionStorage.getItem(API_KEY_KEY) || "";
}

export class ApiError extends Error {
  constructor(status, body, fallback) {
    super((body && body.message) || fallback || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
    this.field = body && body.field;
  }
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const sent = { Accept: "application/json", ...headers };
  if (apiKey()) sent["x-api-key"] = apiKey();
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(apiBase() + path, {
      method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, null, `cannot reach the API at ${apiBase()} (${error.message})`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data, `HTTP ${response.status} from ${path}`);
  if (response.status === 204) return null; // DELETE /generations/{id}: nothing to say
  if (data === null) throw new ApiError(response.status, null, `${path} did not answer JSON`);
  return data;
}

export function newIdempotencyKey() {
  if (window.crypto.randomUUID) return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
