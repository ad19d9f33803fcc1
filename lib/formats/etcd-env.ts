/**
 * An etcd environment file: one `ETCD_<FLAG>=value` line per setting, which
 * etcd reads as `--<flag>` (the same names from etcd 3.4 to 3.6), and which
 * `docker run --env-file` passes through unchanged (no quoting, one line each).
 * @see https://etcd.io/docs/v3.6/op-guide/configuration/
 */
export function renderEtcdEnv(settings: Record<string, string>): string {
  return Object.entries(settings).map(([key, value]) => {
    if (!/^ETCD_[A-Z0-9_]+$/.test(key) || /[\r\n]/.test(value)) {
      throw new Error(`etcd setting ${JSON.stringify(key)}=${JSON.stringify(value)} is not one ETCD_ line`);
    }
    return `${key}=${value}\n`;
  }).join('');
}

/** Reads an etcd environment file back into its settings (for checks and tests). */
export function parseEtcdEnv(text: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^(ETCD_[A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) { settings[match[1]] = match[2]; }
  }
  return settings;
}
