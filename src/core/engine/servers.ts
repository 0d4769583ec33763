// `hyperguild.servers`: named servers a chain entry may point at (`{ "model", "server": "laptop" }`). Pure.
import * as z from 'zod/mini';
import { BACKEND_KINDS, type BackendId } from '../types';
import { SETTING_NAMES } from '../settingKeys';

/** One named server, validated. */
export interface ServerSpec {
  name: string;
  kind: BackendId;
  /** Base address without a trailing slash. */
  url: string;
  /** Its tiers are cloud tiers: accepted unjudged unless `verify`, priced from hyperguild.prices. */
  cloud: boolean;
}

export type ServerTable = ReadonlyMap<string, ServerSpec>;

/** Names a user may give; never starting with `@`, which the engine keeps for the implicit servers. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const serverSchema = z.strictObject({
  kind: z.enum(BACKEND_KINDS as [BackendId, ...BackendId[]]),
  url: z.string(),
  cloud: z.optional(z.boolean()),
});

/**
 * An address on this machine or a private network: a server there is local unless it says otherwise. Only IP
 * literals are judged by range; a name is judged by its suffix alone (`fcm.googleapis.com` is not `fc00::/7`).
 */
export function isPrivateAddress(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (host.startsWith('[')) return isPrivateIPv6(host.slice(1, -1));
  const v4 = ipv4(host);
  if (v4) return isPrivateIPv4(v4);
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.lan') || host.endsWith('.internal') || !host.includes('.');
}

/** The four numbers of a dotted IPv4 literal (WHATWG URL has already normalised other IPv4 forms to it). */
function ipv4(host: string): number[] | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return undefined;
  return host.split('.').map(Number);
}

function isPrivateIPv4([a, b]: number[]): boolean {
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254);
}

/** Loopback, unique local (fc00::/7), link-local (fe80::/10), and IPv4-mapped private addresses. */
function isPrivateIPv6(host: string): boolean {
  if (host === '::1') return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
    return isPrivateIPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  const first = host.startsWith('::') ? 0 : parseInt(host.split(':')[0], 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
}

/**
 * Whether a server is a cloud when its entry does not say: Anthropic always; an OpenAI-compatible server
 * unless its address is on this machine or a private network; the local kinds never.
 */
function defaultCloud(kind: BackendId, url: URL): boolean {
  if (kind === 'anthropic') return true;
  return kind === 'openai-compatible' && !isPrivateAddress(url);
}

function problemOf(name: string, value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${SETTING_NAMES.servers} "${name}" must be an object such as { "kind": "ollama", "url": "http://127.0.0.1:11434" }.`;
  const record = value as Record<string, unknown>;
  const parsed = serverSchema.safeParse(value);
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') return `${SETTING_NAMES.servers} "${name}" has an unknown field "${issue.keys[0]}" (use kind, url and cloud).`;
  if (issue?.path[0] === 'kind') return `${SETTING_NAMES.servers} "${name}" has kind ${JSON.stringify(record.kind)}, which is not one of ${BACKEND_KINDS.join(', ')}.`;
  if (issue?.path[0] === 'cloud') return `${SETTING_NAMES.servers} "${name}" has a "cloud" that is not true or false.`;
  return `${SETTING_NAMES.servers} "${name}" needs a "url" that is an http(s) address.`;
}

/** Validates the setting; an invalid server is left out, with one sentence naming it and what to fix. */
export function parseServers(raw: unknown): { servers: ServerTable; problems: string[] } {
  const servers = new Map<string, ServerSpec>();
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { servers, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { servers, problems: [`${SETTING_NAMES.servers} must be an object of named servers, for example { "laptop": { "kind": "ollama", "url": "http://127.0.0.1:11434" } }.`] };
  }
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!NAME.test(name)) {
      problems.push(`${SETTING_NAMES.servers} has a server named ${JSON.stringify(name)}; use letters, digits, ".", "_" or "-", starting with a letter or digit.`);
      continue;
    }
    const parsed = serverSchema.safeParse(value);
    const url = parsed.success ? httpUrl(parsed.data.url) : undefined;
    if (!parsed.success || !url) {
      problems.push(problemOf(name, value));
      continue;
    }
    const { kind, cloud } = parsed.data;
    servers.set(name, { name, kind, url: url.href.replace(/\/+$/, ''), cloud: cloud ?? defaultCloud(kind, url) });
  }
  return { servers, problems };
}

function httpUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
