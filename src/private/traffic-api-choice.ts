import { IConstruct } from 'constructs';
import { invalid } from './invalid';
import { TrafficApi } from '../traffic-api';

// The messages the patterns share about their traffic API.

/** The end of a refusal only the Gateway API makes: the way back to the Istio API. */
export function keepOnIstio(what: string): string {
  return `or keep this ${what} on the Istio API with 'trafficApi: TrafficApi.ISTIO'`;
}

/** Refuses a member that only the other traffic API has, naming the one to use. */
export function memberOfOtherApi(scope: IConstruct, kind: string, member: string, api: TrafficApi, other: string): never {
  return invalid(scope, member, api, `does not exist: this ${kind} writes TrafficApi.${api}`, `use '${other}' instead`);
}
