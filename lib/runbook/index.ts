export * from './cluster-facts';
export * from './classic-runbook-source';
export * from './topology-layout';
export * from './topology-text';
export * from './topology-svg';
export * from './runbook';
export * from './verify-script';
export * from './flatcar-runbook';
