export * from './ids';
export * from './plan';
export * from './task';
export * from './events';
export * from './storage';
export * from './handles';
