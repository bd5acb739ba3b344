// Submits an extrinsic with polkadot.js and follows it to finality (js-script steps).

/**
 * Signs `tx` with `signer` (unsigned when null), resolves to { blockHash, events } once its
 * block is finalized; rejects if the pool refuses it, it drops out, or it fails in its block.
 */
function finalize (api, tx, signer = null) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    const onStatus = ({ dispatchError, events, status }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsubscribe();
        reject(new Error(`extrinsic ${status.type}`));
      } else if (status.isFinalized) {
        unsubscribe();
        if (dispatchError) {
          const text = dispatchError.isModule
            ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(dispatchError.asModule))
            : dispatchError.toString();
          reject(new Error(`failed in block: ${text}`));
        } else {
          resolve({ blockHash: status.asFinalized.toHex(), events });
        }
      }
    };
    const sent = signer ? tx.signAndSend(signer, onStatus) : tx.send(onStatus);
    sent.then((u) => { unsubscribe = u; }, reject);
  });
}

/** The first event `section.method` among `events`, or undefined. */
function findEvent (events, section, method) {
  return events.map(({ event }) => event).find((e) => e.section === section && e.method === method);
}

module.exports = { finalize, findEvent };
