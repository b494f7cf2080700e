import type { Fault, SandboxState } from '../state.ts';

/** Finds the first fault that applies to this request and uses it up (count faults) or rolls for it (rate faults). */
export function takeFault(
  state: SandboxState,
  path: string,
  tenantId: string | undefined,
): Fault | undefined {
  for (const fault of state.faults) {
    if (fault.tenantId && fault.tenantId.toLowerCase() !== tenantId?.toLowerCase()) continue;
    if (fault.pathPrefix && !path.toLowerCase().startsWith(fault.pathPrefix.toLowerCase())) continue;
    if (fault.remaining !== undefined) {
      if (fault.remaining <= 0) continue;
      fault.remaining--;
      if (fault.remaining === 0) state.faults = state.faults.filter((other) => other !== fault);
      return fault;
    }
    if (fault.probability !== undefined && state.faultDice.next() < fault.probability) return fault;
  }
  return undefined;
}
