// The sandbox server's JSON API (src/sandbox/demo/demo-web-server.ts) as the page uses it.

export async function fetchState(user) {
  const response = await fetch(`/api/state?user=${encodeURIComponent(user ?? "")}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`The sandbox answered ${response.status} for its state.`);
  return response.json();
}

/** POSTs to /api/<path>; resolves to the JSON answer, or throws with the server's sentence. */
export async function post(path, body = {}) {
  const response = await fetch(`/api/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error ?? `The sandbox answered ${response.status}.`);
  return answer;
}

/**
 * Calls `onChange` whenever the workspace changes. The event stream reconnects by itself; a
 * slow poll covers what it cannot see (a publish lands in git, not in Slack) and any gap.
 */
export function watch(onChange, pollMs = 2000) {
  const events = new EventSource("/api/events");
  events.addEventListener("changed", () => onChange());
  events.addEventListener("open", () => onChange());
  const timer = setInterval(onChange, pollMs);
  return () => {
    events.close();
    clearInterval(timer);
  };
}
