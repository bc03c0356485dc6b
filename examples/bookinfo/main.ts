import * as path from 'path';
import { synthBookinfo } from './app';
import { TrafficApi } from '../../src';

// The same app, in Istio's networking API and in the Kubernetes Gateway API (one switch).
const outdir = path.join(__dirname, 'dist');
const gatewayApiOutdir = path.join(outdir, 'gateway-api');
synthBookinfo(outdir);
synthBookinfo(gatewayApiOutdir, TrafficApi.GATEWAY_API);
const files = '(bookinfo.k8s.yaml, bookinfo-ingress.k8s.yaml)';
console.log(`Synthesized the bookinfo example to ${path.relative(process.cwd(), outdir)}/ ${files}`);
console.log(`Synthesized its Gateway API rendering to ${path.relative(process.cwd(), gatewayApiOutdir)}/ ${files}`);
