// The report of the move of cases stored by the flow interpreter to bpmn-engine: one row per case; knows nothing of HTTP.
import type { Knex } from 'knex';

export type MoveOutcome = 'moved' | 'unmoved';

export interface EngineMove {
  instanceId: string;
  outcome: MoveOutcome;
  /** Why a case was not moved; null for a moved one. */
  reason: string | null;
  /** When the outcome was first recorded. */
  at: string;
}

interface EngineMoveRow {
  instance_id: string;
  outcome: MoveOutcome;
  reason: string | null;
  at: string;
}

const toMove = (r: EngineMoveRow): EngineMove => ({ instanceId: r.instance_id, outcome: r.outcome, reason: r.reason, at: r.at });

export function engineMovesRepository(knex: Knex) {
  return {
    /**
     * Records a case's outcome, replacing an earlier one. An unchanged outcome and reason leave the row as it was
     * (its `at` too), so that a start that finds the same case unmoved again changes nothing.
     */
    async record(move: EngineMove, trx: Knex = knex): Promise<void> {
      const row: EngineMoveRow = { instance_id: move.instanceId, outcome: move.outcome, reason: move.reason, at: move.at };
      const same = await trx('engine_moves').where({ instance_id: move.instanceId, outcome: move.outcome }).where((w) => (move.reason === null ? w.whereNull('reason') : w.where('reason', move.reason))).first();
      if (same) return;
      await trx('engine_moves').insert(row).onConflict('instance_id').merge();
    },
    async byInstance(instanceId: string, trx: Knex = knex): Promise<EngineMove | undefined> {
      const row = (await trx('engine_moves').where({ instance_id: instanceId }).first()) as EngineMoveRow | undefined;
      return row ? toMove(row) : undefined;
    },
    /** Every recorded case, oldest first. */
    async list(): Promise<EngineMove[]> {
      const rows = (await knex('engine_moves').orderBy([{ column: 'at' }, { column: 'instance_id' }])) as EngineMoveRow[];
      return rows.map(toMove);
    },
  };
}

export type EngineMovesRepository = ReturnType<typeof engineMovesRepository>;
