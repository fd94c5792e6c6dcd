import { describe, expect, it } from 'vitest';
import { type AliasState, LIVE_ALIAS, ProvisionedConcurrencyConflictError } from '../port.ts';
import { type ProvisionedConcurrencyChange, provisionedConcurrencyRefusal } from './pc-rules.ts';

const alias = (weights: Record<string, number> = {}, version = '1'): AliasState => ({
  name: LIVE_ALIAS,
  version,
  weights,
  revisionId: 'r',
});

describe('provisionedConcurrencyRefusal', () => {
  it.each<{
    name: string;
    change: ProvisionedConcurrencyChange;
    qualifier: string;
    weights?: Record<string, number>;
    liveConfigured: boolean;
    refused: RegExp | null;
  }>([
    {
      name: 'a put on live while it has weights',
      change: 'put',
      qualifier: LIVE_ALIAS,
      weights: { '2': 0.1 },
      liveConfigured: true,
      refused: /Alias with weights can not be used with Provisioned Concurrency \(live routes \{"2":0.1\}/,
    },
    {
      name: 'a first put on live while it has weights',
      change: 'put',
      qualifier: LIVE_ALIAS,
      weights: { '2': 0.1 },
      liveConfigured: false,
      refused: /Alias with weights/,
    },
    {
      name: 'a removal from live while it has weights',
      change: 'remove',
      qualifier: LIVE_ALIAS,
      weights: { '2': 0.5 },
      liveConfigured: true,
      refused: /Alias with weights .*clear the weights first/,
    },
    {
      name: "a put on live's primary while live has PC",
      change: 'put',
      qualifier: '1',
      liveConfigured: true,
      refused:
        /version 1 is live's primary and live has provisioned concurrency.* one provisioned-concurrency configuration/,
    },
    {
      name: "a put on live's primary while live has PC and weights",
      change: 'put',
      qualifier: '1',
      weights: { '2': 0.5 },
      liveConfigured: true,
      refused: /version 1 is live's primary/,
    },
    {
      name: 'a put on live without weights',
      change: 'put',
      qualifier: LIVE_ALIAS,
      liveConfigured: true,
      refused: null,
    },
    {
      name: 'a removal from live without weights',
      change: 'remove',
      qualifier: LIVE_ALIAS,
      liveConfigured: true,
      refused: null,
    },
    {
      name: "a put on live's primary while live has none",
      change: 'put',
      qualifier: '1',
      liveConfigured: false,
      refused: null,
    },
    {
      name: "a removal of the primary's own PC while live has PC (the end of a promotion's handover)",
      change: 'remove',
      qualifier: '1',
      liveConfigured: true,
      refused: null,
    },
    {
      name: "a put on the weighted candidate's version while live has PC",
      change: 'put',
      qualifier: '2',
      weights: { '2': 0.1 },
      liveConfigured: true,
      refused: null,
    },
  ])('$name', ({ change, qualifier, weights, liveConfigured, refused }) => {
    const refusal = provisionedConcurrencyRefusal(change, qualifier, {
      alias: alias(weights),
      liveConfigured,
    });
    if (refused === null) {
      expect(refusal).toBeNull();
      return;
    }
    expect(refusal).toBeInstanceOf(ProvisionedConcurrencyConflictError);
    expect(refusal).toMatchObject({ qualifier, name: 'ProvisionedConcurrencyConflictError' });
    expect(refusal?.message).toMatch(`provisioned concurrency on ${qualifier} refused: `);
    expect(refusal?.reason).toMatch(refused);
  });
});
