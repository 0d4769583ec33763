// Loaded by mocha before the unit tests (.mocharc.unit.json): a developer's real Anthropic key or
// address must not reach the suite, which talks to loopback fakes only; tests that need them set them.
delete process.env.ANTHROPIC_API_KEY;
delete process.env.ANTHROPIC_BASE_URL;
