import type { TopologyLayer } from './topology-layout';
import type { Machine } from '../cluster/machine';

/** A numbered section of the runbook: `## <n>. <title>`, a blank line, then its lines. */
export interface RunbookSection {
  readonly title: string;
  readonly lines: readonly string[];
}

/** A column of the runbook's machine table beyond the machine, its address, role, CPUs and memory. */
export interface RunbookColumn {
  readonly header: string;
  /** The cell of a machine (Markdown). */
  value(machine: Machine): string;
}

/**
 * One check of verify.sh: what the header says it checks, the shell that
 * defines it, and the function that runs it. The script runs the checks in
 * order and stops at the first FAIL.
 */
export interface VerifyCheck {
  /** What the header comment says, e.g. `every node is registered and Ready;`; further lines continue it. */
  readonly description: readonly string[];
  /** Shell lines that define it: a comment, helper functions and the check function, blocks separated by empty lines. */
  readonly definition: readonly string[];
  /** The function that runs the check, e.g. `check_nodes`. */
  readonly run: string;
}

/** What verify.sh is made of, besides the shared preamble and the PASS/FAIL functions. */
export interface VerifyPlan {
  /** Said after "stopping at the first FAIL", e.g. ` (each builds on the one before)`. */
  readonly stopNote: string;
  /** Header lines after the list of checks: what the script needs. */
  readonly needs: readonly string[];
  /** Shell lines before the PASS/FAIL functions: variables. */
  readonly variables: readonly string[];
  /** Shell blocks after them and before the checks: helpers several checks use. */
  readonly helpers: readonly (readonly string[])[];
  readonly checks: readonly VerifyCheck[];
}

/** What a profile adds to the runbook, the topology and verify.sh; everything else comes from the model and the target. */
export interface ProfileRunbook {
  /** After `Kubernetes <version> on <target>` in the runbook's title, e.g. ` (Flatcar)`. */
  readonly titleSuffix: string;
  /** A machine's role in the profile's words, e.g. `kube master`; machines with the same role share a colour in the picture. */
  roleOf(machine: Machine): string;
  /** Columns of the machine table after memory. */
  readonly columns: readonly RunbookColumn[];
  /** Bullets under the VM table, before the links to the pictures. */
  readonly summary: readonly string[];
  /** Prerequisites after the target's. */
  readonly prerequisites: readonly string[];
  /** Lines after the target's bring-up command. */
  readonly bringUp: readonly string[];
  /** Sections after bringing the machines up; the last checks the cluster. */
  readonly sections: readonly RunbookSection[];
  /** Notes under the picture's title. */
  readonly topologyNotes: readonly string[];
  /** What runs on a machine, top to bottom, as the picture shows it. */
  layersOf(machine: Machine): TopologyLayer[];
  readonly verify: VerifyPlan;
}

/**
 * What the target adds to the runbook: how the machines come and go. What the target is
 * called and how its machines are spoken of are facts of the model (`model.target`).
 */
export interface TargetRunbook {
  /** The picture's label of the network the machines share, e.g. `host-only network 10.10.10.0/24`. */
  readonly networkLabel: string;
  /** Prerequisites before the profile's. */
  readonly prerequisites: readonly string[];
  /** Subsections of the prerequisites (e.g. `### VirtualBox host-only range`), as lines. */
  readonly prerequisiteNotes: readonly string[];
  /** Title and first lines of the bring-up section. */
  readonly bringUp: RunbookSection;
  /** The last section. */
  readonly tearDown: RunbookSection;
}
