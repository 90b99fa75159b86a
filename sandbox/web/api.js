// The people API as the page calls it: JSON in and out, and a failure's `{ error }` thrown.
export const api = (path, options = {}) =>
  fetch(`/sandbox/api${path}`, {
    ...options,
    headers: options.body && typeof options.body === 'string' ? { 'content-type': 'application/json' } : {},
  }).then(async (res) => {
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? res.statusText);
    return res.status === 204 ? null : res.json();
  });

export const post = (path, body) => api(path, { method: 'POST', body: JSON.stringify(body ?? {}) });
