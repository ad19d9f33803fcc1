export * from './topology-layout';
export * from './topology-text';
export * from './topology-svg';
