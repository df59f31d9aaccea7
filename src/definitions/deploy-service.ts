// Deploys BPMN: parse, lock down, read the SOP data, compile once, and store a new version when the XML changed.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import type { ModdleElement } from 'bpmn-moddle';
import { ForbiddenError, InvalidBpmnError, KeyOwnedError, type ElementProblem } from '../errors.js';
import { parseBpmn } from '../engine/bpmn-parser.js';
import { lockdown } from '../engine/diagram-lockdown.js';
import { readCallActivities, readVersionTag } from '../engine/call-activity-declarations.js';
import { readCamundaAttributes } from '../engine/camunda-attributes.js';
import { linkedFormIds, linkForms, withCamunda, withLinkedFormFields, type LinkedForm } from './camunda-metadata.js';
import type { FormsRepository } from './forms-repository.js';
import { analyseVariables } from '../engine/variable-analysis.js';
import { canonicalDigest } from '../engine/canonical-diagram.js';
import { compileDefinition, type CompiledProcess } from '../engine/process-runtime.js';
import { readTimerDefinitions } from '../engine/timer-definitions.js';
import { dueAtTimerProblems } from '../jobs/timer-due.js';
import { readSopMetadata, type SopMetadata } from '../sop/sop-metadata.js';
import { sealedFieldReads } from '../sop/sealed-fields.js';
import { checkTimeStandards } from '../sop/step-clock.js';
import { TEXT_LIMITS } from '../db/text-limits.js';
import { canonicalText, textProblem } from '../text/canonical-text.js';
import { nonCanonicalText, overLimitText } from './diagram-text.js';
import type { AuditChain } from '../audit/audit-chain.js';
import type { DefinitionsRepository, DefinitionVersion } from './definitions-repository.js';
import type { KeyOwner, KeyOwnersRepository } from './key-owners-repository.js';

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
  /** The deployed forms its tasks link by id, resolved when a new version is stored. */
  formLinks: Array<{ elementId: string; formId: string }>;
  /** The latest version of each linked form that is deployed (read for a new version only). */
  linkedForms: ReadonlyMap<string, LinkedForm>;
}

/** The latest deployed version of each form id that has one. */
type FormsOf = (formIds: readonly string[]) => Promise<ReadonlyMap<string, LinkedForm>>;

const NO_FORMS: FormsOf = async () => new Map();

const SOP_KEY = new RegExp(`^[A-Za-z_][\\w.-]{0,${TEXT_LIMITS.definitionKey - 1}}$`);

/** The diagram as it is stored and hashed: NFC (canonical-text.ts); ill-formed text is refused, never replaced. */
function canonicalXml(xml: string): string {
  const problem = textProblem(xml);
  if (problem) throw new InvalidBpmnError([{ elementId: 'definitions', message: `the document ${problem}` }]);
  return canonicalText(xml);
}

/**
 * Parses, checks and compiles a diagram without touching the database. `newVersion`: the diagram is about to be
 * stored, so its text must also be canonical and within the declared limits; a version stored already is compiled
 * as it is, so that its running cases keep running. `formsOf` reads the forms a new version's tasks link, so that the
 * variable analysis sees their fields.
 */
