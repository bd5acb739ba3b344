// The `rpc:` definitions polkadot.js needs to decorate Sable's custom JSON-RPC methods as
// `api.rpc.zk.*` and `api.rpc.poi.*` (docs/WALLET.md, "From polkadot.js"). Without them the
// methods are still callable as `api.provider.send('zk_treeState', [])`. Structured results
// are plain JSON objects (type `Json`, `Option<Json>` where the node may answer null), exactly
// as the node serves them: `.toJSON()` gives the node's object, or null.
//
//   import { ApiPromise, WsProvider } from '@polkadot/api';
//   import { rpc } from './rpc.js';
//   const api = await ApiPromise.create({ provider: new WsProvider(url), rpc });
//   const { root, leafCount } = (await api.rpc.zk.treeState()).toJSON();

const at = { isOptional: true, name: 'at', type: 'BlockHash' };

export const rpc = {
  poi: {
    job: {
      description: 'A proof-of-inference job until it is pruned, or null: client, model, provider, ' +
        'input and delivery commitments, payment, collateral, deposit, deadline, status, the ' +
        'sealed request while open, the verified result',
      params: [{ name: 'jobId', type: 'u64' }, at],
      type: 'Option<Json>'
    },
    model: {
      description: 'A registered model, or null: provider, kind, circuit and version, commitment, ' +
        'price, metadata, encryption key, retired, open jobs',
      params: [{ name: 'modelId', type: 'u32' }, at],
      type: 'Option<Json>'
    },
    provider: {
      description: "A provider's bond and record, or null",
      params: [{ name: 'who', type: 'AccountId' }, at],
      type: 'Option<Json>'
    },
    providerJobs: {
      description: "A provider's open jobs",
      params: [{ name: 'who', type: 'AccountId' }, at],
      type: 'Vec<u64>'
    }
  },
  zk: {
    isKnownAnchor: {
      description: 'Whether a root is an accepted anchor',
      params: [{ name: 'root', type: 'H256' }, at],
      type: 'bool'
    },
    isSpent: {
      description: 'Whether a nullifier is spent',
      params: [{ name: 'nullifier', type: 'H256' }, at],
      type: 'bool'
    },
    leaves: {
      description: 'Up to `limit` (at most 1024) leaves of the note tree from position `from`, ' +
        'each with the nullifier its action revealed in the same slot',
      params: [{ name: 'from', type: 'u64' }, { name: 'limit', type: 'u32' }, at],
      type: 'Json'
    },
    poolTotal: {
      description: 'Value held by the shielded pool (decimal string)',
      params: [at],
      type: 'Text'
    },
    treeState: {
      description: "The note tree's root, leaf count and anchor history length",
      params: [at],
      type: 'Json'
    }
  }
};
