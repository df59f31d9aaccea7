// Deployed definition versions; knows nothing of HTTP.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';
import type { SopMetadata } from '../sop/sop-metadata.js';
import type { VersionLife } from './version-lifecycle.js';

export interface DefinitionVersion {
  id: string;
  key: string;
  version: number;
  name: string;
  hash: string;
  metadata: SopMetadata;
  deployedBy: string | null;
  deployedAt: string;
  /** Where the version came from: `processes/<file>`, `api`, or null for versions stored before sources were recorded. */
  source: string | null;
}

/** One entry of a key's version list: when, by whom and from where each version was deployed. */
export interface VersionEntry {
  version: number;
  deployedAt: string;
  hash: string;
  source: string | null;
  /** The user who deployed it through the API (name as it is now), null for a file deployed at start. */
  deployedBy: { id: string; name: string } | null;
  /** The sheet's Tanggal Efektif (`YYYY-MM-DD`), null when it gives no full date. */
  effective: string | null;
  /** When an owner suspended it, and who; null while new cases may start on it. */
  suspendedAt: string | null;
  suspendedBy: string | null;
}

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The effective date a version's metadata carries, when it is a full `YYYY-MM-DD` date. */
export const effectiveDateOf = (metadata: SopMetadata): string | null => {
  const effective = metadata.identity?.effective ?? null;
  return effective !== null && FULL_DATE.test(effective) ? effective : null;
};

interface DefinitionRow {
  id: string;
  key: string;
  version: number;
  name: string | null;
  xml?: string;
  hash: string;
  metadata: string;
  deployed_by: string | null;
  deployed_at: string;
  source: string | null;
  effective_date?: string | null;
  suspended_at?: string | null;
  suspended_by?: string | null;
}

const COLUMNS = ['id', 'key', 'version', 'name', 'hash', 'metadata', 'deployed_by', 'deployed_at', 'source'];

function toDefinition(row: DefinitionRow): DefinitionVersion {
  return {
    id: row.id,
    key: row.key,
    version: Number(row.version),
    name: row.name ?? row.key,
    hash: row.hash,
    metadata: fromJson<SopMetadata>(row.metadata, {} as SopMetadata),
    deployedBy: row.deployed_by,
    deployedAt: row.deployed_at,
    source: row.source ?? null,
  };
}

