// Which local servers the chain uses and their clients, for the warm board, the menu and preload.
import { backendKey } from '../../core/engine/chain';
import type { ChatBackend, ModelServer } from '../../core/types';
import type { WatchedServer } from '../../core/warmth/warmBoard';
import type { NamedServerCheck } from '../../core/setup/setupCheck';
import type { ServerKeys } from '../setup/secretKeys';
import type { EngineHost } from '../run/engineHost';
import type { Settings } from '../settings';

export type Client = ChatBackend & Partial<ModelServer> & { kind?: string };

/** The client behind a backend key ('llama-swap' or `@<name>`) under these settings. */
export function clientOf(engine: EngineHost, settings: Settings, key: string): Client | undefined {
  if (key === 'llama-swap') return engine.llamaSwap(settings);
  const spec = settings.servers.get(key.slice(1));
  return spec ? engine.server(spec, settings) : undefined;
}

/** Every local server of the chain, in the order its tiers come, with its chain models. */
export function watchedServers(engine: EngineHost, settings: Settings): WatchedServer[] {
  const byKey = new Map<string, WatchedServer>();
  for (const tier of settings.tiers ?? []) {
    if (tier.kind !== 'local') continue;
    const key = backendKey(tier);
    const known = byKey.get(key);
    if (known) {
      if (!known.models.includes(tier.model)) known.models.push(tier.model);
      continue;
    }
    const client = clientOf(engine, settings, key);
    if (!client) continue;
    const status = client.status?.bind(client);
    const models = client.models?.bind(client);
    byKey.set(key, {
      key, label: client.server ?? key, models: [tier.model], source: client,
      ...(status && { fetchRunning: status }), ...(models && { fetchAliases: models }),
    });
  }
  return [...byKey.values()];
}

/** The named servers the chain uses, in chain order, for Check Setup. */
export function namedServerChecks(engine: EngineHost, settings: Settings, keys: Pick<ServerKeys, 'keyFor' | 'storedElsewhere'>): NamedServerCheck[] {
  const checks = new Map<string, NamedServerCheck>();
  for (const tier of settings.tiers ?? []) {
    const spec = tier.server !== undefined ? settings.servers.get(tier.server) : undefined;
    if (!spec) continue;
    const known = checks.get(spec.name);
    if (known) {
      known.models.push(tier.model);
      continue;
    }
    const client = engine.server(spec, settings);
    const elsewhere = keys.storedElsewhere(spec);
    checks.set(spec.name, {
      name: spec.name, kind: spec.kind, label: client.server ?? spec.name, cloud: spec.cloud, models: [tier.model],
      hasKey: keys.keyFor(spec) !== undefined, ...(elsewhere && { keyStoredFor: elsewhere }),
      ...(client.models && { client: client as Required<Pick<ModelServer, 'models'>> & Partial<ModelServer> }),
    });
  }
  return [...checks.values()];
}
