/** A Kubernetes release, `major.minor.patch`. */
export class KubernetesVersion {
  /** Parses `1.1.7`; undefined for anything else (`v1.1.7`, `1.x`, `latest`, `1.2.3.4`). */
  public static parse(text: string): KubernetesVersion | undefined {
    const match = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/.exec(text);
    return match ? new KubernetesVersion(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
  }

  private constructor(
    /** Major release, e.g. 1. */
    public readonly major: number,
    /** Minor release, e.g. 1 in 1.1.7. */
    public readonly minor: number,
    /** Patch release, e.g. 7 in 1.1.7. */
    public readonly patch: number,
  ) {}

  /** `major.minor`, e.g. `1.1`. */
  public get minorVersion(): string {
    return `${this.major}.${this.minor}`;
  }

  /** `1.1.7`. */
  public toString(): string {
    return `${this.major}.${this.minor}.${this.patch}`;
  }
}