export function definitionsRepository(knex: Knex) {
  return {
    async latest(key: string, trx: Knex = knex): Promise<DefinitionVersion | undefined> {
      const row = (await trx('definitions').select(COLUMNS).where({ key }).orderBy('version', 'desc').first()) as DefinitionRow | undefined;
      return row ? toDefinition(row) : undefined;
    },
    /** The id of a key's newest version, without its metadata: versions never change, so callers cache them by id. */
    async latestId(key: string): Promise<string | undefined> {
      const row = (await knex('definitions').select('id').where({ key }).orderBy('version', 'desc').first()) as { id: string } | undefined;
      return row?.id;
    },
    async byVersion(key: string, version: number): Promise<DefinitionVersion | undefined> {
      const row = (await knex('definitions').select(COLUMNS).where({ key, version }).first()) as DefinitionRow | undefined;
      return row ? toDefinition(row) : undefined;
    },
    /** The newest version of `key` whose diagram carries `versionTag` (Camunda's version tag). */
    async byVersionTag(key: string, versionTag: string): Promise<DefinitionVersion | undefined> {
      const rows = (await knex('definitions').select(COLUMNS).where({ key }).orderBy('version', 'desc')) as DefinitionRow[];
      return rows.map(toDefinition).find((d) => d.metadata.versionTag === versionTag);
    },
    async byId(id: string): Promise<DefinitionVersion | undefined> {
      const row = (await knex('definitions').select(COLUMNS).where({ id }).first()) as DefinitionRow | undefined;
      return row ? toDefinition(row) : undefined;
    },
    async xml(id: string): Promise<string | undefined> {
      const row = (await knex('definitions').select('xml').where({ id }).first()) as { xml: string } | undefined;
      return row?.xml;
    },
    async versions(key: string): Promise<VersionEntry[]> {
      const rows = (await knex('definitions')
        .leftJoin('users', 'users.id', 'definitions.deployed_by')
        .select('definitions.version', 'definitions.deployed_at', 'definitions.hash', 'definitions.source', 'definitions.deployed_by', 'definitions.effective_date', 'definitions.suspended_at', 'definitions.suspended_by', { deployer_name: 'users.name' })
        .where('definitions.key', key)
        .orderBy('definitions.version')) as Array<DefinitionRow & { deployer_name: string | null }>;
      return rows.map((r) => ({
        version: Number(r.version),
        deployedAt: r.deployed_at,
        hash: r.hash,
        source: r.source ?? null,
        deployedBy: r.deployed_by ? { id: r.deployed_by, name: r.deployer_name ?? r.deployed_by } : null,
        effective: r.effective_date ?? null,
        suspendedAt: r.suspended_at ?? null,
        suspendedBy: r.suspended_by ?? null,
      }));
    },
    /** Every version of `key`, oldest first, with what decides whether a case may start on it (read at each start). */
    async lifecycle(key: string, trx: Knex = knex): Promise<VersionLife[]> {
      const rows = (await trx('definitions').select('id', 'version', 'effective_date', 'suspended_at').where({ key }).orderBy('version')) as DefinitionRow[];
      return rows.map((r) => ({ id: r.id, version: Number(r.version), effective: r.effective_date ?? null, suspendedAt: r.suspended_at ?? null }));
    },
    /** Suspends (`suspension` given) or resumes (null) a version; false when the version does not exist. */
    async setSuspended(trx: Knex.Transaction, key: string, version: number, suspension: { at: string; by: string } | null): Promise<boolean> {
      const n = await trx('definitions').where({ key, version }).update({ suspended_at: suspension?.at ?? null, suspended_by: suspension?.by ?? null });
      return n === 1;
    },
    /** The newest version deployed from `source` (`processes/<file>`), of whatever key. */
    async lastFromSource(source: string, trx: Knex = knex): Promise<DefinitionVersion | undefined> {
      const row = (await trx('definitions').select(COLUMNS).where({ source }).orderBy('deployed_at', 'desc').orderBy('version', 'desc').first()) as DefinitionRow | undefined;
      return row ? toDefinition(row) : undefined;
    },
    /** The newest version of `key` whose XML hashes to `hash`, if any. */
    async byHash(key: string, hash: string, trx: Knex = knex): Promise<DefinitionVersion | undefined> {
      const row = (await trx('definitions').select(COLUMNS).where({ key, hash }).orderBy('version', 'desc').first()) as DefinitionRow | undefined;
      return row ? toDefinition(row) : undefined;
    },
    /** Every version (old ones still run cases) whose SOP counts on one of the calendars `ids` (lower case). */
    async onCalendars(ids: readonly string[], trx: Knex = knex): Promise<DefinitionVersion[]> {
      const rows = (await trx('definitions').select(COLUMNS)) as DefinitionRow[];
      return rows.map(toDefinition).filter((d) => ids.includes(String(d.metadata.calendar ?? '').toLowerCase()));
    },
    /** The latest version of every key. */
    async listLatest(): Promise<DefinitionVersion[]> {
      const latest = knex('definitions').select('key').max({ version: 'version' }).groupBy('key').as('latest');
      const rows = (await knex('definitions')
        .select(COLUMNS.map((c) => `definitions.${c}`))
        .join(latest, (j) => j.on('definitions.key', '=', 'latest.key').andOn('definitions.version', '=', 'latest.version'))
        .orderBy('definitions.key')) as DefinitionRow[];
      return rows.map(toDefinition);
    },
    async count(): Promise<number> {
      const row = (await knex('definitions').countDistinct({ n: 'key' }).first()) as { n: number | string } | undefined;
      return Number(row?.n ?? 0);
    },
    async insert(
      trx: Knex.Transaction,
      input: { key: string; version: number; name: string; xml: string; hash: string; metadata: SopMetadata; deployedBy: string | null; at: string; source: string },
    ): Promise<DefinitionVersion> {
      const row: DefinitionRow = {
        id: randomUUID(),
        key: input.key,
        version: input.version,
        name: input.name,
        xml: input.xml,
        hash: input.hash,
        metadata: toJson(input.metadata),
        deployed_by: input.deployedBy,
        deployed_at: input.at,
        source: input.source,
        effective_date: effectiveDateOf(input.metadata),
      };
      await trx('definitions').insert(row);
      return toDefinition(row);
    },
  };
}

export type DefinitionsRepository = ReturnType<typeof definitionsRepository>;
