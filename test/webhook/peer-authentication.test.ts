import { verdictOf, WebhookCase } from './verdict';
import { validatePeerAuthenticationSpec } from '../../src/validation/peer-authentication';

// One row per case of Istio 1.30.3's TestValidatePeerAuthentication (pkg/config/validation),
// with inputs of our own that exercise the same rule.
const CASES: WebhookCase[] = [
  { mirrors: 'TestValidatePeerAuthentication "empty spec"', spec: {}, verdict: 'accept' },
  { mirrors: 'TestValidatePeerAuthentication "empty mtls with selector of empty labels"', spec: { selector: {} }, verdict: 'warn' },
  { mirrors: 'TestValidatePeerAuthentication "empty spec with non default name"', spec: {}, verdict: 'accept' },
  { mirrors: 'TestValidatePeerAuthentication "default name with non empty selector"', spec: { selector: { matchLabels: { app: 'reviews' } } }, verdict: 'accept' },
  {
    mirrors: 'TestValidatePeerAuthentication "empty port level mtls"',
    spec: { selector: { matchLabels: { app: 'reviews' } }, portLevelMtls: {} },
    verdict: 'refuse',
    field: 'spec.portLevelMtls',
  },
  {
    mirrors: 'TestValidatePeerAuthentication "empty selector with port level mtls"',
    spec: { portLevelMtls: { 8080: { mode: 'UNSET' } } },
    verdict: 'refuse',
    field: 'spec.portLevelMtls',
  },
  {
    mirrors: 'TestValidatePeerAuthentication "port 0"',
    spec: { selector: { matchLabels: { app: 'reviews' } }, portLevelMtls: { 0: { mode: 'UNSET' } } },
    verdict: 'refuse',
    field: 'spec.portLevelMtls.0',
  },
  { mirrors: 'TestValidatePeerAuthentication "unset mode"', spec: { mtls: { mode: 'UNSET' } }, verdict: 'accept' },
  {
    mirrors: 'TestValidatePeerAuthentication "port level"',
    spec: { selector: { matchLabels: { app: 'reviews' } }, portLevelMtls: { 8080: { mode: 'UNSET' } } },
    verdict: 'accept',
  },
  // validateWorkloadSelector rules, through the selector (written from the source):
  { mirrors: 'validateWorkloadSelector wildcard', spec: { selector: { matchLabels: { app: 'rev*' } } }, verdict: 'refuse', field: 'spec.selector.matchLabels' },
  { mirrors: 'validateWorkloadSelector empty key', spec: { selector: { matchLabels: { '': 'a' } } }, verdict: 'refuse', field: 'spec.selector.matchLabels' },
];

describe.each(CASES)('$mirrors', ({ spec, verdict, field }) => {
  test(verdict, () => {
    const findings = validatePeerAuthenticationSpec(spec);
    expect({ verdict: verdictOf(findings), messages: findings.messages }).toEqual({ verdict, messages: expect.anything() });
    if (field) expect(findings.messages.join('\n')).toContain(`'${field}'`);
  });
});

test('cases mirrored', () => {
  expect(CASES.filter((c) => c.mirrors.startsWith('TestValidatePeerAuthentication'))).toHaveLength(9);
});
