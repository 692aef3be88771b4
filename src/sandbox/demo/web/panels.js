// The pieces around the conversation: the post-mortem repository on the right, Block Kit's
// confirmation dialog, and a short notice for anything that went wrong.
import { h, textHtml } from "./blocks.js";
import { renderMarkdown } from "./markdown.js";
import { plainText } from "./mrkdwn.js";

/**
 * A relative image target (./inc-7.svg) as a data: URL of that SVG in the same branch: the
 * repository is read from git, not served, and an SVG shown through <img> runs no script.
 */
function besideFile(files, documentPath, target) {
  if (!/^\.\/[^/]+\.svg$/.test(target)) return undefined;
  const path = `${documentPath.replace(/[^/]*$/, "")}${target.slice(2)}`;
  const svg = files.find((f) => f.path === path);
  return svg ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.content)}` : undefined;
}

/** Branches of the local post-mortem repository, last name first (inc-2 above inc-1), each file as written. */
export function renderRepository(branches, error) {
  const problem = error ? h("p", { class: "field-error", "data-testid": "repository-error" }, error) : null;
  if (!branches?.length) {
    return [problem, h("p", { class: "muted" }, "Nothing published yet. Run ", h("code", {}, "/incident postmortem"), " in an incident channel, then press Publish.")].filter(Boolean);
  }
  const listed = [...branches].reverse().map((branch, index) =>
    h(
      "section",
      { class: "branch", "data-testid": "repo-branch", "data-branch": branch.branch },
      h("div", { class: "branch-name" }, "⎇ ", branch.branch),
      h("div", { class: "branch-commit muted" }, branch.lastCommit),
      branch.files.map((file) =>
        h(
          "details",
          { class: "repo-file", open: index === 0 && file.path.endsWith(".md") },
          h("summary", { "data-testid": "repo-file", "data-path": file.path }, file.path),
          // Markdown is shown as GitHub would show it, with its source one click away.
          file.path.endsWith(".md") ? h("div", { class: "markdown", "data-testid": "repo-file-rendered", "data-path": file.path, html: renderMarkdown(file.content, (target) => besideFile(branch.files, file.path, target)) }) : null,
          h(
            file.path.endsWith(".md") ? "details" : "div",
            { class: "repo-source" },
            file.path.endsWith(".md") ? h("summary", {}, "Source") : null,
            h("pre", { class: "repo-content", "data-testid": "repo-file-content", "data-path": file.path }, file.content),
          ),
        ),
      ),
    ),
  );
  return problem ? [problem, ...listed] : listed;
}

/** Resolves true when the person confirms; Block Kit's `confirm` object supplies the words. */
export function confirmDialog(confirm, lookup) {
  return new Promise((resolve) => {
    const close = (answer) => {
      overlay.remove();
      document.removeEventListener("keydown", onKey);
      resolve(answer);
    };
    const onKey = (event) => {
      if (event.key === "Escape") close(false);
    };
    const overlay = h(
      "div",
      { class: "modal-backdrop confirm-backdrop" },
      h(
        "div",
        { class: "modal confirm", role: "alertdialog", "data-testid": "confirm" },
        h("div", { class: "modal-title", html: plainText(confirm.title?.text ?? "Are you sure?") }),
        h("div", { class: "modal-body", html: textHtml(confirm.text, lookup) }),
        h(
          "div",
          { class: "modal-footer" },
          h("button", { type: "button", class: "block-button", "data-testid": "confirm-cancel", onclick: () => close(false) }, confirm.deny?.text ?? "Cancel"),
          h("button", { type: "button", class: `block-button ${confirm.style === "danger" ? "button-danger" : "button-primary"}`, "data-testid": "confirm-ok", onclick: () => close(true) }, confirm.confirm?.text ?? "Yes"),
        ),
      ),
    );
    document.addEventListener("keydown", onKey);
    document.body.append(overlay);
  });
}

let toastTimer;
export function toast(message) {
  const node = document.querySelector("[data-testid=toast]");
  if (!node) return;
  node.textContent = message;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (node.hidden = true), 4000);
}
