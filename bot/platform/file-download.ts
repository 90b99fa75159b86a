import type { Api } from 'grammy';

/**
 * Downloads a file the person sent, in memory, refusing anything over `maxBytes` before and
 * while reading it. Bot API files live at `${apiRoot}/file/bot<token>/<file_path>`.
 */
export function fileDownloader(token: string, apiRoot = 'https://api.telegram.org') {
  return async (api: Api, fileId: string, maxBytes: number): Promise<Uint8Array | null> => {
    const file = await api.getFile(fileId);
    if (!file.file_path || (file.file_size ?? 0) > maxBytes) return null;
    const response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`, {
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) throw new Error(`file download failed with HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.length > maxBytes ? null : bytes;
  };
}

export type FileDownloader = ReturnType<typeof fileDownloader>;
