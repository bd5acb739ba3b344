// Submits an extrinsic from polkadot.js and follows it to finality.

/**
 * Signs `tx` with `signer` (or sends it unsigned when `signer` is null) and signer `options`
 * (polkadot.js' SignerOptions: nonce, tip, mode and metadataHash, ...), waits until its block
 * is finalized and resolves to { blockHash, events }. Rejects if the pool refuses it, if it
 * drops out, or if it is included but fails (with the module error's `section.name`).
 */
export function finalize (api, tx, signer = null, options = {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    const onStatus = (result) => {
      const { dispatchError, events, status } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsubscribe();
        reject(new Error(`extrinsic ${status.type}`));
      } else if (status.isFinalized) {
        unsubscribe();
        if (dispatchError) {
          reject(new Error(`failed in block: ${describe(api, dispatchError)}`));
        } else {
          resolve({ blockHash: status.asFinalized.toHex(), events });
        }
      }
    };
    const sent = signer ? tx.signAndSend(signer, options, onStatus) : tx.send(onStatus);
    sent.then((u) => { unsubscribe = u; }, reject);
  });
}

/** `section.Name` for a module error, the error's text otherwise. */
export function describe (api, dispatchError) {
  if (dispatchError.isModule) {
    const { name, section } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.toString();
}

/** The first event `section.method` among `events`, or undefined. */
export function findEvent (events, section, method) {
  return events
    .map(({ event }) => event)
    .find((event) => event.section === section && event.method === method);
}
