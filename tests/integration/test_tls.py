"""TLS on the real server: protocol versions, SNI, close_notify, client
certificates, session resumption, Gopher over TLS, and the certificate
files: generation, permissions, no overwrite, startup errors."""
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import tempfile
import time
import unittest

from harness import (Capsule, Server, SharedServerTest, gemini, gemini_raw,
                     gopher, run_gemserv, tls_context)

HEAD_GMI = b"20 text/gemini; charset=utf-8; lang=en\r\n"


def openssl(*args, cwd=None):
    return subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def make_pair(d, name, days=3650):
    """A self-signed P-256 pair made with the openssl tool."""
    cert = os.path.join(d, name + ".crt")
    key = os.path.join(d, name + ".key")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out",
            cert, "-subj", "/CN=" + name, "-days", str(days))
    return cert, key


class TlsTest(SharedServerTest):
    capsule_args = {"ini": {"server": {"workers": "3"},
                            "gopher": {"tls": "yes"}}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.home = ("gemini://localhost:%d/\r\n" % cls.port).encode()

    def test_tls12_and_tls13(self):
        for v in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            ctx = tls_context(minimum=v, maximum=v)
            self.assertTrue(gemini(self.port, self.home, ctx=ctx)
                            .startswith(HEAD_GMI), v)

    def test_tls11_refused(self):
        ctx = tls_context(minimum=ssl.TLSVersion.TLSv1,
                          maximum=ssl.TLSVersion.TLSv1_1)
        # Let this client offer TLS 1.1 at all, so the refusal is the
        # server's.
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        with self.assertRaises(ssl.SSLError) as cm:
            gemini(self.port, self.home, ctx=ctx)
        self.assertIn("PROTOCOL_VERSION", str(cm.exception).upper().replace(
            " ", "_"))

    def test_no_sni(self):
        out = gemini(self.port, self.home, sni=None)
        self.assertTrue(out.startswith(HEAD_GMI))

    def test_close_notify_on_success_and_errors(self):
        for req in (self.home, b"gemini://localhost:%d/nope\r\n" % self.port,
                    b"http://localhost/\r\n", b"\r\n"):
            out, notify = gemini_raw(self.port, req)
            self.assertTrue(out.endswith(b"\n"), out)
            self.assertTrue(notify, req)

    def test_close_notify_with_s_client(self):
        p = subprocess.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:%d" % self.port,
             "-servername", "localhost", "-quiet"],
            input=self.home, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            timeout=20)
        self.assertTrue(p.stdout.startswith(HEAD_GMI))
        self.assertNotIn(b"unexpected eof", p.stderr.lower())

    def test_client_certificate_accepted(self):
        d = self.capsule.dir
        cert, key = make_pair(d, "client")
        ctx = tls_context()
        ctx.load_cert_chain(cert, key)
        self.assertTrue(gemini(self.port, self.home, ctx=ctx)
                        .startswith(HEAD_GMI))

    def test_session_resumption(self):
        # Three workers: a later connection may land on any of them, so
        # resuming proves the ticket key is shared.
        for v in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            ctx = tls_context(minimum=v, maximum=v)
            _, sess, reused = gemini(self.port, self.home, ctx=ctx,
                                     want_session=True)
            self.assertFalse(reused)
            # Fails without server/ticketfix.c on Debian's libretls.
            self.assertTrue(sess.has_ticket, v)
            for _ in range(6):
                out, _, reused = gemini(self.port, self.home, ctx=ctx,
                                        session=sess, want_session=True)
                self.assertTrue(out.startswith(HEAD_GMI))
                self.assertTrue(reused, v)

    def negotiated(self, *args):
        """The TLS 1.3 suite s_client ends up with, offering args."""
        p = subprocess.run(
            ["openssl", "s_client", "-tls1_3", "-connect",
             "127.0.0.1:%d" % self.port, "-servername", "localhost"] +
            list(args), input=self.home, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, timeout=20)
        m = re.search(rb"Cipher is (\S+)", p.stdout)
        self.assertTrue(m, p.stdout[-400:])
        return m.group(1).decode()

    def test_tls13_suite_order(self):
        # AES-128-GCM first, whatever the client prefers among AES
        # suites; ChaCha20 for a client that puts it first; each suite
        # still served alone.
        self.assertEqual(self.negotiated(), "TLS_AES_128_GCM_SHA256")
        raw = socket.create_connection(("127.0.0.1", self.port), 10)
        with tls_context().wrap_socket(raw, server_hostname="localhost") as s:
            self.assertEqual(s.cipher()[0], "TLS_AES_128_GCM_SHA256")
        self.assertEqual(self.negotiated(
            "-ciphersuites",
            "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"),
            "TLS_CHACHA20_POLY1305_SHA256")
        for suite in ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
                      "TLS_CHACHA20_POLY1305_SHA256"):
            self.assertEqual(self.negotiated("-ciphersuites", suite), suite)

    def s_client(self, version, sess_flag, sess_file):
        """One request with openssl s_client -msg: (NewSessionTicket
        messages the server sent, whether the session was resumed)."""
        p = subprocess.run(
            ["openssl", "s_client", version, "-connect",
             "127.0.0.1:%d" % self.port, "-servername", "localhost",
             sess_flag, sess_file, "-msg", "-ign_eof"],
            input=self.home, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, timeout=30)
        out = p.stdout.decode("latin-1")
        self.assertIn("20 text/gemini", out)
        tickets = sum(1 for ln in out.splitlines()
                      if ln.startswith("<<<") and
                      ("NewSessionTicket" in ln or
                       "NEW_SESSION_TICKET" in ln))
        return tickets, "\nReused, " in out

    def test_one_ticket_renewed_on_resumption(self):
        # One ticket per full handshake (OpenSSL's default is two, each
        # encrypted and sent for nothing), and a fresh one on every
        # resumption, so a client that uses a ticket once (RFC 8446,
        # section C.4) keeps resuming instead of falling back to a full
        # handshake every other time.
        with tempfile.TemporaryDirectory() as d:
            sess = os.path.join(d, "sess.pem")
            for v in ("-tls1_2", "-tls1_3"):
                self.assertEqual(self.s_client(v, "-sess_out", sess),
                                 (1, False), v)
                self.assertEqual(self.s_client(v, "-sess_in", sess),
                                 (1, True), v)

    def test_gopher_over_tls(self):
        port = self.capsule.gopher_port
        ctx = tls_context()
        chunks = []
        with socket.create_connection(("127.0.0.1", port), 10) as raw:
            s = ctx.wrap_socket(raw, server_hostname="localhost",
                                suppress_ragged_eofs=False)
            s.sendall(b"\r\n")
            while True:
                d = s.recv(65536)
                if not d:
                    break
                chunks.append(d)
            s.close()
        menu = b"".join(chunks)
        self.assertIn(b"Recovery Support Library", menu)
        self.assertEqual(menu, gopher(port, "\r\n"))


