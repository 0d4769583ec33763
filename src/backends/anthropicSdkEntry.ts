// Entry of the separately bundled Anthropic SDK (dist/anthropic-sdk.js), required on the first cloud tier.
export { default } from '@anthropic-ai/sdk';
export * from '@anthropic-ai/sdk';
