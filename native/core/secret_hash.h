// Secret hashing for ACL users (issue 7): secrets are kept only as salted,
// deliberately slow crypt(3) hashes, never as given.
//
// New secrets are hashed with yescrypt ("$y$..."), the scrypt-based hash
// Debian uses for /etc/shadow, at libxcrypt's default cost (about 18 ms on
// the 2-core CI machine: ACL SETUSER >secret pays it once). A hash made
// elsewhere (`mkpasswd -m yescrypt`, or sha512crypt "$6$", bcrypt "$2b$",
// scrypt "$7$") is accepted with `#<hash>` when libxcrypt rates its method
// and cost as good for new hashes (crypt_checksalt() == CRYPT_SALT_OK), so
// legacy DES/MD5 hashes are refused.
//
// Every function here is pure and thread-safe (crypt_rn with a private
// work area), so verifying runs on a worker thread, off the event loop.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bytes.h"

namespace ember {

// A new salted hash of `secret`, or nullopt with `error` set (a secret
// holding a NUL byte, which crypt(3) cannot take, or no entropy for a salt).
std::optional<std::string> hashSecret(ByteView secret, std::string& error);

// Whether `hash` is a crypt(3) hash this module accepts for `#<hash>`.
bool isAcceptedSecretHash(std::string_view hash);

// Whether `secret` hashes to `hash` (the comparison takes the same time
// wherever the two first differ).
bool secretMatches(std::string_view hash, ByteView secret);

}  // namespace ember
