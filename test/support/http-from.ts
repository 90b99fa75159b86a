import { request } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request sent from a chosen local address (any of 127.0.0.0/8 is this machine), so a
 * test can be two clients of per-address limits at once.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, localAddress }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** POST /api/v1/verify from a local address, with a bearer key (or none). */
export function verifyFrom(
  localAddress: string,
  baseUrl: string,
  key: string | null,
  qr = 'https://shop.example/not-a-qr',
) {
  return requestFrom(localAddress, `${baseUrl}/api/v1/verify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify({ qr, scenario: 'adult' }),
  });
}
