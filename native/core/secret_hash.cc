// Secret hashing: see secret_hash.h.
#include "secret_hash.h"

#include <crypt.h>

#include <cstring>
#include <memory>

namespace ember {
namespace {

// crypt_rn's work area is ~32 KiB: on the heap, one per call.
std::unique_ptr<crypt_data> newWorkArea() {
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  return data;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); i++) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The result of hashing `secret` with the method and salt of `setting`,
// or "" when crypt(3) refuses.
std::string cryptWith(ByteView secret, const std::string& setting) {
  if (secret.find('\0') != ByteView::npos) return {};
  const std::string phrase(secret);
  std::unique_ptr<crypt_data> work = newWorkArea();
  const char* out = crypt_rn(phrase.c_str(), setting.c_str(), work.get(), sizeof(crypt_data));
  // On failure crypt_rn returns NULL or a string starting with '*'.
  if (!out || out[0] == '*') return {};
  return out;
}

}  // namespace

std::optional<std::string> hashSecret(ByteView secret, std::string& error) {
  if (secret.find('\0') != ByteView::npos) {
    error = "a secret cannot hold a NUL byte";
    return std::nullopt;
  }
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // Count 0: libxcrypt's default cost; no entropy passed: it reads the
  // kernel's random source itself.
  if (!crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof setting)) {
    error = std::string("no salt: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::string hash = cryptWith(secret, setting);
  if (hash.empty()) {
    error = "crypt(3) refused the secret";
    return std::nullopt;
  }
  return hash;
}

bool isAcceptedSecretHash(std::string_view hash) {
  if (hash.empty() || hash[0] != '$' || hash.size() > 512) return false;
  for (char c : hash) {
    if (c <= ' ' || c > '~') return false;  // printable, no spaces: one word of an ACL line
  }
  const std::string text(hash);
  if (crypt_checksalt(text.c_str()) != CRYPT_SALT_OK) return false;
  // A setting alone (salt, no hash) passes crypt_checksalt: ask crypt to
  // rehash with it and require the result to have the same shape.
  return cryptWith("x", text).size() == hash.size();
}

bool secretMatches(std::string_view hash, ByteView secret) {
  const std::string computed = cryptWith(secret, std::string(hash));
  return !computed.empty() && constantTimeEquals(computed, hash);
}

}  // namespace ember
