/**
 * Synthesizes the bookinfo example (in both traffic APIs) and a 500-service fleet and writes
 * their YAML to stdout,
 * for the determinism test, which runs this in two separate processes.
 */
import { App } from 'cdk8s';
import { buildFleet } from '../../build-tools/fleet-app';
import { bookinfo } from '../../examples/bookinfo/app';
import * as lib from '../../src';

const example = new App({ outdir: '/dev/null' });
bookinfo(example);
const gatewayApiExample = new App({ outdir: '/dev/null' });
lib.MeshSettings.setTrafficApi(gatewayApiExample, lib.TrafficApi.GATEWAY_API);
bookinfo(gatewayApiExample);
const fleet = new App({ outdir: '/dev/null' });
buildFleet(fleet, 500, lib);
process.stdout.write([example.synthYaml(), gatewayApiExample.synthYaml(), fleet.synthYaml()].join('\n---\n'));
