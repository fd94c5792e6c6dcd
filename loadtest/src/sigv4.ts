/**
 * The load runners sign with the client's SigV4 signer (client/src/sigv4.ts): one implementation for every
 * caller of an AWS_IAM Function URL.
 */
export {
  createSigV4Signer,
  type RequestSigner,
  type RequestToSign,
  type SigningCredentials,
  signingRegion,
} from '../../client/src/sigv4.ts';