class CertFilesTest(unittest.TestCase):
    def setUp(self):
        self.capsule = Capsule()
        self.certs = os.path.join(self.capsule.dir, "certs")
        self.cert = os.path.join(self.certs, "cert.pem")
        self.key = os.path.join(self.certs, "key.pem")

    def tearDown(self):
        self.capsule.cleanup()

    def start_fails(self):
        p = run_gemserv("-c", self.capsule.ini_path, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        return p.stderr.decode()

    def test_generated_certificate(self):
        self.assertFalse(os.path.exists(self.certs))
        server = Server(self.capsule)
        try:
            self.assertIn("created self-signed certificate", server.log())
            self.assertEqual(stat.S_IMODE(os.stat(self.key).st_mode), 0o600)
            text = openssl("x509", "-in", self.cert, "-noout", "-text",
                           "-ext", "subjectAltName").stdout.decode()
            for san in ("DNS:localhost", "IP Address:127.0.0.1",
                        "IP Address:0:0:0:0:0:0:0:1"):
                self.assertIn(san, text)
            key_text = openssl("pkey", "-in", self.key, "-noout",
                               "-text").stdout.decode()
            self.assertIn("prime256v1", key_text)
            # The served certificate is the one on disk.
            pem = ssl.get_server_certificate(
                ("127.0.0.1", self.capsule.gemini_port))
            with open(self.cert) as f:
                self.assertEqual(ssl.PEM_cert_to_DER_cert(pem),
                                 ssl.PEM_cert_to_DER_cert(f.read()))
        finally:
            server.stop()
            server.kill()
        with open(self.cert, "rb") as f:
            cert1 = f.read()
        with open(self.key, "rb") as f:
            key1 = f.read()
        server = Server(self.capsule)
        try:
            self.assertNotIn("created self-signed", server.log())
        finally:
            server.stop()
            server.kill()
        with open(self.cert, "rb") as f:
            self.assertEqual(f.read(), cert1)
        with open(self.key, "rb") as f:
            self.assertEqual(f.read(), key1)

    def test_hostname_in_certificate(self):
        self.capsule.sections["server"]["hostname"] = "capsule.example"
        self.capsule.write_ini()
        server = Server(self.capsule)
        server.stop()
        server.kill()
        text = openssl("x509", "-in", self.cert, "-noout", "-subject",
                       "-ext", "subjectAltName").stdout.decode()
        self.assertIn("CN = capsule.example", text)
        self.assertIn("DNS:capsule.example, DNS:localhost, "
                      "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
                      text)

    def test_mismatched_key(self):
        os.makedirs(self.certs)
        c1, k1 = make_pair(self.certs, "one")
        c2, k2 = make_pair(self.certs, "two")
        shutil.copy(c1, self.cert)
        shutil.copy(k2, self.key)
        err = self.start_fails()
        self.assertIn("does not match", err)
        self.assertIn(self.key, err)

    def test_only_cert_present(self):
        os.makedirs(self.certs)
        c1, _ = make_pair(self.certs, "one")
        shutil.copy(c1, self.cert)
        err = self.start_fails()
        self.assertIn("key %s is missing" % self.key, err)
        self.assertFalse(os.path.exists(self.key))

    def test_only_key_present(self):
        os.makedirs(self.certs)
        _, k1 = make_pair(self.certs, "one")
        shutil.copy(k1, self.key)
        with open(self.key, "rb") as f:
            before = f.read()
        err = self.start_fails()
        self.assertIn("certificate %s is missing" % self.cert, err)
        with open(self.key, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_expired_certificate(self):
        os.makedirs(self.certs)
        make_expired(self.certs, self.cert, self.key)
        err = self.start_fails()
        self.assertIn("certificate %s has expired" % self.cert, err)

    def test_garbage_key(self):
        os.makedirs(self.certs)
        c1, _ = make_pair(self.certs, "one")
        shutil.copy(c1, self.cert)
        with open(self.key, "w") as f:
            f.write("not a key\n")
        err = self.start_fails()
        self.assertIn("key %s" % self.key, err)

    def test_unreadable_key(self):
        os.makedirs(self.certs)
        c1, k1 = make_pair(self.certs, "one")
        shutil.copy(c1, self.cert)
        if os.geteuid() == 0:
            os.mkdir(self.key)      # root reads any file, not a directory
        else:
            shutil.copy(k1, self.key)
            os.chmod(self.key, 0)
        err = self.start_fails()
        self.assertIn("key %s: cannot read" % self.key, err)


CA_CONF = """[ca]
default_ca = ca_default
[ca_default]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
[policy_any]
commonName = supplied
"""


def make_expired(d, cert, key):
    """A self-signed pair valid only in 2000 (openssl req in OpenSSL 3.0
    cannot back-date, openssl ca can)."""
    work = os.path.join(d, "ca")
    os.makedirs(work)
    with open(os.path.join(work, "ca.cnf"), "w") as f:
        f.write(CA_CONF)
    open(os.path.join(work, "index.txt"), "w").close()
    with open(os.path.join(work, "serial"), "w") as f:
        f.write("01\n")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out",
            "req.csr", "-subj", "/CN=old", cwd=work)
    openssl("ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile",
            key, "-in", "req.csr", "-out", cert, "-notext", "-startdate",
            "20000101000000Z", "-enddate", "20010101000000Z", cwd=work)
    shutil.rmtree(work)


if __name__ == "__main__":
    unittest.main()
