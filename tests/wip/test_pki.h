// test_pki.h: a throw-away PKI for the SSL suites, made once per test binary with the
// openssl CLI in a temporary directory removed at exit: root CA (self-signed), intermediate
// CA (signed by the root, pathlen 0), a server leaf for localhost / server.test / 127.0.0.1
// and one for other.test (both signed by the intermediate, valid 30 days from now), and a
// client certificate signed by the root. ECDSA P-256 keys. TestPki::get() returns nullptr
// when the openssl CLI is missing or fails (the caller skips).
#ifndef TEST_PKI_H
#define TEST_PKI_H

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

struct TestPki {
    static constexpr const char *kOpenssl = "/usr/bin/openssl";
    static constexpr long kLeafDays = 30;      // leaves: now .. now + 30 days
    static constexpr long kCaDays = 3650;      // CAs: now .. now + 10 years

    std::string dir;
    // Paths.
    std::string root_pem, root_der, inter_pem, inter_key;
    std::string leaf_pem, leaf_key, leaf_chain;     // chain: leaf, intermediate, key
    std::string other_pem, other_key, other_chain;
    std::string client_pem, client_key;
    std::string cas_pem;                            // root + intermediate (peer's cafile)
    // Texts.
    std::string root_text, inter_text, leaf_text, client_text, client_key_text;
    std::string root_der_bytes;
    long long made_at = 0;                          // host time the certificates start

    static const TestPki *get()
    {
        static TestPki pki;   // made on first use, removed at exit
        return pki.ok ? &pki : nullptr;
    }
    ~TestPki()
    {
        if (!dir.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    }
    TestPki(const TestPki &) = delete;
    TestPki &operator=(const TestPki &) = delete;
    static bool have_openssl() { return access(kOpenssl, X_OK) == 0; }

    static std::string slurp(const std::string &path)
    {
        std::ifstream in(path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

private:
    bool ok = false;

    TestPki() { ok = make(); }

    bool make()
    {
        if (!have_openssl())
            return false;
        char tmpl[] = "/tmp/oatemu-pki-XXXXXX";
        if (!mkdtemp(tmpl))
            return false;
        dir = tmpl;
        auto p = [&](const char *f) { return dir + "/" + f; };
        std::ofstream(p("pki.cnf")) << R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,DNS:server.test,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[other]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[client]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
)";
        const std::string script = std::string("set -e\ncd '") + dir + "'\nO=" + kOpenssl + "\n" +
            R"(key() { $O genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }
csr() { $O req -new -config pki.cnf -key "$1.key" -subj "$2" -out "$1.csr"; }
sign() { $O x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -set_serial "$3" \
           -days "$4" -extfile pki.cnf -extensions "$5" -out "$1.pem"; }
key root
$O req -x509 -new -config pki.cnf -extensions root -key root.key \
   -subj "/O=oatemu tests/CN=oatemu test root" -days )" + std::to_string(kCaDays) +
            R"( -set_serial 1 -out root.pem
$O x509 -in root.pem -outform DER -out root.der
key inter; csr inter "/O=oatemu tests/CN=oatemu test intermediate"
sign inter root 2 )" + std::to_string(kCaDays) + R"( inter
key leaf; csr leaf "/O=oatemu tests/CN=server.test"
sign leaf inter 3 )" + std::to_string(kLeafDays) + R"( leaf
key other; csr other "/O=oatemu tests/CN=other.test"
sign other inter 4 )" + std::to_string(kLeafDays) + R"( other
key client; csr client "/O=oatemu tests/CN=oatemu test client"
sign client root 5 )" + std::to_string(kLeafDays) + R"( client
cat leaf.pem inter.pem leaf.key > leaf_chain.pem
cat other.pem inter.pem other.key > other_chain.pem
cat root.pem inter.pem > cas.pem
)";
        std::ofstream(p("make.sh")) << script;
        made_at = (long long)time(nullptr);
        std::string cmd = "sh '" + p("make.sh") + "' >'" + p("make.log") + "' 2>&1";
        if (std::system(cmd.c_str()) != 0) {
            std::fprintf(stderr, "test_pki: openssl failed:\n%s\n", slurp(p("make.log")).c_str());
            return false;
        }
        root_pem = p("root.pem");
        root_der = p("root.der");
        inter_pem = p("inter.pem");
        inter_key = p("inter.key");
        leaf_pem = p("leaf.pem");
        leaf_key = p("leaf.key");
        leaf_chain = p("leaf_chain.pem");
        other_pem = p("other.pem");
        other_key = p("other.key");
        other_chain = p("other_chain.pem");
        client_pem = p("client.pem");
        client_key = p("client.key");
        cas_pem = p("cas.pem");
        root_text = slurp(root_pem);
        inter_text = slurp(inter_pem);
        leaf_text = slurp(leaf_pem);
        client_text = slurp(client_pem);
        client_key_text = slurp(client_key);
        root_der_bytes = slurp(root_der);
        return !root_text.empty() && !inter_text.empty() && !leaf_text.empty() &&
               !client_key_text.empty() && !root_der_bytes.empty();
    }
};

#endif
