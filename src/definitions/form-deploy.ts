// Deploys Camunda 8 forms (POST /forms): a form-js schema the server can check becomes the next version of its id.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { ValidationError, type ElementProblem } from '../errors.js';
import { readFormJs } from '../sop/form-js.js';
import type { AuditChain } from '../audit/audit-chain.js';
import type { FormsRepository, FormVersion } from './forms-repository.js';

/** JSON with object keys sorted: two schemas that differ only in key order are one version. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const FORM_ID = /^[A-Za-z_][\w.-]{0,149}$/;

export function formDeployService(deps: { knex: Knex; forms: FormsRepository; audit: AuditChain; clock: () => Date }) {
  const { knex, forms, audit, clock } = deps;
  return {
    /**
     * Stores a form-js schema as the next version of its `id`, unless the latest has the same canonical JSON (then
     * `created` false), with a `form.deployed` audit event. Throws ValidationError (400) naming `id`, or `components`
     * for each component the server cannot check (see readFormJs).
     */
    async deploy(schema: Record<string, unknown>, userId: string): Promise<{ created: boolean; form: FormVersion; warnings: ElementProblem[] }> {
      const formId = typeof schema.id === 'string' ? schema.id : '';
      if (!FORM_ID.test(formId)) throw new ValidationError('a form needs an id', [{ name: 'id', message: 'the form-js schema id (what diagrams link by formId): a letter, then letters, digits, _ . -, at most 150' }]);
      const read = readFormJs(schema);
      if (read.problems.length > 0) throw new ValidationError(`form ${formId} cannot be checked on the server`, read.problems.map((message) => ({ name: 'components', message })));
      const hash = createHash('sha256').update(canonicalJson(schema), 'utf8').digest('hex');
      const warnings = read.warnings.map((message) => ({ elementId: formId, message }));
      return knex.transaction(async (trx) => {
        const last = await forms.latest(formId, trx);
        if (last?.hash === hash) return { created: false, form: last, warnings };
        const at = clock().toISOString();
        const form = await forms.insert(trx, { formId, version: (last?.version ?? 0) + 1, schema, hash, deployedBy: userId, deployedAt: at });
        await audit.append(trx, [{ type: 'form.deployed', at, userId, data: { formId, version: form.version, hash } }]);
        return { created: true, form, warnings };
      });
    },
  };
}

export type FormDeployService = ReturnType<typeof formDeployService>;
