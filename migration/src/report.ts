/** The rehearsal report as text (the --json form is the RehearsalReport itself). */
import { formatSesh } from '../../sdk/src/units.ts';
import type { RehearsalReport } from './rehearse.ts';


function money(amount: string): string {
  const [whole, frac] = formatSesh(BigInt(amount)).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''} SESH`;
}

export function formatReport(r: RehearsalReport): string {
  const n = r.nodes;
  const a = r.allocations;
  const lines = [
    'Migration rehearsal',
    ...r.phases.map((p) => `  ${p.at}  ${p.title}`),
    '',
    `Nodes (${n.total} in the snapshot)`,
    `  migrated and seeded        ${n.migrated} (${n.toppedUp} topped up by the treasury)`,
    `  recovered at Anchor        ${n.recovered}`,
    `  decommissioned at Anchor   ${n.decommissioned}`,
    `  refused (after the freeze) ${n.frozenOut}`,
    `  missed Landing             ${n.missedLanding}`,
    `  operator without ETH addr. ${n.noOperatorAddress}`,
    `  stake short of requirement ${n.shortfall}`,
    '',
    'Stakes',
    `  seeded in SessionStaking   ${money(r.stakes.seeded)}`,
    `  converted via coin claims  ${money(r.stakes.convertedViaCoinClaims)}`,
    `  treasury top-ups           ${money(r.stakes.treasuryTopUps)}`,
    `  surplus paid out liquid    ${money(r.stakes.surplusPaidLiquid)}`,
    `  credited, nodes not migr.  ${money(r.stakes.creditedToUnmigratedContributors)} (claimable on OxenCoinClaims)`,
    `  unregistered contributions ${r.stakes.unregisteredContributions} (${money(r.stakes.reservedForUnregistered)} reserved in OxenCoinClaims)`,
    '',
    'Programs',
    `  Service Node Bonus         ${money(r.programs.serviceNodeBonus.total)} to ${r.programs.serviceNodeBonus.participants} addresses`,
    `  Oxen Coin Claims           budget ${money(r.programs.coinClaims.budget)}, consumed ${money(r.programs.coinClaims.consumed)}, owed ${money(r.programs.coinClaims.owed)}`,
    `  Testnet incentives         ${money(r.programs.testnetIncentives.total)} to ${r.programs.testnetIncentives.participants} addresses`,
    '',
    'Balances on chain after TGE',
    `  reward pool                ${money(a.rewardPool)}`,
    `  bonus distributor          ${money(a.serviceNodeBonus)}`,
    `  OxenCoinClaims             ${money(a.coinClaims)}`,
    `  testnet distributor        ${money(a.testnetIncentives)}`,
    `  SessionStaking             ${money(a.staking)}`,
    `  contributors (liquid)      ${money(a.contributorsLiquid)}`,
    `  treasury                   ${money(a.treasury)}`,
    `  other contracts            ${money(a.otherContracts)}`,
    `  sum                        ${money(r.conservation.sum)} (totalSupply ${money(r.conservation.totalSupply)}, ${r.conservation.holders} holders read)`,
    `Conservation: ${r.conservation.ok ? 'OK' : 'FAILED'}: all allocations + pool + treasury ${r.conservation.ok ? '=' : '≠'} ${money(r.conservation.expected)}`,
  ];
  return `${lines.join('\n')}\n`;
}
