/** JSON Schemas of the scenario routes for the OpenAPI document. */
export const openApi = {
  checkRequest: {
    description: '{ "scenario": <built-in name | document> }, or the scenario document itself (JSON, or YAML with Content-Type application/yaml)',
    type: 'object',
    properties: {
      scenario: { oneOf: [{ type: 'string', example: 'calico-netpol' }, { type: 'object', description: 'a scenario document (see README, "Lab-as-code")' }] },
    },
  },
  checkResult: {
    type: 'object',
    properties: {
      version: { type: 'integer', description: 'the lab version the checks ran against' },
      passed: { type: 'integer' },
      failed: { type: 'integer' },
      checks: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            index: { type: 'integer' },
            name: { type: 'string' },
            kind: { type: 'string', enum: ['trace', 'exec', 'connectivity'] },
            passed: { type: 'boolean' },
            expected: { type: 'string' },
            actual: { type: 'string' },
            failures: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  },
};