async function prepare(xml: string, newVersion: boolean, formsOf: FormsOf = NO_FORMS): Promise<Prepared> {
  const parsed = await parseBpmn(xml);
  const { problems, warnings } = lockdown(parsed.definitions);
  problems.unshift(...parsed.referenceProblems, ...(newVersion ? nonCanonicalText(parsed.definitions) : []));
  const process = ((parsed.definitions.rootElements as ModdleElement[] | undefined) ?? []).find((e) => e.$type === 'bpmn:Process' && e.isExecutable === true);
  // Read with the lockdown, so that one refusal names the Camunda problems too.
  const camunda = process ? readCamundaAttributes(parsed.definitions, process) : undefined;
  if (problems.length > 0 || !process || !camunda) throw new InvalidBpmnError([...problems, ...(newVersion ? (camunda?.problems ?? []) : [])]);
  const key = String(process.id ?? '');
  if (newVersion && !SOP_KEY.test(key)) {
    throw new InvalidBpmnError([
      { elementId: key || 'process', message: `the process id (the SOP key) must start with a letter, use letters, digits, -, _ or ., and have at most ${TEXT_LIMITS.definitionKey} characters` },
    ]);
  }
  const assigned = new Set([...camunda.tasks.values()].filter((t) => t.candidateGroups.length + t.candidateUsers.length > 0 || t.assignee).map((t) => t.elementId));
  const read = readSopMetadata(process, assigned);
  // A version stored already keeps running as it was read then: Camunda data refuses only new versions.
  const folded = withCamunda({ ...read.metadata, calls: readCallActivities(parsed.definitions, process).calls, versionTag: readVersionTag(process) }, camunda);
  const metadata: SopMetadata = folded.metadata;
  const sopWarnings = [...read.warnings, ...folded.warnings];
  const formLinks = linkedFormIds(camunda);
  const linkedForms = newVersion && formLinks.length > 0 ? await formsOf(formLinks.map((l) => l.formId)) : new Map<string, LinkedForm>();
  // What the expressions read is checked on new versions only: a stored version keeps running its cases as it is.
  const variables = newVersion ? analyseVariables(parsed.definitions, process, { fieldsOf: withLinkedFormFields(formLinks, linkedForms) }) : { problems: [], warnings: [] };
  const timers = readTimerDefinitions(parsed.elementsById);
  const dataProblems = [
    ...(newVersion ? [...folded.problems, ...overLimitText(Object.keys(parsed.elementsById), metadata)] : []),
    ...checkTimeStandards(metadata),
    ...sealedFieldReads(process, metadata),
    ...variables.problems,
    ...timers.problems,
    ...dueAtTimerProblems(timers.timers, metadata),
  ];
  if (dataProblems.length > 0) throw new InvalidBpmnError(dataProblems);
  let compiled: CompiledProcess;
  try {
    compiled = await compileDefinition(key, parsed.moddleContext);
  } catch (err) {
    throw new InvalidBpmnError([{ elementId: key, message: `the engine cannot load this diagram: ${(err as Error).message}` }]);
  }
  return { key, name: metadata.name, metadata, process: compiled, warnings: [...warnings, ...sopWarnings, ...variables.warnings, ...timers.warnings], formLinks, linkedForms };
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

/**
 * A deployed key belongs to its unit: only that unit's owners (and admins, unscoped owners) deploy it, and no version
 * may move its cases into another unit's scope, not even an admin's; an admin transfers the key first.
 * @throws KeyOwnedError (403) naming the key and its unit.
 */
export function checkKeyOwner(owner: KeyOwner, diagramUnit: string | null, mayDeployUnit: (unit: string | null) => boolean): void {
  const unit = owner.unit ?? 'no single unit';
  if (!mayDeployUnit(owner.unit)) {
    throw new KeyOwnedError(`SOP key ${owner.key} belongs to unit ${unit}: only its owners deploy it (an admin can transfer the key)`, owner, diagramUnit);
  }
  if (diagramUnit !== owner.unit) {
    throw new KeyOwnedError(
      `SOP key ${owner.key} belongs to unit ${unit}: a version whose lanes are of ${diagramUnit ?? 'no single unit'} would move its cases out of that unit (an admin transfers the key first)`,
      owner,
      diagramUnit,
    );
  }
}

/**
 * `onCreated`: called after a version deployed through the API has committed (the timer start schedules follow it);
 * it must not throw.
 */
export function deployService(deps: { knex: Knex; definitions: DefinitionsRepository; keyOwners: KeyOwnersRepository; forms?: FormsRepository; audit: AuditChain; log: Logger; clock: () => Date; onCreated?: () => Promise<void> }) {
  const { knex, definitions, keyOwners, forms, audit, log, clock } = deps;
  const formsOf: FormsOf = async (ids) => (forms ? forms.latestOf(ids) : new Map());
  const compiled = new Map<string, Promise<CompiledDefinition>>();
  /** Canonical digests of stored versions by id (versions never change); null for one whose text no longer parses. */
  const digests = new Map<string, Promise<string | null>>();

  /** The canonical digest of a stored version (canonical-diagram.ts), computed once per process lifetime. */
  function digestOf(definition: DefinitionVersion): Promise<string | null> {
    let digest = digests.get(definition.id);
    if (!digest) {
      digest = definitions.xml(definition.id).then((xml) => (xml === undefined ? null : canonicalDigest(xml).catch(() => null)));
      digests.set(definition.id, digest);
    }
    return digest;
  }

  /**
   * Stores `xml` as the key's next version unless the latest has the same hash or canonical digest, or (`origin.firstFromSource`) any
   * version has: a database from before sources were recorded knows a file's content only by its hash, and
   * redeploying it would bury a version deployed through the API since. Throws KeyOwnedError (403) for a key of
   * another unit (see checkKeyOwner).
   */
  async function store(xml: string, prepared: Prepared, origin: Origin, mayDeployUnit: (unit: string | null) => boolean): Promise<{ created: boolean; definition: DefinitionVersion }> {
    const hash = sha256(xml);
    const digest = await canonicalDigest(xml);
    // Read outside the transaction so that comparing with the latest version rarely parses inside it.
    const current = await definitions.latest(prepared.key);
    if (current) await digestOf(current);
    for (let attempt = 0; ; attempt++) {
      try {
        return await knex.transaction(async (trx) => {
          // Read in the transaction that inserts the version: of two first deploys of a key, the second finds the first's owner.
          const owner = await keyOwners.ownerOf(prepared.key, trx);
          if (owner) checkKeyOwner(owner, prepared.metadata.unit, mayDeployUnit);
          const latest = await definitions.latest(prepared.key, trx);
          // The same diagram but for the order of namespaces or attributes, or blanks, is the same version (DESIGN.md).
          if (latest && (latest.hash === hash || (await digestOf(latest)) === digest)) return { created: false, definition: latest };
          const known = origin.firstFromSource !== true ? undefined : await definitions.byHash(prepared.key, hash, trx);
          if (known) return { created: false, definition: known };
          const at = clock().toISOString();
          if (!owner) await keyOwners.assign(trx, { key: prepared.key, unit: prepared.metadata.unit, by: origin.userId, at });
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

  /**
   * The forms a new version's tasks link, fixed to each form's latest version now (their fields become the steps'
   * forms), and a process that names no unit given one: its key's owning unit, else the deployer's (`defaultUnit`).
   * Throws InvalidBpmnError naming each task whose form is not deployed.
   */
  async function complete(prepared: Prepared, defaultUnit: string | null): Promise<Prepared> {
    let { metadata, warnings } = prepared;
    if (prepared.formLinks.length > 0) {
      const linked = linkForms(metadata, prepared.formLinks, prepared.linkedForms);
      if (linked.problems.length > 0) throw new InvalidBpmnError(linked.problems);
      metadata = linked.metadata;
      warnings = [...warnings, ...linked.warnings];
    }
    if (metadata.unit === null) {
      const owner = await keyOwners.ownerOf(prepared.key);
      if (owner) metadata = { ...metadata, unit: owner.unit, unitSource: owner.unit === null ? null : 'key' };
      else if (defaultUnit) metadata = { ...metadata, unit: defaultUnit, unitSource: 'deployer' };
    }
    return { ...prepared, metadata, warnings };
  }

  /** Deploys a diagram's text (made canonical first) from `origin`. Throws InvalidBpmnError, ForbiddenError, KeyOwnedError. */
  async function deployFrom(body: string, origin: Origin, mayDeployUnit: (unit: string | null) => boolean = () => true, defaultUnit: string | null = null): Promise<DeployResult> {
    const xml = canonicalXml(body);
    const prepared = await complete(await prepare(xml, true, formsOf), defaultUnit);
    if (!mayDeployUnit(prepared.metadata.unit)) throw new ForbiddenError(`deploying ${prepared.key} needs owner:${prepared.metadata.unit ?? '*'}`);
    const { created, definition } = await store(xml, prepared, origin, mayDeployUnit);
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
    /**
     * Deploys one diagram through the API; the latest version's canonical diagram again creates nothing. `defaultUnit`: the
     * deployer's unit, for a process that names none and whose key has no owner yet. Throws InvalidBpmnError,
     * ForbiddenError, KeyOwnedError.
     */
    async deploy(body: string, userId: string | null, mayDeployUnit: (unit: string | null) => boolean = () => true, defaultUnit: string | null = null): Promise<DeployResult> {
      const result = await deployFrom(body, { userId, source: 'api' }, mayDeployUnit, defaultUnit);
      if (result.created) await deps.onCreated?.();
      return result;
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
        // Versions store the canonical text, so a file's hash is taken of that too.
        if (last && last.hash === sha256(canonicalText(xml))) {
          results.push({ created: false, definitions: [{ key: last.key, version: last.version }], warnings: [] });
          continue;
        }
        try {
          const result = await deployFrom(xml, { userId: null, source, firstFromSource: last === undefined });
          results.push(result);
          await warnIfOverApi(file, result);
        } catch (err) {
          // A key transferred to another unit keeps its newer versions; the file must not stop the service starting.
          if (err instanceof KeyOwnedError) {
            log.warn({ file, definitionKey: err.details?.key, unit: err.details?.unit }, `not deployed: ${err.message}`);
            continue;
          }
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
          const prepared = await prepare(xml, false);
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
