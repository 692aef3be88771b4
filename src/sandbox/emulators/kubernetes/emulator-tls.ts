// The emulator's TLS identity: a throwaway CA and a server certificate for 127.0.0.1 and
// localhost signed by it, made at start-up. kubectl sends a bearer token only over TLS, and
// verifies the server against the kubeconfig's certificate-authority-data, so the emulator
// needs both, with the IP in subjectAltName (Go ignores the CN since 1.15).
//
// Node can make keys but not X.509 certificates, so this calls the `openssl` binary (Debian's
// `openssl` package; .ci/run installs it where missing) rather than adding a certificate
// library: the emulator runs only in tests and the sandbox, and a runtime dependency would ship
// to every user of the bot for their sake.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface EmulatorTls {
  /** PEM of the CA, what the kubeconfig carries (base64) as certificate-authority-data. */
  ca: string;
  /** PEM of the server certificate and its key, for https.createServer. */
  cert: string;
  key: string;
}

// P-256 keys: accepted by Go's and Node's TLS, and quick to make.
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export async function createEmulatorTls(): Promise<EmulatorTls> {
  const dir = await mkdtemp(join(tmpdir(), "firebreak-k8s-tls-"));
  const openssl = async (args: string[]) => {
    try {
      await run("openssl", args, { cwd: dir });
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "the openssl binary is not installed (apt-get install openssl)" : String((error as { stderr?: unknown }).stderr ?? error);
      throw new Error(`cannot make the Kubernetes emulator's TLS certificate: ${why}`, { cause: error });
    }
  };
  try {
    // A day is plenty for a test run or a sandbox session; every start makes new ones.
    await openssl([
      "req", "-x509", ...EC_KEY, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=firebreak-kubernetes-emulator-ca",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    await writeFile(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n");
    await openssl(["req", "-new", ...EC_KEY, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
    await openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.crt"]);
    const [ca, cert, key] = await Promise.all(["ca.crt", "server.crt", "server.key"].map((file) => readFile(join(dir, file), "utf8")));
    return { ca: ca!, cert: cert!, key: key! };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
