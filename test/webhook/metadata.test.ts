/**
 * Istio's metadata rules, applied to every Istio object before its kind's own rules
 * (pkg/config/validation validateMetadata / checkDryRunAnnotation, Istio 1.30.3).
 */
import { ApiObject, Testing } from 'cdk8s';
import { DestinationRule, IstioAnalyzer } from '../../src';
import { admissionFindings } from '../../src/validation/admission';
import { synthError } from '../support/schema';

const object = (kind: string, annotations: Record<string, string>, spec: any = {}) => ({
  apiVersion: kind.endsWith('Policy') || kind === 'RequestAuthentication' ? 'security.istio.io/v1' : 'networking.istio.io/v1',
  kind,
  metadata: { name: 'x', namespace: 'shop', annotations },
  spec,
});

const CASES: Array<{ mirrors: string; manifest: any; refused?: string }> = [
  // mirrors TestValidateAuthorizationPolicy "dry-run-valid-allow"
  { mirrors: 'dry-run-valid-allow', manifest: object('AuthorizationPolicy', { 'istio.io/dry-run': 'true' }, { action: 'ALLOW' }) },
  // mirrors TestValidateAuthorizationPolicy "dry-run-valid-deny"
  { mirrors: 'dry-run-valid-deny', manifest: object('AuthorizationPolicy', { 'istio.io/dry-run': 'false' }, { action: 'DENY', rules: [{}] }) },
  // mirrors TestValidateAuthorizationPolicy "dry-run-invalid-value"
  { mirrors: 'dry-run-invalid-value', manifest: object('AuthorizationPolicy', { 'istio.io/dry-run': 'foo' }, { action: 'ALLOW' }), refused: "'metadata.annotations.istio.io/dry-run' (foo) must be true or false" },
  // mirrors TestValidateAuthorizationPolicy "dry-run-invalid-action-custom"
  { mirrors: 'dry-run-invalid-action-custom', manifest: object('AuthorizationPolicy', { 'istio.io/dry-run': 'true' }, { action: 'CUSTOM', provider: { name: 'ext' } }), refused: 'only supported with action ALLOW or DENY, not CUSTOM' },
  // mirrors TestValidateAuthorizationPolicy "dry-run-invalid-action-audit"
  { mirrors: 'dry-run-invalid-action-audit', manifest: object('AuthorizationPolicy', { 'istio.io/dry-run': 'true' }, { action: 'AUDIT' }), refused: 'only supported with action ALLOW or DENY, not AUDIT' },
  // mirrors TestValidateRequestAuthentication "dry run annotation not supported"
  { mirrors: 'dry run annotation not supported', manifest: object('RequestAuthentication', { 'istio.io/dry-run': 'true' }), refused: 'is only supported on AuthorizationPolicy' },
  // validateMetadata: internal annotations (no Istio test table row; written from the source)
  { mirrors: 'internal parent namespace', manifest: object('VirtualService', { 'internal.istio.io/parent-namespace': 'a' }, { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }] }] }), refused: 'may not be set by users' },
  { mirrors: 'internal parents', manifest: object('DestinationRule', { 'internal.istio.io/parents': 'a' }, { host: 'a' }), refused: 'may not be set by users' },
  { mirrors: 'always reject', manifest: object('DestinationRule', { 'internal.istio.io/webhook-always-reject': '' }, { host: 'a' }), refused: 'may not be set by users' },
];

describe.each(CASES)('$mirrors', ({ manifest, refused }) => {
  test(refused ? 'refused' : 'accepted', () => {
    const messages = admissionFindings(manifest).messages;
    if (refused) expect(messages).toEqual([expect.stringContaining(refused)]);
    else expect(messages).toEqual([]);
  });
});

test('through a construct and through the analyzer, with the construct path', () => {
  const chart = Testing.chart();
  new DestinationRule(chart, 'dr', { host: 'reviews', metadata: { annotations: { 'istio.io/dry-run': 'true' } } });
  expect(synthError(chart)).toContain("[test/dr] 'metadata.annotations.istio.io/dry-run' (true) is only supported on AuthorizationPolicy");
  const raw = Testing.chart();
  new ApiObject(raw, 'vs', object('VirtualService', { 'internal.istio.io/parents': 'x' }, { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }] }] }));
  IstioAnalyzer.of(raw);
  expect(synthError(raw)).toContain("[test/vs] IST0106: 'metadata.annotations.internal.istio.io/parents' (x) may not be set by users");
});

test('cases mirrored', () => {
  expect(CASES).toHaveLength(9);
});
