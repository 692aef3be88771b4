// What one `firebreak doctor` check reports, and the plain HTTP call most checks make. A check
// makes harmless calls only (reads, validations), and says what to fix in the words of the
// setting an operator would change.

export interface CheckLine {
  ok: boolean;
  /** What was checked and what came back, e.g. "PagerDuty token accepted". */
  what: string;
  /** On a failure: the setting or permission to change. */
  fix?: string;
}

export const passed = (what: string): CheckLine => ({ ok: true, what });
export const failed = (what: string, fix: string): CheckLine => ({ ok: false, what, fix });

export type Fetch = typeof fetch;

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** A GET that never throws: a network failure comes back as status 0 with the reason as body. */
export async function getJson(fetchFn: Fetch, url: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<HttpAnswer> {
  try {
    const response = await fetchFn(url, { headers: { accept: "application/json", ...headers }, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // Some failures (a proxy's 502 page) are not JSON; keep the text.
    }
    return { status: response.status, body };
  } catch (error) {
    return { status: 0, body: networkReason(error) };
  }
}

/** "ECONNREFUSED", "timed out after 10 s", ...: why a request got no answer at all. */
export function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "no answer in time";
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** "ECONNREFUSED at http://…" for status 0, else "HTTP 401" and the vendor's message when it sent one. */
export function describeAnswer(answer: HttpAnswer, url: string): string {
  if (answer.status === 0) return `no answer from ${url} (${String(answer.body)})`;
  const message = vendorMessage(answer.body);
  return `HTTP ${answer.status}${message ? `: ${message}` : ""}`;
}

function vendorMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as { message?: unknown; error?: { message?: unknown } | unknown; errors?: unknown };
  if (typeof b.message === "string") return b.message;
  if (typeof b.error === "object" && b.error !== null && typeof (b.error as { message?: unknown }).message === "string") return (b.error as { message: string }).message;
  if (Array.isArray(b.errors) && typeof b.errors[0] === "string") return b.errors[0];
  return undefined;
}
