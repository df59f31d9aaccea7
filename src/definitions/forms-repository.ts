// Camunda 8 forms (form-js JSON) deployed beside the diagrams that link them, one row per version; knows nothing of HTTP.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/json.js';
import type { LinkedForm } from './camunda-metadata.js';

interface FormRow {
  id: string;
  form_id: string;
  version: number | string;
  schema: string;
  hash: string;
  deployed_by: string | null;
  deployed_at: string;
}

/** A stored form version. */
export interface FormVersion extends LinkedForm {
  id: string;
  hash: string;
  deployedBy: string | null;
  deployedAt: string;
}

const toVersion = (r: FormRow): FormVersion => ({
  id: r.id,
  formId: r.form_id,
  version: Number(r.version),
  schema: fromJson<Record<string, unknown>>(r.schema, {}),
  hash: r.hash,
  deployedBy: r.deployed_by,
  deployedAt: r.deployed_at,
});

export function formsRepository(knex: Knex) {
  /** The latest version of a form id, or undefined when none is deployed. */
  async function latest(formId: string, trx: Knex = knex): Promise<FormVersion | undefined> {
    const row = (await trx('forms').where({ form_id: formId }).orderBy('version', 'desc').first()) as FormRow | undefined;
    return row ? toVersion(row) : undefined;
  }
  return {
    latest,
    /** The latest version of each of `formIds` that is deployed. */
    async latestOf(formIds: readonly string[]): Promise<Map<string, FormVersion>> {
      const found = new Map<string, FormVersion>();
      for (const id of new Set(formIds)) {
        const form = await latest(id);
        if (form) found.set(id, form);
      }
      return found;
    },
    /** Inserts a new version. */
    async insert(trx: Knex.Transaction, form: Omit<FormVersion, 'id'>): Promise<FormVersion> {
      const row: FormRow = { id: randomUUID(), form_id: form.formId, version: form.version, schema: toJson(form.schema), hash: form.hash, deployed_by: form.deployedBy, deployed_at: form.deployedAt };
      await trx('forms').insert(row);
      return toVersion(row);
    },
  };
}

export type FormsRepository = ReturnType<typeof formsRepository>;
