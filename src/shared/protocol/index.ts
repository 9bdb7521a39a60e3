// One import path for code that speaks several contracts; each contract lives in its own module.
export * from './common';
export * from './inspector';
export * from './dataset';
export * from './gallery';
