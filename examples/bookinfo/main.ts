import * as path from 'path';
import { synthBookinfo } from './app';

const outdir = path.join(__dirname, 'dist');
synthBookinfo(outdir);
console.log(`Synthesized the bookinfo example to ${path.relative(process.cwd(), outdir)}/ (bookinfo.k8s.yaml, bookinfo-ingress.k8s.yaml)`);
