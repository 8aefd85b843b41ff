/**
 * The gateway's work is a round runner (core/rounds/runner.ts: checkpoints, exits,
 * deregistrations, commission updates) whose endpoints come from the nodes file.
 * A node can run the same rounds itself (session-node --run-rounds).
 */
import { readNodesFile } from '../../node/src/peers/nodes-file.ts';
import { createRoundRunner, type RoundRunner } from '../../core/rounds/runner.ts';

export { CheckpointTooSoonError, type CheckpointResult } from '../../core/rounds/runner.ts';
export type GatewayService = RoundRunner;

type RunnerOptions = Parameters<typeof createRoundRunner>[0];

export function createGatewayService(options: Omit<RunnerOptions, 'endpoints'> & { nodesFile: string }): GatewayService {
  const { nodesFile, ...rest } = options;
  return createRoundRunner({
    ...rest,
    endpoints: () => {
      const { endpoints, error } = readNodesFile(nodesFile);
      if (error) options.log(`gateway: ${error}`);
      return endpoints;
    },
  });
}
