import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { ApiError } from './api.js';
import { t } from './i18n.js';

export const html = htm.bind(h);

/** A refused request in words: what the API said, led by what it means for the person. */
export function ErrorBox({ error }) {
  if (!error) return null;
  const lead =
    error instanceof ApiError
      ? error.status === 403
        ? t('error.forbidden')
        : error.status === 401
          ? t('error.unauthenticated')
          : error.status === 404
            ? t('error.notFound')
            : t('error.generic')
      : t('error.generic');
  const fields = error instanceof ApiError && Array.isArray(error.problem.errors) ? error.problem.errors : [];
  return html`<div class="error" role="alert">
    <strong>${lead}</strong> ${error.message}
    ${fields.length > 0 && html`<p>${t('error.fields')}</p><ul>${fields.map((f) => html`<li><code>${f.path}</code>: ${f.message}</li>`)}</ul>`}
  </div>`;
}

/** Loads with `load` (again when `deps` change); `reload` after a command. */
export function useLoad(load, deps = []) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ loading: false, data, error: null }),
      (error) => live && setState({ loading: false, data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  // after a command: now, and once more when the read model has surely caught up with it
  const reload = () => {
    setTick((n) => n + 1);
    setTimeout(() => setTick((n) => n + 1), 400);
  };
  return { ...state, reload };
}

export function Loading({ state, children }) {
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (state.loading && !state.data) return html`<p aria-live="polite">${t('loading')}</p>`;
  return children(state.data);
}

/** A secret shown once, with its copy button and the warning that it will not be shown again. */
export function SecretOnce({ label, secret, onDismiss, warning = t('secret.warning') }) {
  const [copied, setCopied] = useState(false);
  if (secret === undefined || secret === null) return html`<div class="notice" role="status">${t('secret.omitted')}</div>`;
  const copy = async () => {
    await navigator.clipboard?.writeText(secret).catch(() => undefined);
    setCopied(true);
  };
  return html`<section class="notice secret" role="alert" aria-labelledby="secret-title">
    <h2 id="secret-title">${t('secret.title')}${label ? ` (${label})` : ''}</h2>
    <p><strong>${warning}</strong></p>
    <code data-testid="secret-value">${secret}</code>
    <div class="actions">
      <button type="button" onClick=${copy}>${t('secret.copy')}</button>
      ${onDismiss && html`<button type="button" class="secondary" onClick=${onDismiss}>${t('secret.dismiss')}</button>`}
      <span aria-live="polite">${copied ? t('secret.copied') : ''}</span>
    </div>
  </section>`;
}

/** A table that scrolls sideways on a narrow screen instead of squeezing its columns. */
export function Table({ caption, head, rows, empty = t('none') }) {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${caption}>
    <table>
      <caption class="visually-hidden">${caption}</caption>
      <thead><tr>${head.map((cell) => html`<th scope="col" class=${cell.num ? 'num' : ''}>${cell.label ?? cell}</th>`)}</tr></thead>
      <tbody>${rows}</tbody>
    </table>
  </div>`;
}

/** Runs a command, keeping its error to show beside the form. */
export function useCommand() {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async (command) => {
    setBusy(true);
    setError(null);
    try {
      return await command();
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}
