/** How a gateway server handles TLS. */
export enum TlsMode {
  /** Terminate TLS with the server certificate. */
  SIMPLE = 'SIMPLE',
  /** Terminate TLS and require a client certificate signed by the CA. */
  MUTUAL = 'MUTUAL',
  /** Terminate TLS and verify a client certificate when one is presented. */
  OPTIONAL_MUTUAL = 'OPTIONAL_MUTUAL',
  /** Pass TLS through unterminated, routed by SNI (needs TLS routes in a VirtualService). */
  PASSTHROUGH = 'PASSTHROUGH',
  /** Pass through, routing by SNI to mesh services without VirtualServices (east-west gateways). */
  AUTO_PASSTHROUGH = 'AUTO_PASSTHROUGH',
  /** Istio mutual TLS with mesh certificates (for traffic from other meshes or sidecars). */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/** TLS protocol versions. */
export enum TlsProtocolVersion {
  /** Envoy's choice (TLS 1.2 minimum, TLS 1.3 maximum for servers). */
  TLS_AUTO = 'TLS_AUTO',
  /** TLS 1.0 (insecure; needs explicit cipher suites). */
  TLSV1_0 = 'TLSV1_0',
  /** TLS 1.1 (insecure; needs explicit cipher suites). */
  TLSV1_1 = 'TLSV1_1',
  /** TLS 1.2. */
  TLSV1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLSV1_3 = 'TLSV1_3',
}

/** A TLS cipher suite, by its BoringSSL name. */
export class CipherSuite {
  /** ECDHE-ECDSA-AES128-GCM-SHA256 */
  public static readonly ECDHE_ECDSA_AES128_GCM_SHA256 = new CipherSuite('ECDHE-ECDSA-AES128-GCM-SHA256');
  /** ECDHE-RSA-AES128-GCM-SHA256 */
  public static readonly ECDHE_RSA_AES128_GCM_SHA256 = new CipherSuite('ECDHE-RSA-AES128-GCM-SHA256');
  /** ECDHE-ECDSA-AES256-GCM-SHA384 */
  public static readonly ECDHE_ECDSA_AES256_GCM_SHA384 = new CipherSuite('ECDHE-ECDSA-AES256-GCM-SHA384');
  /** ECDHE-RSA-AES256-GCM-SHA384 */
  public static readonly ECDHE_RSA_AES256_GCM_SHA384 = new CipherSuite('ECDHE-RSA-AES256-GCM-SHA384');
  /** ECDHE-ECDSA-CHACHA20-POLY1305 */
  public static readonly ECDHE_ECDSA_CHACHA20_POLY1305 = new CipherSuite('ECDHE-ECDSA-CHACHA20-POLY1305');
  /** ECDHE-RSA-CHACHA20-POLY1305 */
  public static readonly ECDHE_RSA_CHACHA20_POLY1305 = new CipherSuite('ECDHE-RSA-CHACHA20-POLY1305');

  /** A cipher suite by name; it is checked at synth time against the names Envoy accepts. */
  public static of(name: string): CipherSuite {
    return new CipherSuite(name);
  }

  private constructor(
    /** The BoringSSL name. */
    public readonly name: string,
  ) {}
}

/**
 * TLS settings of a gateway server.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
 */
export interface ServerTlsOptions {
  /**
   * How TLS is handled.
   *
   * @default TlsMode.SIMPLE
   */
  readonly mode?: TlsMode;

  /**
   * Name of the Secret holding the certificate (`tls.crt`, `tls.key`, and `ca.crt` for MUTUAL).
   * The Secret must be in the namespace of the gateway workload (e.g. `istio-system`), not the
   * namespace of the Gateway object.
   *
   * @default - none; required for SIMPLE and MUTUAL unless certificates are given as files
   */
  readonly credentialName?: string;

  /**
   * Up to two Secrets (e.g. one RSA and one ECDSA certificate). Give this or `credentialName`.
   *
   * @default - none
   */
  readonly credentialNames?: string[];

  /**
   * Path of the server certificate file mounted in the gateway pod.
   *
   * @default - none
   */
  readonly serverCertificate?: string;

  /**
   * Path of the private key file mounted in the gateway pod.
   *
   * @default - none
   */
  readonly privateKey?: string;

  /**
   * Path of the CA bundle file used to verify client certificates.
   *
   * @default - none
   */
  readonly caCertificates?: string;

  /**
   * Path of the certificate revocation list file.
   *
   * @default - none
   */
  readonly caCrl?: string;

  /**
   * Subject alternative names accepted in client certificates.
   *
   * @default - any
   */
  readonly subjectAltNames?: string[];

  /**
   * Base64 SPKI hashes accepted for client certificates.
   *
   * @default - any
   */
  readonly verifyCertificateSpki?: string[];

  /**
   * Hex SHA-256 hashes accepted for client certificates.
   *
   * @default - any
   */
  readonly verifyCertificateHash?: string[];

  /**
   * Lowest TLS version accepted.
   *
   * @default TlsProtocolVersion.TLSV1_2 when the gateway terminates TLS
   */
  readonly minProtocolVersion?: TlsProtocolVersion;

  /**
   * Highest TLS version accepted.
   *
   * @default - Envoy's default (TLS 1.3)
   */
  readonly maxProtocolVersion?: TlsProtocolVersion;

  /**
   * Cipher suites offered, in order of preference.
   *
   * @default - Envoy's defaults
   */
  readonly cipherSuites?: CipherSuite[];
}

/** How a client (sidecar or gateway) originates TLS to an upstream. */
export enum ClientTlsMode {
  /** Plain text. */
  DISABLE = 'DISABLE',
  /** TLS, verifying the server. */
  SIMPLE = 'SIMPLE',
  /** TLS with a client certificate. */
  MUTUAL = 'MUTUAL',
  /** Istio mutual TLS with mesh certificates. */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/**
 * TLS settings for connections to the destination.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings
 */
export interface ClientTlsOptions {
  /** How TLS is originated. */
  readonly mode: ClientTlsMode;

  /**
   * Secret with the client certificate, key and CA (in the client's namespace; for gateways, in the gateway's).
   *
   * @default - none
   */
  readonly credentialName?: string;

  /**
   * Path of the client certificate file (MUTUAL without credentialName).
   *
   * @default - none
   */
  readonly clientCertificate?: string;

  /**
   * Path of the client private key file (MUTUAL without credentialName).
   *
   * @default - none
   */
  readonly privateKey?: string;

  /**
   * Path of the CA bundle used to verify the server.
   *
   * @default - the system's CA bundle
   */
  readonly caCertificates?: string;

  /**
   * Path of the certificate revocation list.
   *
   * @default - none
   */
  readonly caCrl?: string;

  /**
   * Subject alternative names the server certificate must carry.
   *
   * @default - the destination host
   */
  readonly subjectAltNames?: string[];

  /**
   * SNI to send.
   *
   * @default - the destination host
   */
  readonly sni?: string;

  /**
   * Skip server certificate verification. Insecure; only for testing.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}
