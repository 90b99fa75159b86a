// The portal panel: recovery requests started as the identity portal would, and how many
// signed callbacks the service sent back for each.
import { api } from '../api.js';
import { $, el } from '../dom.js';

const recoveries = new Map();
const STATUS = {
  pending: 'ждёт решения',
  approved: 'подтверждено',
  denied: 'отклонено',
  cancelled: 'отменено',
  expired: 'истекло',
};

/** The demo registry's accounts, to choose whose password to recover. */
export function showAccounts(directory) {
  for (const entry of directory) {
    $('portal-account').append(
      el('option', { value: entry.accountId, textContent: `${entry.accountId} · ${entry.label}` }),
    );
  }
}

export async function requestRecovery(event) {
  event.preventDefault();
  const accountId = new FormData(event.target).get('accountId');
  const res = await fetch('/sandbox/api/portal/recovery-requests', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  const body = await res.json();
  recoveries.set(body.id ?? `${accountId}-${Date.now()}`, { accountId, ...body, httpStatus: res.status });
  renderRecoveries();
}

export async function refreshRecoveries() {
  const { callbacks } = await api('/portal/callbacks');
  for (const [id, r] of recoveries) {
    if (!r.id) continue;
    const fresh = await api(`/portal/recovery-requests/${id}`).catch(() => null);
    recoveries.set(id, { ...r, ...fresh, callbacks: callbacks.filter((c) => c.body.id === id).length });
  }
  renderRecoveries();
}

function renderRecoveries() {
  $('recoveries').replaceChildren(
    ...[...recoveries.values()]
      .reverse()
      .map((r) =>
        el(
          'li',
          { className: `recovery ${r.status ?? 'refused'}` },
          el(
            'div',
            {},
            el('strong', { textContent: r.accountId }),
            ' ',
            el('span', { textContent: r.status ? STATUS[r.status] : `отказ: ${r.reason} (${r.httpStatus})` }),
          ),
          r.callbacks
            ? el('div', { className: 'muted', textContent: `обратный вызов получен: ${r.callbacks}` })
            : '',
        ),
      ),
  );
}
