// Entry of the separately bundled undici (dist/undici.js), required on the first request to llama-swap.
export * from 'undici';
