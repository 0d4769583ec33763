// fetch for requests that carry a key. fetch drops `Authorization` on a cross-origin redirect but keeps every
// other header, `x-api-key` included, so it must not follow one: a redirect is followed only within the origin
// the key was meant for (307/308, which keep the method and body); any other comes back as its 3xx status.
const MAX_HOPS = 5;

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function sameOriginFetch(base: Fetch = fetch): Fetch {
  return async (input, init) => {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    for (let hop = 0; ; hop++) {
      const res = await base(url, { ...init, redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location || hop >= MAX_HOPS) return res;
      const next = new URL(location, url);
      if (next.origin !== url.origin || (res.status !== 307 && res.status !== 308)) return res;
      await res.body?.cancel();
      url = next;
    }
  };
}
