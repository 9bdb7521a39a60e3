// The generic readers live with the engine, which validates the files it reads with them too (src/core
// may not import src/shared); the protocol keeps importing them from here.
export * from '../core/validation';
