/**
 * The gateway's work is a round runner (core/rounds/runner.ts: checkpoints, exits,
 * deregistrations, commission updates) whose endpoints come from the membership directory.
 * A node can run the same rounds itself (session-node --run-rounds).
 */
import { createRoundRunner, type RoundRunner } from '../../core/rounds/runner.ts';

export { CheckpointTooSoonError, type CheckpointResult } from '../../core/rounds/runner.ts';
export type GatewayService = RoundRunner;

export const createGatewayService = (options: Parameters<typeof createRoundRunner>[0]): GatewayService => createRoundRunner(options);
