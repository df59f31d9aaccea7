// Deploys BPMN: parse, lock down, read the SOP data, compile once, and store a new version when the XML changed.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import type { ModdleElement } from 'bpmn-moddle';
import { ForbiddenError, InvalidBpmnError, type ElementProblem } from '../errors.js';
import { parseBpmn } from '../engine/bpmn-parser.js';
import { lockdown } from '../engine/diagram-lockdown.js';
import { readCallActivities, readVersionTag } from '../engine/call-activity-declarations.js';
import { compileDefinition, type CompiledProcess } from '../engine/process-runtime.js';
import { readSopMetadata, type SopMetadata } from '../sop/sop-metadata.js';
import { sealedFieldReads } from '../sop/sealed-fields.js';
import { checkTimeStandards } from '../sop/step-clock.js';
import type { AuditChain } from '../audit/audit-chain.js';
import type { DefinitionsRepository, DefinitionVersion } from './definitions-repository.js';

export interface CompiledDefinition {
  definition: DefinitionVersion;
  process: CompiledProcess;
}

/** Who deploys: a user through the API (`source` `api`), or the service at start from a file (`processes/<file>`). */
export interface Origin {
  userId: string | null;
  source: string;
  /** A file with no version recorded from it: any version of the key with its content counts as deployed from it. */
  firstFromSource?: boolean;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface DeployResult {
  created: boolean;
  definitions: Array<{ key: string; version: number }>;
  warnings: ElementProblem[];
}

interface Prepared {
  key: string;
  name: string;
  metadata: SopMetadata;
  process: CompiledProcess;
  warnings: ElementProblem[];
}

/** Parses, checks and compiles a diagram without touching the database. */
async function prepare(xml: string): Promise<Prepared> {
  const parsed = await parseBpmn(xml);
  const { problems, warnings } = lockdown(parsed.definitions);
  problems.unshift(...parsed.referenceProblems);
  if (problems.length > 0) throw new InvalidBpmnError(problems);
  const process = ((parsed.definitions.rootElements as ModdleElement[]).find((e) => e.$type === 'bpmn:Process' && e.isExecutable === true)) as ModdleElement;
  const key = String(process.id ?? '');
  if (!/^[A-Za-z_][\w.-]{0,199}$/.test(key)) {
    throw new InvalidBpmnError([{ elementId: key || 'process', message: 'the process id (the SOP key) must start with a letter and use letters, digits, -, _ or .' }]);
  }
  const read = readSopMetadata(process);
  const metadata: SopMetadata = { ...read.metadata, calls: readCallActivities(parsed.definitions, process).calls, versionTag: readVersionTag(process) };
  const sopWarnings = read.warnings;
  const timeProblems = [...checkTimeStandards(metadata), ...sealedFieldReads(process, metadata)];
  if (timeProblems.length > 0) throw new InvalidBpmnError(timeProblems);
  let compiled: CompiledProcess;
  try {
    compiled = await compileDefinition(key, parsed.moddleContext);
  } catch (err) {
    throw new InvalidBpmnError([{ elementId: key, message: `the engine cannot load this diagram: ${(err as Error).message}` }]);
  }
  return { key, name: metadata.name, metadata, process: compiled, warnings: [...warnings, ...sopWarnings] };
}

/** A literal called key, or undefined for one an expression names when the call is reached. */
const literalKey = (calledElement: string): string | undefined => (calledElement.includes('${') ? undefined : calledElement);

/**
 * Fixes each `deployment` binding to the called key's latest version as this version is stored (this very version
 * for a call to its own key); null when the key has none yet, and such a call then fails with 422.
 */
async function bindDeployment(trx: Knex.Transaction, definitions: DefinitionsRepository, metadata: SopMetadata, version: number): Promise<SopMetadata> {
  if (!metadata.calls?.some((c) => c.binding.type === 'deployment')) return metadata;
  const calls = [];
  for (const call of metadata.calls) {
    const key = literalKey(call.calledElement);
    if (call.binding.type !== 'deployment' || key === undefined) {
      calls.push(call);
      continue;
    }
    const bound = key === metadata.key ? version : ((await definitions.latest(key, trx))?.version ?? null);
    calls.push({ ...call, binding: { type: 'deployment' as const, version: bound } });
  }
  return { ...metadata, calls };
}

export function deployService(deps: { knex: Knex; definitions: DefinitionsRepository; audit: AuditChain; log: Logger; clock: () => Date }) {
  const { knex, definitions, audit, log, clock } = deps;
  const compiled = new Map<string, Promise<CompiledDefinition>>();

  /**
   * Stores `xml` as the key's next version unless the latest has the same hash, or (`origin.firstFromSource`) any
   * version has: a database from before sources were recorded knows a file's content only by its hash, and
   * redeploying it would bury a version deployed through the API since.
   */
  async function store(xml: string, prepared: Prepared, origin: Origin): Promise<{ created: boolean; definition: DefinitionVersion }> {
    const hash = sha256(xml);
    for (let attempt = 0; ; attempt++) {
      try {
        return await knex.transaction(async (trx) => {
          const latest = await definitions.latest(prepared.key, trx);
          if (latest && latest.hash === hash) return { created: false, definition: latest };
          const known = origin.firstFromSource !== true ? undefined : await definitions.byHash(prepared.key, hash, trx);
          if (known) return { created: false, definition: known };
          const at = clock().toISOString();
          const version = (latest?.version ?? 0) + 1;
          const definition = await definitions.insert(trx, {
            key: prepared.key,
            version,
            name: prepared.name,
            xml,
            hash,
            metadata: await bindDeployment(trx, definitions, prepared.metadata, version),
            deployedBy: origin.userId,
            at,
            source: origin.source,
          });
          await audit.append(trx, [
            { type: 'definition.deployed', at, definitionKey: definition.key, version, userId: origin.userId, data: { hash, source: origin.source } },
          ]);
          return { created: true, definition };
        });
      } catch (err) {
        // Another deployer took the same version number first: read the new latest and try again.
        if (attempt < 3 && /unique|duplicate/i.test((err as Error).message)) continue;
        throw err;
      }
    }
  }

  /** A warning per call to a key (or a version of it) not deployed yet: the diagram deploys, such a call fails with 422. */
  async function calledKeyWarnings(prepared: Prepared): Promise<ElementProblem[]> {
    const warnings: ElementProblem[] = [];
    for (const call of prepared.metadata.calls ?? []) {
      const key = literalKey(call.calledElement);
      if (key === undefined || key === prepared.key) continue;
      if (call.binding.type === 'version' && !(await definitions.byVersion(key, call.binding.version))) {
        warnings.push({ elementId: call.elementId, message: `version ${call.binding.version} of process '${key}' is not deployed yet: the call fails until it is` });
      } else if (!(await definitions.latestId(key))) {
        warnings.push({ elementId: call.elementId, message: `no process '${key}' is deployed yet: the call fails until one is` });
      }
    }
    return warnings;
  }

  async function deployFrom(xml: string, origin: Origin, mayDeployUnit: (unit: string | null) => boolean = () => true): Promise<DeployResult> {
    const prepared = await prepare(xml);
    if (!mayDeployUnit(prepared.metadata.unit)) throw new ForbiddenError(`deploying ${prepared.key} needs owner:${prepared.metadata.unit ?? '*'}`);
    const { created, definition } = await store(xml, prepared, origin);
    compiled.set(definition.id, Promise.resolve({ definition, process: prepared.process }));
    if (created) log.info({ definitionKey: definition.key, version: definition.version, source: origin.source, userId: origin.userId, event: 'definition.deployed' }, 'definition deployed');
    const warnings = [...prepared.warnings, ...(await calledKeyWarnings(prepared))];
    return { created, definitions: [{ key: definition.key, version: definition.version }], warnings };
  }

  /** A changed file deployed over a version an owner deployed through the API is news to whoever runs the service. */
  async function warnIfOverApi(file: string, result: DeployResult): Promise<void> {
    const deployed = result.definitions[0];
    if (!result.created || !deployed || deployed.version < 2) return;
    const previous = await definitions.byVersion(deployed.key, deployed.version - 1);
    if (previous?.source !== 'api') return;
    log.warn(
      { definitionKey: deployed.key, version: deployed.version, source: `processes/${file}`, supersedes: previous.version, supersededDeployer: previous.deployedBy, event: 'definition.deployed' },
      `processes/${file} changed: deployed as version ${deployed.version}, which replaces version ${previous.version} deployed through the API`,
    );
  }

  return {
    /** Deploys one diagram through the API; identical XML to the latest version creates nothing. Throws InvalidBpmnError, ForbiddenError. */
    async deploy(xml: string, userId: string | null, mayDeployUnit: (unit: string | null) => boolean = () => true): Promise<DeployResult> {
      return deployFrom(xml, { userId, source: 'api' }, mayDeployUnit);
    },

    /**
     * Deploys every `.bpmn` file of a folder, in name order, each only when its content differs from the version last
     * deployed from that file (source `processes/<file>`, whatever the folder's path): a version deployed through the
     * API since stays the current one across restarts. Throws an Error naming a file the service refuses.
     */
    async deployFolder(dir: string): Promise<DeployResult[]> {
      let files: string[];
      try {
        files = (await fs.readdir(dir)).filter((f) => f.endsWith('.bpmn')).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          log.warn({ dir }, 'processes folder not found: nothing deployed');
          return [];
        }
        throw err;
      }
      const results: DeployResult[] = [];
      for (const file of files) {
        const xml = await fs.readFile(path.join(dir, file), 'utf8');
        const source = `processes/${file}`;
        const last = await definitions.lastFromSource(source);
        if (last && last.hash === sha256(xml)) {
          results.push({ created: false, definitions: [{ key: last.key, version: last.version }], warnings: [] });
          continue;
        }
        try {
          const result = await deployFrom(xml, { userId: null, source, firstFromSource: last === undefined });
          results.push(result);
          await warnIfOverApi(file, result);
        } catch (err) {
          if (err instanceof InvalidBpmnError) throw new Error(`${file}: ${err.message}`, { cause: err });
          throw err;
        }
      }
      return results;
    },

    /** The compiled form of a stored version, parsed and serialized once per process lifetime. */
    compiled(definition: DefinitionVersion): Promise<CompiledDefinition> {
      let entry = compiled.get(definition.id);
      if (!entry) {
        entry = (async () => {
          const xml = await definitions.xml(definition.id);
          if (xml === undefined) throw new Error(`definition ${definition.id} has no XML`);
          const prepared = await prepare(xml);
          return { definition, process: prepared.process };
        })();
        entry.catch(() => compiled.delete(definition.id));
        compiled.set(definition.id, entry);
      }
      return entry;
    },
  };
}

export type DeployService = ReturnType<typeof deployService>;
